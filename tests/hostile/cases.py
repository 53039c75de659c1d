"""The hostile-input corpus: each case makes its inputs in a fresh folder and names the command to run.

Conventions: inputs are written under `in/` (templates under `tpl/`), the command runs in the case's
folder and writes to `out/`. A payload that would prove code ran creates the file MARKER or prints `uid=`.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from hostile import make
from hostile.runner import Run

MARKER = "PWNED"
PAYLOAD = f"touch {MARKER}; id"
# The classic escapes from a plain Jinja environment, each of which ran PAYLOAD before the sandbox.
RCE_TAGS = {
    "globals": "{{ cycler.__init__.__globals__.os.popen('%s').read() }}" % PAYLOAD,
    "attr-filter": "{{ ((cycler|attr('__init__'))|attr('__globals__')).os.popen('%s').read() }}" % PAYLOAD,
    "getitem": "{{ cycler['__init__']['__globals__']['os'].popen('%s').read() }}" % PAYLOAD,
    "dynamic-name": "{{ (cycler[('_' ~ '_init__')][('_' ~ '_globals__')]).os.popen('%s').read() }}" % PAYLOAD,
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "false-branch": "{% if false %}{{ joiner.__init__.__globals__.os.popen('" + PAYLOAD + "').read() }}{% endif %}",
    "self-context": "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('%s').read() }}"
                    % PAYLOAD,
}
UNSAFE = r"(通报|问题清单)\.docx.*(不允许的属性|被拦截)"

W_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class Case:
    """One hostile input or fault, and what `rectify` must do with it."""

    id: str
    setup: Callable[[Path], list[str]]
    code: int
    says: str  # a regex the output must match: Chinese, naming the place (sheet!cell, template, file)
    builds: bool = False  # a build folder must be written (its documents are validated)
    verify: Callable[[Path, Run], None] | None = None
    unsafe_ok: tuple[str, ...] = field(default_factory=tuple)


def _build_with_templates(name: str, edit: Callable[[make.Parts], None]) -> Callable[[Path], list[str]]:
    def setup(d: Path) -> list[str]:
        make.templates(d / "tpl", name, edit)
        return ["build", "-t", "tpl", "-o", "out", str(make.ledger(d / "in" / "台账.xlsx"))]
    return setup


def _check_templates(name: str, edit: Callable[[make.Parts], None]) -> Callable[[Path], list[str]]:
    def setup(d: Path) -> list[str]:
        make.templates(d / "tpl", name, edit)
        return ["templates", "check", "tpl"]
    return setup


CASES: list[Case] = []


def case(*args: object, **kwargs: object) -> None:
    """Add a case to the corpus."""
    CASES.append(Case(*args, **kwargs))  # type: ignore[arg-type]


# --- 1. templates cannot run code ------------------------------------------------------------------

for key, tag in RCE_TAGS.items():
    case(f"tpl-rce-{key}-build", _build_with_templates("通报.docx", make.tag_in_body(tag)), 1, UNSAFE)
    case(f"tpl-rce-{key}-check", _check_templates("通报.docx", make.tag_in_body(tag)), 1, UNSAFE)
case("tpl-rce-in-checklist", _build_with_templates("问题清单.docx", make.tag_in_body(RCE_TAGS["globals"],
                                                                                    "问题清单.docx")), 1, UNSAFE)


def _core_title(tag: str) -> Callable[[make.Parts], None]:
    def edit(parts: make.Parts) -> None:
        text = parts["docProps/core.xml"].decode("utf-8")
        import re
        text = re.sub(r"<dc:title>[^<]*</dc:title>|<dc:title/>", "", text)
        text = text.replace("</cp:coreProperties>", f"<dc:title>{tag}</dc:title></cp:coreProperties>")
        parts["docProps/core.xml"] = text.replace("&&", "&amp;&amp;").encode("utf-8")
    return edit


case("tpl-rce-in-document-properties", _check_templates("通报.docx", _core_title(
    RCE_TAGS["getitem"].replace("'", "&apos;"))), 1, r"通报\.docx.*(被拦截|不允许)")

_BOMBS = {
    "range": ("{% for i in range(10**9) %}{% endfor %}", "循环次数过多"),
    "nested-loops": ("{% for i in range(5000) %}{% for j in range(5000) %}{% endfor %}{% endfor %}", "循环次数过多"),
    "string-multiply": ("{{ 'x' * 10**9 }}", "文字过长"),
    "string-doubling": ("{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
                        "{% endfor %}{{ ns.s }}", "文字过长"),
    "center-width": ("{{ 'x'|center(10**9) }}", "数值参数过大"),
    "format-width": ("{{ '%999999999s' % 'x' }}", "宽度"),
    "power": ("{{ 9 ** (9 ** 9) }}", "乘方数值过大"),
    "recursion": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "无限嵌套"),
    "method-call": ("{{ 'x'.ljust(10**9) }}", "不允许的函数或方法"),
}
for key, (tag, words) in _BOMBS.items():
    case(f"tpl-bomb-{key}", _check_templates("通报.docx", make.tag_in_body(tag)), 1, rf"通报\.docx.*{words}")
case("tpl-bomb-range-build", _build_with_templates("通报.docx", make.tag_in_body(_BOMBS["range"][0])), 1,
     r"通报\.docx.*循环次数过多")

# --- 2. template parts that must never reach a document ----------------------------------------------

case("tpl-attached-template-external", _build_with_templates("通报.docx", make.add_relationship(
    "word/_rels/settings.xml.rels", f"{W_NS}/attachedTemplate", "http://evil.example/t.dotm")), 1,
    r"通报\.docx.*外部链接.*attachedTemplate")
case("tpl-hyperlink-external", _check_templates("任务清单.docx", make.add_relationship(
    "word/_rels/document.xml.rels", f"{W_NS}/hyperlink", "http://evil.example/")), 1,
    r"任务清单\.docx.*外部链接.*hyperlink")
case("tpl-image-external", _check_templates("通报.docx", make.add_relationship(
    "word/_rels/document.xml.rels", f"{W_NS}/image", "file://server/share/x.png")), 1, r"通报\.docx.*外部链接")


def _add_vba(parts: make.Parts) -> None:
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\0" * 512
    make.add_relationship("word/_rels/document.xml.rels", "http://schemas.microsoft.com/office/2006/relationships/"
                          "vbaProject", "vbaProject.bin", external=False)(parts)
    make.sub(parts, "[Content_Types].xml", "</Types>", '<Override PartName="/word/vbaProject.bin" '
             'ContentType="application/vnd.ms-office.vbaProject"/></Types>')


def _add_ole(parts: make.Parts) -> None:
    parts["word/embeddings/oleObject1.bin"] = b"\xd0\xcf\x11\xe0" + b"\0" * 512
    make.add_relationship("word/_rels/document.xml.rels", f"{W_NS}/oleObject", "embeddings/oleObject1.bin",
                          external=False)(parts)


def _add_field(parts: make.Parts) -> None:
    make.sub(parts, "word/document.xml", "<w:body>",
             '<w:body><w:p><w:fldSimple w:instr=" INCLUDEPICTURE &quot;http://evil.example/x.png&quot; '
             '\\d "/></w:p>')


def _add_altchunk(parts: make.Parts) -> None:
    make.sub(parts, "word/document.xml", "<w:body>", '<w:body><w:altChunk r:id="rIdHostile"/>')
    make.add_relationship("word/_rels/document.xml.rels", f"{W_NS}/aFChunk", "chunk.mht", external=False)(parts)
    parts["word/chunk.mht"] = b"MIME-Version: 1.0\r\n\r\n<html>x</html>"


case("tpl-vba-project", _build_with_templates("通报.docx", _add_vba), 1, r"通报\.docx.*宏")
case("tpl-ole-object", _check_templates("责任清单.docx", _add_ole), 1, r"责任清单\.docx.*嵌入对象")
case("tpl-includepicture-field", _build_with_templates("通报.docx", _add_field), 1, r"通报\.docx.*INCLUDEPICTURE")
case("tpl-altchunk", _check_templates("通报.docx", _add_altchunk), 1, r"通报\.docx.*嵌入")


def _template_bomb(parts: make.Parts) -> None:
    parts["word/media/huge.bin"] = make.big_zero_part(80 * 1024 * 1024)


case("tpl-zip-bomb", _check_templates("问题清单.docx", _template_bomb), 1, r"问题清单\.docx.*huge\.bin.*上限")

# --- already handled template faults -------------------------------------------------------------------

case("tpl-syntax-error", _check_templates("通报.docx", make.tag_in_body("{% if intro %}{{ intro }}")), 1,
     r"通报\.docx.*语法错误")
case("tpl-fullwidth-braces", _check_templates("通报.docx", make.tag_in_body("｛｛ intro ｝｝")), 1,
     r"通报\.docx.*全角")
case("tpl-unknown-variable", _check_templates("通报.docx", make.tag_in_body("{{ intor }}")), 1,
     r"通报\.docx.*intor")


def _not_a_docx(d: Path) -> list[str]:
    make.templates(d / "tpl")
    (d / "tpl" / "责任清单.docx").write_bytes(b"this is not a Word document")
    return ["build", "-t", "tpl", "-o", "out", str(make.ledger(d / "in" / "台账.xlsx"))]


case("tpl-not-a-docx", _not_a_docx, 1, r"责任清单\.docx.*无法打开")


def _jinja_in_cells(d: Path) -> list[str]:
    def change(data: dict) -> None:
        data["problems"][0]["progress"] = RCE_TAGS["globals"] + "{% for i in range(10**9) %}x{% endfor %}"
        data["info"]["issuer"] = "{{ 7*7 }}" + RCE_TAGS["getitem"][:60]
    return ["build", "-o", "out", str(make.ledger(d / "in" / "台账.xlsx", change))]


def _printed_literally(d: Path, run: Run) -> None:
    folder = next(p for p in (d / "out").iterdir() if not p.name.startswith("."))
    body = zipfile.ZipFile(folder / "01_通报.docx").read("word/document.xml").decode("utf-8")
    assert "cycler.__init__.__globals__" in body and "{{ 7*7 }}" in body and "49" not in body.split("{{ 7*7 }}")[0][-5:]


case("wb-jinja-in-cells-is-text", _jinja_in_cells, 0, r"已生成", builds=True, verify=_printed_literally)

_ = os  # used by later cases
