"""The four documents as built by the whole pipeline: tables per group, numbering, escaping, status
sentence, internal-only problems, and Microsoft's validator."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from conftest import EXAMPLE, TEMPLATES, find_validator, tool_or_skip
from docx_read import texts
from pipeline import api
from pipeline.api import check_file

W_VMERGE = qn("w:vMerge")


def build_one(workbook: Path, out: Path) -> Path:
    (r,) = api.build_many([workbook], TEMPLATES, out)
    assert r.status == "written", (r.message, r.check and r.check.errors)
    return r.folder


def table_grid(path: Path) -> list[list[tuple[str, str | None]]]:
    """Body rows of the document's table: (text, vMerge value or None) per cell; header row dropped."""
    table = Document(str(path)).tables[0]
    rows = []
    for tr in table._tbl.tr_lst[1:]:
        cells = []
        for tc in tr.tc_lst:
            vm = tc.tcPr.find(W_VMERGE) if tc.tcPr is not None else None
            value = None if vm is None else (vm.get(qn("w:val")) or "continue")
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            cells.append((text, value))
        rows.append(cells)
    return rows


def merge_groups(rows: list[list[tuple[str, str | None]]], col: int) -> list[tuple[str, int]]:
    """(text, rows spanned) for each vertical merge group of one column."""
    groups: list[tuple[str, int]] = []
    for cells in rows:
        text, vm = cells[col]
        if vm == "continue":
            assert groups, "a merge continues before any restart"
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        else:
            assert vm == "restart", f"cell without vMerge in a grouped column: {text}"
            groups.append((text, 1))
    return groups


def expected_groups(keys: list[Any]) -> list[int]:
    sizes: list[int] = []
    for i, key in enumerate(keys):
        if i and keys[i - 1] == key:
            sizes[-1] += 1
        else:
            sizes.append(1)
    return sizes


@pytest.fixture(scope="module")
def example_build(tmp_path_factory) -> Path:
    return build_one(EXAMPLE, tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def ledger():
    return check_file(EXAMPLE).ledger


def test_problem_list_one_row_per_problem_merged_per_group(example_build, ledger):
    rows = table_grid(example_build / "02_问题清单.docx")
    assert len(rows) == len(ledger.problems)
    assert [int(r[0][0]) for r in rows] == list(range(1, len(rows) + 1))  # continuous 序号
    aspects = merge_groups(rows, 1)
    assert [n for _, n in aspects] == expected_groups([p.aspect for p in ledger.problems])
    assert [t for t, _ in aspects] == list(ledger.aspects)
    headings = merge_groups(rows, 2)
    assert [n for _, n in headings] == expected_groups([(p.aspect, p.heading) for p in ledger.problems])


def test_task_and_responsibility_lists_one_row_per_measure(example_build, ledger):
    order = [m for p in ledger.problems for m in ledger.measures_of(p.id)]
    for name, item_col in (("03_任务清单.docx", 2), ("04_责任清单.docx", 1)):
        rows = table_grid(example_build / name)
        assert len(rows) == len(ledger.measures), name
        assert [int(r[0][0]) for r in rows] == list(range(1, len(rows) + 1)), name
        groups = merge_groups(rows, item_col)
        assert [n for _, n in groups] == expected_groups([m.problem_id for m in order]), name
        actions = [r[item_col + 1][0] for r in rows]
        assert actions == [m.action for m in order], name


def test_special_characters_are_escaped_and_appear_literally(make_ledger, tmp_path):
    def change(d: dict[str, Any]) -> None:
        d["problems"][0]["progress"] = "A&B<C>D “引号” {{ x }} {% if %}"
        d["measures"][0]["action"] = "<w:p>&amp;"
    folder = build_one(make_ledger(change), tmp_path / "out")
    assert "A&B<C>D “引号” {{ x }} {% if %}" in texts(folder / "01_通报.docx")
    rows = table_grid(folder / "03_任务清单.docx")
    assert rows[0][3][0] == "<w:p>&amp;"


def test_status_sentence_tells_the_real_split(make_ledger, tmp_path):
    folder = build_one(make_ledger(lambda d: d["problems"][2].__setitem__("status", "正在推进")), tmp_path / "o")
    body = "".join(texts(folder / "01_通报.docx"))
    assert "反馈的3个具体问题中，已完成1个、取得阶段性成效1个、正在推进1个" in body
    assert "已全部整改完成" not in body
    folder = build_one(make_ledger(), tmp_path / "p")
    assert "反馈的3个具体问题已全部整改完成或取得阶段性成效" in "".join(texts(folder / "01_通报.docx"))


def test_internal_problems_only_in_checklists(make_ledger, tmp_path):
    def change(d: dict[str, Any]) -> None:
        d["problems"][1]["public"] = "否"
        d["problems"][1]["item"] = "内部掌握的问题"
    folder = build_one(make_ledger(change), tmp_path / "o")
    assert not any("内部掌握的问题" in t for t in texts(folder / "01_通报.docx"))
    assert any("内部掌握的问题" in c[0] for r in table_grid(folder / "02_问题清单.docx") for c in r)
    assert any("内部掌握的问题" in c[0] for r in table_grid(folder / "04_责任清单.docx") for c in r)


def test_halfwidth_punctuation_is_made_fullwidth_in_documents(make_ledger, tmp_path):
    folder = build_one(make_ledger(lambda d: d["problems"][0].__setitem__("progress", "学习,研讨;落实(整改)。")),
                       tmp_path / "o")
    assert "学习，研讨；落实（整改）。" in texts(folder / "01_通报.docx")


def test_built_documents_pass_the_open_xml_sdk_validator(example_build):
    validator = tool_or_skip(find_validator(), "ooxml-validator")
    for doc in sorted(example_build.glob("*.docx")):
        proc = subprocess.run([validator, str(doc)], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"{doc.name}: {proc.stdout[:2000]}"


def test_document_properties_come_from_the_ledger_not_the_clock(example_build):
    import zipfile
    for doc in sorted(example_build.glob("*.docx")):
        core = zipfile.ZipFile(doc).read("docProps/core.xml").decode("utf-8")
        assert "<dc:creator>中共东营市总工会党组</dc:creator>" in core, doc.name
        assert '<dcterms:created xsi:type="dcterms:W3CDTF">2024-12-20T00:00:00Z</dcterms:created>' in core
        assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2024-12-20T00:00:00Z</dcterms:modified>' in core
        assert "<dc:title>中共东营市总工会党组关于市委第一巡察组反馈意见集中整改进展情况的通报</dc:title>" in core


def test_narrative_figures_are_computed_from_this_ledger(make_ledger, tmp_path):
    """The small test ledger (2 aspects, 3 problems, 3 measures, 1 document) prints its own figures."""
    def change(d: dict[str, Any]) -> None:
        d["narrative"][2]["text"] = "制定{措施数}项措施，制度文件{制度文件数}项，已完成{已完成数}个。"
    body = "".join(texts(build_one(make_ledger(change), tmp_path / "o") / "01_通报.docx"))
    assert "共指出2个方面、3个具体问题。" in body
    assert "制定3项措施，制度文件1项，已完成2个。" in body


def test_page_setup_of_built_documents(example_build):
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm
    notice = Document(str(example_build / "01_通报.docx")).sections[0]
    assert (round(notice.page_width.mm), round(notice.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (notice.top_margin, notice.bottom_margin, notice.left_margin,
                                  notice.right_margin)] == [37, 35, 28, 26]
    for name in ("02_问题清单.docx", "03_任务清单.docx", "04_责任清单.docx"):
        sec = Document(str(example_build / name)).sections[0]
        assert sec.orientation == WD_ORIENT.LANDSCAPE and sec.page_width > sec.page_height, name
        text_width = sec.page_width - sec.left_margin - sec.right_margin
        assert abs(text_width - Mm(225)) < Mm(1), name


def test_windows_line_breaks_in_cells_become_paragraphs(make_ledger, tmp_path):
    folder = build_one(make_ledger(lambda d: d["problems"][0].__setitem__("progress", "第一段。\r\n第二段。\r第三段。")),
                       tmp_path / "o")
    paras = texts(folder / "01_通报.docx")
    i = paras.index("第一段。")
    assert paras[i:i + 3] == ["第一段。", "第二段。", "第三段。"]
    assert not any("\r" in p for p in paras)
