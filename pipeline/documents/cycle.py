"""Template contexts of the rectification cycle's other documents, from the same ledger as the notice:
the 党内通报 (every problem), the 整改方案 and its 附件1–3 (the checklists), the 整改情况报告 and the
主要负责人组织落实整改情况报告, the 销号 forms and the summary table."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from pipeline.documents import layout
from pipeline.documents.checklists import checklist_context, checklist_title, wrap_name
from pipeline.documents.notice import format_attachment_notes, header_context, notice_context
from pipeline.ledger import schema
from pipeline.ledger.model import Ledger, Measure, Problem
from pipeline.notice.cycle import deadline_text, head_report_outline, plan_outline, report_outline
from pipeline.notice.outline import clean, sentence
from pipeline.notice.overdue import DUE_SOON_DAYS, due_measures
from pipeline.notice.titles import break_title, compose_title
from pipeline.text.dates import format_date

# The checklists that are the 整改方案's 附件1–3, in order.
PLAN_ATTACHMENTS = tuple(c.file_name for c in sorted(layout.CHECKLISTS, key=lambda c: c.attachment) if c.attachment)


def addressee(ledger: Ledger) -> str:
    """The 主送机关 of the plan and the reports: the ledger's, else 部署机关 + 巡察办 (市委巡察办)."""
    info = ledger.inspection
    return clean(info.addressee) or clean(f"{info.deployer}{info.kind}办")


def _official(ledger: Ledger, title: str, blocks: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """The context keys every official document's template has (see variables.OFFICIAL_VARIABLES)."""
    info = ledger.inspection
    protected = (info.issuer, info.group, info.unit, info.deployer)
    base = notice_context(ledger)
    context = {
        "title": break_title(title, protected),
        "issuer": clean(info.issuer),
        "kind": info.kind,
        "blocks": blocks,
        "signature": clean(info.issuer),
        "date": format_date(info.issued),
        "cc": base["cc"],
        "printer": base["printer"],
        "printed": base["printed"],
        "addressee": addressee(ledger),
        "attachment_notes": [],
        "sealed": base["sealed"],
        "secret": "",
        "copy_no": "",
        **header_context(ledger),
    }
    context.update(extra)
    return context


# --------------------------------------------------------------------------------------------------
# 党内通报: the notice with every problem, and the 密级 / 份号 when the ledger gives them


def internal_ledger(ledger: Ledger) -> Ledger:
    """The ledger with every problem treated as public: the notice for inside the Party prints them all."""
    return replace(ledger, problems=tuple(replace(p, public=True) for p in ledger.problems))


def party_notice_title(ledger: Ledger) -> str:
    return compose_title(ledger)


def party_notice_context(ledger: Ledger) -> dict[str, Any]:
    """The notice's context over every problem, plus the official documents' keys."""
    info = ledger.inspection
    context = notice_context(internal_ledger(ledger))
    context.update({"addressee": "", "secret": clean(info.secret), "copy_no": clean(info.copy_no)})
    return context


# --------------------------------------------------------------------------------------------------
# 整改方案 and its 附件1–3


def plan_title(ledger: Ledger) -> str:
    info = ledger.inspection
    return clean(f"{info.issuer}关于落实{info.group}反馈意见的整改方案")


def attachment_title(ledger: Ledger, template_name: str) -> str:
    return checklist_title(ledger, template_name)


def plan_context(ledger: Ledger) -> dict[str, Any]:
    blocks = [b.as_dict() for b in plan_outline(ledger)]
    names = [attachment_title(ledger, name) for name in PLAN_ATTACHMENTS]
    return _official(ledger, plan_title(ledger), blocks, attachment_notes=format_attachment_notes(names))


def plan_attachment_context(ledger: Ledger, template_name: str) -> dict[str, Any]:
    """A checklist as the plan's 附件N: labelled whatever 基本信息〔清单作为附件〕 says."""
    info = ledger.inspection
    context = checklist_context(replace(ledger, inspection=replace(info, attachments=schema.YES)), template_name)
    return context


# --------------------------------------------------------------------------------------------------
# 整改情况报告 and the 主要负责人's report


def report_title(ledger: Ledger) -> str:
    info = ledger.inspection
    return clean(f"{info.issuer}关于{info.group}反馈意见整改情况的报告")


def report_context(ledger: Ledger) -> dict[str, Any]:
    blocks = [b.as_dict() for b in report_outline(ledger)]
    return _official(ledger, report_title(ledger), blocks)


def head_report_title(ledger: Ledger) -> str:
    info = ledger.inspection
    return clean(f"{info.unit}主要负责人组织落实{info.group}反馈意见整改情况的报告")


def head_report_context(ledger: Ledger) -> dict[str, Any]:
    info = ledger.inspection
    blocks = [b.as_dict() for b in head_report_outline(ledger)]
    return _official(ledger, head_report_title(ledger), blocks, signature=clean(info.head) or clean(info.issuer))


# --------------------------------------------------------------------------------------------------
# 销号 forms


def closeout_title(ledger: Ledger) -> str:
    return clean(f"{ledger.inspection.group}反馈问题整改销号申请表")


def _lines(items: list[str]) -> str:
    return "\n".join(dict.fromkeys(i for i in items if i))


def closeout_form(ledger: Ledger, p: Problem) -> dict[str, Any]:
    """One problem's 销号 form: what it is, its measures, owners, deadline, what was done, the evidence."""
    measures: tuple[Measure, ...] = ledger.measures_of(p.id)
    dated = [m for m in measures if m.deadline]
    standing = [m for m in measures if m.deadline is None]
    # the latest deadline, as its measure writes it (2024年12月底前); else the standing measure's words
    last = max(dated, key=lambda m: m.deadline or date.min) if dated else (standing[0] if standing else None)
    deadline = deadline_text(last) if last is not None else ""
    # what was done: the problem's progress text, else each measure's 完成情况
    results = [sentence(t) for t in p.progress if clean(t)] or [
        f"{no}.{sentence(m.result)}" for no, m in enumerate(measures, start=1) if clean(m.result)
    ]
    evidence = [clean(d.name) for d in ledger.documents if p.id in d.problem_ids]
    done = p.status == schema.STATUS_DONE and all(m.status in schema.FINISHED for m in measures)
    return {
        "id": p.id,
        "aspect": clean(p.aspect),
        "problem": clean(p.heading) + (f"：{sentence(p.item)}" if p.item else ""),
        "measures": "\n".join(f"{no}.{sentence(m.action)}" for no, m in enumerate(measures, start=1)),
        "leaders": "、".join(dict.fromkeys(clean(m.leader) for m in measures if clean(m.leader))),
        "departments": "、".join(dict.fromkeys(clean(m.department) for m in measures if clean(m.department))),
        "deadline": deadline,
        "result": "\n".join(results),
        "status": p.status,
        "evidence": _lines(evidence),
        "apply": "该问题已按整改措施完成整改，申请销号。" if done else "",
    }


def closeout_context(ledger: Ledger, problem_ids: tuple[str, ...] = ()) -> dict[str, Any]:
    """The 销号 forms, one per problem (every problem, or the ones named, in ledger order)."""
    info = ledger.inspection
    chosen = [p for p in ledger.problems if not problem_ids or p.id in problem_ids]
    return {
        "title": closeout_title(ledger),
        "issuer": clean(info.issuer),
        "date": format_date(info.issued),
        "forms": [closeout_form(ledger, p) for p in chosen],
    }


# --------------------------------------------------------------------------------------------------
# Summary table


def summary_title(ledger: Ledger) -> str:
    return clean(f"{ledger.inspection.group}反馈意见整改台账汇总表")


def _rate(part: int, whole: int) -> str:
    """76% (half up), as the notice's {问题完成率}; "—" when there is nothing to count."""
    if whole <= 0:
        return "—"
    return f"{(200 * part + whole) // (2 * whole)}%"


def _aspect_row(name: str, problems: list[Problem], measures: list[Measure]) -> dict[str, Any]:
    by = {s: sum(1 for p in problems if p.status == s) for s in schema.STATUSES}
    done_m = sum(1 for m in measures if m.status == schema.STATUS_DONE)
    return {
        "aspect": name,
        "problems": len(problems),
        "done": by[schema.STATUS_DONE],
        "staged": by[schema.STATUS_STAGED],
        "ongoing": by[schema.STATUS_ONGOING],
        "long_term": by[schema.STATUS_LONG_TERM],
        "problem_rate": _rate(by[schema.STATUS_DONE], len(problems)),
        "measures": len(measures),
        "measures_done": done_m,
        "measure_rate": _rate(done_m, len(measures)),
    }


MARK_WORDS = {"red": "逾期", "yellow": f"{DUE_SOON_DAYS}天内到期", "green": "已完成"}


def summary_context(ledger: Ledger) -> dict[str, Any]:
    """Counts by status per 方面 (and in total) with completion rates; every measure with its mark as of
    the 成文日期: red overdue, yellow due within DUE_SOON_DAYS days, green done, none otherwise."""
    info = ledger.inspection
    aspects: dict[str, list[Problem]] = {}
    for p in ledger.problems:
        aspects.setdefault(clean(p.aspect) or "（未分方面）", []).append(p)
    rows = [
        _aspect_row(name, problems, [m for p in problems for m in ledger.measures_of(p.id)])
        for name, problems in aspects.items()
    ]
    total = _aspect_row("合计", list(ledger.problems), list(ledger.measures))
    due = {id(d.measure): d for d in due_measures(ledger, info.issued)}
    measures = []
    for no, m in enumerate(ledger.measures, start=1):
        d = due.get(id(m))
        mark = "green" if m.status == schema.STATUS_DONE else ("red" if d and d.overdue else ("yellow" if d else ""))
        measures.append(
            {
                "no": no,
                "problem_id": m.problem_id,
                "action": clean(m.action),
                "leader": clean(m.leader),
                "department": clean(m.department),
                "deadline": deadline_text(m),
                "status": wrap_name(m.status, 4),
                "mark": mark,
            }
        )
    counts = {k: sum(1 for r in measures if r["mark"] == k) for k in MARK_WORDS}
    note = (
        f"共{total['problems']}个具体问题、{total['measures']}项整改措施；问题完成率{total['problem_rate']}，"
        f"措施完成率{total['measure_rate']}。"
    )
    marks_note = (
        f"整改措施逐项标识（截至{format_date(info.issued)}）：红色逾期{counts['red']}项，"
        f"黄色{DUE_SOON_DAYS}天内到期{counts['yellow']}项，绿色已完成{counts['green']}项。"
    )
    return {
        "title": summary_title(ledger),
        "issuer": clean(info.issuer),
        "date": format_date(info.issued),
        "note": note,
        "marks_note": marks_note,
        "aspects": rows,
        "total": total,
        "measures": measures,
    }
