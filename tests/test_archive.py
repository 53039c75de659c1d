"""Archive-grade builds: folder per build, manifest, byte-identical reruns, no overwrite, atomicity, PDF."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT, TEMPLATES, require_tools, tool_or_skip
from pipeline import api
from pipeline.archive import TMP_PREFIX, find_soffice, folder_name
from pipeline.context import TEMPLATE_NAMES
from pipeline.text import safe_filename

DOCS = [f"{i:02d}_{n}" for i, n in enumerate(TEMPLATE_NAMES, start=1)]


def build(workbook: Path, out: Path, **kw: object) -> api.BuildResult:
    (result,) = api.build_many([workbook], TEMPLATES, out, **kw)
    return result


def test_build_folder_contents_and_manifest(example_copy, tmp_path):
    r = build(example_copy, tmp_path / "out")
    assert r.status == "written"
    assert r.folder.parent == tmp_path / "out"
    assert r.folder.name == "2024-12-20_市委第一巡察组反馈意见整改进展"
    names = sorted(p.name for p in r.folder.iterdir())
    assert names == sorted([*DOCS, example_copy.name, "manifest.json"])
    manifest = json.loads((r.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["成文日期"] == "2024-12-20"
    assert manifest["输入"]["sha256"] == hashlib.sha256(example_copy.read_bytes()).hexdigest()
    assert [o["文件名"] for o in manifest["输出"]] == DOCS
    for entry in manifest["输出"]:
        data = (r.folder / entry["文件名"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["大小"] == len(data)
    for name, digest in manifest["模板"].items():
        assert digest == hashlib.sha256((TEMPLATES / name).read_bytes()).hexdigest()
    assert manifest["统计"]["问题数"] == 32 and manifest["统计"]["措施表行数"] == 72
    assert {w["code"] for w in manifest["警告"]} == {"declared-total-mismatch", "repeated-punct"}
    assert (r.folder / example_copy.name).read_bytes() == example_copy.read_bytes()


def test_two_builds_are_byte_identical(example_copy, tmp_path):
    a = build(example_copy, tmp_path / "a").folder
    b = build(example_copy, tmp_path / "b").folder
    for name in [*DOCS, "manifest.json"]:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_input_workbook_is_never_modified(example_copy, tmp_path):
    before = example_copy.read_bytes()
    mtime = example_copy.stat().st_mtime_ns
    build(example_copy, tmp_path / "out")
    assert example_copy.read_bytes() == before and example_copy.stat().st_mtime_ns == mtime


def test_rebuild_same_content_writes_nothing(example_copy, tmp_path):
    out = tmp_path / "out"
    first = build(example_copy, out)
    stamp = {p.name: p.stat().st_mtime_ns for p in first.folder.iterdir()}
    again = build(example_copy, out)
    assert again.status == "unchanged" and again.folder == first.folder
    assert {p.name: p.stat().st_mtime_ns for p in first.folder.iterdir()} == stamp
    assert sorted(p.name for p in out.iterdir()) == [first.folder.name]


def test_changed_ledger_gets_a_new_folder_unless_forced(make_ledger, tmp_path):
    out = tmp_path / "out"
    first = build(make_ledger(name="a.xlsx"), out)
    changed = make_ledger(lambda d: d["problems"][0].__setitem__("progress", "新的进展。"), name="a.xlsx")
    second = build(changed, out)
    assert second.status == "written" and second.folder.name == first.folder.name + "-2"
    assert (first.folder / "manifest.json").exists()  # the earlier build is untouched
    forced = build(changed, out, force=True)
    assert forced.status in ("replaced", "unchanged")
    third = build(make_ledger(lambda d: d["problems"][0].__setitem__("progress", "再次修改。"), name="a.xlsx"),
                  out, force=True)
    assert third.status == "replaced" and third.folder == first.folder
    assert not any(p.name.startswith(".rectify") for p in out.iterdir())


HOSTILE = ["../../x", "..", "CON", "nul", "a/b\\c:d*e?f\"g<h>i|j", "x" * 300, "结尾的点。. ", "COM1.txt"]


@pytest.mark.parametrize("number", HOSTILE)
def test_hostile_doc_numbers_stay_inside_output(make_ledger, tmp_path, number):
    out = tmp_path / "out"
    r = build(make_ledger(lambda d: d["info"].__setitem__("doc_number", number)), out)
    assert r.status == "written", r.message
    assert r.folder.parent.resolve() == out.resolve()
    name = r.folder.name
    assert len(name) <= 80 and not any(c in name for c in '<>:"/\\|?*')
    assert not name.endswith((".", " "))
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                                              *(f"LPT{i}" for i in range(1, 10))}
    assert name == folder_name("2024-12-20", safe_filename(number, 200)) or name.startswith("2024-12-20_")
    assert [p for p in tmp_path.rglob("*") if p.is_dir() and out not in (p, *p.parents)] == []


def test_errors_write_nothing(make_ledger, tmp_path):
    out = tmp_path / "out"
    r = build(make_ledger(lambda d: d["measures"][0].__setitem__("deadline", "不知道")), out)
    assert r.failed and r.check is not None and r.check.errors
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_output_is_a_clear_error(example_copy, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    try:
        r = build(example_copy, out)
    finally:
        out.chmod(0o700)
    assert r.failed and "没有权限" in r.message


def test_unwritable_output_via_cli(example_copy, tmp_path, capsys):
    """An output path that is a file (works as root too): exit 1 and a clear message."""
    from test_cli import run
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    code, out, err = run(["build", "-o", str(blocker), str(example_copy)], capsys)
    assert code == 1 and "无法写入" in out + err and "Traceback" not in out + err


def test_killed_build_leaves_no_partial_folder(example_copy, tmp_path):
    """SIGKILL part-way through writing: no build folder appears; the next build cleans up and succeeds."""
    out = tmp_path / "out"
    code = (
        "import sys, os, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from pipeline import archive, api\n"
        "orig = archive.os.fsync\n"
        "def slow(fd):\n"
        "    orig(fd)\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(30)\n"
        "archive.os.fsync = slow\n"
        f"api.build_many([api.Path({str(example_copy)!r})], api.Path({str(TEMPLATES)!r}), api.Path({str(out)!r}))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    leftovers = [p.name for p in out.iterdir()]
    assert all(name.startswith(TMP_PREFIX) for name in leftovers), leftovers  # only a hidden temp folder
    r = build(example_copy, out)
    assert r.status == "written"
    assert sorted(p.name for p in out.iterdir()) == [r.folder.name]  # the stale temp folder is gone


def test_many_workbooks_one_bad_does_not_stop_the_others(example_copy, make_ledger, tmp_path, capsys):
    from test_cli import run
    bad = make_ledger(lambda d: d["problems"][0].__setitem__("status", "好了"), name="坏台账.xlsx")
    good = make_ledger(lambda d: d["info"].__setitem__("doc_number", "示党〔2024〕3号"), name="好台账.xlsx")
    code, out, err = run(["build", "-o", str(tmp_path / "out"), str(example_copy), str(bad), str(good)], capsys)
    assert code == 1
    assert "汇总" in out and "坏台账.xlsx" in out and "失败" in out
    assert "问题!F2" in err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "2024-12-20_市委第一巡察组反馈意见整改进展", "2024-12-20_示党〔2024〕3号"]


def test_default_build_uses_input_folder_and_skips_lock_files(tmp_path, monkeypatch, capsys):
    from test_cli import run
    (tmp_path / "input").mkdir()
    shutil.copy2(EXAMPLE, tmp_path / "input" / EXAMPLE.name)
    (tmp_path / "input" / ("~$" + EXAMPLE.name)).write_bytes(b"lock")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["build"], capsys)
    assert code == 0, out + err
    assert len(list((tmp_path / "output").iterdir())) == 1


def test_build_without_templates_folder_uses_builtin_defaults(example_copy, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (result,) = api.build_many([example_copy], None, tmp_path / "out")
    assert result.status == "written"
    manifest = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    for name, digest in manifest["模板"].items():
        assert digest == hashlib.sha256((TEMPLATES / name).read_bytes()).hexdigest()


@pytest.mark.skipif(find_soffice() is None and not require_tools(), reason="LibreOffice is not installed")
def test_pdf_export_holds_the_title(example_copy, tmp_path):
    r = build(example_copy, tmp_path / "out", pdf=True)
    assert r.status == "written" and r.notes == [], r.notes
    pdfs = sorted(p.name for p in r.folder.glob("*.pdf"))
    assert pdfs == sorted(n.replace(".docx", ".pdf") for n in DOCS)
    text = subprocess.run(["pdftotext", str(r.folder / "01_通报.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "中共东营市总工会党组关于市委第一巡察组" in text.replace(" ", "")


def test_pdf_without_libreoffice_still_writes_docx(example_copy, tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.archive.find_soffice", lambda: None)
    r = build(example_copy, tmp_path / "out", pdf=True)
    assert r.status == "written"
    assert any("LibreOffice" in n and "安装" in n for n in r.notes)
    assert sorted(p.name for p in r.folder.glob("*.docx")) == DOCS


def test_permission_denied_is_a_clear_error(example_copy, tmp_path, monkeypatch):
    """What a user without write permission sees (simulated: these tests may run as root)."""
    def denied(*_a: object, **_k: object) -> str:
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr("pipeline.archive.tempfile.mkdtemp", denied)
    r = build(example_copy, tmp_path / "out")
    assert r.failed and "没有权限" in r.message and "--output" in r.message
    assert list((tmp_path / "out").iterdir()) == []


def test_full_disk_leaves_nothing_and_says_so(example_copy, tmp_path, monkeypatch):
    def full(_fd: int) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("pipeline.archive.os.fsync", full)
    r = build(example_copy, tmp_path / "out")
    assert r.failed and "磁盘空间不足" in r.message
    assert list((tmp_path / "out").iterdir()) == []


def test_failed_pdf_conversion_names_the_documents(example_copy, tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.archive.find_soffice", lambda: "/bin/true")  # runs, converts nothing
    r = build(example_copy, tmp_path / "out", pdf=True)
    assert r.status == "written"
    assert any("没有成功转换" in n and "01_通报.docx" in n and "04_责任清单.docx" in n for n in r.notes)


def test_interrupted_build_leaves_no_folder(example_copy, tmp_path, monkeypatch):
    def interrupt(_fd: int) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr("pipeline.archive.os.fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        build(example_copy, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
