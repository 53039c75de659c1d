"""Find the cell that made openpyxl fail, so that the message can name sheet!cell.

openpyxl raises a bare ValueError or IndexError for a cell it cannot convert (a number cell holding
text, a date cell holding NaN, a shared-string or style index out of range). When that happens the
reader scans the package once more with a safe parser and names the first such cell."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import IO

from lxml import etree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_COORD_RE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?Z?|\d{2}:\d{2}(:\d{2}(\.\d+)?)?")
_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
MAX_ROW, MAX_COL = 1_048_576, 16_384


@dataclass(frozen=True)
class BadCell:
    """A cell openpyxl cannot read: its sheet, coordinate and why."""

    sheet: str
    coord: str
    reason: str


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _sheets(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part name) in workbook order."""
    book = etree.fromstring(zf.read("xl/workbook.xml"), _parser())
    rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"), _parser())
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    found = []
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        found.append((sheet.get("name", ""), part))
    return found


def _count(zf: zipfile.ZipFile, part: str, parent: str, child: str) -> int | None:
    if part not in zf.namelist():
        return 0
    count = 0
    inside = False
    for event, el in etree.iterparse(
        zf.open(part), events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False
    ):
        if el.tag == f"{_MAIN}{parent}":
            inside = event == "start"
        elif inside and event == "end" and el.tag == f"{_MAIN}{child}":
            count += 1
        if event == "end" and el.tag != f"{_MAIN}{parent}" and not inside:
            el.clear()
    return count


def _problem(cell: etree._Element, strings: int | None, styles: int | None) -> str | None:
    coord = cell.get("r")
    if coord is not None:
        m = _COORD_RE.fullmatch(coord)
        if not m:
            return f"单元格地址“{coord[:20]}”无效"
        col = 0
        for ch in m.group(1):
            col = col * 26 + ord(ch) - 64
        if col > MAX_COL or not 1 <= int(m.group(2)) <= MAX_ROW:
            return f"单元格地址“{coord}”超出 Excel 的范围"
    style = cell.get("s")
    if style is not None and (not style.isdigit() or (styles is not None and int(style) >= styles)):
        return "单元格格式（样式编号）损坏"
    kind = cell.get("t", "n")
    v = cell.find(f"{_MAIN}v")
    value = (v.text or "").strip() if v is not None else None
    if value is None or kind in ("inlineStr", "str", "e"):
        return None
    if kind == "n":
        if not _NUMBER_RE.fullmatch(value):  # openpyxl takes int() or float() of exactly this shape
            return f"数字格中的内容“{value[:20]}”不是数字"
    elif kind == "s":
        if not value.isdigit() or (strings is not None and int(value) >= strings):
            return "引用的共享文字不存在（文件可能被其他程序写坏）"
    elif kind == "d":
        if not _ISO_RE.fullmatch(value):
            return f"日期格中的内容“{value[:20]}”不是日期"
    elif kind == "b":
        if value not in ("0", "1", "true", "false"):
            return f"逻辑值格中的内容“{value[:20]}”无效"
    else:
        return f"未知的单元格类型“{kind[:10]}”"
    return None


def find_dtd(source: IO[bytes]) -> str | None:
    """The first XML part declaring a DTD (entity definitions: XXE, "billion laughs"), or None."""
    try:
        with zipfile.ZipFile(source) as zf:
            for info in zf.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    with zf.open(info) as fh:
                        if b"<!DOCTYPE" in fh.read(4096).upper():
                            return info.filename
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def find_bad_cell(source: IO[bytes]) -> BadCell | None:
    """The first cell of the workbook in `source` that openpyxl cannot read, or None."""
    try:
        with zipfile.ZipFile(source) as zf:
            strings = _count(zf, "xl/sharedStrings.xml", "sst", "si")
            styles = _count(zf, "xl/styles.xml", "cellXfs", "xf")
            for name, part in _sheets(zf):
                if part not in zf.namelist():
                    continue
                for _, el in etree.iterparse(
                    zf.open(part),
                    events=("end",),
                    tag=f"{_MAIN}c",
                    resolve_entities=False,
                    no_network=True,
                    load_dtd=False,
                ):
                    reason = _problem(el, strings, styles)
                    if reason:
                        return BadCell(name, el.get("r") or "?", reason)
                    el.clear()
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError, ValueError):
        return None
    return None
