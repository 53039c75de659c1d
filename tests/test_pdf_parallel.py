"""PDF conversion in parallel LibreOffice processes: every PDF written, every process killed on timeout."""

from __future__ import annotations

import os
import signal
import time

import pytest

from test_archive import _alive, build


@pytest.mark.skipif(os.name == "nt", reason="process groups are POSIX here")
def test_pdf_timeout_kills_every_parallel_libreoffice(example_copy, tmp_path, monkeypatch):
    """Documents shared among LibreOffice processes: on timeout every process's helpers are killed."""
    pids = tmp_path / "helpers.pid"
    profiles = tmp_path / "profiles.txt"
    script = tmp_path / "hanging-soffice"
    script.write_text(f"#!/bin/sh\necho \"$1\" >> '{profiles}'\nsleep 120 </dev/null >/dev/null 2>&1 &\n"
                      f"echo $! >> '{pids}'\nexec sleep 120\n")
    script.chmod(0o755)
    monkeypatch.setattr("pipeline.archive.find_soffice", lambda: str(script))
    monkeypatch.setattr("pipeline.archive.PDF_TIMEOUT", 3)
    monkeypatch.setattr("pipeline.archive.pdf_processes", lambda count: min(count, 3))
    try:
        r = build(example_copy, tmp_path / "out", pdf=True)
        assert r.status == "written"
        assert any("超时" in n for n in r.notes)
        started = [int(p) for p in pids.read_text().split()]
        assert len(started) == 3
        assert len(set(profiles.read_text().split())) == 3, "each LibreOffice needs a profile of its own"
        deadline = time.time() + 5
        while any(_alive(p) for p in started) and time.time() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in started), "a LibreOffice helper process outlived the timeout"
    finally:
        for p in (pids.read_text().split() if pids.exists() else []):
            try:
                os.kill(int(p), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass


def test_pdf_batches_share_the_documents_by_size(tmp_path):
    from pipeline.archive import _pdf_batches

    sizes = {"01_通报.docx": 30, "02_问题清单.docx": 20, "03_任务清单.docx": 500, "04_责任清单.docx": 400,
             "05_督办清单.docx": 10}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    batches = _pdf_batches(tmp_path, tuple(sizes), 2)
    assert sorted(n for b in batches for n in b) == sorted(sizes)
    assert ["03_任务清单.docx"] in batches
    assert _pdf_batches(tmp_path, tuple(sizes), 1) == [list(sizes)]


def test_parallel_pdf_conversion_writes_every_pdf(example_copy, tmp_path, monkeypatch):
    from pipeline.archive import find_soffice

    if find_soffice() is None:
        pytest.skip("LibreOffice is not installed")
    monkeypatch.setattr("pipeline.archive.pdf_processes", lambda count: min(count, 2))
    r = build(example_copy, tmp_path / "out", pdf=True)
    assert r.status == "written" and r.notes == []
    docx = sorted(p.stem for p in r.folder.glob("0*.docx"))
    assert sorted(p.stem for p in r.folder.glob("*.pdf")) == docx
