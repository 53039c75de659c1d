"""Ledger → template context: numbering, title breaks, figures, status sentence."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.api import check_file
from pipeline.documents.checklists import checklist_context, checklist_rows, wrap_name
from pipeline.documents.notice import notice_context
from pipeline.ledger.placeholders import status_sentence
from pipeline.notice.titles import break_title


def test_title_breaks_between_words_into_a_trapezoid():
    title = "中共东营市总工会党组关于市委第一巡察组反馈意见集中整改进展情况的通报"
    lines = break_title(title, ("中共东营市总工会党组", "市委第一巡察组")).split("\n")
    assert lines == ["中共东营市总工会党组关于市委第一巡察组", "反馈意见集中整改进展情况的通报"]


def test_short_title_is_one_line():
    assert break_title("关于整改进展情况的通报") == "关于整改进展情况的通报"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="关于巡察组反馈意见整改进展情况的通报中共党委市县第一二三", min_size=1, max_size=220))
def test_title_breaks_keep_the_text_and_the_width(title):
    lines = break_title(title).split("\n")
    assert "".join(lines) == title
    assert all(1 <= len(line) <= 20 for line in lines)
    assert len(lines) <= -(-len(title) // 20) + 3


def _ledger(make_ledger, change=None):
    result = check_file(make_ledger(change))
    assert result.ok, result.errors
    return result.ledger


def test_numbering_restarts_per_level(make_ledger):
    ctx = notice_context(_ledger(make_ledger))
    assert [a["heading"] for a in ctx["aspects"]] == ["（一）关于甲方面", "（二）关于乙方面"]
    first = ctx["aspects"][0]["problems"][0]
    assert first["heading"] == "1.甲问题"
    assert [i["heading"] for i in first["items"]] == ["一是具体问题一。", "二是具体问题二。"]
    assert ctx["aspects"][1]["problems"][0]["heading"] == "1.乙问题"
    assert ctx["aspects"][1]["problems"][0]["items"][0]["heading"] == ""  # no sub-items
    assert [p["label"] for p in ctx["basic"]] == ["", "（一）加强领导。"]
    assert ctx["headings"]["progress"] == "二、市委巡察组反馈意见整改落实进展情况"
    assert ctx["intro"].startswith("根据市委统一部署，2024年3月25日至6月7日，市委第一巡察组对示例单位党组开展了")
    assert "并于8月27日反馈了巡察情况" in ctx["intro"]
    assert ctx["closing"] == "欢迎监督。联系方式：电话1234567；电子邮箱a@example.cn。"


def test_status_sentence_is_true_of_every_problem(make_ledger):
    def internal_ongoing(d: dict[str, Any]) -> None:
        d["problems"][1]["public"] = "否"
        d["problems"][1]["status"] = "正在推进"
    # N counts the internal problem too, so "全部" would be false
    assert status_sentence(_ledger(make_ledger, internal_ongoing)) == (
        "反馈的3个具体问题中，已完成2个、正在推进1个")

    def all_done(d: dict[str, Any]) -> None:
        d["problems"][1]["status"] = "已完成"
    assert status_sentence(_ledger(make_ledger, all_done)) == "反馈的3个具体问题已全部整改完成"
    assert status_sentence(_ledger(make_ledger)) == "反馈的3个具体问题已全部整改完成或取得阶段性成效"

    def declared_differs(d: dict[str, Any]) -> None:
        d["problems"][2]["status"] = "长期坚持"
        d["info"]["declared_problems"] = 5
    # a split adds up: it names the ledger's rows rather than the declared 5
    assert status_sentence(_ledger(make_ledger, declared_differs)) == (
        "台账所列3个具体问题中，已完成1个、取得阶段性成效1个、长期坚持1个")


def test_checklist_group_flags(make_ledger):
    def change(d: dict[str, Any]) -> None:
        d["measures"].append(dict(d["measures"][0], id="4"))  # a second measure for problem 1
    rows = checklist_rows(_ledger(make_ledger, change), "任务清单.docx")
    assert [r["no"] for r in rows] == [1, 2, 3, 4]
    assert [r["aspect_first"] for r in rows] == [True, False, False, True]
    assert [r["heading_first"] for r in rows] == [True, False, False, True]
    assert [r["item_first"] for r in rows] == [True, False, True, True]
    assert [r["deadline"] for r in rows] == ["2024年10月31日", "2024年10月31日", "2025年6月30日", "长期坚持"]


@pytest.mark.parametrize("text, per_line, expected", [
    ("党组书记、主席", 7, "党组书记、主席"),  # fits: unchanged
    ("党组成员、纪检组长", 7, "党组成员、\n纪检组长"),  # not "党组成员、纪检组" / "长"
    ("党组成员、副主席（分管财务）", 7, "党组成员、\n副主席\n（分管财务）"),
    ("取得阶段性成效", 5, "取得\n阶段性成效"),
    ("纪检组长", 3, "纪检\n组长"),  # a word longer than a line: cut before the word ending it
    ("劳动和经济工作部", 5, "劳动和经济\n工作部"),  # not "劳动和经" / "济工作部"
    ("甲乙丙丁戊己庚", 3, "甲乙丙\n丁戊\n己庚"),  # no known ending: even pieces, no orphan
    ("办公室", 5, "办公室"),
])
def test_short_names_break_between_words(text, per_line, expected):
    assert wrap_name(text, per_line) == expected


def test_checklist_pages_restart_groups_with_labels(make_ledger):
    """Many measures for one problem run over a page: the next page's first row starts every group."""
    def change(d: dict[str, Any]) -> None:
        long = "按照要求认真落实整改措施并建立健全长效机制，" * 6
        d["measures"][1:1] = [dict(d["measures"][0], id=str(i), action=long) for i in range(4, 44)]
    ledger = _ledger(make_ledger, change)
    ctx = checklist_context(ledger, "任务清单.docx")
    pages = ctx["pages"]
    assert len(pages) >= 3
    assert [r["no"] for p in pages for r in p["rows"]] == list(range(1, 44))
    for page in pages[:-1]:
        first = page["rows"][0]
        assert first["heading_first"] and first["item_first"] and first["aspect_first"]
        assert not any(r["item_first"] for r in page["rows"][1:])  # problem 1's 41 measures
    # `rows` (for a template with one table) flags the groups over the whole list: three problems
    assert sum(r["item_first"] for r in ctx["rows"]) == 3
    assert ctx["attachment"] == ""


def test_checklists_labelled_as_attachments_on_request(make_ledger):
    ledger = _ledger(make_ledger, lambda d: d["info"].__setitem__("attachments", "是"))
    labels = [checklist_context(ledger, n)["attachment"] for n in ("问题清单.docx", "任务清单.docx", "责任清单.docx")]
    assert labels == ["附件1", "附件2", "附件3"]


def test_responsibility_list_rows_by_leader_then_department(make_ledger):
    def change(d: dict[str, Any]) -> None:
        d["measures"].append(dict(d["measures"][0], id="4", problem_id="3", department="财务部"))
    rows = checklist_rows(_ledger(make_ledger, change), "责任清单.docx")
    assert [(r["leader"], r["department"]) for r in rows] == [
        ("党组书记、主席", "办公室"), ("党组书记、主席", "财务部"), ("分管副主席", "组织部"), ("分管副主席", "财务部")]
    assert [r["leader_first"] for r in rows] == [True, False, True, False]
    assert [r["department_first"] for r in rows] == [True, True, True, True]
