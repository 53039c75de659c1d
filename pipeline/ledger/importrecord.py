"""The import record: what `rectify import` read from an office's ledger, kept in the ledger it wrote so that
`rectify export` can put each value back where it came from.

It is JSON in a hidden sheet (RECORD_SHEET), cut into cells Excel can hold: the source's name, sha256 and
format, the sheet, header rows and column of each field, and for each problem and measure its source rows
and the values the import wrote (export writes back only what differs from them).
"""

from __future__ import annotations

import json
from typing import Any

RECORD_SHEET = "导入记录"
RECORD_MARK = "rectify-import-1"
_CHUNK = 30000  # characters of JSON per cell (Excel holds 32,767)


def write_record(wb: Any, record: dict[str, Any]) -> None:
    """Add the hidden record sheet to a ledger workbook (openpyxl)."""
    rec = wb.create_sheet(RECORD_SHEET)
    rec.sheet_state = "hidden"
    rec["A1"] = RECORD_MARK
    text = json.dumps(record, ensure_ascii=False, default=str)
    for i in range(0, len(text), _CHUNK):
        rec.cell(row=2 + i // _CHUNK, column=1, value=text[i : i + _CHUNK])


def read_record(wb: Any) -> dict[str, Any] | None:
    """The import record of a ledger workbook opened with openpyxl, or None."""
    if RECORD_SHEET not in wb.sheetnames:
        return None
    ws = wb[RECORD_SHEET]
    if ws["A1"].value != RECORD_MARK:
        return None
    parts = []
    r = 2
    while ws.cell(row=r, column=1).value:
        parts.append(str(ws.cell(row=r, column=1).value))
        r += 1
    try:
        return json.loads("".join(parts))
    except ValueError:
        return None
