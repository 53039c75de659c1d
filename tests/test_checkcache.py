"""The record of checked templates: a build skips the trial render only for templates that passed as they are."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TEMPLATES

from pipeline import api
from pipeline.documents import checkcache
from pipeline.documents import lint as templates
from pipeline.documents.registry import TEMPLATE_NAMES
from pipeline.errors import TemplateError


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "templates"
    shutil.copytree(TEMPLATES, target)
    return target


def count_lints(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = templates.lint

    def counting(directory: Path, contents: object = None) -> list:
        calls.append(Path(directory))
        return real(directory, contents)

    monkeypatch.setattr(templates, "lint", counting)
    return calls


def test_second_build_check_skips_the_trial_render(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_lints(monkeypatch)
    templates.require_valid(folder)
    templates.require_valid(folder)
    assert calls == [folder]


def test_edited_template_is_checked_again_and_refused(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_lints(monkeypatch)
    templates.require_valid(folder)
    # an unreadable template in place of a good one: another key, checked again, refused
    (folder / "任务清单.docx").write_bytes(b"not a docx")
    with pytest.raises(TemplateError):
        templates.require_valid(folder)
    with pytest.raises(TemplateError):
        templates.require_valid(folder)
    assert len(calls) == 3


def test_removed_optional_template_changes_the_key(folder: Path) -> None:
    before = checkcache.templates_key(folder, TEMPLATE_NAMES)
    (folder / "督办清单.docx").unlink()
    assert checkcache.templates_key(folder, TEMPLATE_NAMES) != before


def test_failed_check_is_not_remembered(folder: Path) -> None:
    (folder / "通报.docx").write_bytes(b"broken")
    with pytest.raises(TemplateError):
        templates.require_valid(folder)
    assert not checkcache.is_checked(checkcache.templates_key(folder, TEMPLATE_NAMES))


def test_templates_check_always_renders(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    templates.require_valid(folder)
    calls = count_lints(monkeypatch)
    api.check_templates(folder)
    api.check_templates(folder)
    assert calls == [folder, folder]


def test_unwritable_cache_only_means_checking_again(folder: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("RECTIFY_CACHE_DIR", str(blocker / "sub"))
    calls = count_lints(monkeypatch)
    templates.require_valid(folder)
    templates.require_valid(folder)
    assert len(calls) == 2
