"""Messages for faults outside the ledger's cells: unreadable paths, library warnings, capped output."""

from __future__ import annotations

import warnings
from pathlib import Path

from helpers import run

from pipeline.cli import MAX_PER_CODE, _print_findings
from pipeline.findings import ERROR, Finding
from pipeline.ledger import sniff


def test_a_folder_that_cannot_be_entered_is_bad_input_not_a_crash(tmp_path, monkeypatch, capsys, make_ledger):
    ledger = make_ledger()
    real_is_dir = Path.is_dir

    def is_dir(self: Path) -> bool:
        if self == ledger:
            raise PermissionError(13, "Permission denied")
        return real_is_dir(self)
    monkeypatch.setattr(Path, "is_dir", is_dir)
    code, out, err = run(["check", str(ledger)], capsys)
    assert code == 1 and "没有权限" in out + err and "程序内部错误" not in out + err


def test_openpyxl_warnings_never_reach_the_terminal(tmp_path, capsys, make_ledger):
    path = make_ledger()
    real = sniff.load_workbook

    def load(*a: object, **k: object) -> object:
        warnings.warn("Data Validation extension is not supported and will be removed", UserWarning)
        return real(*a, **k)
    sniff.load_workbook = load  # type: ignore[assignment]
    try:
        code, out, err = run(["check", str(path)], capsys)
    finally:
        sniff.load_workbook = real  # type: ignore[assignment]
    assert code == 0 and "Warning" not in out + err and "extension" not in out + err


def test_findings_are_capped_per_code_with_a_count(capsys):
    findings = [Finding(ERROR, "bad-choice", "问题", f"F{r}", "坏") for r in range(2, 1002)]
    findings += [Finding(ERROR, "bad-date", "问题", f"G{r}", "坏") for r in range(2, 5)]
    _print_findings(findings)
    out = capsys.readouterr().out
    assert out.count("问题!F") == MAX_PER_CODE + 2  # the listed ones, and both ends of the range in the count line
    assert "另有 980 个未列出（问题!F22 至 问题!F1001）" in out
    assert out.count("问题!G") == 3


def test_check_json_still_lists_every_finding(capsys, make_ledger):
    import json

    def bad(data: dict) -> None:
        for p in data["problems"]:
            p["status"] = "做完了"
    path = make_ledger(bad)
    code, out, _ = run(["check", "--json", str(path)], capsys)
    assert code == 1
    assert sum(f["code"] == "bad-choice" for f in json.loads(out)[0]["findings"]) == 3
