"""The example ledgers of other structures (examples/): each builds cleanly and prints the expected notice.

The expected paragraphs are under tests/expected/examples/ (regenerate with RECTIFY_REGEN=1 and read the
diff). The ledgers are written by scripts/make_example.py from scripts/example_ledgers.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT, TEMPLATES
from helpers import texts

from pipeline import api

EXAMPLES = ROOT / "examples"
EXPECTED = ROOT / "tests" / "expected" / "examples"
REGEN = os.environ.get("RECTIFY_REGEN") == "1"
# The only warnings an example may have: the totals-only notice says it prints totals only; the 巡视
# example has one internal problem, which is said once.
# 巡视整改通报 writes its statuses in the usual words (基本完成, 推进中): each is noted once, where it is read.
ALLOWED_WARNINGS = {"只公布总数.xlsx": {"totals-only"}, "巡视整改通报.xlsx": {"internal-problems", "status-alias"}}


def example_names() -> list[str]:
    import example_ledgers
    return list(example_ledgers.EXAMPLES)


def test_every_example_ledger_is_shipped():
    assert sorted(p.name for p in EXAMPLES.glob("*.xlsx")) == sorted(example_names())


@pytest.mark.parametrize("name", example_names())
def test_example_checks_clean(name: str):
    result = api.check_file(EXAMPLES / name)
    assert result.ok, result.errors
    assert {f.code for f in result.findings} == ALLOWED_WARNINGS.get(name, set())


@pytest.mark.parametrize("name", example_names())
def test_example_builds_its_notice(name: str, tmp_path: Path):
    (result,) = api.build_many([EXAMPLES / name], TEMPLATES, tmp_path)
    assert result.status == "written", result.message
    got = "\n".join(t.replace("\n", "⏎") for t in texts(result.folder / "01_通报.docx")) + "\n"
    expected = EXPECTED / (Path(name).stem + ".txt")
    if REGEN:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(got, encoding="utf-8")
    assert got == expected.read_text(encoding="utf-8")


def test_example_ledgers_match_their_data():
    """examples/*.xlsx are what scripts/make_example.py writes from scripts/example_ledgers.py."""
    import example_ledgers
    for name, data in example_ledgers.EXAMPLES.items():
        ledger = api.check_file(EXAMPLES / name).ledger
        assert [(p.id, p.heading, "\n".join(p.progress)) for p in ledger.problems] == [
            (p["id"], p["heading"], p["progress"]) for p in data["problems"]], name
        assert [(n.section, n.heading, n.text) for n in ledger.narrative] == [
            (n["section"], n.get("heading", ""), n.get("text", "")) for n in data["narrative"]], name
