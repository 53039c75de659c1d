"""One workbook per finding code: the check reports that code at that cell."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

import pytest
from conftest import col_letter, info_cell

from pipeline.api import check_file
from pipeline.findings import ERROR, WARNING


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _cell(sheet_key: str, col_key: str, index: int) -> str:
    return f"{col_letter(sheet_key, col_key)}{index + 2}"


def _append_measure(**fields: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        base = dict(data["measures"][0], id="9")
        base.update(fields)
        data["measures"].append(base)
    return change


CASES = [
    # (code, level, change, sheet, cell)
    ("required-missing", ERROR, _set(["measures", 1, "leader"], None), "措施", _cell("measures", "leader", 1)),
    ("required-missing", ERROR, _set(["info", "issuer"], None), "基本信息", info_cell("issuer")),
    ("bad-date", ERROR, _set(["info", "feedback"], "2024年13月40日"), "基本信息", info_cell("feedback")),
    ("bad-date", ERROR, _set(["measures", 0, "deadline"], "明年年底"), "措施", _cell("measures", "deadline", 0)),
    ("bad-choice", ERROR, _set(["problems", 0, "status"], "差不多了"), "问题", _cell("problems", "status", 0)),
    ("bad-choice", ERROR, _set(["problems", 0, "public"], "不公开"), "问题", _cell("problems", "public", 0)),
    ("bad-number", ERROR, _set(["info", "declared_problems"], "三十二"), "基本信息", info_cell("declared_problems")),
    ("unknown-problem", ERROR, _set(["measures", 1, "problem_id"], "99"), "措施",
     _cell("measures", "problem_id", 1)),
    ("duplicate-id", ERROR, _set(["problems", 2, "id"], "1"), "问题", _cell("problems", "id", 2)),
    ("problem-without-measure", ERROR, lambda d: d["measures"].pop(2), "问题", _cell("problems", "id", 2)),
    ("deadline-before-feedback", ERROR, _set(["measures", 0, "deadline"], date(2024, 8, 1)), "措施",
     _cell("measures", "deadline", 0)),
    ("unknown-placeholder", ERROR, _set(["narrative", 0, "text"], "共{问题总数}个问题。"), "正文",
     _cell("narrative", "text", 0)),
    ("unknown-placeholder", ERROR, _set(["narrative", 1, "heading"], "｛领导｝"), "正文",
     _cell("narrative", "heading", 1)),
    ("control-char", ERROR, _set(["problems", 1, "progress"], "进展_x000B_情况"), "问题",
     _cell("problems", "progress", 1)),
    ("bad-date", ERROR, _set(["info", "printed"], 2024), "基本信息", info_cell("printed")),
    ("cell-error", ERROR, _set(["measures", 2, "leader"], "#N/A"), "措施", _cell("measures", "leader", 2)),
    ("date-order", ERROR, _set(["info", "end"], date(2024, 3, 1)), "基本信息", info_cell("end")),
    ("declared-total-mismatch", WARNING, _set(["info", "declared_problems"], 32), "基本信息",
     info_cell("declared_problems")),
    ("declared-total-mismatch", WARNING, _set(["info", "declared_measures"], "4"), "基本信息",
     info_cell("declared_measures")),
    ("halfwidth-punct", WARNING, _set(["problems", 0, "progress"], "学习,研讨;落实(整改)。"), "问题",
     _cell("problems", "progress", 0)),
    ("repeated-punct", WARNING, _set(["narrative", 2, "text"], "加强建设、、推动发展。"), "正文",
     _cell("narrative", "text", 2)),
    ("deadline-passed", WARNING, _set(["measures", 1, "deadline"], date(2024, 11, 30)), "措施",
     _cell("measures", "deadline", 1)),
    ("missing-item", WARNING, _set(["problems", 1, "item"], None), "问题", _cell("problems", "item", 1)),
    ("empty-section", WARNING, lambda d: d["narrative"].pop(2), "正文", ""),
    ("no-problems", ERROR, lambda d: (d["problems"].clear(), d["measures"].clear()), "问题", ""),
    # notice shape (基本信息 rows added for offices' own wording and numbering)
    ("typed-numbering", WARNING, _set(["problems", 0, "aspect"], "（一）关于甲方面"), "问题",
     _cell("problems", "aspect", 0)),
    ("typed-numbering", WARNING, _set(["problems", 2, "heading"], "1.乙问题"), "问题", _cell("problems", "heading", 2)),
    ("typed-numbering", WARNING, _set(["problems", 1, "item"], "二是具体问题二"), "问题", _cell("problems", "item", 1)),
    ("typed-numbering", WARNING, _set(["narrative", 1, "heading"], "(一)加强领导"), "正文",
     _cell("narrative", "heading", 1)),
    ("typed-numbering", WARNING, _set(["info", "title_plans"], "三、下一步打算"), "基本信息", info_cell("title_plans")),
    ("bad-numbering", ERROR, _set(["info", "numbering"], "一、/（一）/甲/一是"), "基本信息", info_cell("numbering")),
    ("bad-numbering", ERROR, _set(["info", "numbering"], "按文件"), "基本信息", info_cell("numbering")),
    ("unknown-placeholder", ERROR, _set(["info", "opening"], "根据{部署单位}统一部署"), "基本信息",
     info_cell("opening")),
    ("unknown-placeholder", ERROR, _set(["info", "title_progress"], "{组名}反馈意见整改情况"), "基本信息",
     info_cell("title_progress")),
    ("required-missing", ERROR, _set(["problems", 1, "aspect"], None), "问题", _cell("problems", "aspect", 1)),
    ("required-missing", ERROR, _set(["narrative", 0, "text"], None), "正文", _cell("narrative", "text", 0)),
    ("bad-date", ERROR, _set(["info", "end"], "6月上旬"), "基本信息", info_cell("end")),  # no year
    ("date-order", ERROR, _set(["info", "feedback"], "2024年5月"), "基本信息", info_cell("feedback")),
    ("totals-only", WARNING, lambda d: (d["problems"].clear(), d["measures"].clear(),
                                        d["info"].update(declared_problems=25, declared_done=25)), "问题", ""),
    ("figure-unavailable", ERROR, lambda d: (d["problems"].clear(), d["measures"].clear(),
                                             d["info"].update(declared_problems=25)), "正文",
     _cell("narrative", "text", 1)),
    ("done-with-open-measure", WARNING, _append_measure(problem_id="1", status="正在推进",
                                                        deadline=date(2025, 3, 1)),
     "问题", _cell("problems", "status", 0)),
]


@pytest.mark.parametrize("code, level, change, sheet, cell", CASES,
                         ids=[f"{c[0]}-{c[4]}" for c in CASES])
def test_finding_at_cell(make_ledger, code, level, change, sheet, cell):
    result = check_file(make_ledger(change))
    hits = [(f.level, f.code, f.sheet, f.cell) for f in result.findings]
    assert (level, code, sheet, cell) in hits, result.findings
    if level == WARNING:
        assert result.ok, result.errors  # a warning alone never blocks a build
        assert result.ledger is not None
    else:
        assert not result.ok and result.ledger is None


def test_base_ledger_is_clean(make_ledger):
    result = check_file(make_ledger())
    assert result.findings == ()
    assert result.ledger is not None
    assert result.ledger.counts.problems == 3


def test_all_problems_reported_at_once(make_ledger):
    def change(d: dict[str, Any]) -> None:
        d["measures"][0]["deadline"] = "下月"
        d["problems"][1]["status"] = "完成了"
        d["narrative"][0]["text"] = "{未知}"
        d["info"]["round"] = None
    result = check_file(make_ledger(change))
    codes = sorted(f.code for f in result.errors)
    assert codes == ["bad-choice", "bad-date", "required-missing", "unknown-placeholder"]


def test_missing_sheet_and_column(make_ledger):
    def edit(wb: Any) -> None:
        del wb["制度文件"]
        wb["措施"].delete_cols(5)  # 责任领导
    result = check_file(make_ledger(edit=edit))
    hits = {(f.code, f.sheet, f.cell) for f in result.errors}
    assert ("missing-sheet", "制度文件", "") in hits
    assert ("missing-column", "措施", "1:1") in hits


def test_messages_are_chinese_and_name_the_header(make_ledger):
    result = check_file(make_ledger(_set(["measures", 0, "deadline"], "明年年底")))
    (finding,) = result.errors
    assert finding.header == "完成时限"
    assert "完成时限" in finding.message and "长期坚持" in finding.message
    assert finding.location == f"措施!{_cell('measures', 'deadline', 0)}"


def test_long_term_deadline_accepted(make_ledger):
    result = check_file(make_ledger(_set(["measures", 0, "deadline"], "长期")))
    assert result.ok
    assert result.ledger.measures[0].deadline is None


def test_blank_public_defaults_to_yes(make_ledger):
    result = check_file(make_ledger(_set(["problems", 0, "public"], None)))
    assert result.ok and result.ledger.problems[0].public


def test_example_ledger_checks_clean_with_expected_warnings(example_copy):
    result = check_file(example_copy)
    assert result.ok
    warned = sorted((f.code, f.cell) for f in result.warnings)
    assert ("declared-total-mismatch", info_cell("declared_problems")) in warned
    assert ("declared-total-mismatch", info_cell("declared_measures")) in warned
    assert ("repeated-punct", "C10") in warned  # the published text's own "、、"
    counts = result.ledger.counts
    assert (counts.aspects, counts.problems, counts.measures, counts.documents) == (4, 32, 73, 11)
    assert (counts.problems_counted, counts.measures_counted) == (29, 72)


def test_array_formula_without_value_is_reported_not_printed(make_ledger):
    from openpyxl.worksheet.formula import ArrayFormula

    def edit(wb: Any) -> None:
        wb["问题"]["D2"] = ArrayFormula("D2", "=UPPER(D3)")
    result = check_file(make_ledger(edit=edit))
    assert ("formula-no-value", "问题", "D2") in {(f.code, f.sheet, f.cell) for f in result.errors}


def test_aspects_differing_only_in_punctuation_width_are_one_group(make_ledger):
    def change(d: dict[str, Any]) -> None:
        d["problems"][0]["aspect"] = "关于(甲)方面"
        d["problems"][1]["aspect"] = "关于（甲）方面"
    result = check_file(make_ledger(change))
    assert result.ok
    assert result.ledger.aspects == ("关于（甲）方面", "关于乙方面")
    assert result.ledger.counts.aspects == 2


@pytest.mark.parametrize("typed, status", [
    ("完成", "已完成"), ("已整改", "已完成"), ("阶段性完成", "取得阶段性成效"), ("整改中", "正在推进"),
    ("正在整改", "正在推进"), ("未完成", "正在推进"), ("长期", "长期坚持"), (" 已 完 成 ", "已完成"),
])
def test_usual_status_words_are_read_as_the_fixed_list(make_ledger, typed, status):
    def change(d: dict[str, Any]) -> None:
        d["problems"][2]["status"] = typed
        d["measures"][2]["status"] = typed
    result = check_file(make_ledger(change))
    assert result.ok, result.errors
    assert result.ledger.problems[2].status == status
    assert result.ledger.measures[2].status == status


def test_typed_numbering_message_says_what_was_removed(make_ledger):
    result = check_file(make_ledger(_set(["problems", 0, "aspect"], "（三）关于甲方面")))
    (f,) = [f for f in result.findings if f.code == "typed-numbering"]
    assert "“（三）”" in f.message and "（三）（三）" in f.message
    assert result.ledger.problems[0].aspect == "关于甲方面"


def test_vague_dates_print_as_written_and_compare_by_their_last_day(make_ledger):
    result = check_file(make_ledger(lambda d: d["info"].update(start="2024年3月下旬", end="2024年6月",
                                                                feedback="2024年6月底")))
    assert result.ok, result.errors
    info = result.ledger.inspection
    assert (info.start, info.end, info.feedback) == (date(2024, 3, 31), date(2024, 6, 30), date(2024, 6, 30))
    assert info.when("feedback").text() == "2024年6月底"
    # a deadline in the feedback month, after its first possible day, is not "before the feedback"
    late = check_file(make_ledger(lambda d: (d["info"].update(feedback="2024年8月下旬"),
                                             d["measures"][0].update(deadline=date(2024, 8, 25)))))
    assert late.ok, late.errors


def test_old_ledger_without_the_new_rows_builds(make_ledger):
    """A ledger made before the notice-shape rows existed (rows deleted) reads with today's defaults."""
    new_rows = ("巡视巡察", "导语", "编号方式", "基本情况标题", "整改落实进展标题", "今后打算标题", "结束语标题",
                "印出整改状态", "反馈方面数", "已完成问题数", "取得阶段性成效问题数", "正在推进问题数", "长期坚持问题数",
                "版头", "发文机关标志", "清单作为附件")

    def edit(wb: Any) -> None:
        ws = wb["基本信息"]
        for r in range(ws.max_row, 1, -1):
            if ws.cell(row=r, column=1).value in new_rows:
                ws.delete_rows(r)
    result = check_file(make_ledger(edit=edit))
    assert result.findings == ()
    info = result.ledger.inspection
    assert (info.kind, info.numbering, info.show_status, info.opening) == ("巡察", "", False, "")


@pytest.mark.parametrize("typed, corrected", [
    ("县卫健党[2024]第15号", "县卫健党〔2024〕15号"),
    ("东工党【2024】012号", "东工党〔2024〕12号"),
    ("东工党(2024)1号", "东工党〔2024〕1号"),
    ("东工党（2024）第3号", "东工党〔2024〕3号"),
])
def test_doc_number_form_warns_with_the_corrected_form(make_ledger, typed, corrected):
    result = check_file(make_ledger(_set(["info", "doc_number"], typed)))
    (finding,) = [f for f in result.findings if f.code == "doc-number-form"]
    assert (finding.level, finding.sheet, finding.cell) == (WARNING, "基本信息", info_cell("doc_number"))
    assert f"“{corrected}”" in finding.message
    assert result.ok  # a warning: the build goes on


@pytest.mark.parametrize("typed", ["东工党〔2024〕12号", None])
def test_doc_number_in_standard_form_passes(make_ledger, typed):
    result = check_file(make_ledger(_set(["info", "doc_number"], typed)))
    assert not [f for f in result.findings if f.code == "doc-number-form"]


def test_doc_number_unrecognisable_warns(make_ledger):
    result = check_file(make_ledger(_set(["info", "doc_number"], "东工党2024年12号")))
    (finding,) = [f for f in result.findings if f.code == "doc-number-form"]
    assert "〔2024〕12号" in finding.message  # the example of the right form


def test_a_missing_value_message_never_says_also_not_to_fill_it(make_ledger):
    result = check_file(make_ledger(_set(["problems", 1, "heading"], None)))
    (f,) = [f for f in result.errors if f.code == "required-missing"]
    assert f.message == "〔问题〕必须填写（问题标题（通报中的1. 2. ……））。"
    assert "不必填写" not in f.message and "不要填写" not in f.message


def test_declared_total_says_which_rows_it_counted(make_ledger):
    def change(d: dict[str, Any]) -> None:
        d["info"]["declared_problems"] = 8
        d["problems"][2]["status"] = "差不多"  # one of the three rows has an error
    result = check_file(make_ledger(change))
    (f,) = [f for f in result.findings if f.code == "declared-total-mismatch"]
    assert "“问题”表中有 3 行，其中 1 行有错误（见上），其余 2 行列出 2 个具体问题" in f.message


def test_a_renamed_header_is_reported_before_any_count_that_depends_on_it(make_ledger):
    def edit(wb: Any) -> None:
        ws = wb["措施"]
        for cell in ws[1]:
            if cell.value == "完成时限":
                cell.value = "完成时间"
    result = check_file(make_ledger(lambda d: d["info"].update(declared_measures=3), edit=edit))
    assert [(f.code, f.sheet) for f in result.errors] == [("missing-column", "措施")]
    assert not [f for f in result.findings if f.code == "declared-total-mismatch"]  # no "列出了 0 条措施"


def test_internal_problems_are_explained_once(make_ledger):
    result = check_file(make_ledger(lambda d: (d["problems"][1].update(public="否"),
                                               d["problems"][2].update(public="否"))))
    (f,) = [f for f in result.findings if f.code == "internal-problems"]
    assert f.message.startswith("2 个问题标为不公开（编号 2、3）：计入通报中的问题总数") and result.ok


@pytest.mark.parametrize("deadline", [date(2024, 8, 27), date(2024, 8, 28)], ids=["the-feedback-day", "the-day-after"])
def test_deadline_on_or_after_the_feedback_day_is_accepted(make_ledger, deadline):
    """反馈日期 is 2024-08-27: a measure due that very day is not "before the feedback"."""
    result = check_file(make_ledger(_set(["measures", 0, "deadline"], deadline)))
    assert result.findings == ()
    assert result.ledger.measures[0].deadline == deadline


def test_deadline_the_day_before_the_feedback_is_refused_at_its_cell(make_ledger):
    result = check_file(make_ledger(_set(["measures", 0, "deadline"], date(2024, 8, 26))))
    (f,) = result.findings
    assert (f.level, f.code, f.sheet, f.cell, f.header) == (
        ERROR, "deadline-before-feedback", "措施", _cell("measures", "deadline", 0), "完成时限")
    assert f.message == "〔完成时限〕2024-08-26 早于反馈日期 2024年8月27日。整改措施的时限应在反馈之后，请核对。"
    assert not result.ok and result.ledger is None
