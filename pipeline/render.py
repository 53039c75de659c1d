"""Render a docxtpl template with a context and save it deterministically.

Templates may use everything docxtpl offers plus one tag of ours, `{% vmerge EXPR %}`, placed in a
table cell inside a `{%tr for %}` loop: the cell starts a vertical merge on rows where EXPR is true
and continues the merge above it on the others. docxtpl's own `{% vm %}` merges the whole loop; the
checklists need one merge per group (the aspect over its problems, the problem over its measures).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from pipeline.errors import TemplateError
from pipeline.limits import DOC_PROPERTY_MAX
from pipeline.safety import docx_problems
from pipeline.sandbox import RenderSandbox

# `{% vmerge EXPR %}` inside one cell: the whole <w:tc> holding the tag.
_VMERGE_CELL_RE = re.compile(
    r"<w:tc[ >](?:(?!<w:tc[ >]).)*?{%\s*vmerge\s+(?:(?!%}).)+%}.*?</w:tc>", re.DOTALL
)
# The text run holding the tag: everything in that <w:t> before and after it.
_VMERGE_TEXT_RE = re.compile(
    r"(<w:t(?: [^>]*)?>)([^<]*?){%\s*vmerge\s+((?:(?!%}).)+?)\s*%}(.*?)(</w:t>)", re.DOTALL
)
VMERGE_TAG_RE = re.compile(r"{%\s*vmerge\s+((?:(?!%}).)+?)\s*%}")
# Children of <w:tcPr> that the schema (CT_TcPr) puts before <w:vMerge>; the rest come after it.
_TCPR_BEFORE_VMERGE_RE = re.compile(
    r"^(<w:tcPr>)((?:<w:(?:cnfStyle|tcW|gridSpan|hMerge)\b[^>]*?(?:/>|>.*?</w:(?:cnfStyle|tcW|gridSpan|hMerge)>))*)",
    re.DOTALL,
)


def _patch_vmerge_cell(match: re.Match[str]) -> str:
    """Turn one cell holding `{% vmerge EXPR %}` into a conditional vertical merge.

    The cell's text shows only on the row that starts the merge; <w:vMerge> goes where the schema
    wants it inside <w:tcPr> (Word rejects it after <w:vAlign> or <w:tcBorders>).
    """
    cell = match.group(0)
    tag = VMERGE_TAG_RE.search(cell)
    assert tag is not None
    expr = tag.group(1)
    cell = _VMERGE_TEXT_RE.sub(
        lambda m: m.group(1) + f"{{% if {expr} %}}" + m.group(2) + m.group(4) + "{% endif %}" + m.group(5),
        cell, count=1)
    # Later text of the same cell (other runs or paragraphs) shows only where the merge starts, too.
    vmerge = f'<w:vMerge w:val="{{% if {expr} %}}restart{{% else %}}continue{{% endif %}}"/>'
    cell = re.sub(r"<w:vMerge\b[^>]*/>", "", cell)
    if "<w:tcPr/>" in cell:
        return cell.replace("<w:tcPr/>", f"<w:tcPr>{vmerge}</w:tcPr>", 1)
    start = cell.find("<w:tcPr>")
    if start < 0:
        head_end = cell.index(">") + 1
        return cell[:head_end] + f"<w:tcPr>{vmerge}</w:tcPr>" + cell[head_end:]
    end = cell.index("</w:tcPr>", start) + len("</w:tcPr>")
    tcpr = cell[start:end]
    m = _TCPR_BEFORE_VMERGE_RE.match(tcpr)
    assert m is not None
    tcpr = tcpr[: m.end()] + vmerge + tcpr[m.end():]
    return cell[:start] + tcpr + cell[end:]


class GroupMergeTemplate(DocxTemplate):
    """DocxTemplate that also understands `{% vmerge EXPR %}` (per-group vertical merges)."""

    def patch_xml(self, src_xml: str) -> str:  # noqa: D102 - docxtpl hook
        src_xml = super().patch_xml(src_xml)
        return _VMERGE_CELL_RE.sub(_patch_vmerge_cell, src_xml)


def jinja_env() -> RenderSandbox:
    """A fresh Jinja environment for one render: the bounded sandbox, autoescape, strict undefined."""
    return RenderSandbox()


@dataclass(frozen=True)
class DocProperties:
    """Document properties written into docProps/core.xml (never taken from the clock)."""

    title: str
    author: str
    when: date


# Zip entries get this timestamp; the DOS zip format cannot store dates before 1980.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def render_docx(template: Path, context: dict[str, Any], props: DocProperties) -> bytes:
    """Render `template` with `context` and return the .docx bytes, identical for identical input."""
    tpl = GroupMergeTemplate(str(template))
    tpl.render(context, jinja_env=jinja_env(), autoescape=True)
    core = tpl.docx.core_properties
    stamp = datetime(props.when.year, props.when.month, props.when.day)
    # The checks refuse longer values at their cell; the cut only keeps python-docx from raising.
    core.title = props.title[:DOC_PROPERTY_MAX]
    core.author = props.author[:DOC_PROPERTY_MAX]
    core.last_modified_by = props.author[:DOC_PROPERTY_MAX]
    core.created = stamp
    core.modified = stamp
    core.last_printed = stamp
    core.revision = 1
    core.comments = ""
    core.subject = ""
    core.keywords = ""
    core.category = ""
    buf = io.BytesIO()
    tpl.save(buf)
    data = normalize_zip(buf.getvalue())
    # Belt and braces: whatever the template check missed, nothing external or executable leaves here.
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        problems = docx_problems(zf)
    if problems:
        raise TemplateError(f"模板“{template.name}”生成的文档{problems[0].what}（位置：{problems[0].part}），"
                            "出于安全没有保存。请运行 rectify templates check 检查模板。")
    return data


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry timestamps and a stable entry order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    # [Content_Types].xml first (some readers expect it), then the rest in a stable order.
    ordered = sorted(names, key=lambda n: (n != "[Content_Types].xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, src.read(name))
    return out.getvalue()
