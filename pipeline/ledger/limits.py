"""Bounds on a workbook's cells and merged ranges, counted from the raw XML before openpyxl loads it."""

from __future__ import annotations

import re
import zipfile

from pipeline.zipsafe import MB, ZipLimits

# A ledger of thousands of measures has sheets of a few MB that compress 10–30 times (written with inline
# strings, as openpyxl and some exporters do, 30,000 measures make a 34 MB sheet). Sheets are streamed,
# never held whole, and MAX_CELLS bounds what is kept of them; these bounds keep a build well under a
# gigabyte.
# Styles, comments, drawings: openpyxl builds objects for each entry too (21 MB of styles took 540 MB), and
# even Excel's maximum of 64,000 cell formats fits in 10 MB; only sheets and shared strings grow with data.
WORKBOOK_LIMITS = ZipLimits(
    max_entries=5000,
    max_part=64 * MB,
    max_total=160 * MB,
    max_ratio=200,
    max_xml_part=10 * MB,
    big_xml=r"^xl/(worksheets/[^/]+|sharedStrings)\.xml$",
)
# The reader keeps every cell's value (about 150 bytes each with its address): this bounds it near 200 MB.
MAX_CELLS = 1_200_000
# Sheets in one workbook: a ledger has five or six (and a few of the office's own); every sheet may be a
# candidate looked at by its headers, and each one read or noted costs time and a line of output.
MAX_SHEETS = 250
# Merged ranges covering whole rows or columns: no ledger has them (openpyxl, building an object for every
# covered cell, took 2 GB for one range A1:Z400000).
MAX_MERGED_CELLS = 1_000_000
# Cells and rows (a row with a height but no cells is an object too).
_CELL_TAG_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:c|row)[\s/>]")
_MERGE_RE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?ref=[\"']\$?([A-Za-z]{1,3})\$?(\d{1,7})"
    rb"(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?"
)


_SHEET_TAG_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet[\s/>]")
_MAIN_PART_RE = re.compile(
    rb"Type=[\"'][^\"']*/officeDocument[\"'][^>]*?Target=[\"']/?([^\"']+)|"
    rb"Target=[\"']/?([^\"']+)[\"'][^>]*?Type=[\"'][^\"']*/officeDocument[\"']"
)


def sheet_problem(zf: zipfile.ZipFile, max_sheets: int = MAX_SHEETS) -> str | None:
    """A Chinese description when the workbook part lists more than `max_sheets` sheets, or None
    (counted in its XML, before openpyxl builds an object for each)."""
    names = set(zf.namelist())
    main = "xl/workbook.xml"
    if "_rels/.rels" in names:
        m = _MAIN_PART_RE.search(zf.read("_rels/.rels"))
        if m:
            main = (m.group(1) or m.group(2)).decode("utf-8", "replace")
    if main not in names:
        return None  # openpyxl says what is wrong with it
    count = len(_SHEET_TAG_RE.findall(zf.read(main)))  # the part is bounded by max_xml_part
    if count > max_sheets:
        return f"工作簿有 {count} 个工作表，超过上限 {max_sheets} 个"
    return None


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _merged_area(m: re.Match[bytes]) -> int:
    if not m.group(3):
        return 1
    rows = abs(int(m.group(4)) - int(m.group(2))) + 1
    cols = abs(_col(m.group(3)) - _col(m.group(1))) + 1
    return rows * cols


def cell_problem(zf: zipfile.ZipFile, max_cells: int = MAX_CELLS, max_merged: int = MAX_MERGED_CELLS) -> str | None:
    """A Chinese description when the worksheets hold more cells (or merged-range cells) than openpyxl
    should build, or None.

    Counted by streaming each worksheet part through the decompressor, before openpyxl builds objects.
    """
    cells = merged = 0
    for info in zf.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        tail = b""
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(1 << 20)
                data = tail + chunk
                # Count the tags before the last "<" (they are whole); the rest waits for the next chunk.
                cut = len(data) if not chunk else max(data.rfind(b"<"), 0)
                cells += len(_CELL_TAG_RE.findall(data, 0, cut))
                merged += sum(_merged_area(m) for m in _MERGE_RE.finditer(data, 0, cut))
                tail = data[cut:]
                if cells > max_cells:
                    return f"工作表中的单元格超过 {max_cells} 个（在部件“{info.filename}”处已超出），远多于任何台账所需"
                if merged > max_merged:
                    return (
                        f"合并单元格覆盖的范围过大（超过 {max_merged} 个单元格，在部件“{info.filename}”处已超出），"
                        "可能合并了整行或整列。请取消这些合并"
                    )
                if not chunk:
                    break
    return None
