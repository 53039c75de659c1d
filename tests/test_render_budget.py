"""One render time budget for a whole run: the templates' trial render and every document of every
workbook spend from it (each render still has its own bound), so many slow templates in a row, each
within its own bound, cannot run a build on without end."""

from __future__ import annotations

import pytest
from hostile import make

from pipeline import api
from pipeline.documents import sandbox
from pipeline.errors import PipelineError

# Legal (under MAX_ITERATIONS) and slow: some tenths of a second a render on any machine.
SLOW = "{% for i in range(900000) %}{% endfor %}{{ title }}"


def _slow_templates(folder):
    make.templates(folder, "通报.docx", make.tag_in_body(SLOW))
    make.rezip(folder / "问题清单.docx", make.tag_in_body(SLOW, "问题清单.docx"))
    return folder


def test_the_budget_is_spent_across_every_workbook_of_a_run(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_BUILD_SECONDS", 1.0)
    tpl = _slow_templates(tmp_path / "tpl")
    ledgers = [make.ledger(tmp_path / "in" / f"台账{i}.xlsx") for i in range(6)]
    results = api.build_many(ledgers, tpl, tmp_path / "out")
    failed = [r for r in results if r.failed]
    # Each workbook renders in well under a second (its own budget, before, let every one build); together
    # they spend the run's second: the later ones are refused, saying why.
    assert failed, [r.status for r in results]
    assert all("本次运行中各文档的模板生成合计超过 1 秒" in r.message for r in failed), failed[0].message
    assert all("分批生成" in r.message for r in failed)
    assert [r.failed for r in results] == sorted(r.failed for r in results)  # once spent, spent


def test_the_trial_render_spends_from_the_same_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_BUILD_SECONDS", 0.05)
    tpl = _slow_templates(tmp_path / "tpl")
    with pytest.raises(PipelineError) as info:
        api.build_many([make.ledger(tmp_path / "in" / "台账.xlsx")], tpl, tmp_path / "out")
    assert "通报.docx" in info.value.message and "合计超过 0.05 秒" in info.value.message


def test_time_outside_renders_is_not_spent():
    with sandbox.render_budget(10.0) as budget:
        import time
        time.sleep(0.2)  # reading ledgers, writing files, converting PDFs
        assert budget.remaining == 10.0
        sandbox.RenderSandbox().from_string("{% for i in range(10) %}{% endfor %}x").render()
        assert 9.0 < budget.remaining < 10.0
        with sandbox.render_budget() as inner:  # a build's own block inside the run's: the same budget
            assert inner is budget
