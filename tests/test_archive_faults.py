"""Faults around the archive: a --force replacement killed between its renames, builds started twice."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TEMPLATES, entries
from helpers import build

from pipeline.archive import store
from pipeline.archive.store import OLD_PREFIX, TMP_PREFIX


def _progress(text: str):
    return lambda d: d["problems"][0].__setitem__("progress", text)


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to kill a build at an exact point")
def test_forced_replacement_killed_between_renames_is_restored_next_run(make_ledger, tmp_path):
    out = tmp_path / "out"
    first = build(make_ledger(name="a.xlsx"), out)
    before = _contents(first.folder)
    changed = make_ledger(_progress("新的进展。"), name="a.xlsx")
    pid = os.fork()
    if pid == 0:  # child: a --force build killed right after the old build was moved aside
        real_replace = os.replace

        def replace(src: object, dst: object) -> None:
            if Path(str(src)).name.startswith(TMP_PREFIX):
                os._exit(9)  # killed: no clean-up runs
            real_replace(src, dst)
        store.os.replace = replace  # type: ignore[assignment]
        try:
            build(changed, out, force=True)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9
    assert not first.folder.exists()  # the only copy is in the hidden folder now
    (old,) = [p for p in entries(out) if p.name.startswith(OLD_PREFIX)]
    # The next run (here: a build of another ledger) puts it back instead of deleting it.
    other = build(make_ledger(lambda d: d["info"].__setitem__("doc_number", "另〔2024〕2号"), name="b.xlsx"), out)
    assert not other.failed
    assert _contents(first.folder) == before
    assert not old.exists()
    assert any("已恢复" in note for note in other.notes)


def test_finished_replacement_leaves_no_old_copy_to_restore(make_ledger, tmp_path):
    out = tmp_path / "out"
    first = build(make_ledger(name="a.xlsx"), out)
    again = build(make_ledger(_progress("新的进展。"), name="a.xlsx"), out, force=True)
    assert again.status == "replaced" and again.folder == first.folder
    assert [p.name for p in entries(out)] == [first.folder.name]


def test_build_finishing_second_with_the_same_content_reports_unchanged(make_ledger, tmp_path, monkeypatch):
    out = tmp_path / "out"
    ledger = make_ledger(name="a.xlsx")
    real_move = store._move_into_place  # noqa: SLF001
    calls = []

    def other_build_first(tmp: Path, target: Path, output: Path, replace: bool) -> None:
        if not calls:  # the other rectify process renames its identical build into place just before us
            shutil.copytree(tmp, target)
        calls.append(target)
        real_move(tmp, target, output, replace)
    monkeypatch.setattr(store, "_move_into_place", other_build_first)
    r = build(ledger, out)
    assert r.status == "unchanged", r.message
    assert [p.name for p in entries(out)] == [r.folder.name]


def test_build_finishing_second_with_other_content_takes_the_next_name(make_ledger, tmp_path, monkeypatch):
    out = tmp_path / "out"
    ledger = make_ledger(name="a.xlsx")
    real_move = store._move_into_place  # noqa: SLF001
    calls = []

    def other_build_first(tmp: Path, target: Path, output: Path, replace: bool) -> None:
        if not calls:
            target.mkdir()
            (target / "manifest.json").write_text("{}", "utf-8")
        calls.append(target)
        real_move(tmp, target, output, replace)
    monkeypatch.setattr(store, "_move_into_place", other_build_first)
    r = build(ledger, out)
    assert r.status == "written", r.message
    assert r.folder.name.endswith("-2") and len(calls) == 2


def test_empty_folder_appearing_at_the_target_is_not_renamed_over(make_ledger, tmp_path, monkeypatch):
    """An empty folder takes the chosen name after it was found free: POSIX rename would silently replace it;
    the build takes the next name instead and leaves that folder alone."""
    out = tmp_path / "out"
    ledger = make_ledger(name="a.xlsx")
    real_move = store._move_into_place  # noqa: SLF001
    calls = []

    def empty_folder_first(tmp: Path, target: Path, output: Path, replace: bool) -> None:
        if not calls:
            target.mkdir()  # empty: someone else's folder, made just now
        calls.append(target)
        real_move(tmp, target, output, replace)
    monkeypatch.setattr(store, "_move_into_place", empty_folder_first)
    r = build(ledger, out)
    assert r.status == "written", r.message
    first = calls[0]
    assert calls == [first, r.folder] and r.folder.name == f"{first.name}-2"
    assert first.is_dir() and list(first.iterdir()) == []
    assert (r.folder / "manifest.json").is_file()


def test_two_builds_started_at_once_both_succeed(make_ledger, tmp_path):
    ledger = make_ledger(name="a.xlsx")
    cmd = [sys.executable, "-m", "pipeline", "build", "-t", str(TEMPLATES), "-o", str(tmp_path / "out"), str(ledger)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err.decode("utf-8", "replace")
    folders = [p for p in entries(tmp_path / "out")]
    assert len(folders) == 1 and not folders[0].name.startswith(".")


def test_forced_build_whose_folder_is_away_mid_replacement_still_succeeds(make_ledger, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = build(make_ledger(name="a.xlsx"), out)
    aside = tmp_path / "aside"
    real_move = store._move_into_place  # noqa: SLF001
    calls = []

    def other_replacement_in_progress(tmp: Path, target: Path, output: Path, replace: bool) -> None:
        if not calls:  # another --force build has just moved the old folder aside
            os.replace(target, aside)
        calls.append(replace)
        real_move(tmp, target, output, replace)
    monkeypatch.setattr(store, "_move_into_place", other_replacement_in_progress)
    changed = make_ledger(_progress("新的进展。"), name="a.xlsx")
    r = build(changed, out, force=True)
    assert not r.failed, r.message
    assert calls == [True, False] and r.folder == first.folder and r.status == "written"
    manifest = json.loads((r.folder / "manifest.json").read_text("utf-8"))
    assert manifest["输入"]["sha256"] == hashlib.sha256(changed.read_bytes()).hexdigest()
