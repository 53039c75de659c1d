"""Archive-grade builds: folder per build, manifest, byte-identical reruns, no overwrite, atomicity, PDF."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, TEMPLATES, entries, require_tools
from helpers import MINIMAL_PDF, alive, build, run

from pipeline import api
from pipeline.archive.naming import folder_name
from pipeline.archive.pdf import find_soffice
from pipeline.archive.store import TMP_PREFIX
from pipeline.documents.registry import DOCUMENTS
from pipeline.text.names import safe_filename

DOCS = [d.output for d in DOCUMENTS]  # the default set


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
    assert sorted(p.name for p in entries(out)) == [first.folder.name]


def _progress(text: str):
    return lambda d: d["problems"][0].__setitem__("progress", text)


def test_changed_ledger_gets_a_new_folder_unless_forced(make_ledger, tmp_path):
    out = tmp_path / "out"
    first = build(make_ledger(name="a.xlsx"), out)
    assert first.status == "written"
    changed = make_ledger(_progress("新的进展。"), name="a.xlsx")
    second = build(changed, out)
    assert second.status == "written" and second.folder.name == first.folder.name + "-2"
    assert (first.folder / "manifest.json").exists()  # the earlier build is untouched
    again = build(changed, out, force=True)  # the same content is already in …-2: nothing to replace
    assert again.status == "unchanged" and again.folder == second.folder
    first_bytes = (first.folder / "a.xlsx").read_bytes()
    latest = make_ledger(_progress("再次修改。"), name="a.xlsx")
    third = build(latest, out, force=True)
    # --force replaces the newest build of the ledger (…-2), never the older one
    assert third.status == "replaced" and third.folder == second.folder
    assert (second.folder / "a.xlsx").read_bytes() == latest.read_bytes()
    assert (first.folder / "a.xlsx").read_bytes() == first_bytes
    assert sorted(p.name for p in entries(out)) == [first.folder.name, second.folder.name]


def test_reruns_find_identical_content_in_suffixed_folders(make_ledger, tmp_path):
    """Every existing name, name-2, name-3 … is compared, so a rerun never piles up copies."""
    out = tmp_path / "out"
    versions = [make_ledger(name="v1.xlsx"), make_ledger(_progress("第二版。"), name="v2.xlsx"),
                make_ledger(_progress("第三版。"), name="v3.xlsx")]
    first = [build(v, out) for v in versions]
    base = first[0].folder.name
    assert [(r.status, r.folder.name) for r in first] == [
        ("written", base), ("written", base + "-2"), ("written", base + "-3")]
    for i in (1, 2, 2, 1, 0):
        again = build(versions[i], out)
        assert (again.status, again.folder) == ("unchanged", first[i].folder), i
    again = build(versions[1], out, force=True)
    assert (again.status, again.folder) == ("unchanged", first[1].folder)
    v4 = build(make_ledger(_progress("第四版。"), name="v4.xlsx"), out)
    assert (v4.status, v4.folder.name) == ("written", base + "-4")
    assert len(list(entries(out))) == 4


def test_force_never_replaces_another_ledgers_build(make_ledger, tmp_path, capsys):
    """Same 成文日期 and 巡察组, no 发文字号: one folder name, two ledgers; --force keeps both builds."""
    out = tmp_path / "out"
    a = make_ledger(name="a.xlsx")
    b = make_ledger(_progress("乙的进展。"), name="b.xlsx")
    code, text, err = run(["build", "-o", str(out), "--force", str(a), str(b)], capsys)
    assert code == 0, text + err

    def inputs() -> dict[str, str]:
        return {p.name: json.loads((p / "manifest.json").read_text(encoding="utf-8"))["输入"]["文件名"]
                for p in entries(out)}
    base = "2024-12-20_市委第一巡察组反馈意见整改进展"
    assert inputs() == {base: "a.xlsx", base + "-2": "b.xlsx"}
    # Changed again, forced: each replaces its own build, never the other's.
    a = make_ledger(_progress("甲改了。"), name="a.xlsx")
    b = make_ledger(_progress("乙改了。"), name="b.xlsx")
    rb, ra = api.build_many([b, a], TEMPLATES, out, force=True)
    assert (rb.status, rb.folder.name) == ("replaced", base + "-2")
    assert (ra.status, ra.folder.name) == ("replaced", base)
    assert inputs() == {base: "a.xlsx", base + "-2": "b.xlsx"}
    assert (out / base / "a.xlsx").read_bytes() == a.read_bytes()
    assert (out / (base + "-2") / "b.xlsx").read_bytes() == b.read_bytes()


def test_force_never_replaces_a_folder_written_earlier_in_the_same_run(make_ledger, tmp_path):
    """Two different ledgers that happen to share a file name, in one forced run: both builds survive."""
    out = tmp_path / "out"
    paths = []
    for sub, text in (("甲", "甲处的进展。"), ("乙", "乙处的进展。")):
        (tmp_path / sub).mkdir()
        src = make_ledger(_progress(text), name=f"{sub}.xlsx")
        paths.append(src.rename(tmp_path / sub / "台账.xlsx"))
    results = api.build_many(paths, TEMPLATES, out, force=True)
    assert [r.status for r in results] == ["written", "written"]
    assert results[0].folder != results[1].folder
    for r, path in zip(results, paths):
        assert (r.folder / "台账.xlsx").read_bytes() == path.read_bytes()


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
@pytest.mark.parametrize("mask, folder_mode, file_mode", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_build_folder_permissions_follow_the_umask(example_copy, tmp_path, mask, folder_mode, file_mode):
    old = os.umask(mask)
    try:
        r = build(example_copy, tmp_path / "out")
    finally:
        os.umask(old)
    assert r.status == "written"
    assert r.folder.stat().st_mode & 0o777 == folder_mode
    assert {p.name: p.stat().st_mode & 0o777 for p in r.folder.iterdir()} == {
        p.name: file_mode for p in r.folder.iterdir()}


HOSTILE = {
    "../../x": "2024-12-20_.._.._x",
    "..": "2024-12-20_",
    "CON": "2024-12-20_CON",
    "nul": "2024-12-20_nul",
    "a/b\\c:d*e?f\"g<h>i|j": "2024-12-20_a_b_c_d_e_f_g_h_i_j",
    "x" * 300: "2024-12-20_" + "x" * 69,
    "结尾的点。. ": "2024-12-20_结尾的点。",
    "COM1.txt": "2024-12-20_COM1.txt",
}
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


@pytest.mark.parametrize("number", list(HOSTILE))
def test_hostile_doc_numbers_stay_inside_output(make_ledger, tmp_path, number):
    out = tmp_path / "out"
    r = build(make_ledger(lambda d: d["info"].__setitem__("doc_number", number)), out)
    assert r.status == "written", r.message
    name = r.folder.name
    assert name == HOSTILE[number]
    assert name == folder_name("2024-12-20", number.strip())
    assert len(name) <= 80 and not any(c in name for c in '<>:"/\\|?*')
    assert not name.endswith((".", " "))
    assert r.folder.resolve().parent == out.resolve() and r.folder.is_dir()
    assert sorted(p.name for p in entries(out)) == [name]
    assert [p for p in tmp_path.rglob("*") if p.is_dir() and out not in (p, *p.parents)] == []


@pytest.mark.parametrize("reserved", ["CON", "nul", "COM1.txt", "aux.tar.gz", "LPT9", "con "])
def test_safe_filename_never_gives_a_reserved_device_name(reserved):
    safe = safe_filename(reserved)
    assert safe.split(".")[0].strip().upper() not in RESERVED, safe
    assert safe and not safe.endswith((".", " "))


def test_errors_write_nothing(make_ledger, tmp_path):
    out = tmp_path / "out"
    r = build(make_ledger(lambda d: d["measures"][0].__setitem__("deadline", "不知道")), out)
    assert r.failed and r.check is not None and r.check.errors
    assert not out.exists() or list(entries(out)) == []


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
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    code, out, err = run(["build", "-o", str(blocker), str(example_copy)], capsys)
    assert code == 1 and "Traceback" not in out + err
    assert "不是文件夹" in out + err and str(blocker) in out + err and "File exists" not in out + err
    # a folder below that file: the file is named, not the folder that cannot exist
    code, out, err = run(["build", "-o", str(blocker / "sub"), str(example_copy)], capsys)
    assert code == 1 and f"“{blocker}”已存在但不是文件夹" in out + err and "Not a directory" not in out + err


@pytest.mark.parametrize("code, words", [
    (errno.EEXIST, "不是文件夹"),
    (errno.ENOTDIR, "不是文件夹"),
    (errno.ENOENT, "不存在"),
    (errno.EROFS, "只读"),
    (errno.ENAMETOOLONG, "太长"),
    (errno.EACCES, "没有权限"),
    (errno.ENOSPC, "磁盘空间不足"),
])
def test_os_errors_are_explained_in_chinese(tmp_path, code, words):
    from pipeline.archive.store import _describe_os_error
    message = _describe_os_error(OSError(code, "Raw English Text"), tmp_path / "out")
    assert words in message and "Raw English Text" not in message


def test_other_os_errors_keep_the_system_text_only_in_parentheses(tmp_path):
    from pipeline.archive.store import _describe_os_error
    message = _describe_os_error(OSError(errno.EPROTO, "Protocol error"), tmp_path / "out")
    outside = re.sub(r"（[^（）]*）", "", message)
    assert "Protocol error" in message and "Protocol error" not in outside
    assert "无法写入" in outside


def test_killed_build_leaves_no_partial_folder(example_copy, tmp_path):
    """SIGKILL part-way through writing: no build folder appears; the next build cleans up and succeeds."""
    out = tmp_path / "out"
    code = (
        "import sys, os, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from pipeline import api\n"
        "from pipeline.archive import store as archive\n"
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
    leftovers = [p.name for p in entries(out)]
    assert all(name.startswith(TMP_PREFIX) for name in leftovers), leftovers  # only a hidden temp folder
    r = build(example_copy, out)
    assert r.status == "written"
    assert sorted(p.name for p in entries(out)) == [r.folder.name]  # the stale temp folder is gone


def test_many_workbooks_one_bad_does_not_stop_the_others(example_copy, make_ledger, tmp_path, capsys):
    bad = make_ledger(lambda d: d["problems"][0].__setitem__("status", "好了"), name="坏台账.xlsx")
    good = make_ledger(lambda d: d["info"].__setitem__("doc_number", "示党〔2024〕3号"), name="好台账.xlsx")
    code, out, err = run(["build", "-o", str(tmp_path / "out"), str(example_copy), str(bad), str(good)], capsys)
    assert code == 1
    assert "汇总" in out and "坏台账.xlsx" in out and "失败" in out
    assert "问题!F2" in err
    assert sorted(p.name for p in entries(tmp_path / "out")) == [
        "2024-12-20_市委第一巡察组反馈意见整改进展", "2024-12-20_示党〔2024〕3号"]


def test_default_build_uses_input_folder_and_skips_lock_files(tmp_path, monkeypatch, capsys):
    (tmp_path / "input").mkdir()
    shutil.copy2(EXAMPLE, tmp_path / "input" / EXAMPLE.name)
    (tmp_path / "input" / ("~$" + EXAMPLE.name)).write_bytes(b"lock")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["build"], capsys)
    assert code == 0, out + err
    assert len(list(entries(tmp_path / "output"))) == 1


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
    entries = json.loads((r.folder / "manifest.json").read_text(encoding="utf-8"))["PDF"]
    assert sorted(e["文件名"] for e in entries) == pdfs
    for e in entries:
        assert e["sha256"] == hashlib.sha256((r.folder / e["文件名"]).read_bytes()).hexdigest()


def test_pdf_without_libreoffice_still_writes_docx(example_copy, tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.archive.pdf.find_soffice", lambda: None)
    r = build(example_copy, tmp_path / "out", pdf=True)
    assert r.status == "written"
    assert any("LibreOffice" in n and "安装" in n for n in r.notes)
    assert sorted(p.name for p in r.folder.glob("*.docx")) == DOCS


def test_permission_denied_is_a_clear_error(example_copy, tmp_path, monkeypatch):
    """What a user without write permission sees (simulated: these tests may run as root)."""
    def denied(*_a: object, **_k: object) -> str:
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr("pipeline.archive.store.tempfile.mkdtemp", denied)
    r = build(example_copy, tmp_path / "out")
    assert r.failed and "没有权限" in r.message and "--output" in r.message
    assert list(entries(tmp_path / "out")) == []


def test_full_disk_leaves_nothing_and_says_so(example_copy, tmp_path, monkeypatch):
    def full(_fd: int) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("pipeline.archive.store.os.fsync", full)
    r = build(example_copy, tmp_path / "out")
    assert r.failed and "磁盘空间不足" in r.message
    assert list(entries(tmp_path / "out")) == []


def test_failed_pdf_conversion_names_the_documents(example_copy, tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.archive.pdf.find_soffice", lambda: "/bin/true")  # runs, converts nothing
    r = build(example_copy, tmp_path / "out", pdf=True)
    assert r.status == "written"
    assert any("没有成功转换" in n and "01_通报.docx" in n and "04_责任清单.docx" in n for n in r.notes)


def test_interrupted_build_leaves_no_folder(example_copy, tmp_path, monkeypatch):
    def interrupt(_fd: int) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr("pipeline.archive.store.os.fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        build(example_copy, tmp_path / "out")
    assert list(entries(tmp_path / "out")) == []


def fake_soffice(tmp_path: Path) -> str:
    """A stand-in for LibreOffice that writes a PDF (with fresh random bytes, like a real one) per document."""
    script = tmp_path / "fake-soffice"
    script.write_text(
        f"#!{sys.executable}\n"
        "import os, sys\n"
        "args = sys.argv[1:]\n"
        "outdir = args[args.index('--outdir') + 1]\n"
        "for src in args:\n"
        "    if src.endswith('.docx'):\n"
        "        name = os.path.basename(src)[:-5] + '.pdf'\n"
        "        with open(os.path.join(outdir, name), 'wb') as fh:\n"
        f"            fh.write({MINIMAL_PDF!r}.replace(b'\\n', b' %' + os.urandom(16).hex().encode() + b'\\n', 1))\n",
        encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.skipif(os.name == "nt", reason="the stand-in LibreOffice is a POSIX script")
def test_pdfs_are_in_the_manifest_and_ignored_when_comparing(example_copy, tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.archive.pdf.find_soffice", lambda: fake_soffice(tmp_path))
    out = tmp_path / "out"
    r = build(example_copy, out, pdf=True)
    assert r.status == "written" and r.notes == []
    pdf_entries = _manifest(r.folder)["PDF"]
    assert [e["文件名"] for e in pdf_entries] == [n.replace(".docx", ".pdf") for n in DOCS]
    for e in pdf_entries:
        data = (r.folder / e["文件名"]).read_bytes()
        assert e["sha256"] == hashlib.sha256(data).hexdigest() and e["大小"] == len(data)
    assert [o["文件名"] for o in _manifest(r.folder)["输出"]] == DOCS  # the documents are listed as before
    # PDF bytes differ on every conversion: with or without --pdf, an unchanged ledger is "unchanged".
    for pdf in (True, False):
        again = build(example_copy, out, pdf=pdf)
        assert (again.status, again.folder) == ("unchanged", r.folder), pdf
    assert sorted(p.name for p in entries(out)) == [r.folder.name]


@pytest.mark.skipif(os.name == "nt", reason="the stand-in LibreOffice is a POSIX script")
def test_pdf_rebuild_of_a_build_without_pdfs(example_copy, tmp_path, monkeypatch):
    """--pdf over a build that lacks PDFs adds them to that build (issue 19: no second folder of the same
    documents); when no PDF can be made, nothing."""
    out = tmp_path / "out"
    plain = build(example_copy, out)
    docs = {n: (plain.folder / n).read_bytes() for n in DOCS}
    monkeypatch.setattr("pipeline.archive.pdf.find_soffice", lambda: None)
    again = build(example_copy, out, pdf=True)
    assert (again.status, again.folder) == ("unchanged", plain.folder)
    assert any("LibreOffice" in n for n in again.notes)
    monkeypatch.setattr("pipeline.archive.pdf.find_soffice", lambda: fake_soffice(tmp_path))
    with_pdf = build(example_copy, out, pdf=True)
    assert (with_pdf.status, with_pdf.folder) == ("replaced", plain.folder)
    assert sorted(p.name for p in entries(out)) == [plain.folder.name]
    assert len(_manifest(plain.folder)["PDF"]) == len(DOCS)
    assert {n: (plain.folder / n).read_bytes() for n in DOCS} == docs  # the documents themselves untouched
    assert any(plain.folder.name in n and "已在其中加上 PDF" in n for n in with_pdf.notes)
    assert build(example_copy, out, pdf=True).folder == plain.folder
    assert build(example_copy, out).folder == plain.folder


@pytest.mark.skipif(os.name == "nt", reason="the stand-in LibreOffice is a POSIX script")
def test_cli_says_pdfs_were_added_to_the_build(example_copy, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    args = ["build", "-t", str(TEMPLATES), "-o", str(out), str(example_copy)]
    code, _, _ = run(args, capsys)
    assert code == 0
    (plain,) = entries(out)
    monkeypatch.setattr("pipeline.archive.pdf.find_soffice", lambda: fake_soffice(tmp_path))
    code, stdout, _ = run([*args, "--pdf"], capsys)
    assert code == 0 and [p.name for p in entries(out)] == [plain.name]
    notes = [line for line in stdout.splitlines() if "注意" in line]
    assert any(plain.name in n and "已在其中加上 PDF" in n for n in notes), stdout


@pytest.mark.skipif(os.name == "nt", reason="process groups are POSIX here")
def test_pdf_timeout_kills_every_libreoffice_process(example_copy, tmp_path, monkeypatch):
    """soffice runs helpers (oosplash → soffice.bin): on timeout none of them may keep running."""
    pidfile = tmp_path / "helper.pid"
    script = tmp_path / "hanging-soffice"
    script.write_text(f"#!/bin/sh\nsleep 120 </dev/null >/dev/null 2>&1 &\necho $! > '{pidfile}'\nexec sleep 120\n")
    script.chmod(0o755)
    monkeypatch.setattr("pipeline.archive.pdf.find_soffice", lambda: str(script))
    monkeypatch.setattr("pipeline.archive.pdf.PDF_TIMEOUT", 2)
    try:
        r = build(example_copy, tmp_path / "out", pdf=True)
        assert r.status == "written"
        assert any("超时" in n and "01_通报.docx" in n for n in r.notes)
        helper = int(pidfile.read_text())
        deadline = time.time() + 5
        while alive(helper) and time.time() < deadline:
            time.sleep(0.1)
        assert not alive(helper), "a LibreOffice helper process outlived the timeout"
    finally:
        if pidfile.exists():
            try:
                os.kill(int(pidfile.read_text()), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass


def test_move_blocked_by_an_open_folder_says_to_close_it(example_copy, tmp_path, monkeypatch):
    def blocked(*_a: object, **_k: object) -> None:
        raise PermissionError(13, "Access is denied")
    monkeypatch.setattr("pipeline.archive.store.os.rename", blocked)
    r = build(example_copy, tmp_path / "out")
    assert r.failed and "关闭" in r.message and "打开" in r.message
    assert list(entries(tmp_path / "out")) == []


def test_failed_forced_replace_keeps_the_old_build(make_ledger, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = build(make_ledger(name="a.xlsx"), out)
    before = {p.name: p.read_bytes() for p in first.folder.iterdir()}
    real_replace = os.replace

    def replace(src: object, dst: object) -> None:
        if Path(str(src)).name.startswith(TMP_PREFIX):
            raise PermissionError(13, "Access is denied")
        real_replace(src, dst)
    monkeypatch.setattr("pipeline.archive.store.os.replace", replace)
    r = build(make_ledger(_progress("新的进展。"), name="a.xlsx"), out, force=True)
    assert r.failed and "关闭" in r.message
    assert {p.name: p.read_bytes() for p in first.folder.iterdir()} == before
    assert sorted(p.name for p in entries(out)) == [first.folder.name]


def test_known_os_errors_are_said_in_chinese(tmp_path):
    from pipeline.archive.store import _describe_os_error
    message = _describe_os_error(OSError(errno.EIO, "Input/output error"), tmp_path / "out")
    assert "磁盘读写出错" in message and "Input/output" not in message
