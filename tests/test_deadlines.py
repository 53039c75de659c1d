"""Issue 19: deadlines as clerks write them (2024年12月底前, 年底前, 第四季度, 立行立改, 持续推进) are accepted at
措施!完成时限, printed as written, and counted to the period's last day in the checks and the 督办清单."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from conftest import TEMPLATES, col_letter
from helpers import run, texts

from pipeline import api
from pipeline.findings import ERROR, WARNING
from pipeline.text.dates import (
    DEADLINE_AT_ONCE,
    DEADLINE_DAY,
    DEADLINE_LONG_TERM,
    LooseDate,
    parse_written_deadline,
)

FEEDBACK = LooseDate(2024, 8, 27)  # BASE's feedback date
H = col_letter("measures", "deadline")


@pytest.mark.parametrize(("text", "day", "kind", "assumed"), [
    # with the year: the period's last day
    ("2025年6月", date(2025, 6, 30), DEADLINE_DAY, False),
    ("2025年6月上旬", date(2025, 6, 10), DEADLINE_DAY, False),
    ("2025年6月中旬", date(2025, 6, 20), DEADLINE_DAY, False),
    ("2025年2月下旬", date(2025, 2, 28), DEADLINE_DAY, False),
    ("2025年12月底", date(2025, 12, 31), DEADLINE_DAY, False),
    ("2024年12月底前", date(2024, 12, 31), DEADLINE_DAY, False),
    ("2024年12月31日前完成", date(2024, 12, 31), DEADLINE_DAY, False),
    ("2025年底前", date(2025, 12, 31), DEADLINE_DAY, False),
    ("2025年年底", date(2025, 12, 31), DEADLINE_DAY, False),
    ("2025年第一季度", date(2025, 3, 31), DEADLINE_DAY, False),
    ("2025年二季度末", date(2025, 6, 30), DEADLINE_DAY, False),
    ("2025年第3季度", date(2025, 9, 30), DEADLINE_DAY, False),
    ("2025年上半年", date(2025, 6, 30), DEADLINE_DAY, False),
    ("２０２５年６月底前", date(2025, 6, 30), DEADLINE_DAY, False),  # full-width digits
    # without the year: the first such period that ends on or after the feedback date (2024-08-27)
    ("年底前", date(2024, 12, 31), DEADLINE_DAY, True),
    ("年底", date(2024, 12, 31), DEADLINE_DAY, True),
    ("年内", date(2024, 12, 31), DEADLINE_DAY, True),
    ("今年年底前", date(2024, 12, 31), DEADLINE_DAY, True),
    ("12月底前", date(2024, 12, 31), DEADLINE_DAY, True),
    ("十二月底前", date(2024, 12, 31), DEADLINE_DAY, True),
    ("6月底前", date(2025, 6, 30), DEADLINE_DAY, True),  # June 2024 ended before the feedback
    ("8月底", date(2024, 8, 31), DEADLINE_DAY, True),  # the feedback's own month, still to end
    ("8月中旬", date(2025, 8, 20), DEADLINE_DAY, True),  # 2024-08-20 is before the feedback
    ("9月上旬", date(2024, 9, 10), DEADLINE_DAY, True),
    ("12月31日前", date(2024, 12, 31), DEADLINE_DAY, True),
    ("第四季度", date(2024, 12, 31), DEADLINE_DAY, True),
    ("三季度末", date(2024, 9, 30), DEADLINE_DAY, True),
    ("一季度末", date(2025, 3, 31), DEADLINE_DAY, True),
    ("下半年", date(2024, 12, 31), DEADLINE_DAY, True),
    ("上半年", date(2025, 6, 30), DEADLINE_DAY, True),
    ("2月29日前", date(2028, 2, 29), DEADLINE_DAY, True),  # the next year that has the day
    # due at once: the feedback date; long-term: no day
    ("立行立改", date(2024, 8, 27), DEADLINE_AT_ONCE, False),
    ("持续推进", None, DEADLINE_LONG_TERM, False),
    ("长期坚持", None, DEADLINE_LONG_TERM, False),
    ("长期", None, DEADLINE_LONG_TERM, False),
])
def test_written_deadline_day(text: str, day: date | None, kind: str, assumed: bool) -> None:
    parsed = parse_written_deadline(text, FEEDBACK)
    assert parsed is not None
    assert (parsed.text, parsed.day, parsed.kind, parsed.year_assumed) == (text, day, kind, assumed)


def test_without_the_feedback_date_what_needs_it_has_no_day_yet() -> None:
    for text in ("年底前", "第四季度", "12月底前", "立行立改"):
        parsed = parse_written_deadline(text)
        assert parsed is not None and parsed.day is None and parsed.needs_feedback, text
    held = parse_written_deadline("持续推进")
    assert held is not None and held.day is None and not held.needs_feedback
    dated = parse_written_deadline("2024年12月底前")
    assert dated is not None and dated.day == date(2024, 12, 31) and not dated.needs_feedback


@pytest.mark.parametrize("text", ["尽快", "明年年底", "2025年", "2月30日前", "2025年13月", "第五季度", "13月底前"])
def test_other_words_are_not_deadlines(text: str) -> None:
    assert parse_written_deadline(text, FEEDBACK) is None


# -- a ledger written as a clerk writes deadlines ---------------------------------------------------------------

# (deadline as written, status, department); measures 4… of problem 2, after BASE's three (rows 2–4)
WRITTEN = [
    ("2024年12月底前", "正在推进", "组织部"),  # row 5: due in 11 days as of 2024-12-20
    ("年底前", "正在推进", "办公室"),  # row 6: year assumed 2024 → due in 11 days
    ("2024年11月", "正在推进", "组织部"),  # row 7: 11-30 → overdue 20 days
    ("第四季度", "取得阶段性成效", "办公室"),  # row 8: year assumed 2024 → due in 11 days
    ("立行立改", "正在推进", "组织部"),  # row 9: the feedback date 2024-08-27 → overdue 115 days
    ("持续推进", "正在推进", "办公室"),  # row 10: long-term: never listed
    ("年底前", "正在推进", "组织部"),  # row 11: the same words as row 6: one warning for both
    ("6月底前", "正在推进", "办公室"),  # row 12: year assumed 2025 → not due within 30 days
    ("2024年11月中旬", "已完成", "办公室"),  # row 13: done: never listed, no warning
    ("立行立改", "已完成", "办公室"),  # row 14: done
    ("2025年第三季度", "正在推进", "办公室"),  # row 15: 2025-09-30, problem 2's latest deadline
    ("长期", "正在推进", "组织部"),  # row 16: long-term, printed 长期 (长期坚持 stays the fixed word)
]


def _written(d: dict[str, Any]) -> None:
    base = dict(d["measures"][1], problem_id="2")
    d["measures"] += [dict(base, id=str(i), deadline=text, status=status, department=dept)
                      for i, (text, status, dept) in enumerate(WRITTEN, start=4)]


def _findings(result: Any, code: str) -> list[tuple[str, str, str, str]]:
    return [(f.level, f.sheet, f.cell, f.message) for f in result.findings if f.code == code]


def test_check_accepts_them_and_says_which_year_was_assumed(make_ledger):
    result = api.check_file(make_ledger(_written))
    assert result.ok, [f.message for f in result.findings if f.level == ERROR]
    assumed = [(f.level, f.sheet, f.cell, f.message) for f in result.findings if f.code == "deadline-year-assumed"]
    assert assumed == [
        (WARNING, "措施", f"{H}6",
         "〔完成时限〕“年底前”没有写年份，取反馈日期 2024年8月27日 之后最近的一个，即到 2024年12月31日 为止"
         "（检查和督办清单按这一天计算，文档照原样印“年底前”）。如果不是这一年，请写上年份，如“2025年底前”。"
         f"另有 1 处同样的写法（{H}11），同样处理。"),
        (WARNING, "措施", f"{H}8",
         "〔完成时限〕“第四季度”没有写年份，取反馈日期 2024年8月27日 之后最近的一个，即到 2024年12月31日 为止"
         "（检查和督办清单按这一天计算，文档照原样印“第四季度”）。如果不是这一年，请写上年份，如“2025年第四季度”。"),
        (WARNING, "措施", f"{H}12",
         "〔完成时限〕“6月底前”没有写年份，取反馈日期 2024年8月27日 之后最近的一个，即到 2025年6月30日 为止"
         "（检查和督办清单按这一天计算，文档照原样印“6月底前”）。如果不是这一年，请写上年份，如“2026年6月底前”。"),
    ]
    # passed before the 成文日期 (2024-12-20) and not done: the month counted to its last day, 立行立改 to the
    # feedback date; done ones (rows 13, 14) and the long-term one (row 10) say nothing
    passed = _findings(result, "deadline-passed")
    assert [(cell, message.split("已到期")[0]) for _, _, cell, message in passed] == [
        (f"{H}7", "〔完成时限〕“2024年11月”（按 2024-11-30 计）在成文日期 2024-12-20 之前"),
        (f"{H}9", "〔完成时限〕“立行立改”（按反馈日期 2024年8月27日 计）在成文日期 2024-12-20 之前"),
    ]
    ledger = result.ledger
    assert ledger is not None
    by_id = {m.id: m for m in ledger.measures}
    assert [(by_id[str(i)].deadline, by_id[str(i)].deadline_text) for i in (5, 8, 9, 10, 11, 15, 3)] == [
        (date(2024, 12, 31), "年底前"), (date(2024, 8, 27), "立行立改"), (None, "持续推进"),
        (date(2024, 12, 31), "年底前"), (date(2025, 6, 30), "6月底前"), (None, "长期"), (None, ""),
    ]


def test_a_written_deadline_before_the_feedback_is_an_error_at_its_cell(make_ledger):
    def change(d: dict[str, Any]) -> None:
        d["measures"][1]["deadline"] = "2024年7月底前"
    result = api.check_file(make_ledger(change))
    assert _findings(result, "deadline-before-feedback") == [
        (ERROR, "措施", f"{H}3",
         "〔完成时限〕“2024年7月底前”（按 2024-07-31 计）早于反馈日期 2024年8月27日。整改措施的时限应在反馈之后，请核对。"),
    ]


def test_words_that_are_no_deadline_are_an_error_naming_the_forms(make_ledger):
    def change(d: dict[str, Any]) -> None:
        d["measures"][1]["deadline"] = "尽快"
    result = api.check_file(make_ledger(change))
    ((level, sheet, cell, message),) = [f for f in _findings(result, "bad-date")]
    assert (level, sheet, cell) == (ERROR, "措施", f"{H}3")
    assert message.startswith("〔完成时限〕“尽快”不是能识别的完成时限。")
    assert "“2024年12月底前”" in message and "“立行立改”" in message and "“持续推进”" in message


def _table_rows(path: Any) -> list[list[str]]:
    from docx import Document
    return [[c.text for c in row.cells] for table in Document(str(path)).tables for row in table.rows[1:]]


def test_the_documents_print_them_as_written_and_the_overdue_list_counts_to_the_last_day(make_ledger, tmp_path):
    (result,) = api.build_many([make_ledger(_written)], TEMPLATES, tmp_path, sets=api.document_sets("全部"))
    assert not result.failed, result.message
    folder = result.folder
    # 督办清单 as of the 成文日期 2024-12-20: 序号, 责任部室, 责任领导, 任务号, 整改措施, 具体问题, 完成时限, 督办情况;
    # departments in order of first appearance (办公室 before 组织部), the most overdue first within each
    # (任务号 is the measure's place in the 任务清单: measure 1, then problem 2's measures 2, 4, 5, …: id − 1)
    rows = [[r[1], r[3], r[6], r[7]] for r in _table_rows(folder / "05_督办清单.docx")]
    assert rows == [
        ["办公室", "4", "年底前", "还有11天到期"],
        ["办公室", "6", "第四季度", "还有11天到期"],
        ["组织部", "7", "立行立改", "逾期115天"],
        ["组织部", "5", "2024年11月", "逾期20天"],
        ["组织部", "3", "2024年12月底前", "还有11天到期"],
        ["组织部", "9", "年底前", "还有11天到期"],
    ]
    assert "截至2024年12月20日，逾期未完成的整改措施2项，30天内到期的4项，按责任部室（单位）列出如下。" in texts(
        folder / "05_督办清单.docx")
    # 任务清单: each measure's 完成时限 as written (the dated ones of BASE as dates, 长期坚持 as it is)
    # (序号, 问题, 具体问题, 整改措施, 整改目标, 完成时限, 完成情况, 整改状态; measures 1, 2, 4…15, 3)
    deadlines = [r[5] for r in _table_rows(folder / "03_任务清单.docx")]
    assert deadlines == ["2024年10月31日", "2025年6月30日", *(text for text, _, _ in WRITTEN), "长期坚持"]
    # the plan's 整改任务: “……；完成时限：年底前。”
    plan = "".join(texts(folder / "07_整改方案.docx"))
    for text in ("年底前", "第四季度", "立行立改", "持续推进", "6月底前", "2024年12月底前"):
        assert f"完成时限：{text}。" in plan, text
    # 销号表 of problem 2: the latest deadline of its measures (2025-09-30), as written
    closeout = [c for r in _table_rows(folder / "13_销号表.docx") for c in r]
    assert "2025年第三季度" in closeout and "2025年9月30日" not in closeout


def test_the_as_of_day_moves_the_count_from_the_periods_last_day(make_ledger, tmp_path, capsys):
    path = make_ledger(_written)
    items = api.due_measures(api.check_file(path).ledger, date(2025, 1, 10))
    assert [(d.measure.id, d.days) for d in items] == [
        ("5", 10), ("7", 10), ("8", 136), ("6", 41), ("4", 10), ("10", 10),
    ]
    code, out, _ = run(["check", str(path), "--as-of", "2025-01-10"], capsys)
    assert code == 0
    assert any(line.strip().startswith("逾期10天") and "措施 5" in line and "时限 年底前（2024年12月31日）" in line
               for line in out.splitlines())
    assert "措施 9" not in out  # 持续推进: long-term, never overdue
