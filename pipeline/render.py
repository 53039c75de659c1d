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
from jinja2 import Environment, StrictUndefined

# `{% vmerge EXPR %}` inside one cell: captures the cell's text run holding the tag.
_VMERGE_CELL_RE = re.compile(
    r"<w:tc[ >](?:(?!<w:tc[ >]).)*?{%\s*vmerge\s+(?:(?!%}).)+%}.*?</w:tc>", re.DOTALL
)
_VMERGE_TEXT_RE = re.compile(
    r"(</w:tcPr>.*?<w:t(?: [^>]*)?>)(.*?){%\s*vmerge\s+((?:(?!%}).)+?)\s*%}(.*?)(</w:t>)", re.DOTALL
)
VMERGE_TAG_RE = re.compile(r"{%\s*vmerge\s+((?:(?!%}).)+?)\s*%}")


def _patch_vmerge_cell(match: re.Match[str]) -> str:
    """Turn one cell holding `{% vmerge EXPR %}` into a conditional vertical merge."""

    def repl(m: re.Match[str]) -> str:
        expr = m.group(3)
        return (
            f'<w:vMerge w:val="{{% if {expr} %}}restart{{% else %}}continue{{% endif %}}"/>'
            + m.group(1)
            + f"{{% if {expr} %}}"
            + m.group(2)
            + m.group(4)
            + "{% endif %}"
            + m.group(5)
        )

    return _VMERGE_TEXT_RE.sub(repl, match.group(0), count=1)


class GroupMergeTemplate(DocxTemplate):
    """DocxTemplate that also understands `{% vmerge EXPR %}` (per-group vertical merges)."""

    def patch_xml(self, src_xml: str) -> str:  # noqa: D102 - docxtpl hook
        src_xml = super().patch_xml(src_xml)
        return _VMERGE_CELL_RE.sub(_patch_vmerge_cell, src_xml)


def jinja_env() -> Environment:
    """The Jinja environment every template renders with: autoescape and strict undefined."""
    return Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=False)


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
    core.title = props.title
    core.author = props.author
    core.last_modified_by = props.author
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
    return normalize_zip(buf.getvalue())


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
