"""A minimal OpenDocument spreadsheet written by hand (LibreOffice is not needed to make one)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')


def cell(value: object = None, span: int = 1, rows: int = 1, repeat: int = 1) -> str:
    attrs = ""
    if span > 1 or rows > 1:
        attrs += f' table:number-columns-spanned="{span}" table:number-rows-spanned="{rows}"'
    if repeat > 1:
        attrs += f' table:number-columns-repeated="{repeat}"'
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{value}"{attrs}><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"{attrs}><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(path: Path, name: str, rows: list[list[str]], row_repeat: dict[int, int] | None = None) -> Path:
    """rows: lists of cell XML (see cell()); covered cells written as covered-table-cell by the caller."""
    repeat = row_repeat or {}
    body = ""
    for i, r in enumerate(rows):
        attr = f' table:number-rows-repeated="{repeat[i]}"' if i in repeat else ""
        body += f"<table:table-row{attr}>" + "".join(r) + "</table:table-row>"
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="{escape(name)}">{body}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", MANIFEST)
        zf.writestr("content.xml", content)
    return path
