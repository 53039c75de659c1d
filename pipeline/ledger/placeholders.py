"""The placeholder registry: every {名称} an office may write in 导语, section titles and 正文.

One registry serves all three places, the checks (an unknown name is an error at its cell), the fill-in
guide and the docs. Placeholders are substituted by the program from this fixed list, never evaluated as
template code. A name that says 巡察 may also be written with 巡视 ({巡视组} = {巡察组})."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from pipeline.ledger import schema
from pipeline.ledger.model import Ledger
from pipeline.text.dates import format_date, format_loose_range

# {名称} or ｛名称｝ (a Chinese input method types the full-width brace).
PLACEHOLDER_RE = re.compile(r"[{｛]\s*([^{}｛｝]*?)\s*[}｝]")


@dataclass(frozen=True)
class Placeholder:
    """One named figure or fact, with the fill-in guide's explanation and an example value."""

    name: str
    help: str
    example: str
    value: Callable[[Ledger], str]
    # needs the problems' statuses: rows in 问题, or counts by status declared in 基本信息
    by_status: bool = False


def _percent(part: int, whole: int, digits: int | None = None) -> str:
    """76% (rounded half up to a whole percent, or to `digits` decimals: 98.71%); 0% when there is nothing
    to count."""
    scale = 10 ** (digits or 0)
    if whole <= 0:
        return "0%" if scale == 1 else f"0.{'0' * (digits or 0)}%"
    q = (200 * scale * part + whole) // (2 * whole)
    if scale == 1:
        return f"{q}%"
    return f"{q // scale}.{q % scale:0{digits}d}%"


def _period(ledger: Ledger) -> str:
    """巡察起止日期: 2024年3月25日至6月7日; both years when 基本信息〔巡察时间写全年份〕 says 是."""
    info = ledger.inspection
    start, end = info.when("start"), info.when("end")
    if info.period_years == schema.YES and start != end:
        return f"{start.text()}至{end.text()}"
    return format_loose_range(start, end)


def _done(ledger: Ledger) -> int:
    return ledger.counts.status[schema.STATUS_DONE]


def _feedback_short(ledger: Ledger) -> str:
    """The feedback date without its year when the inspection ended in the same year (as the seed)."""
    info = ledger.inspection
    feedback = info.when("feedback")
    return feedback.text(with_year=feedback.year != info.when("end").year)


def status_sentence(ledger: Ledger) -> str:
    """ "反馈的N个具体问题已全部整改完成或取得阶段性成效" only when it is true of every problem (internal-only
    ones included: N counts them); otherwise the real split, which must add up."""
    counts = ledger.counts
    by = counts.status
    total = sum(by.values()) if counts.by_status_declared is not None else len(ledger.problems)
    if by[schema.STATUS_DONE] == total:
        return f"反馈的{counts.problems}个具体问题已全部整改完成"
    if by[schema.STATUS_DONE] + by[schema.STATUS_STAGED] == total:
        return f"反馈的{counts.problems}个具体问题已全部整改完成或取得阶段性成效"
    parts = [f"{s}{by[s]}个" for s in schema.STATUSES if by[s]]
    # The split is counted over the ledger's rows (or the declared split); when the total printed
    # earlier differs (the checks warn), the sentence names what it counts rather than contradict it.
    if counts.problems == total:
        base = f"反馈的{total}个具体问题中"
    else:
        base = f"台账所列{total}个具体问题中"
    return base + "，" + "、".join(parts)


def _status_count(status: str) -> Callable[[Ledger], str]:
    return lambda ledger: str(ledger.counts.status[status])


def _measure_count(status: str) -> Callable[[Ledger], str]:
    return lambda ledger: str(ledger.counts.measures_by_status[status])


REGISTRY: tuple[Placeholder, ...] = (
    # Facts of 基本信息
    Placeholder("发文机关", "基本信息中的发文机关", "中共东营市总工会党组", lambda l: l.inspection.issuer),
    Placeholder("被巡察单位", "基本信息中的被巡察单位", "市总工会党组", lambda l: l.inspection.unit),
    Placeholder("部署机关", "基本信息中的部署机关", "市委", lambda l: l.inspection.deployer),
    Placeholder("巡察组", "基本信息中的巡察组", "市委第一巡察组", lambda l: l.inspection.group),
    Placeholder("巡察轮次", "基本信息中的巡察轮次", "七届市委第五轮巡察", lambda l: l.inspection.round),
    Placeholder("巡察", "“巡察”或“巡视”（随基本信息中的“巡视巡察”）", "巡察", lambda l: l.inspection.kind),
    Placeholder(
        "巡察时间",
        "巡察起止日期，同年时后一个日期不写年份（基本信息〔巡察时间写全年份〕为“是”时两个日期都写年份）",
        "2024年3月25日至6月7日",
        _period,
    ),
    Placeholder(
        "巡察开始日期",
        "巡察开始日期（按填写的形式，如2024年3月25日、2022年8月下旬）",
        "2024年3月25日",
        lambda l: l.inspection.when("start").text(),
    ),
    Placeholder("巡察结束日期", "巡察结束日期", "2024年6月7日", lambda l: l.inspection.when("end").text()),
    Placeholder("反馈日期", "反馈日期（带年份）", "2024年8月27日", lambda l: l.inspection.when("feedback").text()),
    Placeholder("反馈月日", "反馈日期；与巡察结束同一年时不写年份", "8月27日", _feedback_short),
    Placeholder("成文日期", "成文日期", "2024年12月20日", lambda l: format_date(l.inspection.issued)),
    # Figures
    Placeholder(
        "方面数",
        "反馈问题涉及的方面数（基本信息填写了“反馈方面数”时用它，否则按“问题”表统计）",
        "4",
        lambda l: str(l.counts.aspects),
    ),
    Placeholder(
        "问题数",
        "反馈的具体问题数（基本信息填写了“反馈问题数”时用它，否则按“问题”表行数）",
        "32",
        lambda l: str(l.counts.problems),
    ),
    Placeholder(
        "措施数",
        "整改措施数（基本信息填写了“整改措施数”时用它，否则按“措施”表行数）",
        "73",
        lambda l: str(l.counts.measures),
    ),
    Placeholder(
        "制度文件数",
        "制定或修订的制度文件数（基本信息填写了“制度文件数”时用它，否则按“制度文件”表行数）",
        "11",
        lambda l: str(l.counts.documents),
    ),
    Placeholder(
        "已完成数",
        "整改状态为“已完成”的具体问题数（基本信息填写了按状态的问题数时用填写的）",
        "20",
        _status_count(schema.STATUS_DONE),
        by_status=True,
    ),
    Placeholder(
        "阶段性成效数",
        "整改状态为“取得阶段性成效”的具体问题数",
        "9",
        _status_count(schema.STATUS_STAGED),
        by_status=True,
    ),
    Placeholder(
        "正在推进数", "整改状态为“正在推进”的具体问题数", "2", _status_count(schema.STATUS_ONGOING), by_status=True
    ),
    Placeholder(
        "长期坚持数", "整改状态为“长期坚持”的具体问题数", "1", _status_count(schema.STATUS_LONG_TERM), by_status=True
    ),
    Placeholder(
        "未完成数",
        "尚未完成的具体问题数（问题数减已完成数）",
        "12",
        lambda l: str(max(l.counts.problems - _done(l), 0)),
        by_status=True,
    ),
    Placeholder(
        "问题完成率",
        "已完成数占问题数的百分比，四舍五入到整数（或基本信息〔完成率小数位数〕所填的位数）",
        "63%",
        lambda l: _percent(_done(l), l.counts.problems, l.inspection.rate_digits),
        by_status=True,
    ),
    Placeholder("已完成措施数", "状态为“已完成”的整改措施数（按“措施”表）", "50", _measure_count(schema.STATUS_DONE)),
    Placeholder("阶段性成效措施数", "状态为“取得阶段性成效”的整改措施数", "10", _measure_count(schema.STATUS_STAGED)),
    Placeholder("正在推进措施数", "状态为“正在推进”的整改措施数", "8", _measure_count(schema.STATUS_ONGOING)),
    Placeholder("长期坚持措施数", "状态为“长期坚持”的整改措施数", "5", _measure_count(schema.STATUS_LONG_TERM)),
    Placeholder(
        "措施完成率",
        "已完成措施数占“措施”表措施数的百分比，四舍五入到整数（或〔完成率小数位数〕所填的位数）",
        "68%",
        lambda l: _percent(
            l.counts.measures_by_status[schema.STATUS_DONE], l.counts.measures_counted, l.inspection.rate_digits
        ),
    ),
    Placeholder(
        "整改状态句",
        "按各问题整改状态自动生成的一句话，如“反馈的32个具体问题已全部整改完成或取得阶段性成效”",
        "反馈的32个具体问题已全部整改完成或取得阶段性成效",
        status_sentence,
        by_status=True,
    ),
)
BY_NAME: dict[str, Placeholder] = {p.name: p for p in REGISTRY}
BY_STATUS = frozenset(p.name for p in REGISTRY if p.by_status)
# name → explanation, for the fill-in guide and docs
PLACEHOLDERS: dict[str, str] = {p.name: p.help for p in REGISTRY}


def canonical(name: str) -> str:
    """The registry name for a name as written: spaces dropped, 巡视 read as 巡察."""
    return re.sub(r"\s+", "", name).replace(schema.XUNSHI, schema.XUNCHA)


def unknown(text: str) -> list[str]:
    """The placeholders in `text` that the registry does not know, as written ({…} included)."""
    return [m.group(0) for m in PLACEHOLDER_RE.finditer(text or "") if canonical(m.group(1)) not in BY_NAME]


def values(ledger: Ledger) -> dict[str, str]:
    """Every placeholder's value for one ledger."""
    return {p.name: p.value(ledger) for p in REGISTRY}


def fill(text: str, vals: dict[str, str]) -> str:
    """Substitute the {名称} placeholders of `text` (unknown ones, already reported, stay as written)."""
    return PLACEHOLDER_RE.sub(lambda m: vals.get(canonical(m.group(1)), m.group(0)), text)


def allowed_list() -> str:
    """Every placeholder name, for messages."""
    return "、".join("{" + p.name + "}" for p in REGISTRY)
