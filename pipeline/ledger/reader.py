"""The streamed reader: each schema sheet found (by name or headers) and read into raw cells with their addresses."""

from __future__ import annotations

import bisect
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from lxml import etree
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.utils.escape import unescape
from openpyxl.worksheet._reader import _cast_number
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.errors import WorkbookError
from pipeline.ledger import schema
from pipeline.ledger.limits import MAX_CELLS, MAX_SHEETS
from pipeline.ledger.sniff import _open, _openpyxl_errors, workbook_bytes

log = logging.getLogger(__name__)

# How far down a sheet the reader looks for its header row (users add a title row or two above).
HEADER_SCAN_ROWS = 10
# How far down it looks for a header row too low to use, to say where it is.
HEADER_HINT_ROWS = 200
# Unicode format characters (zero-width marks, direction overrides, BOM): invisible, removed from every value.
FORMAT_CHARS_RE = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


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
        return cls(
            ws._shared_strings,
            wb.epoch,
            wb._date_formats,
            wb._timedelta_formats,  # noqa: SLF001
            len(wb._cell_styles),
        )  # noqa: SLF001

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
            index = int(text)
            if not 0 <= index < len(self.strings):  # -1 would silently take the last string
                raise IndexError(f"shared string {index} out of range")
            return self.strings[index]
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


class _CellBudget:
    """Cells (and rows) the reader may parse in one workbook, over every sheet it reads.

    sniff.cell_problem counts the tags of each worksheet part once, before reading; this counts what is
    really parsed: a part that several sheets name (twelve sheets, one part of a million cells, each
    looked at by its headers) or a sheet stored outside xl/worksheets/ is counted every time it is read."""

    def __init__(self, name: str, limit: int | None = None) -> None:
        self.name, self.limit, self.spent = name, MAX_CELLS if limit is None else limit, 0

    def spend(self, n: int, sheet: str) -> None:
        self.spent += n
        if self.spent > self.limit:
            raise WorkbookError(
                f"“{self.name}”无法读取：读取的工作表合计超过 {self.limit} 个单元格（读到工作表“{sheet}”时超出；"
                "可能有许多工作表是同一个表的副本或指向同一份内容），远多于任何台账所需。"
                "请删除多余的工作表和内容后另存；如果文件来历不明，请不要使用。"
            )


def _read_sheet(wb: Any, ws: Any, data: bytes, name: str, budget: _CellBudget | None = None) -> _SheetView:
    """One worksheet of a read-only workbook as a _SheetView: each cell's value (a formula's cached
    value; whether it holds a formula), the merged ranges and the hidden rows.

    The part is streamed with lxml (entities never resolved, no network, no DTD loading, libxml2's size
    limits on) and each row dropped once read; cell values are converted by openpyxl's own rules
    (numbers, dates by their cell format, shared strings, booleans, ISO dates). Building openpyxl's
    worksheet instead (Cell objects, every row's dimensions, validations and formats) took most of
    the reading time and memory of a large ledger. Each row and cell parsed is spent from `budget`."""
    budget = budget or _CellBudget(name)
    values: dict[tuple[int, int], Any] = {}
    uncached: set[tuple[int, int]] = set()  # formulas without a saved result
    ranges: list[tuple[int, int, int, int]] = []
    hidden: set[int] = set()
    with _openpyxl_errors(data, name), ws._get_source() as src:  # noqa: SLF001 - openpyxl's own way in
        types = _CellTypes.of(wb, ws)
        row_no = 0
        numbered: set[int] = set()  # rows with an explicit r="…": a second one is refused, not merged
        for _, element in etree.iterparse(
            src, events=("end",), tag=(_ROW, _MERGE), resolve_entities=False, no_network=True, load_dtd=False
        ):
            attrs = element.attrib
            if element.tag == _MERGE:
                if attrs.get("ref"):
                    r = CellRange(attrs["ref"])
                    ranges.append((r.min_row, r.min_col, r.max_row, r.max_col))
                continue
            budget.spend(len(element) + 1, ws.title)
            number = attrs.get("r")
            row_no = row_no + 1 if number is None else _row_number(number)
            if number is not None:
                if row_no in numbered:
                    part = getattr(ws, "_worksheet_path", "")
                    raise WorkbookError(
                        f"“{name}”的工作表“{ws.title}”中第 {row_no} 行出现了两次（部件 {part}），"
                        "无法确定以哪一行为准，可能是被改动或损坏的文件。请在 Excel 或 WPS 中打开后重新保存为 .xlsx。"
                    )
                numbered.add(row_no)
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

    def __init__(
        self,
        title: str,
        values: dict[tuple[int, int], Any],
        uncached: set[tuple[int, int]],
        ranges: list[tuple[int, int, int, int]],
        hidden: set[int],
    ) -> None:
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
        rows = {r for (r, c), value in self.values.items() if r > after and c in wanted and not _blank(value)}
        rows.update(r for r, c in self.uncached if r > after and c in wanted)  # reported at their cells
        return sorted(rows)

    def labels(self, max_col: int) -> list[tuple[int, int, Any]]:
        """(row, col, value) of text cells in the first `max_col` columns, top to bottom."""
        return sorted((r, c, value) for (r, c), value in self.values.items() if c <= max_col and isinstance(value, str))

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
            notes.append(
                ReaderNote(
                    "warning",
                    "header-low",
                    title,
                    f"{low_row}:{low_row}",
                    f"表头在第 {low_row} 行，上面的 {low_row - 1} 行不是表头，已跳过、不会印入文档。"
                    f"请确认这些行中没有需要的内容；删除它们可以去掉这条提示。",
                )
            )
    table = RawTable(
        spec=spec, title=title, header_row=header_row, columns={k: get_column_letter(i) for k, i in cols.items()}
    )
    if not header_row:
        return table
    for key, c in cols.items():
        rng = view.merged(header_row, c)
        if rng and rng[2] > header_row:
            header = spec.column(key).header
            notes.append(
                ReaderNote(
                    "warning",
                    "header-merged",
                    title,
                    f"{get_column_letter(c)}{header_row}",
                    f"〔{header}〕的表头单元格向下合并到了第 {rng[2]} 行，第 {_row_list(list(range(header_row + 1, rng[2] + 1)))} 行的这一列"
                    "按空白处理（不把表头当作内容）。请取消合并，在这些行中填写内容。",
                    header,
                )
            )
    known = set(cols.values())
    for c in range(1, 61):
        label = view.value(header_row, c)
        if c in known or label is None or not str(label).strip() or view.origin(header_row, c) != (header_row, c):
            continue
        rows_below = view.rows_with_values(header_row, [c])
        if not rows_below:
            continue  # a label over nothing loses nothing
        name = str(label).strip()
        notes.append(
            ReaderNote(
                "warning",
                "unknown-column",
                title,
                f"{get_column_letter(c)}{header_row}",
                f"“{name}”列不是台账的列，其中的内容（{len(rows_below)} 行）不会进入任何文档。"
                f"需要印出的内容请移到相应的列（可用的列：{'、'.join(col.header for col in spec.columns)}）；"
                "只作内部备注的可以不理会。",
                name,
            )
        )
    rows = view.rows_with_values(header_row, cols.values())
    for r in rows:
        table.rows.append(RawRow(row=r, cells={key: _raw_cell(view, r, c, header_row) for key, c in cols.items()}))
    hidden = view.hidden_rows(rows)
    if hidden:
        notes.append(
            ReaderNote(
                "warning",
                "hidden-rows",
                title,
                f"{hidden[0]}:{hidden[0]}",
                f"第 {_row_list(hidden)} 行是隐藏行（共 {len(hidden)} 行），其内容仍会读入并印入文档。"
                "如果这些行已作废，请删除它们；否则请取消隐藏并核对。",
            )
        )
    return table


def _raw_cell(view: _SheetView, row: int, col: int, header_row: int = 0) -> RawCell:
    r0, c0 = view.origin(row, col)
    data = r0 > header_row or r0 == row  # a header merged down is not data
    value = view.own(r0, c0) if data else None
    # a formula is read as the value Excel cached for it; a formula without one cannot be printed
    no_value = data and value is None and (r0, c0) in view.uncached
    removed = ""
    if isinstance(value, str):
        value, removed = (_cleaned_long if len(value) > 256 else _cleaned)(value)
    coord = f"{_letter(col)}{row}"
    return RawCell(
        value=value,
        coord=coord,
        origin=coord if (r0, c0) == (row, col) else f"{_letter(c0)}{r0}",
        removed=removed,
        formula_without_value=no_value,
    )


def _cleaned(value: str) -> tuple[str, str]:
    """A string cell's value without invisible format characters, white space cleaned; and what was removed."""
    removed = ""
    if FORMAT_CHARS_RE.search(value):
        removed = "".join(FORMAT_CHARS_RE.findall(value))
        value = FORMAT_CHARS_RE.sub("", value)
    return _clean_string(value), removed


# A long value repeated in many cells (one shared string of 32,767 characters in 60,000 rows) is cleaned once.
_cleaned_long = lru_cache(maxsize=64)(_cleaned)


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


def _names(sheets: list[Worksheet], limit: int = 10) -> str:
    """The sheets' names (the first `limit`, then how many more)."""
    text = "、".join(f"“{ws.title}”" for ws in sheets[:limit])
    return text + (f"等 {len(sheets)} 个工作表" if len(sheets) > limit else "")


# Notes of one kind about single sheets (hidden, unread copies), at most: past it, one note counts the rest.
MAX_SHEET_NOTES = 10


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
    claimed.update(ws.title for ws in hidden)
    rest = hidden[MAX_SHEET_NOTES - 1 :] if len(hidden) > MAX_SHEET_NOTES else []
    hidden = hidden[: len(hidden) - len(rest)]
    for ws in hidden:
        notes.append(
            ReaderNote(
                "warning" if visible else "error",
                "hidden-sheet",
                ws.title,
                "",
                f"工作表“{ws.title}”是隐藏的，没有读取"
                + (f"（读取的是{_names(visible)}）。" if visible else "。")
                + f"如果它才是要用的“{spec.name}”表，请在 Excel 中取消隐藏；如果已作废，请删除它。",
            )
        )
    if rest:
        notes.append(
            ReaderNote(
                "warning" if visible else "error",
                "hidden-sheet",
                rest[0].title,
                "",
                f"另有 {len(rest)} 个隐藏的工作表（{_names(rest, 3)}）也像是“{spec.name}”表，都没有读取"
                + (f"（读取的是{_names(visible)}）" if visible else "")
                + "。如果已作废，请删除它们。",
            )
        )
    if len(visible) > 1:
        notes.append(
            ReaderNote(
                "error",
                "duplicate-sheet",
                visible[1].title,
                "",
                f"{_names(visible)}都像是“{spec.name}”表，无法确定用哪一个。"
                f"请删除或改名多余的表（只保留一个“{spec.name}”表）。",
            )
        )
        claimed.update(ws.title for ws in visible[1:])
    return visible[0] if visible else None


def _note_lookalikes(book: _Book, tables: dict[str, RawTable], claimed: set[str], notes: list[ReaderNote]) -> None:
    """Warn about visible sheets left unread although their headers are those of a sheet that was read
    (a copy such as 问题（备份）): the user should know which one the documents come from."""
    unread: list[tuple[Worksheet, RawTable]] = []
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
                unread.append((ws, table))
                break
    for ws, table in unread[: MAX_SHEET_NOTES - 1 if len(unread) > MAX_SHEET_NOTES else None]:
        notes.append(
            ReaderNote(
                "warning",
                "unread-sheet",
                ws.title,
                "",
                f"工作表“{ws.title}”的表头与“{table.title}”表相同，但没有读取：文档只用“{table.title}”表。"
                "如果它是过时的副本，请删除它；如果内容应当使用，请把它并入“" + table.title + "”表。",
            )
        )
    if len(unread) > MAX_SHEET_NOTES:
        rest = [ws for ws, _ in unread[MAX_SHEET_NOTES - 1 :]]
        notes.append(
            ReaderNote(
                "warning",
                "unread-sheet",
                rest[0].title,
                "",
                f"另有 {len(rest)} 个工作表（{_names(rest, 3)}）的表头与已读取的表相同，都没有读取。"
                "如果它们是过时的副本，请删除它们。",
            )
        )


class _Book:
    """A read-only workbook and the views of the sheets read so far (each sheet is parsed once)."""

    def __init__(self, data: bytes, name: str) -> None:
        self.data, self.name = data, name
        self.wb = _open(data, name)
        count = len(self.wb.sheetnames)
        if count > MAX_SHEETS:
            self.wb.close()
            raise WorkbookError(
                f"“{name}”有 {count} 个工作表，超过上限 {MAX_SHEETS} 个，远多于任何台账所需。"
                "请把台账的各表复制到一个新工作簿中另存；如果文件来历不明，请不要使用。"
            )
        self.budget = _CellBudget(name)
        self._views: dict[str, _SheetView] = {}

    def view(self, ws: Any) -> _SheetView:
        if ws.title not in self._views:
            self._views[ws.title] = _read_sheet(self.wb, ws, self.data, self.name, self.budget)
        return self._views[ws.title]


def read_workbook(path: Path, data: bytes | None = None) -> RawWorkbook:
    """Read a ledger workbook into raw cells; raise WorkbookError when it is not readable at all.

    `data`: the workbook's bytes as `workbook_bytes(path)` returned them, when the caller has them."""
    path = Path(path)
    if data is None:
        data = workbook_bytes(path)
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
