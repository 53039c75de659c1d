"""The wording an office chooses in 基本信息 for the notice's progress part (issue 20): label patterns per
level ("在“{方面}”方面"), the status line's label and words, a label before the progress.

Parsed and checked here (the checks report a bad value at its cell with the allowed form); applied by
pipeline.notice.outline to the notice only: the checklists keep the ledger's plain words."""

from __future__ import annotations

import re
import unicodedata

from pipeline.ledger import schema
from pipeline.ledger.placeholders import PLACEHOLDER_RE

# The placeholder each pattern row must hold: the ledger column it wraps.
PATTERN_SLOTS = {"pattern_aspect": "方面", "pattern_problem": "问题", "pattern_item": "具体问题"}
DEFAULT_STATUS_LABEL = "整改状态："
_PAIR_SEP = re.compile(r"[;；\n]+")
_ARROW = re.compile(r"\s*(?:=|＝|→|:|：)\s*")


def check_pattern(key: str, text: str) -> str | None:
    """A Chinese problem with a label pattern, or None when it holds its placeholder once and nothing else."""
    slot = PATTERN_SLOTS[key]
    names = [re.sub(r"\s+", "", m.group(1)) for m in PLACEHOLDER_RE.finditer(text)]
    others = [n for n in names if n != slot]
    if others:
        return f"只能用占位符{{{slot}}}，不能用“{{{others[0]}}}”"
    if names.count(slot) != 1:
        return f"要含一个{{{slot}}}，标明{slot}的文字放在哪里"
    return None


def apply_pattern(pattern: str, text: str) -> str:
    """`text` set into its label pattern ("" = the text as it is)."""
    if not pattern:
        return text
    return PLACEHOLDER_RE.sub(lambda m: text, pattern, count=1)


def with_colon(label: str) -> str:
    """A label as printed before text: a colon added when it ends with a Chinese character."""
    label = label.strip()
    return label + "：" if label and _ideograph(label[-1]) else label


def _ideograph(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FFFF


def status_label(value: str) -> str:
    """The status line's label: the default, the office's (with a colon), or "" for 无."""
    v = (value or "").strip()
    if not v:
        return DEFAULT_STATUS_LABEL
    if unicodedata.normalize("NFKC", v) in ("无", "不要", "不印"):
        return ""
    return with_colon(v)


def parse_status_words(text: str) -> tuple[dict[str, str], list[str]]:
    """({fixed status: the office's word}, problems) for a 状态行用词 value such as
    "已完成=已整改到位；取得阶段性成效=基本完成". A status may be named by a word the 整改状态 column accepts."""
    words: dict[str, str] = {}
    problems: list[str] = []
    for part in _PAIR_SEP.split(text or ""):
        part = part.strip().strip("，,、")
        if not part:
            continue
        pieces = _ARROW.split(part, maxsplit=1)
        if len(pieces) != 2 or not pieces[0] or not pieces[1]:
            problems.append(f"“{part}”不是“固定状态=本单位说法”的写法")
            continue
        name = unicodedata.normalize("NFKC", pieces[0]).replace(" ", "")
        status = name if name in schema.STATUSES else schema.STATUS_ALIASES.get(name)
        if status is None:
            problems.append(f"“{pieces[0]}”不是整改状态（{'、'.join(schema.STATUSES)}）")
            continue
        words[status] = pieces[1].strip()
    return words, problems


# The fill-in guide's table of these rows: (基本信息 key, what the notice then prints, ⏎ = a new paragraph).
# Each row's example value is its schema example; a test checks that every issue-20 row is listed here.
GUIDE: tuple[tuple[str, str], ...] = (
    ("runin_basic", "一是加强组织领导。…… ⏎ 二是压实整改责任。…… ⏎ （一段没有小标题的说明） ⏎ 一是完善制度。……"),
    ("runin_plans", "（一）进一步提高政治站位。…… ⏎ （二）进一步持续深化整改。……"),
    ("status_position", "一是……。 ⏎ 整改状态：已完成。 ⏎ 整改进展……"),
    ("status_label", "整改情况：已完成。"),
    ("status_stop", "整改状态：已完成"),
    ("status_words", "整改状态：已整改到位。（固定状态“已完成”）"),
    ("pattern_aspect", "（一）在“政治建设”方面"),
    ("pattern_problem", "1.关于“学习贯彻不深入”问题的整改"),
    ("pattern_item", "一是反馈问题：学习计划执行不力。"),
    ("progress_label", "整改情况：修订了……（每个具体问题整改进展的第一段）"),
    ("rate_digits", "问题完成率98.71%"),
    ("period_years", "2024年3月25日至2024年6月7日"),
)
