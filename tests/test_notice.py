"""The notice built from the example ledger reproduces the published notice."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, SEED, TEMPLATES, require_tools
from helpers import east_asian_font, font_size_pt, paragraphs, texts

from pipeline import api
from pipeline.text.punct import fold_for_compare

EXPECTED = ROOT / "tests" / "expected" / "通报.txt"


def fold(text: str) -> str:
    """Fold full-width punctuation (and nested book-title marks) and drop white space."""
    return fold_for_compare(text).replace("〈", "<").replace("〉", ">")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    (result,) = api.build_many([EXAMPLE], TEMPLATES, out)
    assert result.status == "written", result.message
    return result.folder


def test_every_seed_line_is_a_paragraph_in_order(built):
    if not SEED.is_file():  # ../shared/ is beside the checkout in CI and in development
        if require_tools():
            pytest.fail(f"{SEED} is missing")
        pytest.skip("../shared/seed is not beside this checkout")
    generated = [fold(t) for t in texts(built / "01_通报.docx")]
    seed = [fold(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    pos = 0
    for line in seed:
        assert line in generated[pos:], f"missing or out of order: {line[:40]}"
        pos = generated.index(line, pos) + 1


def test_notice_matches_golden_text(built):
    generated = "\n".join(t.replace("\n", "⏎") for t in texts(built / "01_通报.docx")) + "\n"
    assert generated == EXPECTED.read_text(encoding="utf-8")


def test_notice_figures_come_from_the_ledger(built):
    body = "".join(texts(built / "01_通报.docx"))
    assert "共指出4个方面、32个具体问题" in body
    assert "研究制定73项整改措施" in body
    assert "反馈的32个具体问题已全部整改完成或取得阶段性成效" in body
    assert "共制定或修订制度文件11项" in body
    assert "{" not in body and "}" not in body


def test_heading_levels_have_their_fonts(built):
    paras = [p for p in paragraphs(built / "01_通报.docx") if p.text.strip()]
    by_text = {p.text: p for p in paras}
    title = paras[0]
    assert east_asian_font(title) == "方正小标宋简体" and font_size_pt(title) == 22
    assert east_asian_font(by_text["一、整改工作基本情况"]) == "黑体"
    level2 = next(p for p in paras if p.text.startswith("（一）关于聚焦"))
    assert east_asian_font(level2) == "楷体_GB2312"
    level3 = next(p for p in paras if p.text.startswith("1.学习贯彻"))
    assert east_asian_font(level3) == "仿宋_GB2312"
    body = next(p for p in paras if p.text.startswith("完善学习内容"))
    assert east_asian_font(body) == "仿宋_GB2312" and font_size_pt(body) == 16
    runin = next(p for p in paras if p.text.startswith("（一）提高政治站位"))
    assert east_asian_font(runin, 0) == "楷体_GB2312" and east_asian_font(runin, 1) == "仿宋_GB2312"
    for p in paras:
        assert font_size_pt(p) in (16, 22), p.text[:20]
