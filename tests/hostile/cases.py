"""The hostile-input corpus: each case makes its inputs in a fresh folder and names the command to run.

Conventions: inputs are written under `in/` (templates under `tpl/`), the command runs in the case's
folder and writes to `out/`. A payload that would prove code ran creates the file MARKER or prints `uid=`.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hostile import make
from hostile.runner import Run
from pipeline import api

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
    file_size: int | None = None  # RLIMIT_FSIZE for the run: writes beyond it fail as on a full disk
    stdout: str | None = None  # where the command's stdout goes instead of a file (/dev/full: a full disk)
    environ: Callable[[Path], dict[str, str | None]] | None = None  # variables for the run (None: unset)
    max_added_mb: float | None = None  # the child's peak resident memory above the test process's, at most
    build_seconds: float | None = None  # the run's render budget (sandbox.MAX_BUILD_SECONDS) for this case


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
case("tpl-rce-dynamic-name-tag-named", _check_templates("通报.docx", make.tag_in_body(RCE_TAGS["dynamic-name"])), 1,
     r"通报\.docx.*标签“\{\{ \(cycler\[\('_' ~ '_init__'\)\].*被拦截")
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

case("tpl-syntax-error", _check_templates("通报.docx", make.tag_in_body("{% if title %}{{ title }}")), 1,
     r"通报\.docx.*语法错误")
case("tpl-fullwidth-braces", _check_templates("通报.docx", make.tag_in_body("｛｛ title ｝｝")), 1,
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
    folder = next(p for p in (d / "out").iterdir() if p.is_dir() and not p.name.startswith("."))
    body = zipfile.ZipFile(folder / "01_通报.docx").read("word/document.xml").decode("utf-8")
    assert "cycler.__init__.__globals__" in body and "{{ 7*7 }}" in body and "49" not in body.split("{{ 7*7 }}")[0][-5:]


case("wb-jinja-in-cells-is-text", _jinja_in_cells, 0, r"已生成", builds=True, verify=_printed_literally)


# --- 3. workbook files: inspected before openpyxl parses them --------------------------------------------

def _wb(d: Path, name: str = "台账.xlsx", change: Callable[[dict], None] | None = None,
        edit: Callable[[object], None] | None = None) -> Path:
    return make.ledger(d / "in" / name, change, edit)


def _check(path_of: Callable[[Path], Path], *extra: str) -> Callable[[Path], list[str]]:
    def setup(d: Path) -> list[str]:
        return ["check", *extra, str(path_of(d).relative_to(d))]
    return setup


def _build(path_of: Callable[[Path], Path], *extra: str) -> Callable[[Path], list[str]]:
    def setup(d: Path) -> list[str]:
        return ["build", "-o", "out", *extra, str(path_of(d).relative_to(d))]
    return setup


def _fifo(d: Path) -> Path:
    (d / "in").mkdir()
    os.mkfifo(d / "in" / "x.xlsx")
    return d / "in" / "x.xlsx"


def _folder(d: Path) -> Path:
    (d / "in" / "文件夹.xlsx").mkdir(parents=True)
    return d / "in" / "文件夹.xlsx"


def _raw(data: bytes, name: str = "台账.xlsx") -> Callable[[Path], Path]:
    def make_file(d: Path) -> Path:
        (d / "in").mkdir(exist_ok=True)
        (d / "in" / name).write_bytes(data)
        return d / "in" / name
    return make_file


def _edited(edit: Callable[[make.Parts, Path], None], name: str = "台账.xlsx",
            change: Callable[[dict], None] | None = None) -> Callable[[Path], Path]:
    def make_file(d: Path) -> Path:
        path = _wb(d, name, change)
        parts = make.read_parts(path)
        edit(parts, path)
        make.write_parts(path, parts)
        return path
    return make_file


def _cell(new: str, sheet: str = "问题", old: str = '<c r="A3" t="inlineStr"><is><t>2</t></is></c>'
          ) -> Callable[[make.Parts, Path], None]:
    def edit(parts: make.Parts, path: Path) -> None:
        make.sub(parts, make.sheet_part(path, sheet), old, new)
    return edit


def _bomb_sheet(d: Path) -> Path:
    path = _wb(d)
    make.stream_big_sheet(path, make.sheet_part(path, "措施"), rows=400_000)
    return path


def _many_cells(d: Path) -> Path:
    path = _wb(d)
    make.many_cells_sheet(path, make.sheet_part(path, "措施"), cells=1_300_000)
    return path


def _many_parts(d: Path) -> Path:
    path = _wb(d)
    parts = make.read_parts(path)
    for i in range(6000):
        parts[f"customXml/item{i}.xml"] = b"<a/>"
    make.write_parts(path, parts)
    return path


def _entity(kind: str) -> Callable[[make.Parts, Path], None]:
    def edit(parts: make.Parts, path: Path) -> None:
        part = make.sheet_part(path, "问题")
        text = parts[part].decode("utf-8")
        if kind == "xxe":
            dtd = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            text = text.replace("<t>2</t>", "<t>&xxe;</t>", 1)
        else:
            dtd = ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                   '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
                   '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
                   '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>')
            text = text.replace("<t>2</t>", "<t>&h;</t>", 1)
        if text.startswith("<?xml"):
            head, _, rest = text.partition("?>")
            text = head + "?>" + dtd + rest
        else:
            text = dtd + text
        parts[part] = text.encode("utf-8")
    return edit


case("wb-named-pipe", _check(_fifo), 1, r"x\.xlsx.*命名管道")
case("wb-named-pipe-build", _build(_fifo), 1, r"x\.xlsx.*命名管道")
case("wb-folder-named-xlsx", _check(_folder), 1, r"文件夹\.xlsx.*文件夹")
case("wb-zip-bomb-sheet", _build(_bomb_sheet), 1, r"台账\.xlsx.*xl/worksheets/sheet\d+\.xml.*(上限|压缩比)")
case("wb-too-many-cells", _build(_many_cells), 1, r"台账\.xlsx.*单元格超过.*sheet\d\.xml")
case("wb-too-many-parts", _check(_many_parts), 1, r"台账\.xlsx.*部件.*上限")
case("wb-empty-file", _check(_raw(b"")), 1, r"台账\.xlsx.*空文件")
case("wb-csv-renamed", _check(_raw("编号,方面\n1,甲\n".encode("gbk"))), 1, r"台账\.xlsx.*CSV")
case("wb-old-xls", _check(_raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)), 1, r"台账\.xlsx.*\.xls")
case("wb-encrypted", _check(_raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
                                + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100)), 1, r"台账\.xlsx.*密码")
case("wb-truncated", _check(lambda d: _raw(_wb(d).read_bytes()[:3000])(d)), 1, r"台账\.xlsx.*(损坏|不完整)")
case("wb-lock-file", _check(lambda d: _raw(b"\0" * 165, "~$台账.xlsx")(d)), 1, r"~\$台账\.xlsx.*锁定文件")
case("wb-missing-file", lambda d: ["check", "in/没有这个文件.xlsx"], 1, r"没有这个文件\.xlsx")
case("wb-xxe", _check(_edited(_entity("xxe"))), 1, r"台账\.xlsx.*xl/worksheets/sheet\d\.xml.*DTD")
case("wb-billion-laughs", _build(_edited(_entity("laughs"))), 1, r"台账\.xlsx.*xl/worksheets/sheet\d\.xml.*DTD")

# --- values openpyxl cannot convert: the message names sheet!cell ---------------------------------------------

case("wb-text-in-number-cell", _check(_edited(_cell('<c r="A3" t="n"><v>abc</v></c>'))), 1, r"问题!A3.*不是数字")
case("wb-shared-string-out-of-range", _check(_edited(_cell('<c r="A3" t="s"><v>999</v></c>'))), 1,
     r"问题!A3.*共享文字")
case("wb-nan-date-cell", _build(_edited(_cell('<c r="A3" t="d"><v>NaN</v></c>'))), 1, r"问题!A3.*不是日期")
case("wb-bad-boolean-cell", _check(_edited(_cell('<c r="A3" t="b"><v>x</v></c>'))), 1, r"问题!A3.*逻辑值")
case("wb-bad-cell-address", _check(_edited(_cell('<c r="ZZZZZ3"><v>1</v></c>'))), 1, r"问题!ZZZZZ3.*地址")
case("wb-bad-style-index", _check(_edited(_cell('<c r="A3" s="999"><v>2</v></c>'))), 1, r"问题!A3.*格式")

# --- 4. sheets ------------------------------------------------------------------------------------------------


def _hidden_outdated(wb: object) -> None:
    ws = wb["问题"]  # type: ignore[index]
    new = wb.copy_worksheet(ws)  # type: ignore[attr-defined]
    new.title = "问题（修订）"
    new["E2"] = "修订后的整改进展。"
    ws["E2"] = "过时的整改进展。"
    ws.sheet_state = "hidden"


def _revised_text_used(d: Path, run: Run) -> None:
    folder = next(p for p in (d / "out").iterdir() if p.is_dir() and not p.name.startswith("."))
    body = zipfile.ZipFile(folder / "01_通报.docx").read("word/document.xml").decode("utf-8")
    assert "修订后的整改进展" in body and "过时的整改进展" not in body


def _only_hidden(wb: object) -> None:
    wb["问题"].sheet_state = "hidden"  # type: ignore[index]


def _twin(title: str, source: str = "问题") -> Callable[[object], None]:
    def edit(wb: object) -> None:
        wb.copy_worksheet(wb[source]).title = title  # type: ignore[index,attr-defined]
    return edit


def _renamed_twice(wb: object) -> None:
    wb["问题"].title = "问题（一）"  # type: ignore[index]
    wb.copy_worksheet(wb["问题（一）"]).title = "问题（二）"  # type: ignore[index,attr-defined]


def _hide_rows(wb: object) -> None:
    ws = wb["措施"]  # type: ignore[index]
    ws.row_dimensions[3].hidden = True
    ws.row_dimensions[4].hidden = True


def _header_merged(wb: object) -> None:
    ws = wb["问题"]  # type: ignore[index]
    ws["B2"] = None
    ws.merge_cells("B1:B2")


def _header_low(wb: object) -> None:
    ws = wb["措施"]  # type: ignore[index]
    ws.insert_rows(1, 14)
    ws["A1"] = "某某单位巡察整改措施台账（第三次修订）"


case("wb-hidden-outdated-sheet", _build(lambda d: _wb(d, edit=_hidden_outdated)), 0,
     r"问题.*隐藏.*问题（修订）", builds=True, verify=_revised_text_used)
case("wb-only-sheet-hidden", _check(lambda d: _wb(d, edit=_only_hidden)), 1, r"问题.*隐藏.*取消隐藏")
case("wb-two-sheets-differ-by-width", _build(lambda d: _wb(d, edit=_twin("问　题"))), 1,
     r"“问题”、“问　题”都像是")
case("wb-two-renamed-sheets-match", _check(lambda d: _wb(d, edit=_renamed_twice)), 1,
     r"“问题（一）”、“问题（二）”都像是")
case("wb-hidden-rows", _build(lambda d: _wb(d, edit=_hide_rows)), 0, r"措施!3:3.*第 3–4 行是隐藏行", builds=True)
case("wb-header-merged-into-data", _check(lambda d: _wb(d, edit=_header_merged)), 1,
     r"问题!B2.*必须填写.*问题!B1.*表头单元格向下合并")
case("wb-header-row-low", _build(lambda d: _wb(d, edit=_header_low)), 0, r"措施!15:15.*表头在第 15 行", builds=True)

# --- 5. lengths the formats limit, names the file systems limit ----------------------------------------------


def _info(**values: str) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        data["info"].update(values)
    return change


def _folder_fits(d: Path, run: Run) -> None:
    folders = [p for p in (d / "out").iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert folders and all(len(os.fsencode(p.name)) <= 255 for p in folders), folders


def _non_utf8(d: Path) -> str:
    (d / "in").mkdir()
    good = make.ledger(d / "in" / "tmp.xlsx")
    raw = os.fsencode(str(d / "in")) + b"/\xff\xfe\xe4\xb8\x8a.xlsx"
    os.rename(good, raw)
    return "in/" + os.fsdecode(b"\xff\xfe\xe4\xb8\x8a.xlsx")


def _json_readable(d: Path, run: Run) -> None:
    import json
    (report,) = json.loads(run.out)
    assert report["ok"] is True and "\ufffd" in report["file"]


def _manifest_readable(d: Path, run: Run) -> None:
    import json
    (folder,) = [p for p in (d / "out").iterdir() if p.is_dir() and not p.name.startswith(".")]
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert "\ufffd" in manifest["输入"]["文件名"]


_B = {c.key: f"B{i}" for i, c in enumerate(__import__("pipeline.ledger.schema", fromlist=["INFO"]).INFO.columns, start=2)}
case("wb-title-300-chars", _check(lambda d: _wb(d, change=_info(title="关于" * 150))), 1,
     rf"基本信息!{_B['title']}.*标题.*太长.*255")
case("wb-title-32767-chars", _build(lambda d: _wb(d, change=_info(title="整" * 32767))), 1,
     rf"基本信息!{_B['title']}.*太长")
case("wb-issuer-300-chars", _build(lambda d: _wb(d, change=_info(issuer="中共" * 150))), 1,
     rf"基本信息!{_B['issuer']}.*发文机关.*太长")
case("wb-group-makes-title-too-long", _check(lambda d: _wb(d, change=_info(group="第一巡察组" * 50))), 1,
     rf"基本信息!{_B['group']}.*太长")
case("wb-doc-number-astral", _build(lambda d: _wb(d, change=_info(doc_number="\U00020000" * 120))), 0,
     rf"基本信息!{_B['doc_number']}.*文件夹名只能用前面一部分", builds=True, verify=_folder_fits)
case("wb-doc-number-path-traversal", _build(lambda d: _wb(d, change=_info(doc_number="../../../../tmp/evil"))), 0,
     r"已生成 /\S*/out/", builds=True)
case("wb-doc-number-device-name", _build(lambda d: _wb(d, change=_info(doc_number="CON"))), 0, r"已生成 /\S*/out/",
     builds=True)
case("wb-name-not-utf8-json", lambda d: ["check", "--json", _non_utf8(d)], 0, r'"file": "in/\ufffd', verify=_json_readable)
case("wb-name-not-utf8-build", lambda d: ["build", "-o", "out", _non_utf8(d)], 0, r"已生成", builds=True,
     verify=_manifest_readable)

# --- 6. faults around the output folder ---------------------------------------------------------------------


def _dead_pid() -> int:
    import subprocess
    import sys
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _interrupted_replace(d: Path) -> list[str]:
    """State left by `build --force` killed between its two renames: the old build only in .rectify-old-…"""
    from conftest import TEMPLATES
    path = _wb(d)
    (first,) = api.build_many([path], TEMPLATES, d / "out")
    old = d / "out" / f".rectify-old-{_dead_pid()}-x1"
    old.mkdir()
    (old / "target-name.txt").write_text(first.folder.name, "utf-8")
    os.replace(first.folder, old / "build")
    (d / "expected-name.txt").write_text(first.folder.name, "utf-8")
    return ["build", "-o", "out", "--force", str(path.relative_to(d))]


def _restored(d: Path, run: Run) -> None:
    name = (d / "expected-name.txt").read_text("utf-8")
    assert (d / "out" / name / "manifest.json").is_file()
    assert [p.name for p in (d / "out").iterdir() if p.is_dir()] == [name]


def _stale_tmp(d: Path) -> list[str]:
    tmp = d / "out" / f".rectify-tmp-{_dead_pid()}-x2"
    tmp.mkdir(parents=True)
    (tmp / "01_通报.docx").write_bytes(b"half written")
    return ["build", "-o", "out", str(_wb(d).relative_to(d))]


def _output_is_file(d: Path) -> list[str]:
    (d / "out").write_text("not a folder", "utf-8")
    return ["build", "-o", "out/sub", str(_wb(d).relative_to(d))]


case("fault-force-killed-between-renames", _interrupted_replace, 0, r"已恢复原来的生成结果", builds=True,
     verify=_restored)
case("fault-stale-temporary-folder", _stale_tmp, 0, r"已生成 /\S*/out/", builds=True)
case("fault-output-is-a-file", _output_is_file, 1, r"“out”已存在但不是文件夹")

# --- 7. messages: every value named at its cell, nothing English, output bounded ----------------------------

from conftest import col_letter  # noqa: E402


def _set(sheet_key: str, row: int, col_key: str, value: object) -> Callable[[object], None]:
    from pipeline.ledger import schema
    sheet = schema.SHEETS_BY_KEY[sheet_key].name

    def edit(wb: object) -> None:
        wb[sheet][f"{col_letter(sheet_key, col_key)}{row}"] = value  # type: ignore[index]
    return edit


def _many_bad_rows(wb: object) -> None:
    ws = wb["问题"]  # type: ignore[index]
    for r in range(5, 8005):
        ws.append([str(r), "关于甲方面", "甲问题", f"具体{r}", "进展。", "做完了", "是"])


def _short_output(d: Path, run: Run) -> None:
    assert len(run.text) < 60_000, len(run.text)
    assert "另有 7980 个未列出" in run.text


def _validation_extension(parts: make.Parts, path: Path) -> None:
    part = make.sheet_part(path, "措施")
    make.sub(parts, part, "</worksheet>",
             '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
             'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
             '<x14:dataValidations count="0"/></ext></extLst></worksheet>')


def _formula_without_value(wb: object) -> None:
    wb["问题"]["A3"] = "=1+1"  # type: ignore[index]


M_DEADLINE = col_letter("measures", "deadline")
M_STATUS = col_letter("measures", "status")
P_ID = col_letter("problems", "id")
P_PROGRESS = col_letter("problems", "progress")
case("msg-8000-rows-of-errors-capped", _check(lambda d: _wb(d, edit=_many_bad_rows)), 1,
     r"问题!F5.*做完了.*另有 7980 个未列出", verify=_short_output)
case("msg-openpyxl-warning-not-shown", _build(_edited(_validation_extension)), 0, r"已生成", builds=True)
case("msg-boolean-in-date", _check(lambda d: _wb(d, edit=_set("measures", 2, "deadline", True))), 1,
     rf"措施!{M_DEADLINE}2.*逻辑值“TRUE”")
case("msg-boolean-in-status", _check(lambda d: _wb(d, edit=_set("measures", 3, "status", False))), 1,
     rf"措施!{M_STATUS}3.*逻辑值“FALSE”")
case("msg-boolean-yes-no-is-fine", _build(lambda d: _wb(d, edit=_set("problems", 2, "public", True))), 0, r"已生成",
     builds=True)
case("msg-zero-width-in-id", _build(lambda d: _wb(d, edit=_set("problems", 2, "id", "1\u200b"))), 0,
     rf"问题!{P_ID}2.*U\+200B", builds=True)
case("msg-direction-override-in-issuer", _build(lambda d: _wb(d, change=_info(issuer="中共示例\u202e单位党组"))), 0,
     r"基本信息!B2.*U\+202E", builds=True)
case("msg-control-character", _check(lambda d: _wb(d, edit=_set("problems", 2, "progress", "进展_x0007_。"))), 1,
     rf"问题!{P_PROGRESS}2.*控制字符")
case("msg-formula-without-value", _check(lambda d: _wb(d, edit=_formula_without_value)), 1, r"问题!A3.*公式")
case("msg-impossible-date-text", _check(lambda d: _wb(d, edit=_set("measures", 2, "deadline", "2024年13月45日"))), 1,
     rf"措施!{M_DEADLINE}2.*2024年13月45日")
case("msg-excel-error-value", _check(lambda d: _wb(d, edit=_set("measures", 2, "deadline", "#N/A"))), 1,
     rf"措施!{M_DEADLINE}2.*#N/A")
case("msg-unknown-placeholder", _check(lambda d: _wb(d, edit=_set("narrative", 2, "text", "共{问题总数}个。"))), 1,
     r"正文!\w+2.*问题总数")
case("msg-huge-number-as-date", _check(lambda d: _wb(d, edit=_set("measures", 2, "deadline", 1e308))), 1,
     rf"措施!{M_DEADLINE}2")
case("msg-nan-number", _check(_edited(_cell('<c r="A3"><v>NaN</v></c>'))), 1, r"问题!A3.*NaN.*不是数字")

# --- more template shapes: references to other files, raw XML, nesting, oversized XML ---------------------------

case("tpl-include-other-file", _check_templates("通报.docx", make.tag_in_body("{% include '/etc/passwd' %}")), 1,
     r"通报\.docx.*include.*独立")
case("tpl-extends-other-file", _build_with_templates("通报.docx", make.tag_in_body("{% extends 'base.docx' %}")), 1,
     r"通报\.docx.*extends")
case("tpl-safe-filter-raw-xml", _build_with_templates("通报.docx", make.tag_in_body("{{ title|safe }}")), 1,
     r"通报\.docx.*\|safe")
case("tpl-deep-parentheses", _check_templates("通报.docx", make.tag_in_body("{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}")),
     1, r"通报\.docx.*嵌套层数太多")


def _huge_xml(parts: make.Parts) -> None:
    make.sub(parts, "word/document.xml", "<w:body>", "<w:body>" + "<w:p/>" * 2_000_000)


case("tpl-huge-document-xml", _check_templates("任务清单.docx", _huge_xml), 1, r"任务清单\.docx.*document\.xml.*上限")
case("wb-sheet-and-its-alias", _check(lambda d: _wb(d, edit=_twin("措施清单", "措施"))), 1, r"“措施”、“措施清单”都像是")
case("wb-visible-backup-copy-named", _build(lambda d: _wb(d, edit=_twin("问题（备份）"))), 0,
     r"问题（备份）.*表头与“问题”表相同，但没有读取", builds=True)


def _big_output_ledger(d: Path) -> list[str]:
    return ["build", "-o", "out", str(_wb(d).relative_to(d))]


case("fault-disk-full-while-writing", _big_output_ledger, 1, r"台账\.xlsx.*(磁盘空间不足|文件太大).*out", file_size=16 * 1024)


def _styles_bomb(parts: make.Parts, path: Path) -> None:
    import random
    import re
    rng = random.Random(1)
    xfs = "".join(f'<xf numFmtId="{rng.randint(0, 163)}" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                  for _ in range(200_000))
    text = parts["xl/styles.xml"].decode("utf-8")
    parts["xl/styles.xml"] = re.sub(r'<cellXfs count="\d+">', '<cellXfs count="200000">' + xfs, text,
                                    count=1).encode("utf-8")


case("wb-styles-bloated", _check(_edited(_styles_bomb)), 1, r"台账\.xlsx.*xl/styles\.xml.*XML 部件的上限")


def _merge_everything(parts: make.Parts, path: Path) -> None:
    part = make.sheet_part(path, "措施")
    make.sub(parts, part, "</sheetData>",
             '</sheetData><mergeCells count="1"><mergeCell ref="A100:Z400000"/></mergeCells>')


case("wb-merged-range-bomb", _build(_edited(_merge_everything)), 1, r"台账\.xlsx.*合并单元格.*sheet\d\.xml")


# --- 8. round 3: values built in one step, fields as Word writes them, an untrusted output folder, the
# environment ---------------------------------------------------------------------------------------------

_BIG = "{% set s = 'x' * 3000000 %}"
_ONE_STEP = {
    "join-over-range": ("{% set s = 'x' * 1000000 %}{{ range(10000)|join(s) }}", "文字过长"),
    "repr-of-list": (_BIG + "{{ [s] * 1000 }}", "文字过长"),
    "nested-lists": (_BIG + "{% set a = [s, s] %}{% set b = [a, a, a, a] %}{{ [b, b, b, b] }}", "文字过长"),
    "concat-chain": (_BIG + "{{ (" + " ~ ".join(["s"] * 80) + ")|length }}", "文字过长"),
    "indent-lines": ("{% set s = 'x\n' * 1900000 %}{{ s|indent(9000)|length }}", "文字过长"),
    "nested-format-width": ("{{ '{:{}}'.format('x', '999999999') }}", "宽度"),
    "many-tags": ("{{ 1 }}" * 30000, "标签过多"),
}
for key, (tag, words) in _ONE_STEP.items():
    case(f"tpl-bomb-{key}", _build_with_templates("通报.docx", make.tag_in_body(tag)), 1, rf"通报\.docx.*{words}")


def _field_in(part: str, anchor: str, *pieces: str) -> Callable[[make.Parts], None]:
    """A complex field whose instruction Word split over one run per piece, put after `anchor` in `part`."""
    runs = ['<w:r><w:fldChar w:fldCharType="begin"/></w:r>']
    runs += [f'<w:r><w:instrText xml:space="preserve">{p}</w:instrText></w:r>' for p in pieces]
    runs += ['<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>',
             '<w:r><w:fldChar w:fldCharType="end"/></w:r>']

    def edit(parts: make.Parts) -> None:
        make.sub(parts, part, anchor, anchor + "<w:p>" + "".join(runs) + "</w:p>")
    return edit


def _mail_merge(parts: make.Parts) -> None:
    import re
    text = parts["word/settings.xml"].decode("utf-8")
    text = re.sub(r"(<w:settings\b[^>]*>)", r'\1<w:mailMerge><w:mainDocumentType w:val="formLetters"/>'
                  r'<w:connectString w:val="Provider=x;Data Source=\\\\srv\\s\\db.mdb"/></w:mailMerge>', text, 1)
    parts["word/settings.xml"] = text.encode("utf-8")


case("tpl-includepicture-split-runs", _build_with_templates("通报.docx", _field_in(
    "word/document.xml", "<w:body>", " INCLUDEPIC", 'TURE "http://evil.example/x.png" \\d')), 1,
    r"通报\.docx.*INCLUDEPICTURE")
case("tpl-ddeauto-split-runs", _check_templates("问题清单.docx", _field_in(
    "word/document.xml", "<w:body>", " DD", "EAUTO c:\\\\windows\\\\system32\\\\cmd.exe x")), 1,
    r"问题清单\.docx.*DDEAUTO")
case("tpl-char-reference", _check_templates("通报.docx", _field_in(
    "word/document.xml", "<w:body>", " &#73;NCLUDETEXT &quot;x.docx&quot;")), 1, r"通报\.docx.*INCLUDETEXT")
case("tpl-hyperlink-field", _check_templates("通报.docx", _field_in(
    "word/document.xml", "<w:body>", ' HYPERLINK "http://evil.example/"')), 1, r"通报\.docx.*超链接域")
case("tpl-mail-merge-source", _check_templates("通报.docx", _mail_merge), 1, r"通报\.docx.*邮件合并")


def _victim(d: Path) -> Path:
    victim = d / "victim.sh"
    victim.write_text("echo safe\n", "utf-8")
    return victim


def _index_link(d: Path) -> list[str]:
    (d / "out").mkdir()
    (d / "out" / "生成记录.csv").symlink_to(_victim(d))
    return ["build", "-o", "out", str(_wb(d).relative_to(d))]


def _victim_unchanged(d: Path, run: Run) -> None:
    assert (d / "victim.sh").read_text("utf-8") == "echo safe\n"


def _index_fifo(d: Path) -> list[str]:
    (d / "out").mkdir()
    os.mkfifo(d / "out" / "生成记录.csv")
    return ["build", "-o", "out", str(_wb(d).relative_to(d))]


def _stale_link(d: Path) -> list[str]:
    """A .rectify-old-… "left by a killed build" that is a link to a folder elsewhere."""
    elsewhere = d / "elsewhere"
    (elsewhere / "build").mkdir(parents=True)
    (elsewhere / "build" / "keep.txt").write_text("mine", "utf-8")
    (elsewhere / "target-name.txt").write_text("moved-here", "utf-8")
    (d / "out").mkdir()
    (d / "out" / f".rectify-old-{_dead_pid()}-x3").symlink_to(elsewhere, target_is_directory=True)
    return ["build", "-o", "out", str(_wb(d).relative_to(d))]


def _elsewhere_untouched(d: Path, run: Run) -> None:
    assert (d / "elsewhere" / "build" / "keep.txt").read_text("utf-8") == "mine"
    assert not (d / "out" / "moved-here").exists()


def _formula_name(d: Path) -> list[str]:
    return ["build", "-o", "out", str(_wb(d, "=HYPERLINK(1).xlsx").relative_to(d))]


def _index_cell_is_text(d: Path, run: Run) -> None:
    import csv
    with open(d / "out" / "生成记录.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][2] == "'=HYPERLINK(1).xlsx", rows


def _init_through_link(d: Path) -> list[str]:
    (d / "tpl").mkdir()
    (d / "tpl" / "通报.docx").symlink_to(d / "victim.docx")  # dangling: the file it names does not exist
    return ["templates", "init", "tpl"]


def _no_victim(d: Path, run: Run) -> None:
    assert not (d / "victim.docx").exists()


def _manifest_link(d: Path) -> list[str]:
    """The previous build's manifest replaced by a link to a copy elsewhere."""
    from conftest import TEMPLATES
    path = _wb(d)
    (first,) = api.build_many([path], TEMPLATES, d / "out")
    copy = d / "copied-manifest.json"
    copy.write_bytes((first.folder / "manifest.json").read_bytes())
    (first.folder / "manifest.json").unlink()
    (first.folder / "manifest.json").symlink_to(copy)
    make.ledger(path, _info(联系电话="0546-1234567"))  # a changed ledger: a second build
    return ["build", "-o", "out", str(path.relative_to(d))]


case("out-index-is-a-link", _index_link, 0, r"生成记录.*符号链接.*没有写入", builds=True, verify=_victim_unchanged)
case("out-index-is-a-fifo", _index_fifo, 0, r"生成记录.*命名管道.*没有写入", builds=True)
case("out-stale-folder-is-a-link", _stale_link, 0, r"已生成", builds=True, verify=_elsewhere_untouched)
case("out-index-formula-ledger-name", _formula_name, 0, r"已生成", builds=True, verify=_index_cell_is_text)
case("out-templates-init-dangling-link", _init_through_link, 1, r"已存在，不会覆盖.*tpl/通报\.docx", verify=_no_victim)
case("out-previous-manifest-is-a-link", _manifest_link, 0, r"已生成", builds=True)


def _cache_env(d: Path) -> dict[str, str | None]:
    return {"RECTIFY_CACHE_DIR": str(d / "cache")}


def _cache_fifo(d: Path) -> list[str]:
    (d / "cache").mkdir()
    os.mkfifo(d / "cache" / "templates-checked.json")
    return ["build", "-t", "tpl", "-o", "out", str(_wb(d).relative_to(d))]


def _cache_nested(d: Path) -> list[str]:
    (d / "cache").mkdir()
    (d / "cache" / "templates-checked.json").write_text("[" * 60000 + "]" * 60000, "utf-8")
    return ["build", "-t", "tpl", "-o", "out", str(_wb(d).relative_to(d))]


def _with_templates(setup: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
    def both(d: Path) -> list[str]:
        make.templates(d / "tpl")
        return setup(d)
    return both


def _no_home(d: Path) -> dict[str, str | None]:
    return {"HOME": None, "XDG_CACHE_HOME": None, "RECTIFY_CACHE_DIR": None}


def _long_name(d: Path) -> list[str]:
    (d / "in").mkdir()
    return ["check", "in/" + "台" * 200 + ".xlsx"]


case("env-cache-entry-is-a-fifo", _with_templates(_cache_fifo), 0, r"已生成", builds=True, environ=_cache_env)
case("env-cache-entry-nested-json", _with_templates(_cache_nested), 0, r"已生成", builds=True, environ=_cache_env)
case("env-no-home", _with_templates(lambda d: ["build", "-t", "tpl", "-o", "out", str(_wb(d).relative_to(d))]), 0,
     r"已生成", builds=True, environ=_no_home)
case("env-stdout-full", _build(_wb), 0, r"^$|已生成", builds=True, stdout="/dev/full")
case("env-path-too-long", _long_name, 1, r"台{20}.*太长")


def _negative_shared_string(parts: make.Parts, path: Path) -> None:
    """A shared-string index of -1 (Python would quietly take the last string of the table)."""
    parts["xl/sharedStrings.xml"] = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                                     'count="2" uniqueCount="2"><si><t>甲</t></si><si><t>9</t></si></sst>').encode()
    make.sub(parts, "[Content_Types].xml", "</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType='
             '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    _cell('<c r="A3" t="s"><v>-1</v></c>')(parts, path)


def _twice_row(parts: make.Parts, path: Path) -> None:
    """Row 3 of 问题 written twice, the second with another 编号."""
    import re
    part = make.sheet_part(path, "问题")
    text = parts[part].decode("utf-8")
    row = re.search(r'<row r="3"[^>]*>.*?</row>', text).group(0)  # type: ignore[union-attr]
    parts[part] = text.replace(row, row + row.replace("<t>2</t>", "<t>7</t>", 1), 1).encode("utf-8")


def _twice_member(d: Path) -> Path:
    """Two zip members named like the 问题 sheet: Excel and openpyxl may each read another."""
    import warnings
    path = _wb(d)
    part = make.sheet_part(path, "问题")
    data = make.read_parts(path)[part].replace("<t>2</t>".encode(), "<t>7</t>".encode(), 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr(part, data)
    return path


case("wb-negative-shared-string", _check(_edited(_negative_shared_string)), 1, r"问题!A3.*无法读取")
case("wb-row-written-twice", _check(_edited(_twice_row)), 1, r"问题.*第 3 行出现了两次.*sheet\d\.xml")
case("wb-zip-member-twice", _check(_twice_member), 1, r"台账\.xlsx.*sheet\d\.xml.*不止一次")


# --- 9. round 3, second part: every sheet read counts, the number of sheets and the output are bounded,
# Strict Open XML and encryption named, one time budget for a whole build ------------------------------------

_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _sheets_on_one_part(copies: int, cells: int = 0, hidden: bool = False) -> Callable[[Path], Path]:
    """The 措施 sheet renamed, and `copies` more sheets whose relationships all name its part (each a
    renamed 措施 to the reader, found by its headers); with `cells`, that part holds as many random numbers
    below its header row (under the workbook's cell bound once, over it when read a few times)."""
    import random
    import re

    def make_file(d: Path) -> Path:
        path = _wb(d)
        part = make.sheet_part(path, "措施")
        parts = make.read_parts(path)
        if cells:
            text = parts[part].decode("utf-8")
            header = re.search(r'<row r="1".*?</row>', text).group(0)  # type: ignore[union-attr]
            rng = random.Random(3)
            rows = "".join("<row>" + "".join(f"<c><v>{rng.randint(0, 999999)}</v></c>" for _ in range(10)) + "</row>"
                           for _ in range(cells // 10))
            parts[part] = (text[:text.index("<sheetData>")] + "<sheetData>" + header + rows
                           + "</sheetData></worksheet>").encode("utf-8")
        book = parts["xl/workbook.xml"].decode("utf-8")
        rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
        sheet = re.search(r'<sheet [^>]*name="措施"[^>]*/>', book).group(0)  # type: ignore[union-attr]
        state = ' state="hidden"' if hidden else ""
        sheets = "".join(f'<sheet xmlns:r="{_R_NS}" name="措施（副本{i}）" sheetId="{100 + i}"{state} r:id="rIdCopy{i}"/>'
                         for i in range(copies))
        target = part.removeprefix("xl/")
        links = "".join(f'<Relationship Id="rIdCopy{i}" Type="{_R_NS}/worksheet" Target="{target}"/>'
                        for i in range(copies))
        parts["xl/workbook.xml"] = book.replace(sheet, sheet.replace('name="措施"', 'name="措施（原）"') + sheets
                                                ).encode("utf-8")
        parts["xl/_rels/workbook.xml.rels"] = rels.replace("</Relationships>", links + "</Relationships>").encode()
        return make.write_parts(path, parts)
    return make_file


case("wb-sheets-share-one-big-part", _check(_sheets_on_one_part(11, cells=700_000)), 1,
     r"台账\.xlsx.*合计超过 1200000 个单元格.*措施（副本\d+）", max_added_mb=300)
case("wb-twenty-thousand-sheets", _check(_sheets_on_one_part(20_000, hidden=True)), 1,
     r"台账\.xlsx.*工作簿有 200\d\d 个工作表.*上限 250 个", verify=lambda d, run: _output_under(d, run, 2_000))
case("wb-two-hundred-hidden-copies", _check(_sheets_on_one_part(200, hidden=True)), 0,
     r"(?=.*措施（副本0）.*隐藏).*另有 191 个隐藏的工作表（“措施（副本9）”、“措施（副本10）”、“措施（副本11）”等 191 个工作表）",
     verify=lambda d, run: _output_under(d, run, 6_000))
case("wb-two-hundred-visible-copies", _check(_sheets_on_one_part(200)), 1,
     r"“措施（原）”、“措施（副本0）”.*等 201 个工作表都像是“措施”表", verify=lambda d, run: _output_under(d, run, 6_000))


def _output_under(d: Path, run: Run, limit: int) -> None:
    size = len(run.text.encode("utf-8"))
    assert size < limit, size


def _long_value_in_rows(rows: int, length: int = 32_767) -> Callable[[Path], Path]:
    """The 措施 sheet with `rows` rows whose 〔问题编号〕 is one shared string of `length` characters (a
    problem that does not exist: each row's finding quotes it) and nothing else filled (five findings more)."""
    import re

    def make_file(d: Path) -> Path:
        path = _wb(d)
        part = make.sheet_part(path, "措施")
        parts = make.read_parts(path)
        text = parts[part].decode("utf-8")
        header = re.search(r'<row r="1".*?</row>', text).group(0)  # type: ignore[union-attr]
        body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="s"><v>0</v></c></row>'
                       for r in range(2, rows + 2))
        parts[part] = (text[:text.index("<sheetData>")] + "<sheetData>" + header + body
                       + "</sheetData></worksheet>").encode("utf-8")
        parts["xl/sharedStrings.xml"] = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                                         f'count="1" uniqueCount="1"><si><t>{"整" * length}</t></si></sst>').encode()
        make.sub(parts, "[Content_Types].xml", "</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType='
                 '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        return make.write_parts(path, parts)
    return make_file


def _json_complete(rows: int) -> Callable[[Path, Run], None]:
    def verify(d: Path, run: Run) -> None:
        import json
        (report,) = json.loads(run.out)
        unknown = [f for f in report["findings"] if f["code"] == "unknown-problem"]
        assert len(unknown) == rows, len(unknown)
        assert all(len(f["message"]) < 200 and "（共 32767 个字符）" in f["message"] for f in unknown)
        assert len(report["findings"]) >= 6 * rows  # the unknown problem and five required cells a row
    return verify


case("msg-long-value-in-6000-rows", _check(_long_value_in_rows(6_000)), 1,
     r"措施!B2.*“整{40}……”（共 32767 个字符）在“问题”表中不存在.*另有 5980 个未列出",
     verify=lambda d, run: _output_under(d, run, 16_000), max_added_mb=150)
case("msg-json-140000-findings", _check(_long_value_in_rows(20_000), "--json"), 1, r'"code": "unknown-problem"',
     verify=_json_complete(20_000), max_added_mb=160)


def _strict(parts: make.Parts, path: Path) -> None:
    """The ledger as Excel's 另存为 "Strict Open XML 电子表格" writes it: the same parts, their elements and
    relationships in the Strict namespaces, the workbook marked conformance="strict"."""
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            text = data.decode("utf-8")
            text = text.replace("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                                "http://purl.oclc.org/ooxml/officeDocument/relationships")
            text = text.replace("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                "http://purl.oclc.org/ooxml/spreadsheetml/main")
            parts[name] = text.encode("utf-8")
    make.sub(parts, "xl/workbook.xml", "<workbook ", '<workbook conformance="strict" ')


def _encrypted_late_directory(d: Path) -> Path:
    """An encrypted workbook as Excel writes one: a compound file whose EncryptedPackage (3 MB here) comes
    before EncryptionInfo and the directory, which sits past the first megabyte."""
    (d / "in").mkdir(exist_ok=True)
    data = make.ole_file({"EncryptedPackage": os.urandom(3 << 20),
                          "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\0" * 4088})
    assert data.find("EncryptionInfo".encode("utf-16-le")) > 1 << 20
    (d / "in" / "台账.xlsx").write_bytes(data)
    return d / "in" / "台账.xlsx"


def _old_xls_late_directory(d: Path) -> Path:
    (d / "in").mkdir(exist_ok=True)
    (d / "in" / "台账.xls").write_bytes(make.ole_file({"Workbook": os.urandom(2 << 20)}))
    return d / "in" / "台账.xls"


case("wb-strict-open-xml", _check(_edited(_strict)), 1,
     r"台账\.xlsx.*Strict Open XML 电子表格.*另存为.*Excel 工作簿\(\*\.xlsx\)")
case("wb-strict-open-xml-build", _build(_edited(_strict)), 1, r"台账\.xlsx.*Strict Open XML")
case("wb-encrypted-directory-late", _check(_encrypted_late_directory), 1, r"台账\.xlsx.*已加密.*清空密码")
case("wb-old-xls-directory-late", _check(_old_xls_late_directory), 1, r"台账\.xls.*旧版 Excel（\.xls）")


_SLOW = "{% for i in range(900000) %}{% endfor %}{{ title }}"


def _slow_everywhere(d: Path) -> list[str]:
    """Templates each well within its own time bound, and a run budget (0.05 s here, 180 s in use) that the
    trial render of the templates already spends: nothing is built, the template is named."""
    make.templates(d / "tpl", "通报.docx", make.tag_in_body(_SLOW))
    make.rezip(d / "tpl" / "问题清单.docx", make.tag_in_body(_SLOW, "问题清单.docx"))
    for i in range(3):
        _wb(d, f"台账{i}.xlsx")
    return ["build", "-t", "tpl", "-o", "out", "in"]


case("tpl-slow-templates-one-run-budget", _slow_everywhere, 1, r"通报\.docx.*合计超过 0\.05 秒.*分批生成",
     build_seconds=0.05)
