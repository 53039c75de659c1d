"""Notices of different offices, each built from a ledger made from scratch and read back from the .docx.

One case per structure an office may need (巡视, its own 导语, each numbering scheme, sections retitled or
left out, a second 正文 heading level, status lines with the completion rate, totals only, vague dates,
typed numbering; issue 20's wording rows: run-in markers of 正文 restarting after an unnumbered paragraph, the
status line before the progress with the office's label and words, label patterns and a progress label, a 导语
of two paragraphs, rates to two decimals with both years of the period). The expected paragraphs are text files under tests/expected/structures/; regenerate
them with `RECTIFY_REGEN=1 pytest tests/test_structures.py` and read the diff before committing.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any, Callable

import pytest
from conftest import ROOT, TEMPLATES, info_cell
from helpers import texts

from pipeline import api

EXPECTED = ROOT / "tests" / "expected" / "structures"
REGEN = os.environ.get("RECTIFY_REGEN") == "1"

Change = Callable[[dict[str, Any]], None]


def _info(**values: Any) -> Change:
    def change(d: dict[str, Any]) -> None:
        d["info"].update(values)
    return change


def _all(*changes: Change) -> Change:
    def change(d: dict[str, Any]) -> None:
        for c in changes:
            c(d)
    return change


def _xunshi(d: dict[str, Any]) -> None:
    d["info"].update(deployer="省委", group="省委第二巡视组", round="十二届省委第三轮巡视", kind="巡视",
                     unit="示例厅党组")


def _second_level(d: dict[str, Any]) -> None:
    d["narrative"][:2] = [
        {"section": "基本情况", "heading": "", "text": "共指出{方面数}个方面、{问题数}个具体问题。"},
        {"section": "基本情况", "heading": "加强组织领导"},  # a heading on its own line
        {"section": "基本情况", "heading": "成立领导小组", "text": "党组书记任组长。"},
        {"section": "基本情况", "heading": "压实整改责任", "text": "逐项明确责任领导。"},
        {"section": "基本情况", "heading": "健全长效机制"},
        {"section": "基本情况", "heading": "完善制度", "text": "制定或修订制度文件{制度文件数}项。"},
    ]


def _status_lines(d: dict[str, Any]) -> None:
    d["info"]["show_status"] = "是"
    d["problems"][2]["status"] = "整改中"  # an office's word for 正在推进
    d["measures"][2]["status"] = "正在推进"
    d["measures"][2]["deadline"] = date(2025, 6, 30)
    d["narrative"][1]["text"] = ("截至目前，已完成{已完成数}个，正在整改{未完成数}个，问题完成率{问题完成率}；"
                                 "{措施数}项措施已完成{已完成措施数}项，措施完成率{措施完成率}。")


def _totals_only(d: dict[str, Any]) -> None:
    d["problems"].clear()
    d["measures"].clear()
    d["info"].update(declared_aspects=3, declared_problems=25, declared_measures=171, declared_done=19,
                     declared_staged=6, title_progress="不印")
    d["narrative"][0]["text"] = ("反馈意见共指出{方面数}个方面、{问题数}个具体问题，制定{措施数}条具体措施。"
                                 "截至目前，{整改状态句}，问题完成率{问题完成率}。")


def _typed_numbers(d: dict[str, Any]) -> None:
    d["problems"][0].update(aspect="（一）关于甲方面", heading="1.甲问题", item="一是具体问题一")
    d["problems"][1].update(aspect="（一）关于甲方面", heading="1.甲问题", item="二是具体问题二")
    d["problems"][2].update(aspect="二、关于乙方面", heading="1、乙问题")
    d["narrative"][1]["heading"] = "（一）加强领导"
    d["info"]["title_basic"] = "一、整改工作开展情况"


def _runin_markers(marker_basic: str, marker_plans: str) -> Change:
    """基本情况 and 今后打算 with their own run-in markers, an unnumbered paragraph in the middle of each."""
    def change(d: dict[str, Any]) -> None:
        d["info"].update(runin_basic=marker_basic, runin_plans=marker_plans)
        d["narrative"][:3] = [
            {"section": "基本情况", "heading": "", "text": "共指出{方面数}个方面、{问题数}个具体问题。"},
            {"section": "基本情况", "heading": "加强领导", "text": "成立领导小组。"},
            {"section": "基本情况", "heading": "压实责任", "text": "逐项明确责任领导。"},
            {"section": "基本情况", "heading": "", "text": "在制度建设方面："},  # numbering starts again after it
            {"section": "基本情况", "heading": "完善制度", "text": "制定或修订制度文件{制度文件数}项。"},
            {"section": "基本情况", "heading": "抓好落实", "text": "开展督查。"},
            {"section": "今后打算", "heading": "", "text": "下一步。"},
            {"section": "今后打算", "heading": "深化整改", "text": "盯住时限。"},
            {"section": "今后打算", "heading": "完善机制", "text": "建章立制。"},
        ]
    return change


def _status_line_before(d: dict[str, Any]) -> None:
    d["info"].update(show_status="是", status_position="进展前", status_label="整改情况", status_stop="否",
                     status_words="已完成=已整改到位；阶段性成效=基本完成")  # an alias names a status too


def _label_patterns(d: dict[str, Any]) -> None:
    d["info"].update(pattern_aspect="在“{方面}”方面", pattern_problem="关于“{问题}”问题的整改",
                     pattern_item="反馈问题：{具体问题}", progress_label="整改情况")
    for p, aspect in zip(d["problems"], ("政治建设", "政治建设", "作风建设")):
        p["aspect"] = aspect
    d["problems"][0]["progress"] = "已经整改。\n建立长效机制。"  # the label opens the first paragraph only


def _rates_and_years(d: dict[str, Any]) -> None:
    d["info"].update(rate_digits=2, period_years="是")
    d["narrative"][1]["text"] = ("{巡察时间}开展巡察。截至目前，问题完成率{问题完成率}，"
                                 "{措施数}项措施已完成{已完成措施数}项，措施完成率{措施完成率}。")


CASES: dict[str, Change] = {
    "巡视": _xunshi,
    "导语": _info(opening="根据{部署机关}统一部署，{巡察时间}，{巡察组}对{被巡察单位}进行了巡察，并于{反馈日期}"
                      "反馈了巡察意见。按照党务公开原则和巡察工作有关要求，现将整改进展情况予以公布："),
    "编号-无方面": _all(_info(numbering="无方面"), lambda d: d["problems"][2].update(aspect="")),
    "编号-四级标题": _info(numbering="四级标题"),
    "编号-一起首": _info(numbering="（一）起首"),
    "编号-自定义": _info(numbering="一、/（一）/（1）/①段首"),
    "部分改名和不印": _info(title_basic="整改工作开展情况", title_progress="{巡察组}反馈问题整改进展情况及成效",
                       title_plans="不印", title_closing="其他事项"),
    "部分无标题": _info(title_basic="无标题", title_progress="无标题", title_plans="无标题"),
    "正文二级标题": _second_level,
    "整改状态和完成率": _status_lines,
    "只公布总数": _totals_only,
    "模糊日期": _info(start="2022年8月下旬", end="2022年9月底", feedback="2022年11月", issued=date(2023, 3, 1)),
    "序号已手填": _typed_numbers,
    # Issue 20: the wording offices use (each a 基本信息 row; left empty, the notice is as before)
    "段首编号-一是和1.": _runin_markers("一是", "1."),
    "段首编号-无和（一）": _runin_markers("无", "（一）"),
    "状态行-进展前": _status_line_before,
    "状态行-一起首段首": _all(_status_line_before, _info(numbering="（一）起首")),
    "标题格式和进展标签": _label_patterns,
    "导语分段": _info(opening="根据{部署机关}统一部署，{巡察时间}，{巡察组}对{被巡察单位}进行了巡察。\n"
                          "现将整改进展情况予以公布：\n"),
    "完成率小数和全年份": _rates_and_years,
}


@pytest.mark.parametrize("name", list(CASES))
def test_notice_structure(name: str, make_ledger, tmp_path: Path) -> None:
    ledger = make_ledger(CASES[name])
    (result,) = api.build_many([ledger], TEMPLATES, tmp_path / "out")
    assert result.status == "written", (result.message, result.check and result.check.errors)
    got = "\n".join(t.replace("\n", "⏎") for t in texts(result.folder / "01_通报.docx")) + "\n"
    expected = EXPECTED / f"{name}.txt"
    if REGEN:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(got, encoding="utf-8")
    assert got == expected.read_text(encoding="utf-8")


def test_xunshi_notice_never_says_xuncha(make_ledger, tmp_path: Path) -> None:
    (result,) = api.build_many([make_ledger(_xunshi)], TEMPLATES, tmp_path / "out")
    for name in ("01_通报.docx", "02_问题清单.docx", "03_任务清单.docx", "04_责任清单.docx"):
        from docx import Document

        doc = Document(str(result.folder / name))
        body = "\n".join(texts(result.folder / name))
        cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
        assert "巡察" not in body + cells, name
    assert "巡视" in "".join(texts(result.folder / "01_通报.docx"))


def test_xunshi_inferred_from_the_group_and_labels_accepted(make_ledger) -> None:
    """No 巡视巡察 row filled: a group named …巡视组 makes it a 巡视; 巡视 forms of the labels are read."""
    def relabel(wb: Any) -> None:
        ws = wb["基本信息"]
        for row in ws.iter_rows(min_col=1, max_col=1):
            cell = row[0]
            if isinstance(cell.value, str) and "巡察" in cell.value:
                cell.value = cell.value.replace("巡察", "巡视")

    def change(d: dict[str, Any]) -> None:
        _xunshi(d)
        d["info"]["kind"] = None
        d["info"]["start"] = None  # a message must say 巡视开始日期

    result = api.check_file(make_ledger(change, edit=relabel))
    (missing,) = [f for f in result.errors if f.cell == info_cell("start")]
    assert missing.header == "巡视开始日期" and "巡察" not in missing.message

    result = api.check_file(make_ledger(lambda d: (_xunshi(d), d["info"].update(kind=None)), edit=relabel))
    assert result.ok and result.ledger.inspection.kind == "巡视"
    assert result.ledger.inspection.group == "省委第二巡视组"


def test_completion_rates_are_rounded_not_floored(make_ledger, tmp_path: Path) -> None:
    """2 of 3 problems and 2 of 3 measures done: 66.67% prints as 67% (floored it would be 66%)."""
    from pipeline.ledger import placeholders

    def change(d: dict[str, Any]) -> None:
        d["measures"][2].update(deadline=date(2024, 12, 1), status="已完成")
        d["narrative"][1]["text"] = "截至目前，问题完成率{问题完成率}，措施完成率{措施完成率}。"

    ledger = make_ledger(change)
    checked = api.check_file(ledger)
    assert checked.ok, checked.errors
    counts = checked.ledger.counts
    assert (counts.status["已完成"], counts.problems) == (2, 3)
    assert (counts.measures_by_status["已完成"], counts.measures_counted) == (2, 3)
    values = placeholders.values(checked.ledger)
    assert (values["问题完成率"], values["措施完成率"]) == ("67%", "67%")
    (result,) = api.build_many([ledger], TEMPLATES, tmp_path / "out")
    assert result.status == "written", result.message
    printed = [t for t in texts(result.folder / "01_通报.docx") if "完成率" in t]
    assert len(printed) == 1 and "截至目前，问题完成率67%，措施完成率67%。" in printed[0], printed
