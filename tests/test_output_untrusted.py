"""The output folder and the cache are not trusted: files there are read and written only as regular files
of their own; the index never holds a formula; a template error that depends on data names its tag."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date
from pathlib import Path

import pytest
from conftest import TEMPLATES

from pipeline.archive.manifest import _cell, _cell_value, append_index, builds_of
from pipeline.errors import TemplateError
from pipeline.fsutil import NotRegularFile, cache_dir, open_append_plain, read_plain

posix = pytest.mark.skipif(os.name == "nt", reason="FIFOs, devices and ownership are POSIX here")


@posix
@pytest.mark.parametrize("make,kind", [
    (lambda p, t: p.symlink_to(t), "符号链接"),
    (lambda p, t: os.mkfifo(p), "命名管道"),
    (lambda p, t: os.link(t, p), "硬链接"),
    (lambda p, t: p.mkdir(), "文件夹"),
])
def test_only_regular_files_of_their_own_are_opened(tmp_path, make, kind):
    target = tmp_path / "victim.txt"
    target.write_text("victim\n", "utf-8")
    path = tmp_path / "生成记录.csv"
    make(path, target)
    for opener in (lambda: open_append_plain(path), lambda: read_plain(path, 1000)):
        with pytest.raises(NotRegularFile) as info:
            opener()
        assert kind in info.value.kind
    assert target.read_text("utf-8") == "victim\n"


@posix
def test_a_device_or_a_large_file_is_never_read_whole(tmp_path):
    with pytest.raises(NotRegularFile):
        read_plain("/dev/zero", 1000)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(OSError):
        read_plain(big, 1000)
    assert read_plain(big, 2000) == b"x" * 2000


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_index_cells_never_start_a_formula(text, tmp_path):
    assert _cell(text) == "'" + text and _cell_value(_cell(text)) == text
    append_index(tmp_path, tmp_path / text.strip(), text + ".xlsx", "2024-08-27", "新建", text, "2024-09-01 10:00:00")
    import csv
    with open(tmp_path / "生成记录.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][2] == "'" + text + ".xlsx" and rows[1][5] == "'" + text
    assert _cell("整改") == "整改" and _cell("2024-08-27") == "2024-08-27"


@posix
def test_a_linked_manifest_or_folder_is_not_a_previous_build(tmp_path):
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a" / "manifest.json").symlink_to("/dev/zero")
    real = tmp_path / "elsewhere"
    real.mkdir()
    (real / "manifest.json").write_text('{"输入": {"文件名": "台账.xlsx"}}', "utf-8")
    (out / "b").symlink_to(real, target_is_directory=True)
    assert builds_of(out, "台账.xlsx") == []
    (out / "c").mkdir()
    (out / "c" / "manifest.json").write_text('{"输入": {"文件名": "台账.xlsx"}}', "utf-8")
    assert builds_of(out, "台账.xlsx") == [out / "c"]


def test_no_home_means_no_cache(monkeypatch, tmp_path):
    from pipeline.documents import checkcache

    for name in ("RECTIFY_CACHE_DIR", "XDG_CACHE_HOME", "HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: (_ for _ in ()).throw(RuntimeError("no home"))))
    with pytest.raises(OSError):
        cache_dir()
    assert checkcache.is_checked("k") is False
    checkcache.remember("k")  # nothing to write to: no error either


@posix
def test_a_cache_entry_of_someone_else_or_too_deep_is_ignored(monkeypatch, tmp_path):
    from pipeline.documents import checkcache

    monkeypatch.setenv("RECTIFY_CACHE_DIR", str(tmp_path))
    entry = tmp_path / checkcache.FILE_NAME
    entry.write_text('["k"]', "utf-8")
    assert checkcache.is_checked("k")
    if os.getuid() == 0:
        os.chown(entry, 12345, -1)
        assert not checkcache.is_checked("k")
    entry.unlink()
    entry.write_text("[" * 50000 + "]" * 50000, "utf-8")
    assert not checkcache.is_checked("k")


def test_a_data_dependent_template_error_names_the_template_and_tag(tmp_path):
    from pipeline.documents.lint import render_checked, trial_contexts
    from pipeline.documents.render import DocProperties

    source = TEMPLATES / "通报.docx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(buffer, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"{{ title }}", b"{{ 100 // (title|length - 5) }}", 1)
            zout.writestr(item, data)
    path = tmp_path / "通报.docx"
    path.write_bytes(buffer.getvalue())
    context = dict(trial_contexts()["通报.docx"])
    props = DocProperties("t", "a", date(2024, 1, 1))
    context["title"] = "六个字的标题"
    render_checked(path, context, props)  # the sample data renders
    context["title"] = "五个字标题"  # this ledger's does not
    with pytest.raises(TemplateError) as info:
        render_checked(path, context, props)
    assert "通报.docx" in info.value.message and "{{ 100 // (title|length - 5) }}" in info.value.message
    assert "ZeroDivisionError" in info.value.message
