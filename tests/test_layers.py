"""The package's layers, held by import-linter's contracts in pyproject.toml (the same check CI runs)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    if not LINT_IMPORTS.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, env={"PATH": "", "PYTHONPATH": str(tree)})


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(ROOT / "pyproject.toml", tree)
    shutil.copytree(ROOT / "pipeline", tree / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    return tree


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")


def test_the_package_keeps_its_contracts(tmp_path):
    proc = _lint(_copy(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    # the reader borrowing from the archive (a lower stage importing a higher one)
    ("ledger/reader.py", "from pipeline.archive import naming", "Stages import only downwards"),
    # a text helper importing the orchestrator, inside a function (counted all the same)
    ("text/dates.py", "def _late():\n    from pipeline import api", "Stages import only downwards"),
    # the CLI going round api to the ledger
    ("cli.py", "from pipeline.ledger import schema as _schema", "The shells reach the library only through api"),
    # the page going round api to the ledger, or reaching up into the command line that starts it
    ("web/server.py", "from pipeline.ledger import schema as _schema", "The shells reach the library only through api"),
    ("web/jobs.py", "from pipeline import cli as _cli", "Stages import only downwards"),
    # two modules of one stage importing each other
    ("notice/titles.py", "from pipeline.notice import diff as _diff", "No import cycles"),
])
def test_an_import_against_the_layers_fails_the_check(tmp_path, module, line, contract):
    tree = _copy(tmp_path)
    if contract == "No import cycles":
        _append(tree / "pipeline/notice/diff.py", "from pipeline.notice import titles as _titles")
    _append(tree / "pipeline" / module, line)
    proc = _lint(tree)
    assert proc.returncode != 0
    assert contract in proc.stdout and "BROKEN" in proc.stdout


def test_readme_table_of_template_variables_is_current():
    """README's variable table is generated from the contract (python -m pipeline.documents.variables)."""
    from pipeline.documents.variables import markdown

    assert markdown() in (ROOT / "README.md").read_text(encoding="utf-8"), (
        "README's table of template variables is stale: run python -m pipeline.documents.variables")


def test_every_registered_document_declares_the_variables_its_context_gives():
    from pipeline.documents.lint import sample_ledger
    from pipeline.documents.registry import DOCUMENTS

    ledger = sample_ledger()
    for spec in DOCUMENTS:
        assert set(spec.context(ledger)) == set(spec.variables), spec.template
