"""PDF conversion in parallel LibreOffice processes: every PDF written, every process killed on timeout."""

from __future__ import annotations

import os
import signal
import time

import pytest
from helpers import MINIMAL_PDF, alive, build


@pytest.mark.skipif(os.name == "nt", reason="process groups are POSIX here")
def test_pdf_timeout_kills_every_parallel_libreoffice(example_copy, tmp_path, monkeypatch):
    """Documents shared among LibreOffice processes: on timeout every process's helpers are killed."""
    pids = tmp_path / "helpers.pid"
    profiles = tmp_path / "profiles.txt"
    script = tmp_path / "hanging-soffice"
    script.write_text(f"#!/bin/sh\necho \"$1\" >> '{profiles}'\nsleep 120 </dev/null >/dev/null 2>&1 &\n"
                      f"echo $! >> '{pids}'\nexec sleep 120\n")
    script.chmod(0o755)
    monkeypatch.setattr("pipeline.archive.pdf.find_soffice", lambda: str(script))
    monkeypatch.setattr("pipeline.archive.pdf.PDF_TIMEOUT", 3)
    monkeypatch.setattr("pipeline.archive.pdf.pdf_processes", lambda count: min(count, 3))
    monkeypatch.setattr("pipeline.archive.pdf.PDF_ONE_PROCESS_BYTES", 0)  # the example's documents are small
    try:
        r = build(example_copy, tmp_path / "out", pdf=True)
        assert r.status == "written"
        assert any("超时" in n for n in r.notes)
        started = [int(p) for p in pids.read_text().split()]
        assert len(started) == 3
        assert len(set(profiles.read_text().split())) == 3, "each LibreOffice needs a profile of its own"
        deadline = time.time() + 5
        while any(alive(p) for p in started) and time.time() < deadline:
            time.sleep(0.1)
        assert not any(alive(p) for p in started), "a LibreOffice helper process outlived the timeout"
    finally:
        for p in (pids.read_text().split() if pids.exists() else []):
            try:
                os.kill(int(p), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass


def test_pdf_batches_share_the_documents_by_size(tmp_path):
    from pipeline.archive.pdf import _pdf_batches

    sizes = {"01_通报.docx": 30, "02_问题清单.docx": 20, "03_任务清单.docx": 500, "04_责任清单.docx": 400,
             "05_督办清单.docx": 10}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    batches = _pdf_batches(tmp_path, tuple(sizes), 2)
    assert sorted(n for b in batches for n in b) == sorted(sizes)
    assert ["03_任务清单.docx"] in batches
    assert _pdf_batches(tmp_path, tuple(sizes), 1) == [list(sizes)]


def test_small_documents_are_converted_by_one_libreoffice(tmp_path, monkeypatch):
    """Documents small together go to one LibreOffice whatever the cores; large ones are shared out."""
    from pipeline.archive import pdf

    monkeypatch.setattr(pdf, "pdf_processes", lambda count: min(count, 2))
    names = ("01_通报.docx", "02_问题清单.docx", "03_任务清单.docx")
    for name in names:
        (tmp_path / name).write_bytes(b"x" * 30_000)
    assert pdf._processes_for(tmp_path, names) == 1
    monkeypatch.setattr(pdf, "PDF_ONE_PROCESS_BYTES", 90_000)  # exactly the total: no longer small
    assert pdf._processes_for(tmp_path, names) == 2
    monkeypatch.setattr(pdf, "PDF_ONE_PROCESS_BYTES", 90_001)
    assert pdf._processes_for(tmp_path, names) == 1


@pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for LibreOffice")
def test_the_example_is_converted_by_one_libreoffice(example_copy, tmp_path, monkeypatch):
    """The example's five documents (about 90 KB) on any number of cores: one LibreOffice process, all five."""
    log = tmp_path / "calls.txt"
    script = tmp_path / "fake-soffice"
    script.write_text(f"#!/bin/sh\necho \"$@\" >> '{log}'\nexit 1\n")
    script.chmod(0o755)
    monkeypatch.setattr("pipeline.archive.pdf.find_soffice", lambda: str(script))
    monkeypatch.setattr("pipeline.archive.pdf.pdf_processes", lambda count: min(count, 4))
    monkeypatch.setenv("RECTIFY_CACHE_DIR", str(tmp_path / "cache"))
    build(example_copy, tmp_path / "out", pdf=True)
    first = log.read_text().splitlines()[0]
    assert first.count(".docx") == 5


def test_parallel_pdf_conversion_writes_every_pdf(example_copy, tmp_path, monkeypatch):
    from pipeline.archive.pdf import find_soffice

    if find_soffice() is None:
        pytest.skip("LibreOffice is not installed")
    monkeypatch.setattr("pipeline.archive.pdf.pdf_processes", lambda count: min(count, 2))
    monkeypatch.setattr("pipeline.archive.pdf.PDF_ONE_PROCESS_BYTES", 0)
    r = build(example_copy, tmp_path / "out", pdf=True)
    assert r.status == "written" and r.notes == []
    docx = sorted(p.stem for p in r.folder.glob("0*.docx"))
    assert sorted(p.stem for p in r.folder.glob("*.pdf")) == docx


# ------------------------------------------------------------------------------------------------
# LibreOffice profiles kept between builds (pipeline.loprofile)

def test_kept_profiles_are_reused_and_never_shared(tmp_path):
    from pipeline.archive.loprofile import profiles

    root = tmp_path / "lo"
    with profiles(2, root) as first:
        assert first.paths == [root / "p0", root / "p1"] and first.kept == set(first.paths)
        with profiles(2, root) as meanwhile:  # another build at the same time: other slots
            assert not set(meanwhile.paths) & set(first.paths)
            assert meanwhile.kept == set(meanwhile.paths)
    with profiles(2, root) as again:
        assert again.paths == first.paths  # set up once, used again


@pytest.mark.skipif(os.name == "nt", reason="the lock is handed to LibreOffice on POSIX only")
def test_a_failed_profile_is_discarded_and_a_running_libreoffice_keeps_its_slot(tmp_path):
    from pipeline.archive.loprofile import _lock, profiles

    root = tmp_path / "lo"
    with profiles(1, root) as kept:
        (root / "p0" / "user").mkdir(parents=True)
        kept.discard(root / "p0")
        assert not (root / "p0").exists()
        fd = kept.locks[root / "p0"]
        # a LibreOffice given the lock (as convert_pdfs does) and outliving the build still holds it
        orphan = os.dup(fd)
    try:
        with profiles(1, root) as later:
            assert later.paths == [root / "p1"]
    finally:
        os.close(orphan)
    lock = _lock(root / "p0.lock")
    assert lock is not None  # free again once the last holder is gone
    lock.close()


def test_temporary_profiles_when_no_cache_folder(tmp_path):
    from pipeline.archive.loprofile import profiles

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with profiles(2, blocked / "lo") as tmp:
        assert len(tmp.paths) == 2 and not tmp.kept
        assert all(blocked not in p.parents for p in tmp.paths)
    with profiles(1, tmp_path / "lo", keep=False) as fresh:
        assert not fresh.kept and not (tmp_path / "lo").exists()


@pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for LibreOffice")
def test_a_failing_kept_profile_is_retried_fresh_and_discarded(example_copy, tmp_path, monkeypatch):
    """A LibreOffice that converts nothing with a kept profile: its documents again with a new profile,
    and the kept profile is deleted (set up afresh next time)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("RECTIFY_CACHE_DIR", str(cache))
    log = tmp_path / "calls.txt"
    script = tmp_path / "fake-soffice"
    pdf = tmp_path / "one-page.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    # "Converts" (writes a one-page .pdf beside each document) unless its profile is a kept one.
    script.write_text(f"""#!/bin/sh
echo "$1" >> '{log}'
case "$1" in *{cache}*) mkdir -p "{cache}/libreoffice/p0/user"; exit 1;; esac
out=""; for a in "$@"; do if [ "$prev" = "--outdir" ]; then out="$a"; fi; prev="$a"; done
for a in "$@"; do case "$a" in *.docx) n=$(basename "$a" .docx); cp '{pdf}' "$out/$n.pdf";; esac; done
""")
    script.chmod(0o755)
    monkeypatch.setattr("pipeline.archive.pdf.find_soffice", lambda: str(script))
    monkeypatch.setattr("pipeline.archive.pdf.pdf_processes", lambda count: 1)
    r = build(example_copy, tmp_path / "out", pdf=True)
    assert r.status == "written" and r.notes == [], r.notes
    assert sorted(p.stem for p in r.folder.glob("*.pdf")) == sorted(p.stem for p in r.folder.glob("0*.docx"))
    calls = log.read_text().split()
    assert len(calls) == 2 and str(cache) in calls[0] and str(cache) not in calls[1]
    assert not (cache / "libreoffice" / "p0").exists()


def test_pdf_conversion_keeps_its_profiles(example_copy, tmp_path, monkeypatch):
    from pipeline.archive.pdf import find_soffice

    if find_soffice() is None:
        pytest.skip("LibreOffice is not installed")
    cache = tmp_path / "cache"
    monkeypatch.setenv("RECTIFY_CACHE_DIR", str(cache))
    monkeypatch.setattr("pipeline.archive.pdf.pdf_processes", lambda count: 1)
    for out in ("out1", "out2"):
        r = build(example_copy, tmp_path / out, pdf=True)
        assert r.status == "written" and r.notes == [], r.notes
        assert len(list(r.folder.glob("*.pdf"))) == len(list(r.folder.glob("0*.docx")))
        assert (cache / "libreoffice" / "p0" / "user").is_dir()  # set up by the first, used by the second
