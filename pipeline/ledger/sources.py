"""Reading an office's own ledger (.xlsx, .xls, .et, .ods) into a grid of values and merged ranges.

`rectify import` reads workbooks in whatever layout the 巡察办 prescribes, so it needs every cell of a
sheet and its merged ranges, not the tool's own columns. An .xlsx goes through the same checks as the
ledger reader (sniff.workbook_bytes: regular file, size, zip directory, cell count, no DTD) and then
openpyxl; .xls, .et (WPS) and .ods go through python-calamine (Rust, no macros run) after their own bounds:
the file size for all, the zip directory and the extent of non-empty cells for .ods (a few bytes of XML
can declare a million repeated cells, and calamine builds the sheet as a dense grid).
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from python_calamine import CalamineWorkbook

from pipeline.errors import WorkbookError
from pipeline.fsutil import NotRegularFile, open_regular
from pipeline.ledger.limits import MAX_CELLS, WORKBOOK_LIMITS
from pipeline.ledger.sniff import MAX_FILE_BYTES, OLE2_MAGIC, load_whole, workbook_bytes
from pipeline.zipsafe import zip_problem

CALAMINE_SUFFIXES = (".xls", ".et", ".ods")
SUFFIXES = (".xlsx", ".xlsm", *CALAMINE_SUFFIXES)
_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


@dataclass
class SourceSheet:
    """One sheet: values by (row, column), both 1-based, and merged ranges (r0, c0, r1, c1) inclusive."""

    name: str
    cells: dict[tuple[int, int], Any]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    visible: bool = True

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    @property
    def max_col(self) -> int:
        return max((c for _, c in self.cells), default=0)

    def merge_at(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        """The merged range covering the cell, or None."""
        for m in self.merges:
            if m[0] <= row <= m[2] and m[1] <= col <= m[3]:
                return m
        return None

    def value(self, row: int, col: int) -> Any:
        """The cell's value, a covered cell of a merged range showing its top-left value."""
        m = self.merge_at(row, col)
        if m is not None:
            return self.cells.get((m[0], m[1]))
        return self.cells.get((row, col))


@dataclass
class Source:
    """A source workbook: its bytes (for export's copy and the recorded hash), format and sheets."""

    path: Path
    data: bytes
    fmt: str  # "xlsx" or "calamine"
    sheets: list[SourceSheet]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def read_bytes(path: Path) -> bytes:
    """The file's bytes, bounded; WorkbookError in Chinese when it cannot be read."""
    name = path.name
    if name.startswith("~$"):
        raise WorkbookError(
            f"“{name}”是 Excel 或 WPS 打开工作簿时生成的临时锁定文件，不是台账。请选择不带“~$”前缀的文件。"
        )
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise WorkbookError(
                    f"“{name}”有 {size // (1024 * 1024)} MB，超过上限 {MAX_FILE_BYTES // (1024 * 1024)} MB。"
                    "请删除无关的工作表、图片后另存。"
                )
            data = fh.read(MAX_FILE_BYTES + 1)
    except NotRegularFile as err:
        raise WorkbookError(f"“{name}”不是普通文件（是{err.kind}），无法读取。") from err
    except FileNotFoundError as err:
        raise WorkbookError(f"找不到文件“{path}”。请检查路径和文件名。") from err
    except OSError as err:
        reason = "没有读取权限" if isinstance(err, PermissionError) else err.strerror
        raise WorkbookError(
            f"无法读取“{name}”：{reason}。请确认文件存在、有读取权限且没有被其他程序独占打开。"
        ) from err
    if not data:
        raise WorkbookError(f"“{name}”是空文件（0 字节）。请用 Excel 或 WPS 重新保存。")
    return data


def read_source(path: Path) -> Source:
    """Read every sheet of an .xlsx/.xls/.et/.ods workbook as values and merged ranges."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise WorkbookError(
            f"“{path.name}”不是 Excel、WPS 或 OpenDocument 表格（应为 .xlsx、.xls、.et 或 .ods）。"
            "请在 Excel 或 WPS 中打开后另存为 .xlsx。"
        )
    if path.is_dir():
        raise WorkbookError(f"“{path}”是文件夹，不是工作簿。请指定台账文件。")
    data = read_bytes(path)
    if data.startswith(b"PK") and suffix != ".ods" and not _is_ods(data):
        # The ledger reader's checks (size, zip directory, cell and merge counts, DTD), on the bytes parsed.
        data = workbook_bytes(path)
        return Source(path, data, "xlsx", _read_xlsx(data, path.name))
    ods_merges: dict[str, list[tuple[int, int, int, int]]] = {}
    if data.startswith(b"PK"):
        ods_merges = _check_ods(data, path.name)
    elif not data.startswith(OLE2_MAGIC):
        raise WorkbookError(
            f"“{path.name}”不是 Excel、WPS 或 OpenDocument 表格，可能是改了扩展名的文本或 CSV 文件。"
            "请在 Excel 或 WPS 中打开后另存为 .xlsx。"
        )
    return Source(path, data, "calamine", _read_calamine(data, path.name, ods_merges))


def _is_ods(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "content.xml" in zf.namelist() and "xl/workbook.xml" not in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _read_xlsx(data: bytes, name: str) -> list[SourceSheet]:
    wb = load_whole(data, name)
    sheets = []
    for ws in wb.worksheets:
        cells = {
            (c.row, c.column): c.value
            for row in ws.iter_rows()
            for c in row
            if c.value is not None and c.value != "" and hasattr(c, "column")
        }
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        sheets.append(SourceSheet(ws.title, cells, merges, ws.sheet_state == "visible"))
    return sheets


def _check_ods(data: bytes, name: str) -> dict[str, list[tuple[int, int, int, int]]]:
    """Zip bounds, then the extent of non-empty cells (repeats counted) within MAX_CELLS, per table; returns
    each table's merged ranges (calamine does not report them for .ods)."""
    damaged = f"“{name}”已损坏或不完整。请重新获取或用 WPS、LibreOffice 重新保存。"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            bound = zip_problem(zf, WORKBOOK_LIMITS)
            if bound:
                raise WorkbookError(f"“{name}”无法读取：{bound}。")
            with zf.open("content.xml") as fh:
                return _ods_extent(fh, name)
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError, zlib.error, etree.XMLSyntaxError) as err:
        raise WorkbookError(damaged) from err


def _ods_extent(fh: Any, name: str) -> dict[str, list[tuple[int, int, int, int]]]:
    t = f"{{{_ODS_TABLE}}}"
    row = col = max_row = max_col = 0
    merges: dict[str, list[tuple[int, int, int, int]]] = {}
    current: list[tuple[int, int, int, int]] = []
    # resolve_entities=False and no DTD loading: nothing outside the part is read.
    for event, el in etree.iterparse(
        fh, events=("start", "end"), resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False
    ):
        tag = el.tag
        if event == "start":
            if tag == f"{t}table":
                max_row = max_col = row = 0
                current = merges.setdefault(el.get(f"{t}name", ""), [])
            elif tag == f"{t}table-row":
                col = 0
            continue
        if tag in (f"{t}table-cell", f"{t}covered-table-cell"):
            n = int(el.get(f"{t}number-columns-repeated", "1") or 1)
            spans = (
                int(el.get(f"{t}number-columns-spanned", "1") or 1),
                int(el.get(f"{t}number-rows-spanned", "1") or 1),
            )
            if spans != (1, 1) and n == 1:
                if spans[0] * spans[1] > MAX_CELLS:
                    raise WorkbookError(
                        f"“{name}”中的合并单元格过大（超过 {MAX_CELLS} 个单元格），没有读取。请取消这个合并后另存。"
                    )
                current.append((row + 1, col + 1, row + spans[1], col + spans[0]))
            if el.get(f"{{{_ODS_OFFICE}}}value-type") is not None or len(el):
                max_col = max(max_col, col + n)
                max_row = max(max_row, row + 1)
            col += n
            el.clear()
        elif tag == f"{t}table-row":
            n = int(el.get(f"{t}number-rows-repeated", "1") or 1)
            if len(el) and any(c.get(f"{{{_ODS_OFFICE}}}value-type") is not None or len(c) for c in el):
                max_row = max(max_row, row + n)
            row += n
            el.clear()
            if max_row * max(max_col, 1) > MAX_CELLS:
                raise WorkbookError(
                    f"“{name}”的工作表中有内容的区域超过 {MAX_CELLS} 个单元格，远多于任何台账所需，"
                    "没有读取。请删除多余内容后另存。"
                )
    return merges


def _read_calamine(
    data: bytes, name: str, ods_merges: dict[str, list[tuple[int, int, int, int]]] | None = None
) -> list[SourceSheet]:
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in wb.sheets_metadata:
            sheet = wb.get_sheet_by_name(meta.name)
            if sheet.height * sheet.width > MAX_CELLS:
                raise WorkbookError(f"“{name}”的工作表“{meta.name}”超过 {MAX_CELLS} 个单元格，没有读取。")
            r0, c0 = sheet.start or (0, 0)
            cells: dict[tuple[int, int], Any] = {}
            for i, values in enumerate(sheet.to_python(skip_empty_area=True)):
                for j, v in enumerate(values):
                    if v is not None and v != "":
                        cells[(r0 + i + 1, c0 + j + 1)] = v
            merges = [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in (sheet.merged_cell_ranges or [])]
            if not merges and ods_merges:
                merges = list(ods_merges.get(meta.name, []))
            sheets.append(SourceSheet(meta.name, cells, merges, "Visible" in str(meta.visible)))
        return sheets
    except WorkbookError:
        raise
    except Exception as err:  # noqa: BLE001 - calamine raises its own error types on bad files
        if "password" in str(err).lower() or "encrypt" in str(err).lower():
            raise WorkbookError(f"“{name}”设置了打开密码，无法读取。请取消密码后另存。") from err
        raise WorkbookError(
            f"“{name}”已损坏或无法解析（{type(err).__name__}）。请在 Excel 或 WPS 中打开后另存为 .xlsx。"
        ) from err
