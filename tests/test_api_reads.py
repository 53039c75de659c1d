"""One build is a straight line: the ledger's bytes and each template's bytes are read once (cold or warm)."""

from __future__ import annotations

import collections
import os
import shutil
import sys
from pathlib import Path

from conftest import EXAMPLE, TEMPLATES

from pipeline import api

_COUNTS: collections.Counter[str] = collections.Counter()
_WATCHED: set[str] = set()


def _hook(event: str, args: tuple) -> None:
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.path.abspath(os.fsdecode(args[0]))
        if path in _WATCHED:
            _COUNTS[os.path.basename(path)] += 1


sys.addaudithook(_hook)  # audit hooks cannot be removed; it only counts paths a test puts in _WATCHED


def test_a_build_reads_the_ledger_and_each_template_once(tmp_path, monkeypatch):
    ledger = tmp_path / "台账.xlsx"
    shutil.copy(EXAMPLE, ledger)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    watched = [ledger, *templates.iterdir()]
    monkeypatch.setenv("RECTIFY_CACHE_DIR", str(tmp_path / "cache"))  # cold: the templates are trial-rendered
    for run in ("cold", "warm"):
        _WATCHED.clear()
        _WATCHED.update(os.path.abspath(p) for p in watched)
        _COUNTS.clear()
        (result,) = api.build_many([ledger], templates, tmp_path / f"out-{run}")
        _WATCHED.clear()
        assert not result.failed, result.message
        assert _COUNTS == {Path(p).name: 1 for p in watched}, (run, dict(_COUNTS))
