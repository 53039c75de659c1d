"""The hostile-input corpus (tests/hostile/cases.py), each case in a capped child process.

Every case asserts: the exit code; a Chinese message naming the place; no traceback and no "internal
error"; no English library warning; the inputs unchanged; nothing partial in the output folder (and,
when the case fails, nothing at all); no payload ran (no marker file, no `uid=`); and, when a build
succeeds, documents that pass Microsoft's Open XML validator.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import find_validator, require_tools
from hostile.cases import CASES, MARKER
from hostile.runner import run_capped

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork and RLIMIT_AS are POSIX")
STATS: dict[str, tuple[float, float]] = {}
_VALID: set[str] = set()  # SHA-256 of documents already validated in this session


def _snapshot(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _validate(doc: Path) -> None:
    digest = hashlib.sha256(doc.read_bytes()).hexdigest()
    if digest in _VALID:
        return
    validator = find_validator()
    if validator is None:
        if require_tools():
            pytest.fail("ooxml-validator is not installed (.ci/run installs it)")
        return
    env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1")
    proc = subprocess.run([validator, str(doc)], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, f"{doc.name}: {proc.stdout[:2000]}"
    _VALID.add(digest)


def _resident_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_case(case, tmp_path, monkeypatch):
    if case.build_seconds is not None:  # the forked child inherits it
        from pipeline.documents import sandbox
        monkeypatch.setattr(sandbox, "MAX_BUILD_SECONDS", case.build_seconds)
    args = case.setup(tmp_path)
    inputs = {name: _snapshot(tmp_path / name) for name in ("in", "tpl")}
    base_mb = _resident_mb()  # the forked child starts with this process's pages
    run = run_capped(args, tmp_path, file_size=case.file_size, stdout=case.stdout,
                     environ=case.environ(tmp_path) if case.environ else None)
    STATS[case.id] = (run.seconds, run.peak_mb)
    text = run.text
    assert not run.timed_out, f"over the time limit: {text[-2000:]}"
    if case.max_added_mb is not None:
        added = run.peak_mb - base_mb
        assert added <= case.max_added_mb, f"peak memory {run.peak_mb:.0f} MB, {added:.0f} MB above the test process"
    assert run.code == case.code, text[-3000:]
    assert re.search(case.says, text, re.DOTALL), text[-3000:]
    assert "Traceback" not in text and "程序内部错误" not in text, text[-3000:]
    assert not re.search(r"\w+Warning\b|site-packages", text), text[-3000:]
    assert "uid=" not in text and not list(tmp_path.rglob(MARKER)), "a template payload ran"
    for name, before in inputs.items():
        assert _snapshot(tmp_path / name) == before, f"{name}/ changed"
    out = tmp_path / "out"
    entries = sorted(out.iterdir()) if out.is_dir() else []
    assert not [p for p in entries if p.name.startswith(".rectify-")], entries
    if case.builds:
        folders = [p for p in entries if p.is_dir()]
        assert folders, text
        for folder in folders:
            docs = sorted(folder.glob("*.docx"))
            manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
            # Every document the manifest lists is there (the registry may grow beyond the four).
            assert {entry["文件名"] for entry in manifest["输出"]} == {p.name for p in docs} and len(docs) >= 4
            for doc in docs:
                _validate(doc)
    elif run.code != 0:
        assert entries == [], entries
    if case.verify:
        case.verify(tmp_path, run)


def test_corpus_is_large_enough():
    assert len(CASES) >= 60, len(CASES)
    assert len({c.id for c in CASES}) == len(CASES)


def teardown_module(module: object) -> None:
    """Print the slowest case and the largest peak memory (for the issue's closing note)."""
    if STATS:
        slowest = max(STATS.items(), key=lambda kv: kv[1][0])
        largest = max(STATS.items(), key=lambda kv: kv[1][1])
        report = (f"\nhostile corpus: {len(STATS)} cases; slowest {slowest[0]} {slowest[1][0]:.2f} s; "
                  f"largest peak memory {largest[0]} {largest[1][1]:.0f} MB")
        sys.stderr.write(report + "\n")
        stats_file = os.environ.get("RECTIFY_CORPUS_STATS")
        if stats_file:
            Path(stats_file).write_text(json.dumps(STATS, ensure_ascii=False, indent=1), "utf-8")
