"""`rectify diff`: what changed between two ledgers (or two build folders), matched by 编号."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from conftest import TEMPLATES
from pipeline import api
from test_cli import run


def _changed(d: dict[str, Any]) -> None:
    """One change of every kind against BASE."""
    d["problems"][1]["status"] = "已完成"  # problem 2: status changed
    d["problems"].append({"id": "4", "aspect": "关于乙方面", "heading": "乙问题", "item": "新问题",
                          "progress": "正在整改。", "status": "正在推进", "public": "是"})  # problem added
    d["measures"][0]["leader"] = "分管副主席"  # measure 1: responsibility changed
    d["measures"][1]["deadline"] = date(2025, 9, 30)  # measure 2: deadline moved
    d["measures"][1]["status"] = "已完成"  # … and completed
    d["measures"].pop(2)  # measure 3 removed (problem 3 then has none: give it a new one)
    d["measures"].append({"id": "5", "problem_id": "3", "action": "新措施", "target": "目标", "leader": "党组书记",
                          "department": "办公室", "deadline": "长期坚持", "status": "长期坚持"})
    d["measures"].append({"id": "6", "problem_id": "4", "action": "措施六", "target": "目标", "leader": "党组书记",
                          "department": "办公室", "deadline": date(2025, 3, 31), "status": "正在推进"})


EXPECTED = {
    "problems": {
        "added": [{"id": "4", "text": "新问题"}],
        "removed": [],
        "changed": [{"id": "2", "field": "整改状态", "old": "取得阶段性成效", "new": "已完成"}],
    },
    "measures": {
        "added": [{"id": "5", "text": "新措施"}, {"id": "6", "text": "措施六"}],
        "removed": [{"id": "3", "text": "措施三"}],
        "changed": [
            {"id": "1", "field": "责任领导", "old": "党组书记、主席", "new": "分管副主席"},
            {"id": "2", "field": "完成时限", "old": "2025年6月30日", "new": "2025年9月30日"},
            {"id": "2", "field": "状态", "old": "正在推进", "new": "已完成"},
        ],
    },
}


def test_diff_json_names_every_kind_of_change(make_ledger, capsys):
    old, new = make_ledger(), make_ledger(_changed)
    code, out, err = run(["diff", str(old), str(new), "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert {k: data[k] for k in ("problems", "measures")} == EXPECTED
    assert data["summary"] == "问题：新增1个、完成1个、变化1个；措施：新增2项、删除1项、完成1项、变化2项"


def test_diff_text_lines(make_ledger, capsys):
    code, out, _ = run(["diff", str(make_ledger()), str(make_ledger(_changed))], capsys)
    assert code == 0
    assert "  变化  措施 2 〔完成时限〕2025年6月30日 → 2025年9月30日" in out.splitlines()
    assert "  删除  措施 3：措施三" in out.splitlines()


def test_same_ledger_has_no_changes(make_ledger, capsys):
    path = make_ledger()
    code, out, _ = run(["diff", str(path), str(path)], capsys)
    assert code == 0 and "问题和措施没有变化" in out


def test_diff_of_two_build_folders_reads_their_archived_inputs(make_ledger, tmp_path):
    out = tmp_path / "out"
    (a,) = api.build_many([make_ledger(name="台账.xlsx")], TEMPLATES, out)
    (b,) = api.build_many([make_ledger(_changed, name="台账2.xlsx")], TEMPLATES, out)
    assert api.diff_ledgers(a.folder, b.folder).as_dict() == EXPECTED


def test_diff_refuses_a_ledger_with_errors_and_a_folder_that_is_not_a_build(make_ledger, tmp_path, capsys):
    bad = make_ledger(lambda d: d["info"].update(issuer=None))
    code, _, err = run(["diff", str(bad), str(make_ledger())], capsys)
    assert code == 1 and "有 1 个错误，无法比较" in err and "Traceback" not in err
    code, _, err = run(["diff", str(tmp_path), str(make_ledger())], capsys)
    assert code == 1 and "不是 rectify 生成的文件夹" in err
