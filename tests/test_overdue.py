"""Measures to press on (督办): overdue and due soon, as of a fixed day, grouped by 责任部室（单位）."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from helpers import run

from pipeline import api


def _measures(d: dict[str, Any]) -> None:
    """Measures overdue, due soon, done, standing and far off, in two departments."""
    m = d["measures"]
    m[0].update(deadline=date(2024, 11, 30), status="正在推进", department="组织部")  # overdue 20 days
    m[1].update(deadline=date(2025, 1, 10), status="正在推进", department="办公室")  # due in 21 days
    m[2].update(deadline="长期坚持", status="长期坚持", department="办公室")  # standing: never listed
    base = dict(m[0], problem_id="3")
    m.append(dict(base, id="4", deadline=date(2024, 10, 31), status="取得阶段性成效", department="办公室"))  # 50 days
    m.append(dict(base, id="5", deadline=date(2024, 10, 31), status="已完成", department="办公室"))  # done
    m.append(dict(base, id="6", deadline=date(2025, 3, 31), status="正在推进", department="组织部"))  # far off
    m.append(dict(base, id="7", deadline=date(2024, 12, 20), status="正在推进", department="组织部"))  # today


def test_due_measures_row_by_row(make_ledger):
    ledger = api.check_file(make_ledger(_measures)).ledger
    items = api.due_measures(ledger, date(2024, 12, 20))
    assert [(d.measure.department, d.measure.id, d.days, d.state) for d in items] == [
        ("组织部", "1", 20, "逾期20天"),
        ("组织部", "7", 0, "今天到期"),
        ("办公室", "4", 50, "逾期50天"),
        ("办公室", "2", -21, "还有21天到期"),
    ]
    # a later day: measure 2 is overdue too, measure 6 comes into the window
    later = api.due_measures(ledger, date(2025, 3, 5))
    assert [(d.measure.id, d.overdue) for d in later] == [("1", True), ("7", True), ("6", False), ("4", True),
                                                           ("2", True)]


def test_check_prints_the_counts_and_lists_them(make_ledger, capsys):
    code, out, _ = run(["check", str(make_ledger(_measures)), "--as-of", "2024年12月20日"], capsys)
    assert code == 0
    assert "督办（截至2024年12月20日）：逾期未完成 2 项，30 天内到期 2 项。" in out
    assert any(line.strip().startswith("逾期50天") and "措施 4" in line for line in out.splitlines())


def test_check_json_lists_due_measures(make_ledger, capsys):
    code, out, _ = run(["check", str(make_ledger(_measures)), "--as-of", "2024-12-20", "--json"], capsys)
    (report,) = json.loads(out)
    assert report["due"]["as_of"] == "2024-12-20"
    assert [(m["id"], m["days_overdue"]) for m in report["due"]["measures"]] == [("1", 20), ("7", 0), ("4", 50),
                                                                                  ("2", -21)]


def test_bad_as_of_date_is_a_chinese_usage_error(make_ledger, capsys):
    code, _, err = run(["check", str(make_ledger()), "--as-of", "下周"], capsys)
    assert code != 0 and "“下周”不是日期" in err and "Traceback" not in err


def _table_rows(path) -> list[list[str]]:
    from docx import Document
    rows = []
    for table in Document(str(path)).tables:
        for row in table.rows[1:]:  # after each page's header row
            rows.append([c.text for c in row.cells])
    return rows


def test_built_overdue_list_row_by_row(make_ledger, tmp_path):
    from conftest import TEMPLATES
    from helpers import texts

    (result,) = api.build_many([make_ledger(_measures)], TEMPLATES, tmp_path)
    doc = result.folder / "05_督办清单.docx"
    assert "截至2024年12月20日，逾期未完成的整改措施2项，30天内到期的2项，按责任部室（单位）列出如下。" in texts(doc)
    # 序号, 责任部室（单位） (merged: the cell repeats in python-docx), 责任领导, 任务号, 整改措施, 具体问题, 完成时限,
    # 督办情况
    assert [[r[0], r[1], r[3], r[6], r[7]] for r in _table_rows(doc)] == [
        ["1", "组织部", "1", "2024年11月30日", "逾期20天"],
        ["2", "组织部", "7", "2024年12月20日", "今天到期"],
        ["3", "办公室", "4", "2024年10月31日", "逾期50天"],
        ["4", "办公室", "2", "2025年1月10日", "还有21天到期"],
    ]


def test_built_overdue_list_says_when_there_is_nothing_to_press_on(make_ledger, tmp_path):
    from conftest import TEMPLATES
    from docx import Document
    from helpers import texts

    (result,) = api.build_many([make_ledger()], TEMPLATES, tmp_path)
    doc = result.folder / "05_督办清单.docx"
    assert "截至2024年12月20日，没有逾期未完成或30天内到期的整改措施。" in texts(doc)
    assert Document(str(doc)).tables == []


def test_due_soon_takes_in_the_thirtieth_day_and_not_the_thirty_first(make_ledger, capsys):
    """As of 2024-12-20: due 2025-01-19 (30 days on) is due soon; due 2025-01-20 (31 days on) is not listed."""
    from pipeline.notice import overdue

    def change(d: dict[str, Any]) -> None:
        m = d["measures"]
        m[1].update(deadline=date(2025, 1, 19), status="正在推进")
        m.append(dict(m[1], id="4", deadline=date(2025, 1, 20)))
    path = make_ledger(change)
    items = api.due_measures(api.check_file(path).ledger, date(2024, 12, 20))
    assert [(d.measure.id, d.days, d.state, d.overdue) for d in items] == [("2", -30, "还有30天到期", False)]
    assert overdue.counts(items) == (0, 1)
    code, out, _ = run(["check", str(path), "--as-of", "2024-12-20"], capsys)
    assert code == 0 and "督办（截至2024年12月20日）：逾期未完成 0 项，30 天内到期 1 项。" in out
    assert "措施 2" in out and "措施 4" not in out
