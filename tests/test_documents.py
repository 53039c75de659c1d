"""The four documents as built by the whole pipeline: tables per group, numbering, escaping, status
sentence, internal-only problems, and Microsoft's validator."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, TEMPLATES, find_validator, tool_or_skip
from docx import Document
from docx.oxml.ns import qn
from helpers import texts

from pipeline import api
from pipeline.api import check_file

W_VMERGE = qn("w:vMerge")


def build_one(workbook: Path, out: Path) -> Path:
    (r,) = api.build_many([workbook], TEMPLATES, out)
    assert r.status == "written", (r.message, r.check and r.check.errors)
    return r.folder


def table_grid(path: Path) -> list[list[tuple[str, str | None]]]:
    """Body rows of the document's tables (one a page): (text, vMerge value or None) per cell; each
    table's header row dropped."""
    rows = []
    for tr in [tr for table in Document(str(path)).tables for tr in table._tbl.tr_lst[1:]]:
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


def page_starts(path: Path) -> list[int]:
    """Index (among all body rows) of the first row of each table after the first."""
    starts, n = [], 0
    for table in Document(str(path)).tables:
        starts.append(n)
        n += len(table._tbl.tr_lst) - 1
    return starts[1:]


def merged_runs(keys: list[Any], starts: list[int]) -> list[int]:
    """Sizes of the merged cells for these group keys: a new one where the key changes or a page starts."""
    sizes: list[int] = []
    for i, key in enumerate(keys):
        if i and keys[i - 1] == key and i not in starts:
            sizes[-1] += 1
        else:
            sizes.append(1)
    return sizes


def test_task_list_one_row_per_measure_grouped_by_problem(example_build, ledger):
    order = [m for p in ledger.problems for m in ledger.measures_of(p.id)]
    path = example_build / "03_任务清单.docx"
    rows = table_grid(path)
    assert len(rows) == len(ledger.measures)
    assert [int(r[0][0]) for r in rows] == list(range(1, len(rows) + 1))
    starts = page_starts(path)
    assert starts, "the example's 任务清单 runs over several pages"
    groups = merge_groups(rows, 2)
    assert [n for _, n in groups] == merged_runs([m.problem_id for m in order], starts)
    assert [r[3][0] for r in rows] == [m.action for m in order]
    assert [r[7][0] for r in rows] == [m.status for m in order]  # the measure's status


def test_responsibility_list_grouped_by_leader_then_department(example_build, ledger):
    """Who answers for what: rows by 责任领导 (first appearance), then 责任部室（单位）, merged per group."""
    path = example_build / "04_责任清单.docx"
    rows = table_grid(path)
    assert len(rows) == len(ledger.measures)
    assert [int(r[0][0]) for r in rows] == list(range(1, len(rows) + 1))
    order = [m for p in ledger.problems for m in ledger.measures_of(p.id)]
    leaders = list(dict.fromkeys(m.leader for m in order))
    departments = list(dict.fromkeys(m.department for m in order))
    expected = sorted(order, key=lambda m: (leaders.index(m.leader), departments.index(m.department)))
    # 任务号 (issue 19): each row names its measure's 序号 in the 任务清单
    from pipeline.api import task_numbers
    numbers = task_numbers(ledger)
    assert [r[3][0] for r in rows] == [str(numbers[m.id]) for m in expected]
    assert [r[4][0] for r in rows] == [m.action for m in expected]
    starts = page_starts(path)
    assert [n for _, n in merge_groups(rows, 1)] == merged_runs([m.leader for m in expected], starts)
    assert [n for _, n in merge_groups(rows, 2)] == merged_runs(
        [(m.leader, m.department) for m in expected], starts)
    # every merged cell shows its label, on every page (line breaks between words allowed)
    labels = [t for t, _ in merge_groups(rows, 1)]
    assert all(labels) and set(labels) == set(leaders)
    assert [r[7][0] for r in rows] == [m.status for m in expected]


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
    assert any("内部掌握的问题" in c[0] for r in table_grid(folder / "03_任务清单.docx") for c in r)


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
    # each document carries its own title
    titles = {
        "01_通报.docx": "中共东营市总工会党组关于市委第一巡察组反馈意见集中整改进展情况的通报",
        "02_问题清单.docx": "市委第一巡察组反馈意见整改问题清单",
        "03_任务清单.docx": "市委第一巡察组反馈意见整改任务清单",
        "04_责任清单.docx": "市委第一巡察组反馈意见整改责任清单",
    }
    for name, title in titles.items():
        core = zipfile.ZipFile(example_build / name).read("docProps/core.xml").decode("utf-8")
        assert f"<dc:title>{title}</dc:title>" in core, name


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


def test_a_short_notice_s_record_on_its_last_page_and_a_notice_without_one_on_page_one(make_ledger, tmp_path):
    """A short notice's body ends on page 2 with room: its 版记 goes into that page, aligned to the bottom of
    the text block (GB/T 9704 7.5; the other cases on rendered pages: test_notice_end)."""
    import zipfile

    def with_record(d: dict[str, Any]) -> None:
        d["info"].update(cc="市委巡察办", printer="办公室")
    plain = zipfile.ZipFile(build_one(make_ledger(), tmp_path / "a") / "01_通报.docx").read("word/document.xml")
    record = zipfile.ZipFile(build_one(make_ledger(with_record), tmp_path / "b") / "01_通报.docx").read(
        "word/document.xml")
    assert plain.count(b"<w:sectPr") == 1 and b'w:val="evenPage"' not in plain
    assert record.count(b"<w:sectPr") == 1 and b'w:val="evenPage"' not in record
    assert "抄送：市委巡察办。".encode() in record and b"<wp:align>bottom</wp:align>" in record


def test_checklists_carry_attachment_labels_when_asked(make_ledger, tmp_path):
    folder = build_one(make_ledger(lambda d: d["info"].__setitem__("attachments", "是")), tmp_path / "a")
    for n, name in enumerate(("02_问题清单.docx", "03_任务清单.docx", "04_责任清单.docx"), start=1):
        assert texts(folder / name)[:2] == [f"附件{n}", f"市委第一巡察组反馈意见整改{name[3:7]}"], name
    plain = build_one(make_ledger(), tmp_path / "b")
    assert texts(plain / "02_问题清单.docx")[0] == "市委第一巡察组反馈意见整改问题清单"
