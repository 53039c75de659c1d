"""The bodies of the rectification cycle's other official documents, as blocks (like the notice's outline):
the 整改方案 (plan), the 整改情况报告 (report to the 巡察办) and the 主要负责人组织落实整改情况报告.

They are numbered the standard way (一、/（一）/1./一是) and, unlike the published notice, cover every
problem, the ones not made public included. Narrative parts come from 正文 rows of their own 部分
(schema.CYCLE_SECTIONS), the report's 基本情况 and 今后打算 from the notice's."""

from __future__ import annotations

from typing import Iterator

from pipeline.ledger import placeholders as figures
from pipeline.ledger import schema
from pipeline.ledger.model import Ledger, Measure, Paragraph, Problem
from pipeline.ledger.numbering import label
from pipeline.notice.outline import Block, _narrative, _Writer, clean, grouped, sentence
from pipeline.text.dates import format_date
from pipeline.text.punct import split_paragraphs

PLAN_OPENING = (
    "为深入贯彻落实{巡察组}对{被巡察单位}{巡察}反馈意见，切实抓好{巡察}整改工作，"
    "根据{巡察}工作有关要求，结合实际，制定本方案。"
)
REPORT_OPENING = (
    "根据{部署机关}统一部署，{巡察时间}，{巡察组}对{被巡察单位}开展了{巡察轮次}，并于{反馈月日}反馈了{巡察}意见。"
    "现将整改情况报告如下。"
)
HEAD_OPENING = (
    "{巡察组}于{反馈日期}向{被巡察单位}反馈{巡察}意见后，本人作为{巡察}整改第一责任人，"
    "认真履行组织落实整改的职责。现将有关情况报告如下。"
)
HEAD_SUMMARY = "截至{成文日期}，{巡察组}反馈意见共指出{方面数}个方面{问题数}个具体问题；{整改状态句}。"


def _paragraphs(ledger: Ledger, section: str) -> list[Paragraph]:
    return [p for p in ledger.narrative if p.section == section]


def _section(w: _Writer, key: str, number: int, title: str) -> None:
    w.heading(key, 1, label("一、", number), "一、", title, role="section")


def deadline_text(m: Measure) -> str:
    """A measure's deadline as printed: as written (2024年12月底前, 立行立改), else the date, else 长期坚持."""
    if m.deadline_text:
        return m.deadline_text
    return format_date(m.deadline) if m.deadline else schema.STATUS_LONG_TERM


def _measure_sentence(no: int, m: Measure) -> tuple[str, str]:
    """(run-in lead, text) of one measure in the plan: "（1）措施。" then target and who answers for it."""
    parts = []
    if clean(m.target):
        parts.append(f"整改目标：{sentence(m.target)}")
    owners = f"责任领导：{clean(m.leader)}；责任部门：{clean(m.department)}"
    if clean(m.partner):
        owners += f"；配合单位：{clean(m.partner)}"
    parts.append(f"{owners}；完成时限：{deadline_text(m)}。")
    return sentence(m.action), "".join(parts)


def _each_problem(w: _Writer, ledger: Ledger, level: int, section: str, run_in: bool) -> Iterator[tuple[Problem, int]]:
    """Every problem (public or not) under its headings in `section`: （一）方面 → 1.问题 → 一是具体问题 (run in at the
    start of what follows when `run_in`); yields each problem with the level of what goes under it."""
    for a_no, (aspect, headings) in enumerate(grouped(ledger.problems).items(), start=1):
        a_level = level + 1
        if aspect:
            w.heading(section, a_level, label("（一）", a_no), "（一）", aspect, role="aspect")
        for h_no, (heading, rows) in enumerate(headings.items(), start=1):
            w.heading(section, a_level + 1, label("1.", h_no), "1.", heading, role="problem")
            item_no = 0
            for p in rows:
                if p.item:
                    item_no += 1
                    w.heading(
                        section,
                        a_level + 2,
                        label("一是", item_no),
                        "一是",
                        p.item,
                        role="item",
                        run_in=run_in,
                        status=p.status,
                        as_sentence=True,
                    )
                yield p, a_level + 2


def _tasks(w: _Writer, ledger: Ledger, level: int) -> None:
    """The plan's 整改任务: （一）方面 → 1.问题 → 一是具体问题 → （1）measures with owners and deadlines."""
    for p, p_level in _each_problem(w, ledger, level, "tasks", run_in=False):
        for m_no, m in enumerate(ledger.measures_of(p.id), start=1):
            lead, text = _measure_sentence(m_no, m)
            w.flush()
            w.blocks.append(
                Block(
                    "tasks",
                    "paragraph",
                    p_level + 1,
                    text,
                    lead_label=label("（1）", m_no),
                    lead=lead,
                    lead_style="plain",
                    status=m.status,
                    role="measure",
                )
            )
        w.flush()


def plan_outline(ledger: Ledger) -> list[Block]:
    """The 整改方案's body: opening, 指导思想和总体要求, 组织领导, 整改任务, 工作要求."""
    values = figures.values(ledger)
    w = _Writer()
    w.paragraph("intro", 0, figures.fill(PLAN_OPENING, values), role="intro")
    parts = (
        ("aims", "指导思想和总体要求", schema.SECTION_PLAN_AIMS),
        ("leadership", "组织领导", schema.SECTION_PLAN_LEADERSHIP),
        ("tasks", "整改任务", ""),
        ("requirements", "工作要求", schema.SECTION_PLAN_REQUIREMENTS),
    )
    for number, (key, title, section) in enumerate(parts, start=1):
        _section(w, key, number, title)
        if section:
            _narrative(w, key, 1, _paragraphs(ledger, section), "（一）", "（一）", values)
        else:
            _tasks(w, ledger, 1)
        w.flush()
    return w.blocks


def open_measures(ledger: Ledger) -> list[Measure]:
    """Measures not finished (neither 已完成 nor 长期坚持), in ledger order."""
    return [m for m in ledger.measures if m.status not in schema.FINISHED]


def _problems_all(w: _Writer, ledger: Ledger, level: int) -> None:
    """Every problem (public or not): （一）方面 → 1.问题 → 一是具体问题 → progress → 整改状态."""
    for p, p_level in _each_problem(w, ledger, level, "progress", run_in=True):
        for text in p.progress:
            w.paragraph("progress", p_level, text, role="progress", status=p.status)
        w.paragraph("progress", p_level, f"整改状态：{p.status}。", role="status", status=p.status)
        w.flush()


def report_outline(ledger: Ledger) -> list[Block]:
    """The 整改情况报告's body: opening, 整改工作开展情况, every problem's rectification, what is still open
    and why, the next steps."""
    values = figures.values(ledger)
    w = _Writer()
    w.paragraph("intro", 0, figures.fill(REPORT_OPENING, values), role="intro")
    _section(w, "basic", 1, "整改工作开展情况")
    _narrative(w, "basic", 1, _paragraphs(ledger, schema.SECTION_BASIC), "（一）", "（一）", values)
    w.flush()
    _section(w, "progress", 2, "反馈问题整改落实情况")
    _problems_all(w, ledger, 1)
    w.flush()
    _section(w, "open", 3, "尚未完成的整改事项及原因")
    pending = open_measures(ledger)
    when = format_date(ledger.inspection.issued)
    if not pending:
        w.paragraph("open", 1, f"截至{when}，各项整改措施均已完成或转入长期坚持。", role="open")
    else:
        w.paragraph("open", 1, f"截至{when}，尚有{len(pending)}项整改措施未完成：", role="open")
        for no, m in enumerate(pending, start=1):
            result = sentence(m.result) if clean(m.result) else "正在推进。"
            w.blocks.append(
                Block(
                    "open",
                    "paragraph",
                    2,
                    f"（问题编号{m.problem_id}；责任部门：{clean(m.department)}；完成时限：{deadline_text(m)}；"
                    f"状态：{m.status}）{result}",
                    lead_label=label("（1）", no),
                    lead=sentence(m.action),
                    lead_style="plain",
                    status=m.status,
                    role="open-measure",
                )
            )
    for p in _paragraphs(ledger, schema.SECTION_REPORT_OPEN):
        heading = figures.fill(p.heading, values) if p.heading else ""
        for i, text in enumerate(split_paragraphs(figures.fill(p.text, values))):
            if heading and i == 0:
                w.heading("open", 2, "", "", heading, role="narrative", run_in=True)
            w.paragraph("open", 1, text, role="narrative")
        w.flush()
    _section(w, "plans", 4, "下一步工作打算")
    _narrative(w, "plans", 1, _paragraphs(ledger, schema.SECTION_PLANS), "（一）", "一是", values)
    w.flush()
    return w.blocks


def head_report_outline(ledger: Ledger) -> list[Block]:
    """The 主要负责人组织落实整改情况报告's body: opening, the head's own account (正文 主要负责人报告),
    the state of the rectification in figures."""
    values = figures.values(ledger)
    w = _Writer()
    w.paragraph("intro", 0, figures.fill(HEAD_OPENING, values), role="intro")
    _narrative(w, "basic", 0, _paragraphs(ledger, schema.SECTION_HEAD_REPORT), "一、", "（一）", values)
    w.flush()
    w.paragraph("closing", 0, figures.fill(HEAD_SUMMARY, values), role="closing")
    return w.blocks
