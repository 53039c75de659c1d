"""Near-duplicate names: a 方面, 问题, 责任领导 or 责任部室 written two ways is a warning at the later cell."""

from __future__ import annotations

import random
from typing import Any

import pytest
from conftest import EXAMPLE, ROOT, col_letter

from pipeline.api import check_file
from pipeline.ledger.similar import bounded_distance, candidate_pairs, person, similar

ASPECT = "关于落实全面从严治党战略部署方面"


def _near(result: Any) -> list[tuple[str, str, str]]:
    return [(f.sheet, f.cell, f.message) for f in result.findings if f.code == "near-duplicate"]


def _problems(d: dict[str, Any], aspects: list[str], headings: list[str]) -> None:
    d["problems"] = [
        {"id": str(i + 1), "aspect": a, "heading": h, "item": f"具体问题{i + 1}", "progress": "已经整改。",
         "status": "已完成", "public": "是"}
        for i, (a, h) in enumerate(zip(aspects, headings))
    ]
    d["measures"] = [dict(d["measures"][0], id=str(i + 1), problem_id=str(i + 1)) for i in range(len(aspects))]


def test_aspect_with_one_extra_word_is_asked_about_at_its_cell(make_ledger, tmp_path):
    typo = "关于落实全面从严治党战略部署情况方面"
    ledger = make_ledger(lambda d: _problems(d, [ASPECT, ASPECT, typo, "关于乙方面"], ["甲问题", "甲问题", "乙问题", "丙问题"]))
    result = check_file(ledger)
    col = col_letter("problems", "aspect")
    ((sheet, cell, message),) = _near(result)
    assert (sheet, cell) == ("问题", f"{col}4")
    assert f"与 {col}2 的“{ASPECT}”只差两个字（多“情况”）" in message
    assert "是同一个方面吗" in message and "“情况”" in message
    assert result.ok  # a warning: the clerk decides
    # and what the notice would print without the fix: a fourth 方面 — the reason for the warning
    assert result.ledger.counts.aspects == 3


def test_problem_heading_with_an_extra_de_is_asked_about(make_ledger):
    a, b = "廉政风险防控不力问题", "廉政风险防控不力的问题"
    result = check_file(make_ledger(lambda d: _problems(d, [ASPECT] * 3, [a, a, b])))
    col = col_letter("problems", "heading")
    ((sheet, cell, message),) = _near(result)
    assert (sheet, cell) == ("问题", f"{col}4")
    assert "只差一个字（多一个“的”）" in message and "是同一个问题吗" in message


def test_same_heading_in_two_aspects_is_not_compared(make_ledger):
    a, b = "廉政风险防控不力问题", "廉政风险防控不力的问题"
    result = check_file(make_ledger(lambda d: _problems(d, [ASPECT, "关于乙方面"], [a, b])))
    assert _near(result) == []


def test_leader_with_and_without_title_and_department_typo(make_ledger):
    def change(d: dict[str, Any]) -> None:
        d["measures"][0]["leader"] = "党组书记、局长张明华"
        d["measures"][1]["leader"] = "张明华（党组书记、局长）"
        d["measures"][0]["department"] = "机关党委办公室"
        d["measures"][2]["department"] = "机关党委办公厅"
    result = check_file(make_ledger(change))
    hits = {(cell, message) for _, cell, message in _near(result)}
    leader, dept = col_letter("measures", "leader"), col_letter("measures", "department")
    (lmsg,) = [m for c, m in hits if c == f"{leader}3"]
    assert "同一位领导（张明华）" in lmsg and f"{leader}2" in lmsg
    (dmsg,) = [m for c, m in hits if c == f"{dept}4"]
    assert "“机关党委办公厅”与" in dmsg and "分成两组" in dmsg


@pytest.mark.parametrize("a, b", [
    ("党组书记", "党组副书记"), ("党委书记", "纪委书记"), ("第一纪检监察室", "第二纪检监察室"),
    ("关于第1个方面的问题方面", "关于第12个方面的问题方面"), ("人事科", "人事处"),
    ("党组成员、副主席", "党组成员、副主席（分管财务）"), ("分管副局长", "分管副院长"),
])
def test_names_meant_to_differ_are_not_asked_about(a, b):
    assert similar(a, b, 6) == 0
    assert person(a) == "" or person(a) != person(b)


def test_no_near_duplicate_on_any_shipped_ledger(tmp_path):
    import sys
    sys.path.insert(0, str(ROOT / "bench"))
    from synth import write_synth
    ledgers = [EXAMPLE, *sorted((ROOT / "examples").glob("*.xlsx")), write_synth(tmp_path / "s.xlsx", 1000)]
    for path in ledgers:
        assert _near(check_file(path)) == [], path


def _naive(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def test_bounded_distance_and_candidate_pairs_agree_with_brute_force():
    rng = random.Random(7)
    alphabet = "关于落实党的问题方面整改"
    names = []
    for _ in range(300):
        base = "".join(rng.choice(alphabet) for _ in range(rng.randint(3, 14)))
        names.append(base)
        for _ in range(rng.randint(0, 2)):  # a variant with one or two edits
            s = list(base)
            pos = rng.randrange(len(s))
            op = rng.choice("isd")
            if op == "i":
                s.insert(pos, rng.choice(alphabet))
            elif op == "s":
                s[pos] = rng.choice(alphabet)
            elif len(s) > 1:
                del s[pos]
            names.append("".join(s))
    names = list(dict.fromkeys(names))
    for a, b in zip(names, names[1:]):
        for limit in (1, 2):
            assert bounded_distance(a, b, limit) == min(_naive(a, b), limit + 1)
    found = set(candidate_pairs(names))
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            a, b = names[i], names[j]
            if min(len(a), len(b)) >= 4 and _naive(a, b) <= (2 if min(len(a), len(b)) >= 10 else 1):
                assert (i, j) in found, (a, b)


def test_typed_number_in_a_merged_aspect_block_is_one_warning_at_its_first_cell(make_ledger):
    col = col_letter("problems", "aspect")

    def edit(wb: Any) -> None:
        ws = wb["问题"]
        ws[f"{col}2"] = "（一）关于甲方面"
        ws[f"{col}3"] = None
        ws.merge_cells(f"{col}2:{col}3")
    result = check_file(make_ledger(edit=edit))
    typed = [f.cell for f in result.findings if f.code == "typed-numbering"]
    assert typed == [f"{col}2"]
    assert result.ledger.problems[1].aspect == "关于甲方面"


# -- status words the clerk typed ---------------------------------------------------------------------------------

def _aliases(d: dict[str, Any]) -> None:
    d["info"]["show_status"] = "是"
    d["problems"][1]["status"] = "基本完成"
    d["measures"][1]["status"] = "推进中"
    d["measures"].extend(dict(d["measures"][1], id=str(i)) for i in (4, 5))


def test_status_alias_is_noted_once_at_its_first_cell_and_summarised(make_ledger):
    result = check_file(make_ledger(_aliases))
    assert result.ok
    notes = {(f.sheet, f.cell): f.message for f in result.findings if f.code == "status-alias"}
    pcol, mcol = col_letter("problems", "status"), col_letter("measures", "status")
    assert set(notes) == {("问题", f"{pcol}3"), ("措施", f"{mcol}3")}
    assert "“基本完成”按固定的状态“取得阶段性成效”统计" in notes[("问题", f"{pcol}3")]
    assert f"另有 2 处同样的写法（{mcol}5、{mcol}6）" in notes[("措施", f"{mcol}3")]
    assert "〔状态照写〕" in notes[("措施", f"{mcol}3")]
    assert result.ledger.problems[1].status == "取得阶段性成效"


def test_own_status_words_are_printed_when_chosen(make_ledger, tmp_path):
    from helpers import build, texts

    def own(d: dict[str, Any]) -> None:
        _aliases(d)
        d["info"]["own_status_words"] = "是"
    for change, shown in ((_aliases, "整改状态：取得阶段性成效。"), (own, "整改状态：基本完成。")):
        result = build(make_ledger(change), tmp_path / shown)
        notice = texts(result.folder / "01_通报.docx")
        assert shown in notice
        tasks = "".join(texts(result.folder / "03_任务清单.docx"))
        cells = _table_text(result.folder / "03_任务清单.docx")
        assert ("推进中" in cells) == (change is own), tasks


def _table_text(path):
    from docx import Document
    return [c.text.replace("\n", "") for t in Document(str(path)).tables for r in t.rows for c in r.cells]
