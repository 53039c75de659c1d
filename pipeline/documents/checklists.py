"""The checklists' template contexts: rows grouped and merged, names wrapped, the 督办清单's due rows."""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter
from typing import Any

from pipeline.documents import layout
from pipeline.ledger import schema
from pipeline.ledger.model import Ledger, Measure
from pipeline.notice.outline import clean, grouped, sentence
from pipeline.notice.overdue import DUE_SOON_DAYS, due_measures
from pipeline.notice.overdue import counts as due_counts
from pipeline.text.dates import format_date

# The 督办清单 (measures to press on): its rows are the measures due, not the ledger's.
OVERDUE = "督办清单.docx"
assert OVERDUE in layout.CHECKLISTS_BY_NAME


_sentence = sentence


def _deadline(m: Measure) -> str:
    if m.deadline_text:
        return m.deadline_text
    return format_date(m.deadline) if m.deadline else schema.STATUS_LONG_TERM


# Where a fixed-form value that is too wide for its column breaks: between words, never inside one.
_NAME_SEPARATORS = re.compile(r"(?<=[、，,／/；;\s])|(?=[（(])")
_STATUS_LINES = {schema.STATUS_STAGED: "取得\n阶段性成效"}


@lru_cache(maxsize=1 << 14)
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
_NAME_ENDINGS = (
    "工作部",
    "办公室",
    "委员会",
    "中心",
    "组长",
    "主任",
    "主席",
    "书记",
    "部长",
    "局长",
    "处长",
    "科长",
    "部",
    "室",
    "办",
    "处",
    "科",
    "局",
    "委",
    "会",
    "组",
    "队",
    "站",
    "所",
    "院",
)


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


def checklist_rows(ledger: Ledger, template_name: str) -> list[dict[str, Any]]:
    """Rows of a checklist in print order: one per problem (问题清单) or one per measure (任务清单, by
    problem; 责任清单, by 责任领导 then 责任部室（单位）, each in the order it first appears). Every row
    carries a `<level>_first` flag for each of layout.GROUP_KEYS (the row starts a group of that level)."""
    checklist = layout.CHECKLISTS_BY_NAME[template_name]
    width = {c.field: layout.chars_per_line(c) for c in checklist.columns}
    if template_name == OVERDUE:
        return _due_rows(ledger, width)
    rows: list[dict[str, Any]] = []
    own = ledger.inspection.own_status_words
    task_no = task_numbers(ledger)
    for aspect, headings in grouped(ledger.problems).items():
        for heading, problems in headings.items():
            for p in problems:
                measures: list[Measure | None] = list(ledger.measures_of(p.id)) if checklist.per_measure else [None]
                for m in measures:
                    rows.append(
                        {
                            "aspect": clean(aspect),
                            "heading": clean(heading),
                            "item": clean(p.item),
                            "item_text": clean(p.item) or clean(heading),
                            "problem_id": p.id,
                            "status": wrap_name(p.shown_status(own), width.get("status", 99)),
                            "public": schema.YES if p.public else schema.NO,
                            "action": clean(m.action) if m else "",
                            "target": clean(m.target) if m else "",
                            "leader": wrap_name(m.leader, width.get("leader", 99)) if m else "",
                            "department": wrap_name(m.department, width.get("department", 99)) if m else "",
                            "partner": wrap_name(m.partner, width.get("partner", 99)) if m else "",
                            "deadline": _deadline(m) if m else "",
                            "result": clean(m.result) if m else "",
                            "measure_status": wrap_name(m.shown_status(own), width.get("measure_status", 99))
                            if m
                            else "",
                            "task_no": task_no.get(m.id, "") if m else "",
                        }
                    )
    if checklist.by_owner:
        # each leader and department in the order it first appears (indexed: a list's .index per row
        # is quadratic when names are many)
        leaders = {name: i for i, name in enumerate(dict.fromkeys(r["leader"] for r in rows))}
        departments = {name: i for i, name in enumerate(dict.fromkeys(r["department"] for r in rows))}
        rows.sort(key=lambda r: (leaders[r["leader"]], departments[r["department"]]))
    for no, row in enumerate(rows, start=1):
        row["no"] = no
    _mark_groups(rows)
    return rows


def task_numbers(ledger: Ledger) -> dict[str, int]:
    """Each measure's 序号 in the 任务清单 (measure 编号 → number), so that the 责任清单 and 督办清单, which
    order measures otherwise, can say which task a row is."""
    numbers: dict[str, int] = {}
    for headings in grouped(ledger.problems).values():
        for problems in headings.values():
            for p in problems:
                for m in ledger.measures_of(p.id):
                    numbers.setdefault(m.id, len(numbers) + 1)
    return numbers


def _due_rows(ledger: Ledger, width: dict[str, int]) -> list[dict[str, Any]]:
    """Rows of the 督办清单: measures overdue or due soon as of the 成文日期 (or --as-of), by 责任部室（单位）,
    the most overdue first within each."""
    rows = []
    task_no = task_numbers(ledger)
    for no, d in enumerate(due_measures(ledger, ledger.due_date), start=1):
        m, p = d.measure, d.problem
        rows.append(
            {
                "no": no,
                "department": wrap_name(m.department, width.get("department", 99)),
                "leader": wrap_name(m.leader, width.get("leader", 99)),
                "action": clean(m.action),
                "item_text": (clean(p.item) or clean(p.heading)) if p else "",
                "problem_id": m.problem_id,
                "deadline": _deadline(m),
                "measure_status": m.shown_status(ledger.inspection.own_status_words),
                "state": d.state,
                "days": d.days,
                "task_no": task_no.get(m.id, ""),
            }
        )
    _mark_groups(rows)
    return rows


def due_note(ledger: Ledger) -> str:
    """The 督办清单's sentence above its table: how many measures are overdue and due soon, or none."""
    items = due_measures(ledger, ledger.due_date)
    late, soon = due_counts(items)
    when = format_date(ledger.due_date)
    if not items:
        return f"截至{when}，没有逾期未完成或{DUE_SOON_DAYS}天内到期的整改措施。"
    return f"截至{when}，逾期未完成的整改措施{late}项，{DUE_SOON_DAYS}天内到期的{soon}项，按责任部室（单位）列出如下。"


def _mark_groups(rows: list[dict[str, Any]]) -> None:
    """Set the `<level>_first` flags: the first row, and every row whose group key differs from the
    row before it (levels whose keys the rows do not have are left out; a checklist's rows all have
    the same keys)."""
    if not rows:
        return
    levels = [
        (f"{level}_first", itemgetter(*keys))
        for level, keys in layout.GROUP_KEYS.items()
        if all(k in rows[0] for k in keys)
    ]
    before: dict[str, Any] | None = None
    for row in rows:
        for flag, key in levels:
            row[flag] = before is None or key(row) != key(before)
        before = row


def checklist_title(ledger: Ledger, template_name: str) -> str:
    """The checklist's title (also its document title)."""
    return clean(f"{ledger.inspection.group}反馈意见整改{layout.CHECKLISTS_BY_NAME[template_name].name}")


def checklist_context(ledger: Ledger, template_name: str) -> dict[str, Any]:
    """The context of one checklist template: its rows, and the same rows cut into pages (one table a
    page; every group that continues on a new page starts again there, with its label)."""
    info = ledger.inspection
    checklist = layout.CHECKLISTS_BY_NAME[template_name]
    number = checklist.attachment
    attachment = f"附件{number}" if number and info.attachments == schema.YES else ""
    issuer, date = clean(info.issuer), format_date(info.issued)
    rows = checklist_rows(ledger, template_name)
    note = due_note(ledger) if template_name == OVERDUE else ""
    extra = layout.first_page_extra(bool(issuer or date), bool(attachment), bool(note))
    # No table at all for a 督办清单 with nothing to press on (its note says so).
    pages = [[dict(r) for r in page] for page in layout.paginate(checklist, rows, extra)] if rows or not note else []
    for page in pages:
        _mark_groups(page)  # every group starts again at the top of a page
    return {
        "title": checklist_title(ledger, template_name),
        "note": note,
        "attachment": attachment,
        "issuer": issuer,
        "date": date,
        "rows": rows,  # all rows, groups flagged over the whole list (templates with one table)
        "pages": [{"rows": page} for page in pages],
    }
