"""The PDF converter is not trusted: each PDF is checked before it is recorded, and LibreOffice's
processes end with the build (time-out, SIGTERM, Ctrl-C)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import MINIMAL_PDF, alive, build

from pipeline.archive.pdf import pdf_problem

posix = pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for LibreOffice")


def test_a_whole_pdf_with_a_page_passes():
    assert pdf_problem(MINIMAL_PDF) is None


@pytest.mark.parametrize("data,words", [
    (b"garbage" * 100, "不是 PDF"),
    (MINIMAL_PDF[: len(MINIMAL_PDF) // 2], "不完整"),  # a full disk: cut short
    (MINIMAL_PDF.replace(b"/Count 1", b"/Count 0").replace(b"/Type/Page/", b"/Type/Nothing/"), "没有任何页面"),
    (b"", "不是 PDF"),
])
def test_damaged_pdfs_are_named(data, words):
    assert words in (pdf_problem(data) or "")


def _soffice(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-soffice"
    script.write_text("#!/bin/sh\nout=\"\"; for a in \"$@\"; do if [ \"$prev\" = \"--outdir\" ]; then out=\"$a\"; fi; "
                      "prev=\"$a\"; done\n" + body)
    script.chmod(0o755)
    return str(script)


@posix
def test_a_converter_writing_garbage_is_not_archived(example_copy, tmp_path, monkeypatch):
    good = tmp_path / "good.pdf"
    good.write_bytes(MINIMAL_PDF)
    # The notice converts well; every other document comes out as garbage or cut short.
    script = _soffice(tmp_path, f"""for a in "$@"; do case "$a" in
  *通报.docx) n=$(basename "$a" .docx); cp '{good}' "$out/$n.pdf";;
  *督办清单.docx) n=$(basename "$a" .docx); echo garbage > "$out/$n.pdf";;
  *.docx) n=$(basename "$a" .docx); head -c 60 '{good}' > "$out/$n.pdf";;
esac; done
""")
    monkeypatch.setattr("pipeline.archive.pdf.find_soffice", lambda: script)
    monkeypatch.setattr("pipeline.archive.pdf.pdf_processes", lambda count: 1)
    r = build(example_copy, tmp_path / "out", pdf=True)
    assert r.status == "written"
    pdfs = sorted(p.name for p in r.folder.glob("*.pdf"))
    assert pdfs == [p.name.replace(".docx", ".pdf") for p in r.folder.glob("*通报.docx")]
    recorded = [e["文件名"] for e in json.loads((r.folder / "manifest.json").read_text("utf-8"))["PDF"]]
    assert recorded == pdfs
    damaged = [n for n in r.notes if "已删除，没有存档" in n]
    assert len(damaged) == len(list(r.folder.glob("*.docx"))) - 1, r.notes
    assert any("不完整" in n for n in damaged) and any("不是 PDF" in n for n in damaged)


@posix
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_conversion_ends_every_libreoffice_process(example_copy, tmp_path, sig):
    """The build is stopped while LibreOffice (and a helper it started) runs: none outlives the build,
    and nothing is left in the output folder."""
    pids = tmp_path / "helpers.pid"
    script = _soffice(tmp_path, f"sleep 300 </dev/null >/dev/null 2>&1 &\necho $! >> '{pids}'\nexec sleep 300\n")
    runner = tmp_path / "run.py"
    runner.write_text(
        "import sys\nsys.path.insert(0, sys.argv[1])\n"
        "import pipeline.archive.pdf as pdf\n"
        f"pdf.find_soffice = lambda: {script!r}\n"
        "pdf.pdf_processes = lambda count: 1\n"
        "from pipeline.cli import main\n"
        f"main(['build', '--pdf', '-o', {str(tmp_path / 'out')!r}, {str(example_copy)!r}])\n")
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, RECTIFY_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.Popen([sys.executable, str(runner), str(root)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        while not pids.exists() and proc.poll() is None:
            time.sleep(0.1)
        assert proc.poll() is None, proc.communicate()
        helper = int(pids.read_text().split()[0])
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err.decode()
        assert "已中断" in err.decode("utf-8") and "Traceback" not in err.decode("utf-8")
        for _ in range(50):
            if not alive(helper):
                break
            time.sleep(0.1)
        assert not alive(helper), "a LibreOffice helper outlived the build"
        assert not [p for p in (tmp_path / "out").iterdir()] if (tmp_path / "out").exists() else True
    finally:
        if proc.poll() is None:
            proc.kill()
        for p in (pids.read_text().split() if pids.exists() else []):
            try:
                os.kill(int(p), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
