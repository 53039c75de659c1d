"""`rectify templates check` and `templates init`: an edited template is checked before it is used."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from conftest import EXAMPLE, TEMPLATES
from helpers import run

from pipeline import api


def edited_templates(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of the shipped templates with one text replaced inside `name`'s document.xml."""
    def replace_once(text: str) -> str:
        assert old in text, f"{old!r} not in {name}"
        return text.replace(old, new, 1)
    return edited_document(tmp_path, name, replace_once)


def edited_document(tmp_path: Path, name: str, edit: Callable[[str], str]) -> Path:
    """A copy of the shipped templates with `name`'s document.xml passed through `edit`."""
    folder = tmp_path / "tpl"
    shutil.copytree(TEMPLATES, folder)
    path = folder / name
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    src.close()
    path.write_bytes(out.getvalue())
    return folder


def test_shipped_templates_pass(capsys):
    code, out, _ = run(["templates", "check", str(TEMPLATES)], capsys)
    assert code == 0 and "检查通过" in out


@pytest.mark.parametrize("name, old, new, code, words", [
    ("通报.docx", "{{ title }}", "{{ titel }}", "template-unknown-variable", "titel"),
    ("通报.docx", "{{ title }}", "{% if title %}{{ title }}", "template-syntax", "endif"),
    ("通报.docx", "{{ title }}", "｛｛ title ｝｝", "template-fullwidth-tag", "｛｛"),
    ("问题清单.docx", "{{ r.item", "{{ r.itme", "template-render", "itme"),
    ("通报.docx", "{{ title }}", "{{ title | nosuchfilter }}", "template-syntax", "nosuchfilter"),
])
def test_broken_templates_are_reported_with_name_and_place(tmp_path, capsys, name, old, new, code, words):
    folder = edited_templates(tmp_path, name, old, new)
    findings = api.check_templates(folder)
    assert [(f.code, f.sheet) for f in findings] == [(code, name)], findings
    assert words in findings[0].message
    # Jinja's English detail is kept, inside a Chinese explanation
    assert any("\u4e00" <= ch <= "\u9fff" for ch in findings[0].message.split(words)[0])
    exit_code, out, err = run(["templates", "check", str(folder)], capsys)
    assert exit_code == 1 and f"【{name}】" in out and "Traceback" not in out + err
    assert "程序内部错误" not in out + err
    # build refuses to use it and writes nothing
    exit_code, out, err = run(["build", "-t", str(folder), "-o", str(tmp_path / "out"), str(EXAMPLE)], capsys)
    assert exit_code == 1 and name in err and "程序内部错误" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_missing_and_unreadable_templates(tmp_path):
    folder = tmp_path / "tpl"
    shutil.copytree(TEMPLATES, folder)
    (folder / "任务清单.docx").unlink()
    (folder / "责任清单.docx").write_bytes(b"not a docx")
    codes = {(f.code, f.sheet) for f in api.check_templates(folder)}
    assert codes == {("template-missing", "任务清单.docx"), ("template-unreadable", "责任清单.docx")}


def test_templates_init_writes_defaults_and_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "我的模板"
    code, out, _ = run(["templates", "init", str(target)], capsys)
    assert code == 0
    for name in ("通报.docx", "问题清单.docx", "任务清单.docx", "责任清单.docx"):
        assert (target / name).read_bytes() == (TEMPLATES / name).read_bytes()
    (target / "通报.docx").write_bytes(b"office edit")
    code, _, err = run(["templates", "init", str(target)], capsys)
    assert code == 1 and "不会覆盖" in err
    assert (target / "通报.docx").read_bytes() == b"office edit"


def test_render_failure_during_build_is_explained_in_chinese(monkeypatch):
    """A template that passes the lint but fails on the real ledger: Chinese message, Jinja's detail kept."""
    from datetime import date

    from jinja2 import UndefinedError

    from pipeline.documents import lint as templates
    from pipeline.documents.render import DocProperties
    from pipeline.errors import TemplateError

    def broken(*_a: object, **_k: object) -> bytes:
        raise UndefinedError("'dict object' has no attribute 'itme'")
    monkeypatch.setattr(templates, "render_docx", broken)
    with pytest.raises(TemplateError) as info:
        templates.render_checked(TEMPLATES / "通报.docx", {}, DocProperties("t", "a", date(2024, 1, 1)))
    message = info.value.message
    assert "通报.docx" in message and "itme" in message and "变量" in message


def test_missing_template_folder_is_one_error_naming_the_folder(tmp_path, capsys):
    missing = tmp_path / "不存在的文件夹"
    code, out, err = run(["templates", "check", str(missing)], capsys)
    assert code == 1 and "Traceback" not in out + err
    assert len((out + err).strip().splitlines()) == 1 and "找不到模板" not in out + err
    assert f"模板文件夹“{missing}”不存在" in err
    assert f"rectify templates init {missing}" in err  # the suggested command works as typed
    # build -t with the same folder: the same single error, nothing written
    code, out, err = run(["build", "-t", str(missing), "-o", str(tmp_path / "out"), str(EXAMPLE)], capsys)
    assert code == 1 and "模板有" not in err and "找不到模板" not in err and str(missing) in err
    assert not (tmp_path / "out").exists()


def test_template_folder_that_is_a_file(tmp_path, capsys):
    blocker = tmp_path / "tpl"
    blocker.write_text("x", encoding="utf-8")
    code, out, err = run(["templates", "check", str(blocker)], capsys)
    assert code == 1 and "不是文件夹" in err and "找不到模板" not in out + err


def test_suggested_init_command_quotes_a_folder_with_spaces(tmp_path):
    from pipeline.errors import UsageError
    with pytest.raises(UsageError) as info:
        api.check_templates(tmp_path / "my templates")
    assert f'rectify templates init "{tmp_path / "my templates"}"' in info.value.message


def test_check_without_templates_folder_says_builtin_templates_were_checked(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["templates", "check"], capsys)
    assert code == 0 and "内置默认模板" in out and "检查通过" in out
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    code, out, _ = run(["templates", "check"], capsys)
    assert code == 0 and "内置" not in out and "检查通过" in out


def test_trial_render_takes_every_branch_of_the_notice_template():
    """Every (kind, style, lead style) the shipped notice template branches on occurs in the trial context."""
    from pipeline.documents.lint import trial_contexts

    blocks = trial_contexts()["通报.docx"]["blocks"]
    headings = {b["style"] for b in blocks if b["kind"] == "heading"}
    leads = {b["lead_style"] for b in blocks if b["kind"] == "paragraph" and b["lead"]}
    assert headings >= {"h1", "h2", "h3", "h4", "line"}
    assert leads >= {"kai", "bold", "hei", "plain"}
    assert any(b["kind"] == "paragraph" and not b["lead"] for b in blocks)


def test_a_typo_in_a_rarely_used_branch_is_caught(tmp_path):
    """A misspelt field in the h4 branch (used only by some numbering schemes) fails the check, not a build."""
    def misspell_in_h4_branch(text: str) -> str:
        marker = "b.style == 'h4'"
        head, _, tail = text.partition(marker)
        assert tail, "the h4 branch is in the template"
        # the first {{ b.text }} after the h4 test belongs to the h4 paragraph
        return head + marker + tail.replace("{{ b.text }}", "{{ b.txet }}", 1)

    folder = edited_document(tmp_path, "通报.docx", misspell_in_h4_branch)
    findings = api.check_templates(folder)
    assert [f.code for f in findings] == ["template-render"] and "txet" in findings[0].message


def test_an_office_folder_from_before_the_overdue_list_still_builds(tmp_path, capsys):
    """A template folder made by an earlier release (no 督办清单.docx): check warns, build uses the built-in one."""
    folder = tmp_path / "tpl"
    shutil.copytree(TEMPLATES, folder)
    (folder / "督办清单.docx").unlink()
    findings = api.check_templates(folder)
    assert [(f.level, f.code, f.sheet) for f in findings] == [("warning", "template-optional-missing", "督办清单.docx")]
    code, out, _ = run(["templates", "check", str(folder)], capsys)
    assert code == 0 and "督办清单.docx" in out and "内置的默认模板" in out
    (result,) = api.build_many([EXAMPLE], folder, tmp_path / "out")
    assert result.status == "written", result.message
    assert (result.folder / "05_督办清单.docx").is_file()
    assert not (folder / "督办清单.docx").exists()  # the office's folder is left as it was
