"""Ledger → the context each template renders with. Numbering, dates and figures are made here.

Every string that reaches a template has passed through `clean`: line breaks unified, control
characters dropped, ASCII punctuation beside Chinese made full-width.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from pipeline import checklist_layout as layout
from pipeline import schema
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


# Where a fixed-form value that is too wide for its column breaks: between words, never inside one.
_NAME_SEPARATORS = re.compile(r"(?<=[、，,／/；;\s])|(?=[（(])")
_STATUS_LINES = {schema.STATUS_STAGED: "取得\n阶段性成效"}


def wrap_name(text: str, per_line: int) -> str:
    """A short name (leader, department, status) with line breaks between its words when it does not
    fit on one line of `per_line` characters: after 、，/ and before （, so that "党组成员、纪检组长"
    never becomes "党组成员、纪检组" / "长". A word longer than a line is cut before the word that ends
    it (工作部, 组长 …) or into even pieces."""
    text = clean(text)
    if len(text) <= per_line or per_line < 2:
        return text
    if text in _STATUS_LINES:
        return _STATUS_LINES[text]
    words = [w for w in _NAME_SEPARATORS.split(text) if w]
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + len(word) <= per_line:
            lines[-1] += word
            continue
        lines.extend(_cut_word(word, per_line))
    return "\n".join(line.strip() for line in lines)


# Words that end organ and post names: a name too long for a line is cut before one of them
# ("劳动和经济" / "工作部", "纪检" / "组长"), else into even pieces.
_NAME_ENDINGS = ("工作部", "办公室", "委员会", "中心", "组长", "主任", "主席", "书记", "部长", "局长",
                 "处长", "科长", "部", "室", "办", "处", "科", "局", "委", "会", "组", "队", "站", "所", "院")


def _cut_word(word: str, per_line: int) -> list[str]:
    if len(word) <= per_line:
        return [word]
    for ending in _NAME_ENDINGS:
        cut = word.rfind(ending)
        if 0 < cut and len(word) - cut <= per_line and cut >= 2:
            return [*_cut_word(word[:cut], per_line), word[cut:]]
    pieces = -(-len(word) // per_line)
    size, longer = divmod(len(word), pieces)  # even pieces: the first `longer` one character longer
    bounds = [0]
    for i in range(pieces):
        bounds.append(bounds[-1] + size + (1 if i < longer else 0))
    return [word[a:b] for a, b in zip(bounds, bounds[1:])]


# The group levels rows can be merged over: level → the row keys whose values make one group.
GROUP_KEYS = {
    "aspect": ("aspect",),
    "heading": ("aspect", "heading"),
    "item": ("aspect", "heading", "problem_id"),
    "leader": ("leader",),
    "department": ("leader", "department"),
}


def checklist_rows(ledger: Ledger, template_name: str) -> list[dict[str, Any]]:
    """Rows of a checklist in print order: one per problem (问题清单) or one per measure (任务清单, by
    problem; 责任清单, by 责任领导 then 责任部室（单位）, each in the order it first appears). Every row
    carries a `<level>_first` flag for each of GROUP_KEYS (the row starts a group of that level)."""
    checklist = layout.CHECKLISTS_BY_NAME[template_name]
    width = {c.field: layout.chars_per_line(c) for c in checklist.columns}
    rows: list[dict[str, Any]] = []
    for aspect, headings in _grouped(ledger.problems).items():
        for heading, problems in headings.items():
            for p in problems:
                measures: list[Measure | None] = list(ledger.measures_of(p.id)) if checklist.per_measure else [None]
                for m in measures:
                    rows.append({
                        "aspect": clean(aspect),
                        "heading": clean(heading),
                        "item": clean(p.item),
                        "item_text": clean(p.item) or clean(heading),
                        "problem_id": p.id,
                        "status": wrap_name(p.status, width.get("status", 99)),
                        "public": schema.YES if p.public else schema.NO,
                        "action": clean(m.action) if m else "",
                        "target": clean(m.target) if m else "",
                        "leader": wrap_name(m.leader, width.get("leader", 99)) if m else "",
                        "department": wrap_name(m.department, width.get("department", 99)) if m else "",
                        "partner": wrap_name(m.partner, width.get("partner", 99)) if m else "",
                        "deadline": _deadline(m) if m else "",
                        "result": clean(m.result) if m else "",
                        "measure_status": wrap_name(m.status, width.get("measure_status", 99)) if m else "",
                    })
    if template_name == "责任清单.docx":
        leaders = list(dict.fromkeys(r["leader"] for r in rows))
        departments = list(dict.fromkeys(r["department"] for r in rows))
        rows.sort(key=lambda r: (leaders.index(r["leader"]), departments.index(r["department"])))
    for no, row in enumerate(rows, start=1):
        row["no"] = no
    _mark_groups(rows)
    return rows


def _mark_groups(rows: list[dict[str, Any]]) -> None:
    """Set the `<level>_first` flags: the first row, and every row whose group key differs from the
    row before it."""
    for i, row in enumerate(rows):
        for level, keys in GROUP_KEYS.items():
            row[f"{level}_first"] = i == 0 or any(row[k] != rows[i - 1][k] for k in keys)


# Checklist file → its name in titles, and its number as an attachment of the notice.
CHECKLISTS = {
    "问题清单.docx": ("问题清单", 1),
    "任务清单.docx": ("任务清单", 2),
    "责任清单.docx": ("责任清单", 3),
}


def checklist_title(ledger: Ledger, template_name: str) -> str:
    """The checklist's title (also its document title)."""
    return clean(f"{ledger.inspection.group}反馈意见整改{CHECKLISTS[template_name][0]}")


def checklist_context(ledger: Ledger, template_name: str) -> dict[str, Any]:
    """The context of one checklist template: its rows, and the same rows cut into pages (one table a
    page; every group that continues on a new page starts again there, with its label)."""
    info = ledger.inspection
    kind, number = CHECKLISTS[template_name]
    attachment = f"附件{number}" if info.attachments == schema.YES else ""
    issuer, date = clean(info.issuer), format_date(info.issued)
    rows = checklist_rows(ledger, template_name)
    checklist = layout.CHECKLISTS_BY_NAME[template_name]
    pages = [[dict(r) for r in page]
             for page in layout.paginate(checklist, rows, layout.first_page_extra(bool(issuer or date), bool(attachment)))]
    for page in pages:
        _mark_groups(page)  # every group starts again at the top of a page
    return {
        "title": checklist_title(ledger, template_name),
        "attachment": attachment,
        "issuer": issuer,
        "date": date,
        "rows": rows,  # all rows, groups flagged over the whole list (templates with one table)
        "pages": [{"rows": page} for page in pages],
    }


def header_context(ledger: Ledger) -> dict[str, Any]:
    """The notice's 版头 (GB/T 9704 7.2), printed when 基本信息 says 版头 是: the red 发文机关标志
    (the ledger's, else 发文机关 + 文件) and the 发文字号 (as typed; the checks warn about its form)."""
    info = ledger.inspection
    on = info.red_header == schema.YES
    return {
        "red_header": on,
        "issuer_mark": (clean(info.issuer_mark) or clean(info.issuer) + "文件") if on else "",
        "doc_number": clean(info.doc_number),
    }


def document_context(ledger: Ledger, template_name: str) -> dict[str, Any]:
    """The context for any of the four templates, by file name."""
    if template_name == "通报.docx":
        return {**notice_context(ledger), **header_context(ledger)}
    return checklist_context(ledger, template_name)
