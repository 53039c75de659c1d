"""Measures to press on (督办): overdue and due soon, as of a fixed day, grouped by 责任部室（单位）."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from pipeline import api
from test_cli import run


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
