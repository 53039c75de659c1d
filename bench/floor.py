"""The floor writer: a checklist's tables written by string join and zipped, no template engine.

It writes the same table XML rectify's checklists carry (one table a page, the header row, one <w:tr>
a row with the column widths, per-group vertical merges and the body paragraph styles), into the
template's own package (styles, settings, fonts). It is what any writer of that table must at least
do, the floor the benchmark sets rectify's checklist render beside. Benchmark only.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any, Sequence
from xml.sax.saxutils import escape

from pipeline.documents.layout import PT_PER_MM, Checklist

_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')


def _text(value: Any) -> str:
    parts = escape(str(value)).split("\n")
    return '</w:t></w:r><w:r><w:br/><w:t xml:space="preserve">'.join(parts)


def _cell(width: int, style: str, text: str, merge: str | None) -> str:
    vmerge = f'<w:vMerge w:val="{merge}"/>' if merge else ""
    return (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{vmerge}<w:vAlign w:val="center"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:tc>')


def table_xml(checklist: Checklist, rows: Sequence[dict[str, Any]]) -> str:
    """One page's table: properties, grid, header row and the body rows, joined as strings."""
    widths = [round(c.width_mm * PT_PER_MM * 20) for c in checklist.columns]
    styles = ["TableBodyCenter" if c.centred else "TableBody" for c in checklist.columns]
    head = ("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/><w:jc w:val=\"center\"/></w:tblPr><w:tblGrid>"
            + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"
            + '<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>'
            + "".join(_cell(w, "TableHead", escape(c.header), None) for c, w in zip(checklist.columns, widths))
            + "</w:tr>")
    out = [head]
    for r in rows:
        cells = []
        for c, w, s in zip(checklist.columns, widths, styles):
            if c.merge:
                first = r.get(f"{c.merge}_first", True)
                cells.append(_cell(w, s, _text(r.get(c.field, "")) if first else "",
                                   "restart" if first else "continue"))
            else:
                cells.append(_cell(w, s, _text(r.get(c.field, "")), None))
        out.append('<w:tr><w:trPr><w:cantSplit/></w:trPr>' + "".join(cells) + "</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def floor_docx(template: Path, checklist: Checklist, context: dict[str, Any]) -> bytes:
    """The checklist as a .docx: title, one table a page, the template's other parts copied."""
    body = [f'<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>{escape(context["title"])}</w:t></w:r></w:p>']
    for i, page in enumerate(context["pages"]):
        if i:
            body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        body.append(table_xml(checklist, page["rows"]))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {_NS}><w:body>'
           + "".join(body) + "<w:sectPr/></w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            dst.writestr(name, xml.encode() if name == "word/document.xml" else src.read(name))
    return out.getvalue()
