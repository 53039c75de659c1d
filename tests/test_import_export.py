"""rectify import / export: a corpus of one-sheet 整改台账 in different layouts, imported, checked clean,
built, exported back with a changed status in the right row, and round-tripped cell by cell."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import import_corpus as ic
import pytest
from helpers import run
from import_corpus import fill_as_clerk, set_status
from ods_maker import cell, write_ods
from openpyxl import load_workbook

from pipeline import api
from pipeline.errors import UsageError, WorkbookError
from pipeline.ledger import schema
from pipeline.ledger.sources import read_source
from pipeline.ledger.synonyms import FIELDS, match_field, strip_number
from pipeline.text.dates import parse_written_deadline


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def grid(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    """Every non-empty cell value of every sheet (through the import's own reader for every format)."""
    return {s.name: s.cells for s in read_source(path).sheets}


@pytest.fixture(params=ic.MAKERS, ids=lambda m: m.__name__)
def case(request: pytest.FixtureRequest, tmp_path: Path) -> ic.Case:
    return request.param(tmp_path)


def test_corpus_import_check_build_export(case: ic.Case, tmp_path: Path) -> None:
    before = sha(case.path)
    result = api.import_ledger(case.path)
    assert (len(result.problems), len(result.measures)) == (case.problems, case.measures)
    ledger = result.output
    fill_as_clerk(ledger)
    check = api.check_file(ledger)
    assert check.errors == (), [f.location + f.message for f in check.errors]
    built = api.build_many([ledger], None, tmp_path / "out")
    assert [r.status for r in built] == ["written"], built[0].message

    # No edits: every cell value of the original comes back.
    same = api.export_ledger(ledger, tmp_path / "same.xlsx")
    assert same.changed == [] and same.added == []
    assert grid(tmp_path / "same.xlsx") == grid(case.path)

    # One status changed: it appears in the measure's own row, in the office's words; nothing else moves.
    set_status(ledger, case.measure_text, schema.STATUS_DONE)
    out = api.export_ledger(ledger, tmp_path / "back.xlsx")
    ws = load_workbook(tmp_path / "back.xlsx")[result.sheet]
    row = next(r for r in range(1, ws.max_row + 1) for c in range(1, ws.max_column + 1)
               if isinstance(ws.cell(row=r, column=c).value, str) and case.measure_text in ws.cell(row=r, column=c).value)
    assert ws.cell(row=row, column=case.status_col).value == case.done_word
    old, new = grid(case.path)[result.sheet], grid(tmp_path / "back.xlsx")[result.sheet]
    assert {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)} <= {(row, case.status_col)}
    assert len(out.changed) == 1
    assert sha(case.path) == before  # the source is never written


def test_merged_problem_grows_over_an_added_measure(tmp_path: Path) -> None:
    case = ic.stacked(tmp_path)
    result = api.import_ledger(case.path)
    fill_as_clerk(result.output)
    wb = load_workbook(result.output)
    ws = wb[schema.MEASURES.name]
    ws.append(["5", "1", "组织集中研讨", None, "党组书记", "办公室", None, "2025年3月底前", "", "正在推进"])
    wb.save(result.output)
    assert api.check_file(result.output).errors == ()
    out = api.export_ledger(result.output, tmp_path / "back.xlsx")
    assert len(out.added) == 1
    back = load_workbook(tmp_path / "back.xlsx")["整改台账"]
    assert back["C8"].value == "组织集中研讨" and back["I8"].value == "否"
    assert "B6:B8" in {str(m) for m in back.merged_cells.ranges}  # the 问题 cell covers the new row
    assert back["C9"].value == "落实意识形态工作责任制"  # later rows moved down, section row merge too
    assert "A10:K10" not in {str(m) for m in back.merged_cells.ranges}
    assert "A10:J10" in {str(m) for m in back.merged_cells.ranges}


def test_import_report_and_guide(tmp_path: Path) -> None:
    case = ic.stacked(tmp_path)
    result = api.import_ledger(case.path)
    lines = result.report()
    assert "列：D列“责任主体/责任领导”→ 措施!责任领导" in lines
    assert any("第11行" in ln and "表尾" in ln for ln in lines)
    assert any("F列“责任主体/责任人”" in ln and "不导入" in ln for ln in lines)
    wb = load_workbook(result.output)
    guide = [c.value for row in wb[schema.GUIDE_SHEET].iter_rows() for c in row if c.value]
    assert "【导入说明】" in guide and lines[1] in guide
    assert wb["导入记录"].sheet_state == "hidden"
    m = wb[schema.MEASURES.name]
    # 序号 removed from texts, the deadline kept as written, the status from 是否销号.
    assert [m.cell(row=r, column=3).value for r in (2, 3)] == ["制定年度学习计划", "开展专题读书班"]
    assert [m.cell(row=r, column=8).value for r in (2, 3, 4)] == ["2024年12月底前", "立行立改", "长期坚持"]
    assert [m.cell(row=r, column=10).value for r in (2, 3)] == ["已完成", "正在推进"]
    p = wb[schema.PROBLEMS.name]
    assert p["B2"].value == "关于贯彻落实党的路线方针政策方面" and p["C2"].value == "理论学习不深入"
    info = {wb[schema.INFO.name].cell(row=r, column=1).value: wb[schema.INFO.name].cell(row=r, column=2).value
            for r in range(2, 12)}
    assert info["巡察组"] == "县委第二巡察组" and info["部署机关"] == "县委"
    assert info["发文机关"] == "中共甲县教育局党组"


def test_summary_keeps_units_apart(tmp_path: Path) -> None:
    result = api.import_ledger(ic.summary(tmp_path).path)
    same = [p for p in result.problems if p.heading == "学习制度执行不严"]
    assert [p.unit for p in same] == ["一中", "二中"]


def test_neither_layout_says_what_was_looked_for(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError) as err:
        api.import_ledger(ic.neither(tmp_path))
    assert "找不到整改台账的表头" in err.value.message and "整改措施" in err.value.message
    assert not (tmp_path / "工资表-台账.xlsx").exists()


def test_ods_declaring_a_million_cells_is_refused(tmp_path: Path) -> None:
    rows = [[cell("序号"), cell("问题"), cell("整改措施"), cell("x", repeat=2000)]]
    path = write_ods(tmp_path / "炸弹.ods", "台账", rows * 2, row_repeat={1: 1000})
    with pytest.raises(WorkbookError, match="超过 1200000 个单元格"):
        read_source(path)


def test_own_ledger_is_not_imported(tmp_path: Path) -> None:
    own = api.init_ledger(tmp_path / "台账.xlsx")
    with pytest.raises(WorkbookError, match="本工具自己的台账"):
        api.import_ledger(own)


def test_export_needs_the_same_source(tmp_path: Path) -> None:
    case = ic.repeated(tmp_path)
    result = api.import_ledger(case.path)
    fill_as_clerk(result.output)
    wb = load_workbook(case.path)
    wb.active["D2"] = "改过的"
    wb.save(case.path)
    with pytest.raises(UsageError, match="与导入时的原台账不同"):
        api.export_ledger(result.output, tmp_path / "x.xlsx")
    case.path.unlink()
    with pytest.raises(UsageError, match="找不到原台账"):
        api.export_ledger(result.output, tmp_path / "x.xlsx")


def test_export_refuses_a_ledger_not_imported(tmp_path: Path) -> None:
    own = api.init_ledger(tmp_path / "台账.xlsx")
    with pytest.raises(WorkbookError):
        api.export_ledger(own, tmp_path / "x.xlsx")


@pytest.mark.parametrize(("header", "key"), [
    ("整改时限", "deadline"), ("完成时限（年月日）", "deadline"), ("牵头领导", "leader"), ("责任股室", "department"),
    ("整改举措", "measure"), ("问题表现", "detail"), ("存在问题", "problem"), ("落实情况", "progress"),
    ("是否销号", "closed"), ("备注", "note"), ("工资", None),
])
def test_synonyms(header: str, key: str | None) -> None:
    assert match_field(header) == key


def test_synonym_table_has_no_name_twice() -> None:
    names = [n for _, ns in FIELDS.values() for n in ns]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("text", "rest"), [
    ("1.1 开展审计", "开展审计"), ("（一）理论学习", "理论学习"), ("一、关于甲方面", "关于甲方面"), ("2.制度", "制度"),
    ("2024年目标", "2024年目标"),
])
def test_strip_number(text: str, rest: str) -> None:
    assert strip_number(text)[0].strip() == rest


@pytest.mark.parametrize(("text", "day"), [
    ("2024年12月底前", date(2024, 12, 31)), ("2025年3月前", date(2025, 3, 31)), ("立行立改", None),
    ("持续推进", None), ("2024年12月31日前", date(2024, 12, 31)),
])
def test_written_deadlines(text: str, day: date | None) -> None:
    parsed = parse_written_deadline(text)
    assert parsed is not None and parsed.day == day and parsed.text == text


def test_written_deadline_rejects_other_text() -> None:
    assert parse_written_deadline("尽快") is None


def test_cli_import_and_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    case = ic.decimal(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["import", case.path.name, "-o", "新台账.xlsx"], capsys)
    assert code == 0
    assert "已导入" in out and "B列“问题表现”→ 问题!具体问题" in out
    code, _, err = run(["import", "没有.xlsx"], capsys)
    assert code == 1 and "找不到文件" in err
    code, _, err = run(["import", ic.neither(tmp_path).name], capsys)
    assert code == 1 and "找不到整改台账的表头" in err
    fill_as_clerk(tmp_path / "新台账.xlsx")
    code, out, _ = run(["export", "新台账.xlsx"], capsys)
    assert code == 0 and "写回 0 处改动" in out
    assert (tmp_path / "丙镇台账-回报.xlsx").is_file()
    code, _, err = run(["export", "新台账.xlsx"], capsys)
    assert code == 1 and "已存在" in err  # never overwrites
