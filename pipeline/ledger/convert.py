"""Cell conversion: raw cell values to the text, dates, numbers and choices the model holds, with findings."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Callable

from openpyxl.cell.cell import ERROR_CODES

from pipeline.findings import Collector
from pipeline.ledger import schema
from pipeline.ledger.reader import RawCell, RawTable
from pipeline.text.dates import LooseDate, WrittenDeadline, parse_date_text, parse_loose_date, parse_written_deadline
from pipeline.text.punct import find_control_chars, is_chinese

REPEATED_PUNCT_RE = re.compile(r"([，、；。：])\1")
_EXCEL_EPOCH = datetime(1899, 12, 30)

# Serial numbers accepted as dates: 1990-01-01 … 2099-12-31.
SERIAL_MIN, SERIAL_MAX = 32874, 73050
DATE_MIN, DATE_MAX = date(1990, 1, 1), date(2099, 12, 31)


def _to_text(value: Any, multiline: bool) -> str:
    """A cell value as text: numbers without a spurious .0, line breaks kept only when allowed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == time(0) else value
    text = str(value).strip()
    if not multiline and "\n" in text:
        # A line break typed inside a one-line cell: drop it between Chinese characters,
        # keep a space between Latin words.
        parts = [p.strip() for p in text.split("\n") if p.strip()]
        text = parts[0] if parts else ""
        for part in parts[1:]:
            sep = "" if (is_chinese(text[-1]) or is_chinese(part[0])) else " "
            text += sep + part
    return text


# A long value repeated in many cells (one shared string in thousands of rows) is scanned once.
_control_chars_long = lru_cache(maxsize=64)(find_control_chars)


def _nfkc(text: str) -> str:
    return _nfkc_long(text) if len(text) > 256 else unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=64)
def _nfkc_long(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


class _Converter:
    """Converts the cells of one sheet by schema kind, reporting what cannot be converted."""

    def __init__(self, table: RawTable, out: Collector) -> None:
        self.table = table
        self.sheet = table.title
        self.out = out
        # status words read through an alias: cell coordinate -> the word as written, in reading order
        self.aliased: dict[str, tuple[str, str, str]] = {}
        self._cell = ""
        self._convert: dict[str, Callable[[Any, schema.Column, tuple[str, str]], Any]] = {
            schema.TEXT: self._text,
            schema.LONGTEXT: self._longtext,
            schema.ID: self._id,
            schema.INT: self._int,
            schema.DATE: self._date,
            schema.DEADLINE: self._deadline,
            schema.CHOICE: self._choice,
            schema.LOOSE_DATE: self._loose_date,
        }

    def value(self, cell: RawCell | None, col: schema.Column) -> Any:
        """The typed value of `cell` for `col`, or None (with a finding) when it is missing or invalid."""
        if cell is None:
            return None
        where = (self.sheet, cell.coord)
        if cell.removed:
            _warn_format_chars(self.out, where, col.header, cell.removed)
        if cell.formula_without_value:
            self.out.error(
                "formula-no-value",
                *where,
                f"〔{col.header}〕是公式，但文件中没有保存计算结果。"
                "请在 Excel 或 WPS 中打开台账、确认公式结果正确后保存，再运行本程序。",
                col.header,
            )
            return None
        if cell.empty:
            if col.required:
                self.out.error("required-missing", *where, f"〔{col.header}〕必须填写（{col.purpose}）。", col.header)
            return None
        raw = cell.value
        if isinstance(raw, str) and raw.strip() in ERROR_CODES:
            self.out.error(
                "cell-error",
                *where,
                f"〔{col.header}〕显示的是 Excel 错误值“{raw.strip()}”（公式出错，如查找不到、除以零）。"
                "请在 Excel 或 WPS 中修正公式，或直接填写内容。",
                col.header,
            )
            return None
        if isinstance(raw, str):
            bad = (_control_chars_long if len(raw) > 256 else find_control_chars)(raw)
            if bad:
                codes = "、".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(bad))
                self.out.error(
                    "control-char",
                    *where,
                    f"〔{col.header}〕含有 Word 无法保存的不可见控制字符（{codes}），"
                    "通常来自网页或其他系统的复制粘贴。请删除后重新输入这段文字。",
                    col.header,
                )
                return None
        if isinstance(raw, bool) and not (col.kind == schema.CHOICE and set(col.choices) >= {schema.YES, schema.NO}):
            self.out.error(
                "bad-boolean",
                *where,
                f"〔{col.header}〕是逻辑值“{'TRUE' if raw else 'FALSE'}”（Excel 的真/假值，常由公式或复选框产生），"
                "不是这一列要填的内容。请直接输入文字、数字或日期。",
                col.header,
            )
            return None
        self._cell = cell.coord
        return self._convert[col.kind](raw, col, where)

    def _text(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> str:
        return _to_text(raw, multiline=False)

    def _longtext(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> str:
        return _to_text(raw, multiline=True)

    def _id(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> str:
        return _nfkc(_to_text(raw, multiline=False))

    def _int(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> int | None:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
            return int(raw)
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        m = re.fullmatch(r"(\d+)\s*[个项条件]?", text)
        if m:
            return int(m.group(1))
        self.out.error("bad-number", *where, f"〔{col.header}〕“{raw}”不是整数。请填写如 32 的数字。", col.header)
        return None

    def _date(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> date | None:
        if isinstance(raw, date):
            value = raw.date() if isinstance(raw, datetime) else raw
            if DATE_MIN <= value <= DATE_MAX:
                return value
            # A number typed into a date-formatted cell: Excel shows 2024 as 1905年7月16日.
            self.out.error(
                "bad-date",
                *where,
                f"〔{col.header}〕{value:%Y-%m-%d} 不像是正确的日期（可能把年份或其他数字填进了日期格）。"
                "请填写如 2024-09-30 或 2024年9月30日 的完整日期。",
                col.header,
            )
            return None
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            # An Excel serial number; only a plausible range, so that 2024 typed as a number is not
            # silently read as 1905年7月16日.
            if SERIAL_MIN <= raw <= SERIAL_MAX and float(raw).is_integer():
                return (_EXCEL_EPOCH + timedelta(days=int(raw))).date()
            self.out.error(
                "bad-date",
                *where,
                f"〔{col.header}〕“{raw}”是数字，不是日期。请填写如 2024-09-30 或 2024年9月30日 的日期。",
                col.header,
            )
            return None
        parsed = parse_date_text(str(raw))
        if parsed is None:
            self.out.error(
                "bad-date",
                *where,
                f"〔{col.header}〕“{raw}”不是有效日期。请填写如 2024-09-30 或 2024年9月30日 的日期。",
                col.header,
            )
        return parsed

    def _loose_date(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> LooseDate | None:
        if isinstance(raw, str) and parse_date_text(raw) is None:
            loose = parse_loose_date(raw)
            if loose is None:
                self.out.error(
                    "bad-date",
                    *where,
                    f"〔{col.header}〕“{raw}”不是有效日期。请填写如 2024-09-30、2024年9月30日 的日期；"
                    "不知道具体日子时可以写到月或旬，如“2024年6月”“2022年8月下旬”“2024年9月底”（要写年份）。",
                    col.header,
                )
            return loose
        exact = self._date(raw, col, where)
        return LooseDate.of(exact) if exact is not None else None

    def _deadline(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> date | str | WrittenDeadline | None:
        if isinstance(raw, str) and raw.strip() == schema.STATUS_LONG_TERM:
            return schema.STATUS_LONG_TERM
        # other long-term words (长期, 持续推进) are kept as written below, like every written deadline
        if isinstance(raw, str) and parse_date_text(raw) is None and parse_written_deadline(raw) is not None:
            # 2024年12月底前, 第四季度, 立行立改: kept as written; the day of those that need the feedback
            # date (立行立改, a period without its year) is found when the 基本信息 is known.
            return parse_written_deadline(raw)
        if isinstance(raw, str) and parse_date_text(raw) is None:
            self.out.error(
                "bad-date",
                *where,
                f"〔{col.header}〕“{raw}”不是能识别的完成时限。请填写日期（如 2024-12-31），或写到月、旬、季度、年底"
                "（如“2025年6月”“2025年6月下旬”“2024年12月底前”“2025年第一季度”“2025年底前”），"
                "或填写“立行立改”“持续推进”“长期坚持”。",
                col.header,
            )
            return None
        return self._date(raw, col, where)

    def _choice(self, raw: Any, col: schema.Column, where: tuple[str, str]) -> str | None:
        text = unicodedata.normalize("NFKC", _to_text(raw, multiline=False)).replace(" ", "")
        for choice in col.choices:
            if unicodedata.normalize("NFKC", choice) == text:
                return choice
        if col.choices == schema.STATUSES and text in schema.STATUS_ALIASES:
            self.aliased[self._cell] = (text, schema.STATUS_ALIASES[text], col.header)
            return schema.STATUS_ALIASES[text]
        self.out.error(
            "bad-choice",
            *where,
            f"〔{col.header}〕“{raw}”不在可选范围内。请从下拉列表中选择：{'、'.join(col.choices)}。",
            col.header,
        )
        return None


def report_aliases(table: RawTable, aliased: dict[str, tuple[str, str, str]], out: Collector) -> None:
    """One note per usual status word, at the first cell it was read from, with how many more cells say it."""
    first: dict[str, tuple[str, str, str, list[str]]] = {}
    for coord, (word, status, header) in aliased.items():
        first.setdefault(word, (coord, status, header, []))[3].append(coord)
    for word, (coord, status, header, cells) in first.items():
        more = cells[1:]
        also = ""
        if more:
            shown = "、".join(more[:5]) + ("等" if len(more) > 5 else "")
            also = f"另有 {len(more)} 处同样的写法（{shown}），同样处理。"
        out.warn(
            "status-alias",
            table.title,
            coord,
            f"〔{header}〕“{word}”按固定的状态“{status}”统计，通报和清单中印作“{status}”。{also}"
            f"如要照印“{word}”，请在基本信息的〔状态照写〕中选“是”；也可以直接改为下拉列表中的“{status}”。",
            header,
        )


def _warn_format_chars(out: Collector, where: tuple[str, str], header: str, removed: str) -> None:
    codes = "、".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(removed))
    out.warn(
        "format-char",
        *where,
        f"〔{header}〕含有看不见的格式字符（{codes}，如零宽空格、文字方向控制符），已删除。"
        "它们通常来自网页或聊天软件的复制粘贴；请确认删除后的内容无误。",
        header,
    )
