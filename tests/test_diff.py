"""`rectify diff`: what changed between two ledgers (or two build folders), matched by 编号."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from conftest import TEMPLATES
from helpers import run

from pipeline import api


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
    assert data["summary"] == "问题：新增1个、1个有变化，其中1个已完成；措施：新增2项、删除1项、2项有变化，其中1项已完成"


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


def _index(out) -> list[dict[str, str]]:
    import csv
    with open(out / "生成记录.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_later_build_records_what_changed_in_its_manifest_and_the_index(make_ledger, tmp_path, capsys):
    out = tmp_path / "out"
    # the file is rewritten below, as a clerk updates the same ledger month after month
    code, text, _ = run(["build", "-o", str(out), str(make_ledger(name="台账.xlsx"))], capsys)
    assert code == 0 and "与上次生成" not in text
    (a_folder,) = [p for p in out.iterdir() if p.is_dir()]
    assert "与上次相比" not in json.loads((a_folder / "manifest.json").read_text("utf-8"))
    # the next month's ledger: same file name, changed content, a later 成文日期 (another folder name)
    second = make_ledger(lambda d: (_changed(d), d["info"].update(issued=date(2025, 1, 20))), name="台账.xlsx")
    code, text, _ = run(["build", "-o", str(out), str(second)], capsys)
    assert code == 0
    (b_folder,) = [p for p in out.iterdir() if p.is_dir() and p != a_folder]
    assert f"已生成 {b_folder.resolve()}" in text  # the full path, to find it in Explorer
    summary = "问题：新增1个、1个有变化，其中1个已完成；措施：新增2项、删除1项、2项有变化，其中1项已完成"
    assert f"与上次生成（{a_folder.name}）相比：{summary}。" in text
    changes = json.loads((b_folder / "manifest.json").read_text("utf-8"))["与上次相比"]
    assert changes["文件夹"] == a_folder.name and changes["摘要"] == summary
    assert {k: changes[k] for k in ("problems", "measures")} == EXPECTED
    rows = _index(out)
    assert [(r["文件夹"], r["台账"], r["成文日期"], r["结果"], r["与上次相比"]) for r in rows] == [
        (a_folder.name, "台账.xlsx", "2024-12-20", "新建", "（首次生成）"),
        (b_folder.name, "台账.xlsx", "2025-01-20", "新建", summary),
    ]
    assert all(r["生成时间"] for r in rows)
    # the same ledger again: unchanged, nothing written, the index untouched
    index_bytes = (out / "生成记录.csv").read_bytes()
    code, text, _ = run(["build", "-o", str(out), str(second)], capsys)
    assert code == 0 and "已存在且内容相同" in text
    assert (out / "生成记录.csv").read_bytes() == index_bytes


def test_force_replaces_the_newest_build_says_so_and_warns_about_pdfs(make_ledger, tmp_path, capsys):
    out = tmp_path / "out"
    import shutil
    from pathlib import Path
    versions: list[Path] = []
    for i in range(3):  # the same file name, month after month (each version kept in a folder of its own)
        made = make_ledger(lambda d, i=i: d["problems"][0].update(progress=f"第{i}版。"), name="台账.xlsx")
        (tmp_path / f"v{i}").mkdir()
        versions.append(Path(shutil.copy2(made, tmp_path / f"v{i}" / "台账.xlsx")))
    for path in versions[:2]:
        run(["build", "-o", str(out), str(path)], capsys)
    folders = sorted(p for p in out.iterdir() if p.is_dir())
    assert [p.name for p in folders] == [folders[0].name, folders[0].name + "-2"]
    (folders[1] / "01_通报.pdf").write_bytes(b"%PDF-1.4 stand-in")  # as if built with --pdf
    import hashlib
    import json
    manifest = json.loads((folders[1] / "manifest.json").read_text("utf-8"))
    manifest["PDF"] = [{"文件名": "01_通报.pdf", "sha256": hashlib.sha256(b"%PDF-1.4 stand-in").hexdigest()}]
    (folders[1] / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    code, text, _ = run(["build", "-o", str(out), "--force", str(versions[2])], capsys)
    assert code == 0
    assert f"已替换 {folders[1].resolve()}" in text  # the newest, not the first
    assert "原有 PDF（01_通报.pdf）" in text and "--pdf" in text  # not dropped silently
    assert (folders[0] / "台账.xlsx").read_bytes() == versions[0].read_bytes()
    assert (folders[1] / "台账.xlsx").read_bytes() == versions[2].read_bytes()
    assert [r["结果"] for r in _index(out)] == ["新建", "新建", "替换"]
