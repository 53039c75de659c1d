"""Issue 19: nothing wrong is published silently — the 巡视 blank, builds that keep hand edits, history by
inspection, change reports, and the smaller slips a clerk new to the tool made."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import col_letter

from pipeline import api
from pipeline.ledger import schema
from pipeline.ledger.blank import blank_workbook


def _strings(wb: Any) -> list[tuple[str, str, str]]:
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    found.append((ws.title, c.coordinate, c.value))
                if c.comment is not None:
                    found.append((ws.title, c.coordinate, c.comment.text))
        for dv in ws.data_validations.dataValidation:
            found += [(ws.title, "DV", t) for t in (dv.prompt, dv.error, dv.promptTitle) if t]
    return found


def test_xunshi_blank_says_xunshi_everywhere_and_its_examples_are_a_province():
    wb = blank_workbook(schema.XUNSHI)
    kind_label = "巡视巡察"
    wrong = [(s, c, t) for s, c, t in _strings(wb) if ("巡察" in t or "市委" in t) and kind_label not in t
             and "只能填写：巡察、巡视" not in t and "（市、县党委开展）" not in t and t != "巡察、巡视"]
    assert wrong == []
    texts = [t for _, _, t in _strings(wb)]
    assert any("省委第一巡视组" in t for t in texts) and any("十二届省委第五轮巡视" in t for t in texts)
    closing = wb["正文"]
    assert any("对{巡视}整改落实情况进行监督" in (c.value or "") for c in closing["C"])


def test_every_prefilled_text_is_marked_or_worded_by_placeholder():
    for section, heading, text in schema.NARRATIVE_SKELETON:
        assert schema.REWRITE_MARK in text or ("巡察" not in text.replace("{巡察}", "") and "××" not in text), text


def test_xunshi_blank_filled_prints_xunshi_in_the_closing(tmp_path):
    from conftest import BASE, fill_workbook
    from helpers import build, texts
    import copy
    wb = blank_workbook(schema.XUNSHI)
    data = copy.deepcopy(BASE)
    data["info"].update(group="省委第一巡视组", round="十二届省委第五轮巡视", deployer="省委", kind="巡视")
    # the blank's own 正文 rows, with the 【请改写】 marks taken out as a clerk would after rewriting
    rows = list(wb["正文"].iter_rows(min_row=2, max_col=3, values_only=True))
    data["narrative"] = [dict(section=s, heading=h or "", text=(t or "").replace(schema.REWRITE_MARK, ""))
                         for s, h, t in rows if s]
    fill_workbook(wb, data)
    path = tmp_path / "巡视台账.xlsx"
    wb.save(path)
    result = build(path, tmp_path / "out")
    assert not result.failed, result.message
    notice = "".join(texts(result.folder / "01_通报.docx"))
    assert "欢迎广大干部群众对巡视整改落实情况进行监督" in notice and "巡察" not in notice
