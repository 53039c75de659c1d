"""Ledger → the context each template renders with. Numbering, dates and figures are made here.

Every string that reaches a template has passed through `clean`: line breaks unified, control
characters dropped, ASCII punctuation beside Chinese made full-width.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from pipeline import schema
from pipeline.limits import TITLE_BREAK_MAX
from pipeline.model import Ledger, Measure, Paragraph, Problem
from pipeline.text import (
    cn_numeral,
    format_date,
    format_date_range,
    list_marker,
    normalize_newlines,
    normalize_punct,
    run_in_ordinal,
    split_paragraphs,
    strip_control_chars,
)

# The four templates, in the order their outputs are numbered.
TEMPLATE_NAMES = ("通报.docx", "问题清单.docx", "任务清单.docx", "责任清单.docx")
# A 2号 (22 pt) title line holds 20 characters in the 156 mm text block.
TITLE_LINE_CHARS = 20
# Words a title line break must never split, besides the ledger's own names.
_TITLE_WORDS = ("关于", "反馈意见", "集中", "整改", "进展情况", "落实", "情况", "巡察", "工作", "通报",
                "问题", "清单", "意见", "专项")
_END_PUNCT = "。！？；：…"
_PLACEHOLDER_RE = re.compile(r"[{｛]\s*([^{}｛｝]+?)\s*[}｝]")


def clean(text: str) -> str:
    """Text as it may be printed: unified line breaks, no control characters, full-width punctuation."""
    return normalize_punct(strip_control_chars(normalize_newlines(text or ""))).strip()


def _sentence(text: str) -> str:
    """Text ending with a full stop (kept when it already ends with sentence punctuation)."""
    text = clean(text)
    return text if not text or text[-1] in _END_PUNCT else text + "。"


def compose_title(ledger: Ledger) -> str:
    """The notice title: the ledger's override, or the usual composed form."""
    info = ledger.inspection
    if info.title:
        return clean(info.title)
    return clean(f"{info.issuer}关于{info.group}反馈意见集中整改进展情况的通报")


def break_title(title: str, protected: Iterable[str] = (), width: int = TITLE_LINE_CHARS) -> str:
    """Insert "\\n" where a long title breaks: whole words only, as few lines as possible, lines as
    even as possible, an upper line not longer than the one below where that can be had (a trapezoid)."""
    title = title.replace("\n", "")
    n = len(title)
    if n <= width:
        return title
    if n > TITLE_BREAK_MAX:  # the balanced search below is quadratic; the checks refuse such titles anyway
        return "\n".join(title[i:i + width] for i in range(0, n, width))
    blocked: set[int] = set()  # break positions inside a word
    for word in {w for w in (*protected, *_TITLE_WORDS) if w}:
        for m in re.finditer(re.escape(word), title):
            blocked.update(range(m.start() + 1, m.end()))
    for allowed in ([i for i in range(1, n) if i not in blocked], list(range(1, n))):
        cuts = _best_cuts(n, allowed, width)
        if cuts is not None:
            bounds = (0, *cuts, n)
            return "\n".join(title[a:b] for a, b in zip(bounds, bounds[1:]))
    return title  # unreachable: fixed-width cuts always exist


def _best_cuts(n: int, allowed: list[int], width: int) -> tuple[int, ...] | None:
    """Cut positions for the fewest lines of at most `width` that `allowed` permits, or None."""
    from functools import lru_cache

    positions = sorted(set(allowed))
    for lines in range(-(-n // width), min(n, -(-n // width) + 3) + 1):
        ideal = n / lines

        @lru_cache(maxsize=None)
        def best(start: int, left: int, prev: int) -> tuple[float, tuple[int, ...]] | None:
            # Cost of laying out title[start:] in `left` lines after a line of length `prev`.
            if left == 1:
                rest = n - start
                if rest > width:
                    return None
                return ((rest - ideal) ** 2 + (0.5 if prev > rest else 0.0), ())
            found: tuple[float, tuple[int, ...]] | None = None
            for cut in positions:
                if cut <= start:
                    continue
                if cut > start + width:
                    break
                length = cut - start
                tail = best(cut, left - 1, length)
                if tail is None:
                    continue
                cost = (length - ideal) ** 2 + (0.5 if prev > length else 0.0) + tail[0]
                if found is None or cost < found[0]:
                    found = (cost, (cut, *tail[1]))
            return found

        result = best(0, lines, 0)
        if result is not None:
            return result[1]
    return None


def figures(ledger: Ledger) -> dict[str, str]:
    """The values of the narrative placeholders ({问题数} …)."""
    counts = ledger.counts
    by = counts.by_status
    return {
        "方面数": str(counts.aspects),
        "问题数": str(counts.problems),
        "措施数": str(counts.measures),
        "制度文件数": str(counts.documents),
        "已完成数": str(by[schema.STATUS_DONE]),
        "阶段性成效数": str(by[schema.STATUS_STAGED]),
        "正在推进数": str(by[schema.STATUS_ONGOING]),
        "长期坚持数": str(by[schema.STATUS_LONG_TERM]),
        "整改状态句": status_sentence(ledger),
    }


def status_sentence(ledger: Ledger) -> str:
    """"反馈的N个具体问题已全部整改完成或取得阶段性成效" only when it is true of every problem in the
    ledger (internal-only ones included: N counts them); otherwise the real split, which must add up."""
    counts = ledger.counts
    by = counts.by_status
    rows = len(ledger.problems)
    if by[schema.STATUS_DONE] == rows:
        return f"反馈的{counts.problems}个具体问题已全部整改完成"
    if by[schema.STATUS_DONE] + by[schema.STATUS_STAGED] == rows:
        return f"反馈的{counts.problems}个具体问题已全部整改完成或取得阶段性成效"
    parts = [f"{s}{by[s]}个" for s in schema.STATUSES if by[s]]
    # The split is counted over the ledger's rows; when a declared total differs (the checks warn),
    # the sentence names the rows rather than contradict the figure printed earlier.
    base = f"反馈的{rows}个具体问题中" if counts.problems == rows else f"台账所列{rows}个具体问题中"
    return base + "，" + "、".join(parts)


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Substitute {名称} placeholders (the checks have already rejected unknown names)."""
    return _PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _run_ins(paragraphs: list[Paragraph], label: Any, values: dict[str, str]) -> list[dict[str, str]]:
    """Narrative paragraphs with generated run-in labels: the n-th headed paragraph gets label(n)."""
    out = []
    n = 0
    for p in paragraphs:
        head = ""
        if p.heading:
            n += 1
            head = label(n) + _sentence(fill_placeholders(p.heading, values))
        for i, text in enumerate(split_paragraphs(p.text)):
            out.append({"label": head if i == 0 else "", "text": clean(fill_placeholders(text, values))})
    return out


def _grouped(problems: Iterable[Problem]) -> dict[str, dict[str, list[Problem]]]:
    """Problems grouped by aspect then heading, in first-appearance order."""
    groups: dict[str, dict[str, list[Problem]]] = {}
    for p in problems:
        groups.setdefault(p.aspect, {}).setdefault(p.heading, []).append(p)
    return groups


def intro(ledger: Ledger) -> str:
    """The opening paragraph, composed from 基本信息."""
    info = ledger.inspection
    feedback = format_date(info.feedback)
    if info.feedback.year == info.end.year:
        feedback = feedback.split("年", 1)[1]
    return clean(
        f"根据{info.deployer}统一部署，{format_date_range(info.start, info.end)}，{info.group}对{info.unit}"
        f"开展了{info.round}，并于{feedback}反馈了巡察情况。按照巡察工作有关要求，现将巡察整改进展情况予以公布。"
    )


def contacts(ledger: Ledger) -> str:
    """The contact sentence appended to the closing paragraph."""
    info = ledger.inspection
    phone, email = clean(info.phone), info.email.strip()
    if phone and email:
        return f"联系方式：电话{phone}；电子邮箱{email}。"
    if phone:
        return f"联系电话：{phone}。"
    if email:
        return f"电子邮箱：{email}。"
    return ""


def notice_context(ledger: Ledger) -> dict[str, Any]:
    """The context of 通报.docx (see templates/README or pipeline.template_builder)."""
    info = ledger.inspection
    values = figures(ledger)
    section = {s: [p for p in ledger.narrative if p.section == s] for s in schema.SECTIONS}
    aspects = []
    for a_no, (aspect, headings) in enumerate(_grouped(ledger.public_problems).items(), start=1):
        problems = []
        for h_no, (heading, rows) in enumerate(headings.items(), start=1):
            items = []
            i_no = 0
            for p in rows:
                label = ""
                if p.item:
                    i_no += 1
                    label = run_in_ordinal(i_no) + _sentence(p.item)
                items.append({"heading": label, "paragraphs": [clean(t) for t in p.progress if clean(t)]})
            problems.append({"heading": list_marker(3, h_no) + clean(heading), "items": items})
        aspects.append({"heading": list_marker(2, a_no) + clean(aspect), "problems": problems})

    closing_texts = [clean(fill_placeholders(p.text, values)) for p in section[schema.SECTION_CLOSING]]
    closing = "".join(closing_texts) + contacts(ledger)
    title = compose_title(ledger)
    protected = (info.issuer, info.group, info.unit, info.deployer)
    headings = [("basic", "整改工作基本情况"),
                ("progress", f"{info.deployer}巡察组反馈意见整改落实进展情况"),
                ("plans", "今后整改工作打算")]
    return {
        "title": break_title(title, protected),
        "doc_number": clean(info.doc_number),
        "issuer": clean(info.issuer),
        "intro": intro(ledger),
        "headings": {key: list_marker(1, n) + text for n, (key, text) in enumerate(headings, start=1)},
        "basic": _run_ins(section[schema.SECTION_BASIC], lambda n: list_marker(2, n), values),
        "aspects": aspects,
        "plans": _run_ins(section[schema.SECTION_PLANS], run_in_ordinal, values),
        "closing": closing,
        "signature": clean(info.issuer),
        "date": format_date(info.issued),
        "cc": _sentence(info.cc) if info.cc else "",
        "printer": clean(info.printer),
        "printed": format_date(info.printed) + "印发" if info.printed else "",
    }


def _deadline(m: Measure) -> str:
    return format_date(m.deadline) if m.deadline else schema.STATUS_LONG_TERM


def checklist_rows(ledger: Ledger, per_measure: bool) -> list[dict[str, Any]]:
    """Rows of a checklist: one per problem, or one per measure; group-first flags for merging."""
    rows: list[dict[str, Any]] = []
    previous: tuple[str, str, str] | None = None
    for aspect, headings in _grouped(ledger.problems).items():
        for heading, problems in headings.items():
            for p in problems:
                measures: list[Measure | None] = list(ledger.measures_of(p.id)) if per_measure else [None]
                for m in measures:
                    key = (aspect, heading, p.id)
                    row = {
                        "no": len(rows) + 1,
                        "aspect": clean(aspect),
                        "aspect_first": previous is None or previous[0] != aspect,
                        "heading": clean(heading),
                        "heading_first": previous is None or previous[:2] != key[:2],
                        "item": clean(p.item),
                        "item_first": previous != key,
                        "status": p.status,
                        "public": schema.YES if p.public else schema.NO,
                        "action": clean(m.action) if m else "",
                        "target": clean(m.target) if m else "",
                        "leader": clean(m.leader) if m else "",
                        "department": clean(m.department) if m else "",
                        "partner": clean(m.partner) if m else "",
                        "deadline": _deadline(m) if m else "",
                        "result": clean(m.result) if m else "",
                        "measure_status": m.status if m else "",
                    }
                    rows.append(row)
                    previous = key
    return rows


CHECKLISTS = {
    "问题清单.docx": ("问题清单", False),
    "任务清单.docx": ("任务清单", True),
    "责任清单.docx": ("责任清单", True),
}


def checklist_context(ledger: Ledger, template_name: str) -> dict[str, Any]:
    """The context of one checklist template."""
    info = ledger.inspection
    kind, per_measure = CHECKLISTS[template_name]
    return {
        "title": clean(f"{info.group}反馈意见整改{kind}"),
        "issuer": clean(info.issuer),
        "date": format_date(info.issued),
        "rows": checklist_rows(ledger, per_measure),
    }


def document_context(ledger: Ledger, template_name: str) -> dict[str, Any]:
    """The context for any of the four templates, by file name."""
    if template_name == "通报.docx":
        return notice_context(ledger)
    return checklist_context(ledger, template_name)
