"""The numbering scheme object and the outline's blocks (pipeline.ledger.numbering, pipeline.notice.outline)."""

from __future__ import annotations

import pytest

from pipeline.api import check_file
from pipeline.ledger.numbering import SCHEMES, Level, NumberingScheme, label
from pipeline.notice.outline import build_outline


@pytest.mark.parametrize("text, pattern", [
    ("", "一、/（一）/1./一是"),
    ("标准", "一、/（一）/1./一是"),
    ("无方面", "一、/无/1./一是"),
    ("四级标题", "一、/（一）/1./（1）"),
    ("（一）起首", "（一）/无/1.段首/一是段首"),
    ("(一)起首", "（一）/无/1.段首/一是段首"),  # typed with half-width brackets
    ("一、／（一）／（1）／①段首", "一、/（一）/（1）/①段首"),
    ("一、/-/1./一是", "一、/无/1./一是"),
])
def test_scheme_by_name_or_pattern(text, pattern):
    assert NumberingScheme.parse(text).pattern == pattern


@pytest.mark.parametrize("text, words", [
    ("按文件", "既不是"), ("一、/（一）/甲/一是", "第三级"), ("一、/（一）/无/一是", "不能为“无”"), ("一、/（一）", "四级"),
])
def test_bad_scheme_says_what_is_wrong(text, words):
    with pytest.raises(ValueError, match=words):
        NumberingScheme.parse(text)


@pytest.mark.parametrize("marker, n, shown", [
    ("一、", 11, "十一、"), ("（一）", 2, "（二）"), ("1.", 10, "10."), ("（1）", 3, "（3）"), ("一是", 12, "十二是"),
    ("①", 2, "②"), ("①", 21, "（21）"), ("", 5, ""),
])
def test_labels(marker, n, shown):
    assert label(marker, n) == shown


def test_presets_are_documented_patterns():
    from pipeline.ledger.numbering import SCHEME_DOCS
    for name, scheme in SCHEMES.items():
        assert scheme.pattern == SCHEME_DOCS[name][0] and scheme.name == name


def test_narrative_heading_level_follows_the_section_marker():
    assert NumberingScheme.parse("标准").sub == "（一）"
    assert NumberingScheme.parse("（一）起首").sub == "1."
    assert Level("1.", True).pattern() == "1.段首"


def test_blocks_keep_level_label_text_and_status_apart(make_ledger):
    ledger = check_file(make_ledger(lambda d: d["info"].update(numbering="四级标题"))).ledger
    blocks = build_outline(ledger)
    item = next(b for b in blocks if b.role == "item")
    assert (item.kind, item.label, item.text, item.style, item.status) == (
        "heading", "（1）", "具体问题一。", "h4", "已完成")
    problem = next(b for b in blocks if b.role == "problem")
    assert (problem.label, problem.text, problem.level) == ("1.", "甲问题", 3)
    progress = [b for b in blocks if b.role == "progress"]
    assert [b.status for b in progress] == ["已完成", "取得阶段性成效", "已完成"]
    runin = next(b for b in blocks if b.lead)
    assert (runin.lead_label, runin.lead, runin.lead_style, runin.full_text[:8]) == (
        "（一）", "加强领导。", "kai", "（一）加强领导。")
    sections = [b.full_text for b in blocks if b.role == "section"]
    assert sections == ["一、整改工作基本情况", "二、市委巡察组反馈意见整改落实进展情况", "三、今后整改工作打算"]


def test_internal_problems_are_not_in_the_notice(make_ledger):
    ledger = check_file(make_ledger(lambda d: d["problems"][2].update(public="否"))).ledger
    texts = [b.full_text for b in build_outline(ledger)]
    assert "1.乙问题" not in texts and "（二）关于乙方面" not in texts


def test_readme_documents_every_placeholder_scheme_and_example():
    """README is the office's reference: it names every placeholder, numbering scheme and example ledger."""
    from conftest import ROOT

    from pipeline.ledger.placeholders import REGISTRY

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for ph in REGISTRY:
        assert "{" + ph.name + "}" in readme, ph.name
    for name, scheme in SCHEMES.items():
        assert name in readme and scheme.pattern in readme, name
    for path in sorted((ROOT / "examples").glob("*.xlsx")):
        assert f"examples/{path.name}" in readme, path.name
