"""The words offices' own 整改台账 use, as `rectify import` reads them and `rectify export` writes back.

One synonym table (FIELDS) maps the header names offices use to the ledger's fields; a new name is added
there and nowhere else. With it: header and cell text as compared (norm_header, clean_text), an office's
序号 removed from a text (strip_number), and status words, including 是否销号's, read as the four statuses.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from pipeline.ledger import schema
from pipeline.text.punct import strip_typed_number

# The synonym table: field → (where it goes in the ledger, header names offices use). Extend it here.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "seq": ("不导入：编号由程序重新生成", ("序号", "编号", "排序", "序")),
    "unit": (
        "只用于区分问题（汇总表的填报单位）",
        ("单位", "填报单位", "所属单位", "子单位", "单位名称", "被巡察单位"),
    ),
    "aspect": ("问题!方面", ("方面", "问题类别", "问题类型", "类别", "所属方面", "反馈问题方面", "问题方面")),
    "problem": (
        "问题!问题",
        (
            "问题",
            "存在问题",
            "反馈问题",
            "巡察反馈问题",
            "问题名称",
            "主要问题",
            "巡察发现问题",
            "反馈意见",
            "问题清单",
        ),
    ),
    "detail": (
        "问题!具体问题",
        ("具体表现", "问题表现", "具体问题", "问题描述", "主要表现", "表现形式", "问题具体表现"),
    ),
    "measure": (
        "措施!整改措施",
        ("整改措施", "整改举措", "措施", "具体措施", "整改任务", "任务清单", "整改措施（任务）"),
    ),
    "target": ("措施!整改目标", ("整改目标", "目标", "预期目标", "整改目标要求", "目标要求")),
    "leader": ("措施!责任领导", ("责任领导", "牵头领导", "分管领导", "牵头责任领导", "领导", "牵头领导（责任领导）")),
    "department": (
        "措施!责任部室（单位）",
        (
            "责任部室",
            "责任部门",
            "责任科室",
            "责任股室",
            "牵头单位",
            "牵头部门",
            "责任单位",
            "责任处室",
            "牵头科室",
            "责任部室（单位）",
            "牵头单位（部门）",
        ),
    ),
    "partner": ("措施!配合单位", ("配合单位", "配合部门", "协同单位", "参与单位", "配合科室", "协办单位")),
    "person": ("不导入：本工具的台账没有责任人列（导出时原样保留）", ("责任人", "具体责任人", "经办人", "直接责任人")),
    "deadline": (
        "措施!完成时限",
        ("完成时限", "整改时限", "整改期限", "时限", "完成时间", "整改时间", "时间节点", "完成期限"),
    ),
    "progress": (
        "措施!完成情况，并汇成问题!整改进展",
        (
            "整改进展",
            "整改情况",
            "完成情况",
            "落实情况",
            "进展情况",
            "整改进展情况",
            "整改落实情况",
            "整改完成情况",
            "推进情况",
        ),
    ),
    "status": (
        "措施!整改状态",
        ("整改状态", "状态", "完成状态", "整改结果", "是否完成", "整改状态（已完成/正在推进）"),
    ),
    "closed": ("措施!整改状态（由是否销号推得）", ("是否销号", "销号情况", "销号", "是否办结", "销号状态")),
    "note": ("不导入：备注（导出时原样保留）", ("备注", "说明", "其他")),
}
# 是否销号 words → status. Anything else in that column is a question, never a guess.
CLOSED_WORDS: dict[str, str] = {
    "是": schema.STATUS_DONE,
    "已销号": schema.STATUS_DONE,
    "销号": schema.STATUS_DONE,
    "√": schema.STATUS_DONE,
    "已办结": schema.STATUS_DONE,
    "否": schema.STATUS_ONGOING,
    "未销号": schema.STATUS_ONGOING,
    "暂未销号": schema.STATUS_ONGOING,
    "未办结": schema.STATUS_ONGOING,
    "长期坚持": schema.STATUS_LONG_TERM,
    "持续推进": schema.STATUS_ONGOING,
}
# 1.1 / 1.1. / 1-1 / （1.1）: the decimal 序号 strip_typed_number does not know.
_DECIMAL_NUMBER_RE = re.compile(r"^\s*[（(]?\s*\d{1,3}(?:[.．-]\d{1,3})+\s*[）)]?\s*[.．、]?\s*")


def norm_header(value: Any) -> str:
    """A header cell as compared: NFKC, no white space, no trailing note in brackets, no '*' marks."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"\s+", "", text).strip("*※")
    return text


def _strip_note(text: str) -> str:
    return re.sub(r"[(（][^()（）]*[)）]$", "", text)


def match_field(header: str) -> str | None:
    """The field a header names: exact synonym, then without a bracketed note, then the longest synonym it
    contains (when only one field has it); None when nothing fits."""
    h = norm_header(header)
    if not h:
        return None
    for candidate in (h, _strip_note(h)):
        for key, (_, names) in FIELDS.items():
            if candidate in (norm_header(n) for n in names):
                return key
    best: list[tuple[int, str]] = []
    for key, (_, names) in FIELDS.items():
        for n in names:
            n = norm_header(n)
            if len(n) >= 2 and n in h:
                best.append((len(n), key))
    if not best:
        return None
    best.sort(reverse=True)
    top = [k for ln, k in best if ln == best[0][0]]
    return top[0] if len(set(top)) == 1 else None


def clean_text(value: Any) -> str:
    """A cell value as text for the ledger (numbers without .0, lines stripped)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.strip(" \t\u3000\xa0") for line in text.split("\n")).strip("\n")


def snapshot_value(value: Any) -> str:
    """How export compares a ledger cell with what the import wrote there."""
    return clean_text(value)


def strip_number(text: str) -> tuple[str, str]:
    """(text without the office's leading 序号, the 序号 removed)."""
    m = _DECIMAL_NUMBER_RE.match(text)
    if m and text[m.end() :].strip():
        return text[m.end() :], m.group(0)
    rest, number = strip_typed_number(text)
    if number:
        return rest, text[: len(text) - len(rest)]
    return text, ""


def status_of(value: str) -> str | None:
    """A status word (整改状态 or 是否销号 column) as one of the four; None when it is none of them."""
    word = unicodedata.normalize("NFKC", value).replace(" ", "").strip("。.")
    if word in schema.STATUSES:
        return word
    if word in schema.STATUS_ALIASES:
        return schema.STATUS_ALIASES[word]
    return CLOSED_WORDS.get(word)
