"""Reading the ledger workbook (openpyxl) into raw cells, and writing the blank ledger.

The reader does not interpret values beyond what Excel itself says (strings are cleaned, merged
ranges filled, formulas resolved to their cached values); typing and validation are the checks'.
Every value keeps its sheet and cell so that a finding can point at it.
"""

from __future__ import annotations

import bisect
import io
import logging
import os
import re
import tempfile
import unicodedata
import warnings
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.escape import unescape
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import _cast_number
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet
from lxml import etree

from pipeline import schema
from pipeline.archive import current_umask
from pipeline.cellscan import find_bad_cell, find_dtd
from pipeline.errors import OutputExistsError, UsageError, WorkbookError
from pipeline.safety import WORKBOOK_LIMITS, NotRegularFile, cell_problem, open_regular, zip_problem

log = logging.getLogger(__name__)

# How far down a sheet the reader looks for its header row (users add a title row or two above).
HEADER_SCAN_ROWS = 10
# How far down it looks for a header row too low to use, to say where it is.
HEADER_HINT_ROWS = 200
# Size of a workbook file read at all (the zip's content is bounded separately, by WORKBOOK_LIMITS).
MAX_FILE_BYTES = 100 * 1024 * 1024
# Unicode format characters (zero-width marks, direction overrides, BOM): invisible, removed from every value.
FORMAT_CHARS_RE = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# Rows of the blank ledger that get dropdowns and formats.
BLANK_ROWS = 2000
# Excel stores a list validation's literal values in a formula limited to 255 characters.
EXCEL_LIST_LIMIT = 255

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")


@dataclass(frozen=True)
class RawCell:
    """One value as read, with the cell it came from."""

    value: Any
    coord: str
    origin: str = ""  # the cell holding the value, when `coord` is covered by a merged range
    formula_without_value: bool = False
    removed: str = ""  # invisible format characters removed from the value (zero-width, direction marks)

    @property
    def empty(self) -> bool:
        """True when the cell holds nothing (None or only white space)."""
        return _blank(self.value)


@dataclass(frozen=True)
class RawRow:
    """One non-blank data row of a table sheet."""

    row: int
    cells: dict[str, RawCell]

    def get(self, key: str) -> RawCell | None:
        """The cell of column `key`, or None when the sheet lacks that column."""
        return self.cells.get(key)


@dataclass
class RawTable:
    """A table sheet (or the key/value sheet) as found in the workbook."""

    spec: schema.Sheet
    title: str
    header_row: int
    columns: dict[str, str] = field(default_factory=dict)  # column key -> column letter
    rows: list[RawRow] = field(default_factory=list)
    # key/value sheet only: field key -> the cell holding its value
    fields: dict[str, RawCell] = field(default_factory=dict)

    def missing_columns(self) -> list[schema.Column]:
        """Required columns (or key/value rows) that were not found."""
        found = self.fields if self.spec.keyvalue else self.columns
        return [c for c in self.spec.columns if c.required and c.key not in found]


@dataclass(frozen=True)
class ReaderNote:
    """Something the reader noticed about the workbook's structure (hidden sheets or rows, ambiguous
    sheets, a header row too low); the checks report it as a Finding."""

    level: str  # "error" | "warning"
    code: str
    sheet: str
    cell: str
    message: str
    header: str = ""


@dataclass
class RawWorkbook:
    """Every sheet of the ledger that could be found, by schema key."""

    path: Path
    tables: dict[str, RawTable]
    sheet_names: tuple[str, ...]
    notes: list[ReaderNote] = field(default_factory=list)


def norm_label(text: Any) -> str:
    """Fold a header or sheet name for matching: width, white space, line breaks, required marks."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", FORMAT_CHARS_RE.sub("", str(text)))
    s = re.sub(r"\s+", "", s)
    return s.strip("*＊:：").replace("(", "（").replace(")", "）")


_CLEAN_ALREADY_RE = re.compile(r"[^\s\u3000\xa0](?:[^\r\n]*[^\s\u3000\xa0])?")


def _clean_string(value: str) -> str:
    """Strip white space (full-width too) and unify line breaks; keep inner line breaks."""
    if "_x" not in value and _CLEAN_ALREADY_RE.fullmatch(value):
        return value  # one line, nothing to strip (most cells): as it is
    # Excel escapes characters XML cannot hold as _xHHHH_; openpyxl leaves them in inline strings.
    value = unescape(value).replace("\r\n", "\n").replace("\r", "\n")
    lines = [ln.strip(" \t\u3000\xa0") for ln in value.split("\n")]
    return "\n".join(lines).strip("\n")


def _sniff(path: Path) -> bytes:
    """The workbook's bytes; WorkbookError with a clear message when `path` cannot be an .xlsx workbook.

    Only a regular file is read (a named pipe or device called x.xlsx would block or never end), and the
    zip directory is checked against WORKBOOK_LIMITS before any parser inflates a part.
    """
    name = path.name
    if name.startswith("~$"):
        raise WorkbookError(
            f"“{name}”是 Excel 或 WPS 打开工作簿时生成的临时锁定文件，不是台账。"
            "请选择不带“~$”前缀的工作簿；如果台账已关闭，可以删除这个文件。"
        )
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except PermissionError as err:  # a folder on the way that may not be entered
        raise WorkbookError(f"无法读取“{path}”：没有权限进入它所在的文件夹。请确认路径无误，或请管理员开放读取权限。") \
            from err
    except OSError as err:
        raise WorkbookError(f"无法读取“{path}”：{err.strerror}。请检查路径和文件名。") from err
    if not exists:
        raise WorkbookError(f"找不到文件“{path}”。请检查路径和文件名。")
    if is_dir:
        raise WorkbookError(f"“{path}”是文件夹，不是工作簿。请指定 .xlsx 文件。")
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise WorkbookError(f"“{name}”有 {size // (1024 * 1024)} MB，超过台账文件的上限 "
                                    f"{MAX_FILE_BYTES // (1024 * 1024)} MB。请删除无关的工作表、图片后另存，或拆分台账。")
            data = fh.read(MAX_FILE_BYTES + 1)
    except NotRegularFile as err:
        raise WorkbookError(f"“{name}”不是普通文件（是{err.kind}），无法作为台账读取。请指定 Excel 保存的 .xlsx 文件。") \
            from err
    except OSError as err:
        reason = "没有读取权限" if isinstance(err, PermissionError) else err.strerror
        raise WorkbookError(f"无法读取“{name}”：{reason}。请确认文件存在、有读取权限且没有被其他程序独占打开。") from err
    head = data[:8]
    size = len(data)
    ole = data[8: 8 + (1 << 20)] if head == _OLE2_MAGIC else b""
    if size == 0:
        raise WorkbookError(f"“{name}”是空文件（0 字节）。请用 Excel 或 WPS 重新保存台账。")
    if head == _OLE2_MAGIC:
        if _ENCRYPTION_MARK in ole:
            raise WorkbookError(
                f"“{name}”设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中取消密码后另存为 .xlsx。"
            )
        raise WorkbookError(
            f"“{name}”是旧版 Excel（.xls）格式。请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再试。"
        )
    if not head.startswith(b"PK"):
        raise WorkbookError(
            f"“{name}”不是 Excel 工作簿（.xlsx），可能是改了扩展名的 CSV 或文本文件。"
            "请在 Excel 或 WPS 中打开后“另存为”Excel 工作簿（.xlsx）。"
        )
    damaged = f"“{name}”已损坏或不完整（可能没有下载或复制完）。请重新获取或用 Excel 重新保存。"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            bound = zip_problem(zf, WORKBOOK_LIMITS) or cell_problem(zf)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, zlib.error) as err:
        raise WorkbookError(damaged) from err
    if bound:
        raise WorkbookError(f"“{name}”无法读取：{bound}。台账不应这么大；请在 Excel 或 WPS 中删除多余内容后另存，"
                            "如果文件来历不明，请不要使用。")
    dtd = find_dtd(io.BytesIO(data))  # entity definitions (XXE, "billion laughs"): no part is parsed
    if dtd is not None:
        raise WorkbookError(_dtd_message(name, dtd))
    return data


def _dtd_message(name: str, part: str) -> str:
    return (f"“{name}”的部件“{part}”含有 DTD（XML 实体定义），Excel 和 WPS 从不这样保存，"
            "可能是恶意构造的文件，出于安全没有读取。请使用 Excel 或 WPS 保存的台账。")


@contextmanager
def _openpyxl_errors(data: bytes, name: str) -> Iterator[None]:
    """Turn every failure of openpyxl's while reading the workbook into WorkbookError.

    openpyxl's warnings (unsupported extensions and the like) are English and say nothing the user can
    act on: they go to the log (shown with --debug), never to the terminal.
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for w in caught:
            log.debug("openpyxl: %s", w.message)
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, EOFError, OSError) as err:
        raise WorkbookError(
            f"“{name}”已损坏或不是 Excel 工作簿，无法读取。请在 Excel 或 WPS 中打开后重新保存为 .xlsx。"
        ) from err
    except MemoryError as err:
        raise WorkbookError(f"“{name}”太大，内存不足以读取。请删除多余的行、列和工作表后另存。") from err
    except Exception as err:  # noqa: BLE001 - openpyxl raises many types on malformed XML
        dtd = find_dtd(io.BytesIO(data))
        if dtd is not None:
            raise WorkbookError(_dtd_message(name, dtd)) from err
        bad = find_bad_cell(io.BytesIO(data))
        if bad is not None:
            raise WorkbookError(
                f"“{name}”中 {bad.sheet}!{bad.coord} 无法读取：{bad.reason}。"
                "请在 Excel 或 WPS 中打开台账，重新输入该单元格的内容后保存。") from err
        raise WorkbookError(
            f"“{name}”的内容无法解析（{type(err).__name__}）。请在 Excel 或 WPS 中打开后重新保存为 .xlsx。"
        ) from err


def _open(data: bytes, name: str) -> Any:
    """The workbook in openpyxl's read-only mode, with formulas' cached values: its sheets are parsed
    when the reader asks for them (see _read_sheet), never built as Cell objects."""
    with _openpyxl_errors(data, name):
        # keep_links=False: external links are never followed or kept.
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL, _VALUE, _FORMULA, _INLINE, _TEXT, _RUN = (_MAIN + n for n in ("c", "v", "f", "is", "t", "r"))
_ROW, _MERGE, _PHONETIC = _MAIN + "row", _MAIN + "mergeCell", _MAIN + "rPh"


@dataclass
class _CellTypes:
    """What turns a cell's stored text into its value: the workbook's shared strings, its date epoch and
    which cell formats are dates or durations (all read by openpyxl's read-only workbook)."""

    strings: Any
    epoch: Any
    dates: set[int]
    durations: set[int]
    styles: int

    @classmethod
    def of(cls, wb: Any, ws: Any) -> _CellTypes:
        return cls(ws._shared_strings, wb.epoch, wb._date_formats, wb._timedelta_formats,  # noqa: SLF001
                   len(wb._cell_styles))  # noqa: SLF001

    def value(self, kind: str, style: int, text: str | None, coord: str) -> Any:
        """The value openpyxl's worksheet parser gives a cell, in data-only mode (a formula's cached value)."""
        if not text:
            return None
        if kind == "n":
            value = _cast_number(text)
            if style in self.dates:
                try:
                    return from_excel(value, self.epoch, timedelta=style in self.durations)
                except (OverflowError, ValueError):
                    log.debug("%s: date serial %s out of range, read as #VALUE!", coord, value)
                    return "#VALUE!"
            return value
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text  # str (a formula's text result), e (an error such as #N/A) and anything else


def _inline_text(element: Any) -> str:
    """An inline string's text as openpyxl's Text.content gives it: its own text (the last <t>, as
    openpyxl keeps it), then the rich-text runs' text; phonetic guides left out."""
    plain = ""
    runs = []
    for child in element:
        if child.tag == _TEXT:
            plain = child.text or ""
        elif child.tag == _RUN:
            text = child.find(_TEXT)
            if text is not None:
                runs.append(text.text or "")
    return plain + "".join(runs)


def _read_sheet(wb: Any, ws: Any, data: bytes, name: str) -> _SheetView:
    """One worksheet of a read-only workbook as a _SheetView: each cell's value (a formula's cached
    value; whether it holds a formula), the merged ranges and the hidden rows.

    The part is streamed with lxml (entities never resolved, no network, no DTD loading, libxml2's size
    limits on) and each row dropped once read; cell values are converted by openpyxl's own rules
    (numbers, dates by their cell format, shared strings, booleans, ISO dates). Building openpyxl's
    worksheet instead (Cell objects, every row's dimensions, validations and formats) took most of
    the reading time and memory of a large ledger."""
    values: dict[tuple[int, int], Any] = {}
    uncached: set[tuple[int, int]] = set()  # formulas without a saved result
    ranges: list[tuple[int, int, int, int]] = []
    hidden: set[int] = set()
    with _openpyxl_errors(data, name), ws._get_source() as src:  # noqa: SLF001 - openpyxl's own way in
        types = _CellTypes.of(wb, ws)
        row_no = 0
        for _, element in etree.iterparse(src, events=("end",), tag=(_ROW, _MERGE), resolve_entities=False,
                                          no_network=True, load_dtd=False):
            attrs = element.attrib
            if element.tag == _MERGE:
                if attrs.get("ref"):
                    r = CellRange(attrs["ref"])
                    ranges.append((r.min_row, r.min_col, r.max_row, r.max_col))
                continue
            number = attrs.get("r")
            row_no = row_no + 1 if number is None else _row_number(number)
            if attrs.get("hidden", "").lower() in ("1", "true"):
                hidden.add(row_no)
            col_no = 0
            for cell in element.iterchildren(_CELL):
                a = cell.attrib
                coord = a.get("r")
                if coord:
                    row, col_no = coordinate_to_tuple(coord)
                else:
                    row, col_no = row_no, col_no + 1
                style = a.get("s")
                style_id = int(style) if style else 0
                if style_id >= types.styles and style_id:
                    # openpyxl's full load fails on it too: the file is damaged (the guard names the cell)
                    raise IndexError(f"style {style_id} out of range")
                kind = a.get("t", "n")
                text = None
                seen_value = formula = False
                value: Any = None
                for child in cell:
                    tag = child.tag
                    if tag == _VALUE:
                        if not seen_value:  # the first <v>, as openpyxl reads it
                            text, seen_value = child.text, True
                    elif tag == _FORMULA:
                        formula = True
                    elif tag == _INLINE and kind == "inlineStr" and value is None:
                        value = _inline_text(child)
                if kind != "inlineStr":
                    value = types.value(kind, style_id, text, coord or "")
                key = (row, col_no)
                # A formula Excel never calculated has no result saved (an empty string result is saved
                # as t="str" with an empty <v>: that cell is simply empty).
                if formula and value is None and not (kind == "str" and seen_value):
                    uncached.add(key)
                else:
                    uncached.discard(key)
                if value is None:
                    values.pop(key, None)
                else:
                    values[key] = value
            element.clear()
            while element.getprevious() is not None:  # rows read before: gone
                del element.getparent()[0]
    return _SheetView(ws.title, values, uncached, ranges, hidden)


def _row_number(text: str) -> int:
    """A <row r="…"> number as openpyxl reads it (an integral float is accepted)."""
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise ValueError(f"{text} is not a valid row number") from None
        return int(number)


_INDEXED_COLS = 64  # merged ranges are indexed for the columns the reader looks at


class _SheetView:
    """A worksheet's values with merged ranges resolved: every cell of a range reads the top-left value.

    Only cells holding a value are kept (a stray value in row 1048576 costs one entry, not a million
    empty cells). The covered cells of a merged range hold nothing of their own, as in Excel. Merged
    ranges are indexed by column (sorted by first row), so a sheet with thousands of merges costs a
    binary search per lookup, not a scan.
    """

    def __init__(self, title: str, values: dict[tuple[int, int], Any], uncached: set[tuple[int, int]],
                 ranges: list[tuple[int, int, int, int]], hidden: set[int]) -> None:
        self.title = title
        self.hidden = hidden
        self.ranges = sorted(ranges)
        self._by_col: dict[int, list[tuple[int, int, int, int]]] = {}
        for rng in self.ranges:
            for col in range(rng[1], min(rng[3], _INDEXED_COLS) + 1):
                self._by_col.setdefault(col, []).append(rng)
        self._starts = {col: [r[0] for r in rngs] for col, rngs in self._by_col.items()}
        if self.ranges:
            # What a covered cell holds is not shown (Excel keeps the top-left value only). Columns past
            # those indexed are never read as data (headers are looked for in the first 60): left as they are.
            values = {k: v for k, v in values.items() if k[1] > _INDEXED_COLS or self.origin(*k) == k}
            uncached = {k for k in uncached if k[1] > _INDEXED_COLS or self.origin(*k) == k}
        self.values = values
        self.uncached = uncached  # formulas without a saved result: data to report, not blanks

    def merged(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        """The merged range (r0, c0, r1, c1) holding (row, col), or None."""
        if col > _INDEXED_COLS:
            return next((r for r in self.ranges if r[0] <= row <= r[2] and r[1] <= col <= r[3]), None)
        rngs = self._by_col.get(col)
        if not rngs:
            return None
        i = bisect.bisect_right(self._starts[col], row) - 1
        if i >= 0 and rngs[i][2] >= row:
            return rngs[i]
        return None

    def origin(self, row: int, col: int) -> tuple[int, int]:
        """The cell that really holds the value shown at (row, col)."""
        rng = self.merged(row, col)
        return (rng[0], rng[1]) if rng else (row, col)

    def span_end(self, row: int, col: int) -> int:
        """The last column of the merged range holding (row, col), or col itself."""
        rng = self.merged(row, col)
        return rng[3] if rng else col

    def own(self, row: int, col: int) -> Any:
        """The value stored in the cell itself (None for the covered cells of a merged range)."""
        return self.values.get((row, col))

    def value(self, row: int, col: int) -> Any:
        """The value shown at (row, col), merged ranges included."""
        return self.own(*self.origin(row, col))

    def rows_with_values(self, after: int, cols: Iterable[int]) -> list[int]:
        """Rows below `after` holding a value of their own in one of `cols` (merges do not count:
        a merged cell that reaches over a blank row does not make that row a data row)."""
        wanted = set(cols)
        rows = {r for (r, c), value in self.values.items()
                if r > after and c in wanted and not _blank(value)}
        rows.update(r for r, c in self.uncached if r > after and c in wanted)  # reported at their cells
        return sorted(rows)

    def labels(self, max_col: int) -> list[tuple[int, int, Any]]:
        """(row, col, value) of text cells in the first `max_col` columns, top to bottom."""
        return sorted((r, c, value) for (r, c), value in self.values.items()
                      if c <= max_col and isinstance(value, str))

    def hidden_rows(self, rows: Iterable[int]) -> list[int]:
        """Those of `rows` that Excel hides."""
        return [r for r in rows if r in self.hidden]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _match_headers(values: Iterable[Any], spec: schema.Sheet) -> dict[str, int]:
    """Map column keys to 1-based column indexes for the header labels found in one row."""
    wanted = {norm_label(h): col.key for col in spec.columns for h in col.headers}
    found: dict[str, int] = {}
    for idx, val in enumerate(values, start=1):
        key = wanted.get(norm_label(val))
        if key and key not in found:
            found[key] = idx
    return found


def _find_header_row(view: _SheetView, spec: schema.Sheet, rows: int = HEADER_SCAN_ROWS) -> tuple[int, dict[str, int]]:
    """The row (within the first `rows` rows) that holds most of the sheet's headers."""
    best: tuple[int, dict[str, int]] = (0, {})
    for r in range(1, rows + 1):
        found = _match_headers((view.value(r, c) for c in range(1, 61)), spec)
        if len(found) > len(best[1]):
            best = (r, found)
    return best


def _low_header_row(view: _SheetView, spec: schema.Sheet) -> tuple[int, dict[str, int]]:
    """A header row below the first HEADER_SCAN_ROWS rows holding every required column, or (0, {})."""
    required = {c.key for c in spec.columns if c.required}
    by_row: dict[int, dict[int, Any]] = {}
    for r, c, value in view.labels(max_col=60):
        if HEADER_SCAN_ROWS < r <= HEADER_HINT_ROWS:
            by_row.setdefault(r, {})[c] = value
    for r in sorted(by_row):
        cells = by_row[r]
        found = _match_headers((cells.get(c) for c in range(1, max(cells) + 1)), spec)
        if required <= set(found):
            return r, found
    return 0, {}


def _row_list(rows: list[int], limit: int = 12) -> str:
    """Rows as people write them: 5、7–9、12 (the first `limit` runs, then 等)."""
    runs: list[list[int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    text = "、".join(str(a) if a == b else f"{a}–{b}" for a, b in runs[:limit])
    return text + ("等" if len(runs) > limit else "")


def _read_table(view: _SheetView, spec: schema.Sheet, title: str, notes: list[ReaderNote]) -> RawTable:
    header_row, cols = _find_header_row(view, spec)
    required = {c.key for c in spec.columns if c.required}
    if not required <= set(cols):
        low_row, low_cols = _low_header_row(view, spec)
        if low_row:
            header_row, cols = low_row, low_cols
            notes.append(ReaderNote("warning", "header-low", title, f"{low_row}:{low_row}",
                                    f"表头在第 {low_row} 行，上面的 {low_row - 1} 行不是表头，已跳过、不会印入文档。"
                                    f"请确认这些行中没有需要的内容；删除它们可以去掉这条提示。"))
    table = RawTable(spec=spec, title=title, header_row=header_row,
                     columns={k: get_column_letter(i) for k, i in cols.items()})
    if not header_row:
        return table
    for key, c in cols.items():
        rng = view.merged(header_row, c)
        if rng and rng[2] > header_row:
            header = spec.column(key).header
            notes.append(ReaderNote(
                "warning", "header-merged", title, f"{get_column_letter(c)}{header_row}",
                f"〔{header}〕的表头单元格向下合并到了第 {rng[2]} 行，第 {_row_list(list(range(header_row + 1, rng[2] + 1)))} 行的这一列"
                "按空白处理（不把表头当作内容）。请取消合并，在这些行中填写内容。", header))
    rows = view.rows_with_values(header_row, cols.values())
    for r in rows:
        table.rows.append(RawRow(row=r, cells={key: _raw_cell(view, r, c, header_row) for key, c in cols.items()}))
    hidden = view.hidden_rows(rows)
    if hidden:
        notes.append(ReaderNote("warning", "hidden-rows", title, f"{hidden[0]}:{hidden[0]}",
                                f"第 {_row_list(hidden)} 行是隐藏行（共 {len(hidden)} 行），其内容仍会读入并印入文档。"
                                "如果这些行已作废，请删除它们；否则请取消隐藏并核对。"))
    return table


def _raw_cell(view: _SheetView, row: int, col: int, header_row: int = 0) -> RawCell:
    r0, c0 = view.origin(row, col)
    data = r0 > header_row or r0 == row  # a header merged down is not data
    value = view.own(r0, c0) if data else None
    # a formula is read as the value Excel cached for it; a formula without one cannot be printed
    no_value = data and value is None and (r0, c0) in view.uncached
    removed = ""
    if isinstance(value, str):
        if FORMAT_CHARS_RE.search(value):
            removed = "".join(FORMAT_CHARS_RE.findall(value))
            value = FORMAT_CHARS_RE.sub("", value)
        value = _clean_string(value)
    coord = f"{_letter(col)}{row}"
    return RawCell(value=value, coord=coord, origin=coord if (r0, c0) == (row, col) else f"{_letter(c0)}{r0}",
                   removed=removed, formula_without_value=no_value)


@lru_cache(maxsize=None)
def _letter(col: int) -> str:
    return get_column_letter(col)


def _read_keyvalue(view: _SheetView, spec: schema.Sheet, title: str, notes: list[ReaderNote]) -> RawTable:
    """Key/value sheet: a label in one of the first columns, its value in the cell right of the
    label (right of the label's merged range, when the label cell is merged)."""
    labels = {norm_label(h): col.key for col in spec.columns for h in col.headers}
    table = RawTable(spec=spec, title=title, header_row=1)
    done_rows: set[int] = set()
    for r, c, value in view.labels(max_col=6):
        key = labels.get(norm_label(value))
        if key and r not in done_rows and key not in table.fields:
            table.fields[key] = _raw_cell(view, r, view.span_end(r, c) + 1)
            done_rows.add(r)
    return table


def _visible(ws: Worksheet) -> bool:
    return getattr(ws, "sheet_state", "visible") == "visible"


def _names(sheets: list[Worksheet]) -> str:
    return "、".join(f"“{ws.title}”" for ws in sheets)


def _sheet_for(spec: schema.Sheet, book: _Book, claimed: set[str], notes: list[ReaderNote]) -> Worksheet | None:
    """Find a sheet by name (or alias); failing that, by its headers (renamed sheets).

    Hidden sheets are never read (an outdated copy is often hidden); two candidates are an error.
    """
    names = {norm_label(n) for n in spec.names}
    wb = book.wb
    by_name = [ws for ws in wb.worksheets if ws.title not in claimed and norm_label(ws.title) in names]
    hidden = [ws for ws in by_name if not _visible(ws)]
    visible = [ws for ws in by_name if _visible(ws)]
    if not spec.keyvalue and not visible:
        required = {c.key for c in spec.columns if c.required}
        schema_names = {norm_label(n) for s in schema.SHEETS for n in s.names}
        for ws in wb.worksheets:
            if ws.title in claimed or norm_label(ws.title) in schema_names:
                continue
            _, found = _find_header_row(book.view(ws), spec)
            if required <= set(found):
                (visible if _visible(ws) else hidden).append(ws)
    for ws in hidden:
        claimed.add(ws.title)
        notes.append(ReaderNote(
            "warning" if visible else "error", "hidden-sheet", ws.title, "",
            f"工作表“{ws.title}”是隐藏的，没有读取" + (f"（读取的是{_names(visible)}）。" if visible else "。")
            + f"如果它才是要用的“{spec.name}”表，请在 Excel 中取消隐藏；如果已作废，请删除它。"))
    if len(visible) > 1:
        notes.append(ReaderNote(
            "error", "duplicate-sheet", visible[1].title, "",
            f"{_names(visible)}都像是“{spec.name}”表，无法确定用哪一个。"
            f"请删除或改名多余的表（只保留一个“{spec.name}”表）。"))
        claimed.update(ws.title for ws in visible[1:])
    return visible[0] if visible else None


def _note_lookalikes(book: _Book, tables: dict[str, RawTable], claimed: set[str], notes: list[ReaderNote]) -> None:
    """Warn about visible sheets left unread although their headers are those of a sheet that was read
    (a copy such as 问题（备份）): the user should know which one the documents come from."""
    for ws in book.wb.worksheets:
        if ws.title in claimed or not _visible(ws) or ws.title in (schema.GUIDE_SHEET, schema.CHOICES_SHEET):
            continue
        view = book.view(ws)
        for spec in schema.SHEETS:
            table = tables.get(spec.key)
            required = {c.key for c in spec.columns if c.required}
            if spec.keyvalue or table is None or not required:
                continue
            if required <= set(_find_header_row(view, spec)[1]):
                notes.append(ReaderNote(
                    "warning", "unread-sheet", ws.title, "",
                    f"工作表“{ws.title}”的表头与“{table.title}”表相同，但没有读取：文档只用“{table.title}”表。"
                    "如果它是过时的副本，请删除它；如果内容应当使用，请把它并入“" + table.title + "”表。"))
                break


class _Book:
    """A read-only workbook and the views of the sheets read so far (each sheet is parsed once)."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data, self.name = data, name
        self.wb = _open(data, name)
        self._views: dict[str, _SheetView] = {}

    def view(self, ws: Any) -> _SheetView:
        if ws.title not in self._views:
            self._views[ws.title] = _read_sheet(self.wb, ws, self.data, self.name)
        return self._views[ws.title]


def read_workbook(path: Path) -> RawWorkbook:
    """Read a ledger workbook into raw cells; raise WorkbookError when it is not readable at all."""
    path = Path(path)
    data = _sniff(path)
    book = _Book(data, path.name)
    try:
        tables: dict[str, RawTable] = {}
        claimed: set[str] = set()
        notes: list[ReaderNote] = []
        for spec in schema.SHEETS:
            ws = _sheet_for(spec, book, claimed, notes)
            if ws is None:
                continue
            claimed.add(ws.title)
            view = book.view(ws)
            if spec.keyvalue:
                tables[spec.key] = _read_keyvalue(view, spec, ws.title, notes)
            else:
                tables[spec.key] = _read_table(view, spec, ws.title, notes)
        _note_lookalikes(book, tables, claimed, notes)
        names = tuple(ws.title for ws in book.wb.worksheets)
    finally:
        book.wb.close()
    return RawWorkbook(path=path, tables=tables, sheet_names=names, notes=notes)


# ---------------------------------------------------------------------------------------------
# The blank ledger

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_FONT = Font(name="宋体", bold=True, size=11)
_REQUIRED_FONT = Font(name="宋体", bold=True, size=11, color="C00000")
_DATE_FORMAT = 'yyyy"年"m"月"d"日"'
KIND_NAMES = {
    schema.TEXT: "文字", schema.LONGTEXT: "文字（可换行分段）", schema.INT: "整数",
    schema.DATE: "日期", schema.DEADLINE: "日期或“长期坚持”", schema.CHOICE: "下拉选择", schema.ID: "编号",
    schema.LOOSE_DATE: "日期（可只写到月或旬）",
}


def _list_formula(col: schema.Column, choices_ws: Worksheet, slot: list[int]) -> str:
    """A list validation formula; values go to the hidden sheet when they would pass Excel's limit."""
    literal = '"' + ",".join(col.choices) + '"'
    if len(literal) <= EXCEL_LIST_LIMIT and not any("," in c for c in col.choices):
        return literal
    slot[0] += 1
    letter = get_column_letter(slot[0])
    for i, choice in enumerate(col.choices, start=1):
        choices_ws[f"{letter}{i}"] = choice
    return f"'{schema.CHOICES_SHEET}'!${letter}$1:${letter}${len(col.choices)}"


def _style_header(cell: Any, col: schema.Column) -> None:
    cell.font = _REQUIRED_FONT if col.required else _HEADER_FONT
    cell.fill = _HEADER_FILL
    cell.border = _BORDER
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    help_text = col.help + ("（必填）" if col.required else "")
    cell.comment = Comment(help_text, "rectify", width=260, height=110)


def _label(col: schema.Column, kind: str) -> str:
    """A column's header in the ledger's kind (被巡视单位 for a 巡视); the 巡视巡察 row keeps its name."""
    return col.header if col.key == "kind" else schema.for_kind(col.header, kind)


def _help(col: schema.Column, kind: str, example: bool = True) -> str:
    """A column's help (and example) in the ledger's kind; the 巡视巡察 row explains both words as they are."""
    text = col.help + (f"例：{col.example}" if example and col.example else "")
    return text if col.key == "kind" else schema.for_kind(text, kind)


def blank_workbook(kind: str = schema.XUNCHA, examples: bool = True) -> Workbook:
    """A blank ledger workbook built from the schema, worded for a 巡察 (default) or a 巡视; with
    `examples`, each table sheet shows an example row and 正文 its skeleton (programs that fill the
    workbook themselves pass False)."""
    wb = Workbook()
    guide = wb.active
    guide.title = schema.GUIDE_SHEET
    choices_ws = wb.create_sheet(schema.CHOICES_SHEET)
    choices_ws.sheet_state = "hidden"
    slot = [0]
    for spec in schema.SHEETS:
        ws = wb.create_sheet(spec.name)
        if spec.keyvalue:
            _blank_keyvalue(ws, spec, choices_ws, slot, kind)
        else:
            _blank_table(ws, spec, choices_ws, slot, examples)
    _write_guide(guide, kind)
    # Put the hidden options sheet last so sheet order reads: guide, data sheets.
    wb.move_sheet(choices_ws, offset=len(wb.sheetnames))
    return wb


_EXAMPLE_FONT = Font(name="宋体", italic=True, color="808080")
_DATE_PROMPT = "填写日期，如 2024-09-30 或 2024年9月30日（Excel 会按本机格式显示）。"


def _date_validation(header: str) -> DataValidation:
    """A real-date check with a Chinese prompt and message (1990-01-01 … 2099-12-31)."""
    return DataValidation(type="date", operator="between", formula1="DATE(1990,1,1)", formula2="DATE(2099,12,31)",
                          allow_blank=True, showErrorMessage=True, errorTitle="日期不正确",
                          error="请填写 1990 年至 2099 年之间的日期，如 2024-09-30。",
                          promptTitle=header, prompt=_DATE_PROMPT, showInputMessage=True)


# Points a line of 11 pt text takes in a row; Excel's column width unit is about one Latin digit.
_LINE_HEIGHT = 15


def _text_width(text: str) -> int:
    """Width in Excel column units: a Chinese character takes two, a Latin one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_row_heights(ws: Worksheet, rows: Iterable[int]) -> None:
    """Give rows the height their wrapped text needs (no spreadsheet program grows rows a program wrote,
    so a long help text would show, and print, as its first line only)."""
    spans = {(r.min_row, r.min_col): r.max_col for r in ws.merged_cells.ranges}
    for r in rows:
        lines = 1
        for cell in ws[r]:
            if not isinstance(cell.value, str) or not hasattr(cell, "column"):
                continue
            last = spans.get((r, cell.column), cell.column)
            width = sum((ws.column_dimensions[get_column_letter(c)].width or 9) for c in range(cell.column, last + 1))
            per_line = max(int(width) - 1, 4)
            need = sum(max(1, -(-_text_width(part) // per_line)) for part in cell.value.split("\n"))
            lines = max(lines, need)
        if lines > 1:
            ws.row_dimensions[r].height = lines * _LINE_HEIGHT


def _print_setup(ws: Worksheet, landscape: bool = True, title_rows: str | None = "1:1") -> None:
    """Print on A4, one page wide (as many pages down as needed), the header row repeated on each page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows:
        ws.print_title_rows = title_rows


def _blank_table(ws: Worksheet, spec: schema.Sheet, choices_ws: Worksheet, slot: list[int],
                 examples: bool = True) -> None:
    for idx, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(idx)
        cell = ws.cell(row=1, column=idx, value=col.header)
        _style_header(cell, col)
        dim = ws.column_dimensions[letter]
        dim.width = col.width
        rng = f"{letter}2:{letter}{BLANK_ROWS + 1}"
        dv = None
        if col.kind == schema.CHOICE:
            dv = DataValidation(type="list", formula1=_list_formula(col, choices_ws, slot),
                                allow_blank=True, showErrorMessage=True,
                                errorTitle="请从列表中选择", error="只能填写：" + "、".join(col.choices),
                                promptTitle=col.header, prompt=col.help[:250], showInputMessage=True)
        elif spec.key == "measures" and col.key == "problem_id":
            # The ids typed on the 问题 sheet, as a dropdown (a list fed by a range of that sheet).
            id_letter = get_column_letter(1 + [c.key for c in schema.PROBLEMS.columns].index("id"))
            dv = DataValidation(type="list", formula1=f"'{schema.PROBLEMS.name}'!${id_letter}$2:${id_letter}"
                                                      f"${BLANK_ROWS + 1}",
                                allow_blank=True, showErrorMessage=True, errorTitle="问题编号不存在",
                                error=f"请选择“{schema.PROBLEMS.name}”表中已有的编号（先在“{schema.PROBLEMS.name}”表填写问题）。",
                                promptTitle=col.header, prompt=col.help[:250], showInputMessage=True)
        elif col.kind == schema.DATE:
            dv = _date_validation(col.header)
        elif col.kind == schema.DEADLINE:
            # A date or 长期坚持: no error box, a prompt saying both.
            dv = DataValidation(type="custom", formula1="TRUE", allow_blank=True, showErrorMessage=False,
                                promptTitle=col.header, prompt="填写日期（如 2024-12-31），或填写“长期坚持”。",
                                showInputMessage=True)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(rng)
        if col.kind in (schema.DATE, schema.DEADLINE):
            dim.number_format = _DATE_FORMAT
        # Wrapped text in every column, so nothing is cut off on screen or on paper.
        dim.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = spec.freeze
    if examples:
        _example_row(ws, spec)
        fit_row_heights(ws, range(2, ws.max_row + 1))
    _print_setup(ws)


def _example_row(ws: Worksheet, spec: schema.Sheet) -> None:
    """Row 2: an example (grey, first cell starting with 示例) that shows the shape; the reader skips it.
    正文 gets the skeleton of a progress notice instead, to rewrite."""
    if spec.key == "narrative":
        for r, row in enumerate(schema.NARRATIVE_SKELETON, start=2):
            for c, value in enumerate(row, start=1):
                if value:
                    ws.cell(row=r, column=c, value=value).alignment = Alignment(wrap_text=True, vertical="top")
        return
    for c, col in enumerate(spec.columns, start=1):
        value = col.example
        if c == 1:
            value = schema.EXAMPLE_MARK if col.kind == schema.ID else f"{schema.EXAMPLE_MARK}：{col.example}"
        elif col.kind == schema.CHOICE and not value:
            value = col.default or col.choices[0]
        elif col.kind in (schema.DATE, schema.DEADLINE) and value:
            value = datetime.strptime(value, "%Y-%m-%d")
        if value:
            cell = ws.cell(row=2, column=c, value=value)
            cell.font = _EXAMPLE_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _blank_keyvalue(ws: Worksheet, spec: schema.Sheet, choices_ws: Worksheet, slot: list[int],
                    kind: str = schema.XUNCHA) -> None:
    for idx, label in enumerate(schema.KV_HEADERS, start=1):
        cell = ws.cell(row=1, column=idx, value=label)
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center")
    for r, col in enumerate(spec.columns, start=2):
        label = ws.cell(row=r, column=1, value=_label(col, kind))
        label.font = Font(bold=True, color="C00000" if col.required else "000000")
        label.border = _BORDER
        value = ws.cell(row=r, column=2)
        value.border = _BORDER
        if col.kind == schema.DATE:
            value.number_format = _DATE_FORMAT
            dv = _date_validation(_label(col, kind))
            ws.add_data_validation(dv)
            dv.add(value.coordinate)
        value.alignment = Alignment(wrap_text=True, vertical="top")
        if col.choices:
            # 编号方式 also takes a pattern, so a value off the list is allowed there (no error box).
            strict = col.kind == schema.CHOICE
            dv = DataValidation(type="list", formula1=_list_formula(col, choices_ws, slot), allow_blank=True,
                                showErrorMessage=strict, errorTitle="请从列表中选择",
                                error="只能填写：" + "、".join(col.choices),
                                promptTitle=_label(col, kind), prompt=_help(col, kind, example=False)[:250],
                                showInputMessage=True)
            ws.add_data_validation(dv)
            dv.add(value.coordinate)
        if col.key == "kind" and kind != schema.XUNCHA:
            value.value = kind
        note = _help(col, kind, example=False) + ("（必填）" if col.required else "")
        if col.example:
            note += f"例：{col.example if col.key == 'kind' else schema.for_kind(col.example, kind)}"
        ws.cell(row=r, column=3, value=note).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 44
    ws.column_dimensions["C"].width = 70
    ws.freeze_panes = spec.freeze
    fit_row_heights(ws, range(2, len(spec.columns) + 2))
    _print_setup(ws)


def _write_guide(ws: Worksheet, kind: str = schema.XUNCHA) -> None:
    """The 填写说明 sheet, generated from the schema's help texts, the numbering schemes and the placeholders."""
    from pipeline import figures, outline  # they need the model; the reader itself does not

    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 18
    ws.column_dimensions["D"].width = 30
    ws.column_dimensions["E"].width = 80
    rows: list[tuple[Any, ...]] = [
        (f"{kind}整改台账填写说明",),
        ("填好各表后运行 rectify check 检查，再运行 rectify build 生成通报和三个清单。红色列名为必填项；"
         "列名上的批注是该列的说明。不要修改表名和列名。序号（一、（一）1. 一是）都由程序按“编号方式”生成，不必填写。"
         "各表第 2 行灰色斜体的是示例（第一格以“示例”开头），读取时跳过，可以删除；在示例行上直接填写时请把整行都改掉。"
         "“正文”表预填了通报的常用段落（以“【请改写】”开头），请按实际改写并删去这四个字，不需要的段落整行删除。",),
        (),
    ]
    for spec in schema.SHEETS:
        rows.append((f"【{spec.name}】", schema.for_kind(spec.help, kind)))
        rows.append(("列名" if not spec.keyvalue else "项目", "必填", "类型", "可选值", "说明"))
        for col in spec.columns:
            rows.append((_label(col, kind), "是" if col.required else "", KIND_NAMES[col.kind],
                         "、".join(col.choices), _help(col, kind)))
        rows.append(())
    rows.append(("【编号方式】", "基本信息〔编号方式〕可选下列之一，也可以按“第一级/第二级/第三级/第四级”逐级填写，"
                 "每级写 一、 （一） 1. （1） 一是 ① 之一或“无”，后面加“段首”表示标题接在段首，如“一、/无/1./一是段首”。"))
    rows.append(("名称", "", "各级编号", "效果（⏎ 表示另起一段）", "说明"))
    for name, (pattern, help_text, example) in outline.SCHEME_DOCS.items():
        rows.append((name, "", pattern, schema.for_kind(example, kind), help_text))
    rows.append(())
    rows.append(("【部分的标题】", "基本信息〔基本情况标题〕〔整改落实进展标题〕〔今后打算标题〕〔结束语标题〕：不填用默认标题；"
                 "填写文字即改用这个标题（序号自动生成，可用占位符）；填“无标题”只印内容；填“不印”整个部分不印。"
                 "部分的序号只数印出标题的部分。"))
    rows.append(())
    rows.append(("【占位符】", "在导语、部分标题和正文中写 {名称}，生成时换成下面的内容；写作“巡视”的名称同样可用，"
                 "如 {巡视组}。"))
    rows.append(("占位符", "", "", "示例值", "含义"))
    for ph in figures.REGISTRY:
        rows.append(("{" + schema.for_kind(ph.name, kind) + "}", "", "", f"例：{schema.for_kind(ph.example, kind)}",
                     schema.for_kind(ph.help, kind)))
    for row in rows:
        ws.append(list(row))
    ws["A1"].font = Font(bold=True, size=14)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("【"):
                cell.font = Font(bold=True, color="1F4E79")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    # A line of text in column A that runs across the row: merge it so it wraps over the whole width.
    for r, row in enumerate(rows, start=1):
        if len(row) == 1 or (len(row) == 2 and str(row[0]).startswith("【")):
            start = 1 if len(row) == 1 else 2
            ws.merge_cells(start_row=r, start_column=start, end_row=r, end_column=5)
    ws.freeze_panes = "A4"
    fit_row_heights(ws, range(1, len(rows) + 1))
    _print_setup(ws, landscape=False, title_rows=None)


def write_new_file(path: Path, data: bytes | None = None, workbook: Workbook | None = None) -> None:
    """Write a file that must not exist yet, through a temporary file in the same folder."""
    path = Path(path)
    if path.exists():
        raise OutputExistsError(f"“{path}”已存在，不会覆盖。请换一个文件名，或先移走原文件。")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"文件夹“{folder}”不存在。请先创建它或换一个位置。")
    fd, tmp = tempfile.mkstemp(prefix=".rectify-", suffix=path.suffix, dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            if workbook is not None:
                workbook.save(fh)
            elif data is not None:
                fh.write(data)
        if path.exists():  # appeared while we were writing
            raise OutputExistsError(f"“{path}”已存在，不会覆盖。请换一个文件名，或先移走原文件。")
        # mkstemp makes the file readable by its owner only; a new file gets the mode the umask gives.
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_blank_ledger(path: Path, kind: str = schema.XUNCHA) -> Path:
    """Write a blank ledger to `path` (which must not exist), worded for a 巡察 or a 巡视."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"“{path.name}”的扩展名应为 .xlsx。请改为如“台账.xlsx”的文件名。")
    write_new_file(path, workbook=blank_workbook(kind))
    return path
