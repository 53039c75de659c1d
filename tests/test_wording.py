"""Issue 20's wording rows of 基本信息: each bad value is an error at its cell with the allowed form, nothing is
written; the label patterns and status words change the notice only (the checklists keep the ledger's words);
the rates' decimals and both years of {巡察时间}; the run-in styles the new markers print in.

The expected notices of each choice are table-driven in test_structures.py (tests/expected/structures/)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import TEMPLATES, entries, info_cell
from docx import Document
from helpers import texts

from pipeline import api
from pipeline.findings import ERROR, WARNING
from pipeline.ledger import wording
from pipeline.ledger.placeholders import _percent
from pipeline.notice.outline import build_outline

BAD = [
    ("pattern_aspect", "在方面", "bad-wording", "要含一个{方面}"),
    ("pattern_problem", "关于“{方面}”问题", "bad-wording", "只能用占位符{问题}"),
    ("pattern_item", "{具体问题}{具体问题}", "bad-wording", "要含一个{具体问题}"),
    ("status_words", "已完成=已整改；办得好=很好", "bad-wording", "“办得好”不是整改状态"),
    ("status_words", "已整改到位", "bad-wording", "不是“固定状态=本单位说法”的写法"),
    ("rate_digits", 5, "bad-wording", "请填写 0 至 4 之间的整数"),
    ("runin_basic", "甲、", "bad-choice", "（一）、一是、1.、（1）、无"),
    ("status_position", "中间", "bad-choice", "进展前、进展后"),
]


@pytest.mark.parametrize("key,value,code,words", BAD)
def test_a_bad_wording_value_is_an_error_at_its_cell(key: str, value: Any, code: str, words: str, make_ledger,
                                                     tmp_path: Path) -> None:
    extra = {"show_status": "是"} if key.startswith("status") else {}
    ledger = make_ledger(lambda d: d["info"].update({key: value, **extra}))
    result = api.check_file(ledger)
    (f,) = [f for f in result.findings if f.level == ERROR]
    assert (f.code, f.sheet, f.cell) == (code, "基本信息", info_cell(key))
    assert words in f.message and "请" in f.message, f.message
    (built,) = api.build_many([ledger], TEMPLATES, tmp_path / "out")
    out = tmp_path / "out"
    assert built.status != "written" and (not out.exists() or not entries(out))


def test_status_line_rows_without_printing_the_status_warn(make_ledger) -> None:
    result = api.check_file(make_ledger(lambda d: d["info"].update(status_label="整改情况", status_stop="否")))
    assert result.ok
    found = sorted((f.code, f.cell) for f in result.findings if f.level == WARNING and f.code == "status-line-off")
    assert found == sorted([("status-line-off", info_cell("status_label")),
                            ("status-line-off", info_cell("status_stop"))])
    assert all("〔印出整改状态〕" in f.message for f in result.findings if f.code == "status-line-off")


def _cells(path: Path) -> str:
    doc = Document(str(path))
    return "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)


def test_patterns_and_status_words_change_the_notice_only(make_ledger, tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["info"].update(pattern_aspect="在“{方面}”方面", pattern_problem="关于“{问题}”问题的整改",
                         pattern_item="反馈问题：{具体问题}", progress_label="整改情况：", show_status="是",
                         status_words="已完成=已整改到位")
    (result,) = api.build_many([make_ledger(change)], TEMPLATES, tmp_path / "out")
    assert result.status == "written"
    notice = "\n".join(texts(result.folder / "01_通报.docx"))
    assert "（一）在“关于甲方面”方面" in notice and "1.关于“甲问题”问题的整改" in notice
    assert "一是反馈问题：具体问题一。" in notice and "整改情况：已经整改。" in notice
    assert "整改状态：已整改到位。" in notice
    for name in ("02_问题清单.docx", "03_任务清单.docx", "04_责任清单.docx"):
        cells = _cells(result.folder / name)
        assert "在“" not in cells and "的整改" not in cells and "反馈问题：" not in cells, name
        assert "整改情况：" not in cells and "已整改到位" not in cells, name
    plain = _cells(result.folder / "02_问题清单.docx")
    assert "关于甲方面" in plain and "甲问题" in plain and "具体问题一" in plain and "已完成" in plain


def test_new_run_in_markers_print_in_their_styles(make_ledger) -> None:
    """一是 and 无 are bold run-ins (as the seed's 一是), 1. bold, （一） 楷体, （1） plain."""
    for marker, label, style in [("一是", "一是", "bold"), ("无", "", "bold"), ("1.", "1.", "bold"),
                                 ("（一）", "（一）", "kai"), ("（1）", "（1）", "plain")]:
        result = api.check_file(make_ledger(lambda d: d["info"].update(runin_basic=marker)))
        (lead,) = [b for b in build_outline(result.ledger) if b.section == "basic" and b.lead]
        assert (lead.lead_label, lead.lead, lead.lead_style) == (label, "加强领导。", style), marker


def test_an_old_ledger_reads_every_new_row_as_empty(make_ledger) -> None:
    info = api.check_file(make_ledger()).ledger.inspection
    assert (info.runin_basic, info.runin_plans, info.status_position, info.status_label, info.status_words) == \
        ("", "", "", "", "")
    assert (info.pattern_aspect, info.pattern_problem, info.pattern_item, info.progress_label) == ("", "", "", "")
    assert (info.rate_digits, info.period_years, info.status_stop) == (None, None, None)


@pytest.mark.parametrize("part,whole,digits,shown", [
    (2, 3, None, "67%"), (2, 3, 0, "67%"), (2, 3, 2, "66.67%"), (1, 8, 2, "12.50%"), (1, 8, 1, "12.5%"),
    (1, 200, 0, "1%"), (1, 2000, 1, "0.1%"), (7671, 7771, 2, "98.71%"), (3, 3, 2, "100.00%"), (0, 0, 2, "0.00%"),
    (0, 0, None, "0%"), (1, 3, 4, "33.3333%"),
])
def test_rates_round_half_up_to_the_chosen_decimals(part: int, whole: int, digits: int | None, shown: str) -> None:
    assert _percent(part, whole, digits) == shown


def test_both_years_of_the_period_on_request(make_ledger) -> None:
    from pipeline.ledger.placeholders import values

    def ledger(**info: Any) -> Any:
        return api.check_file(make_ledger(lambda d: d["info"].update(info))).ledger

    assert values(ledger())["巡察时间"] == "2024年3月25日至6月7日"
    assert values(ledger(period_years="是"))["巡察时间"] == "2024年3月25日至2024年6月7日"
    assert values(ledger(period_years="否"))["巡察时间"] == "2024年3月25日至6月7日"
    vague = ledger(period_years="是", start="2022年8月下旬", end="2022年9月底", feedback="2022年11月",
                   issued=date(2023, 3, 1))
    assert values(vague)["巡察时间"] == "2022年8月下旬至2022年9月底"


def test_wording_helpers() -> None:
    assert wording.with_colon("整改情况") == "整改情况：" and wording.with_colon("整改情况：") == "整改情况："
    assert wording.with_colon("【整改状态】") == "【整改状态】"
    assert wording.status_label("") == "整改状态：" and wording.status_label("无") == ""
    words, problems = wording.parse_status_words("已完成＝已整改到位；\n阶段性成效: 基本完成")
    assert words == {"已完成": "已整改到位", "取得阶段性成效": "基本完成"} and problems == []
    assert wording.apply_pattern("在“{方面}”方面", "政治建设") == "在“政治建设”方面"
    assert wording.apply_pattern("在“｛ 方面 ｝”方面", "政治建设") == "在“政治建设”方面"
    assert wording.check_pattern("pattern_aspect", "在“｛方面｝”方面") is None


def test_the_guide_lists_every_wording_row_with_an_example(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from pipeline.ledger import schema
    from pipeline.ledger.blank import write_blank_ledger

    keys = [c.key for c in schema.INFO.columns]
    block = keys[keys.index("runin_basic"):keys.index("period_years") + 1]
    assert [k for k, _ in wording.GUIDE] == block
    path = write_blank_ledger(tmp_path / "台账.xlsx")
    rows = [[c.value for c in row] for row in load_workbook(path)[schema.GUIDE_SHEET].iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[0] == "【通报的措辞】")
    listed = {r[0]: r for r in rows[start + 2:start + 2 + len(block)]}
    for key in block:
        col = schema.INFO.column(key)
        assert col.example and listed[col.header][2] == col.example and listed[col.header][3], key
