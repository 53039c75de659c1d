"""Tests for pipeline/documents/builder/: the shipped templates, their format, and what they render."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from conftest import EXAMPLE, find_validator, tool_or_skip
from docx import Document
from docx.enum.section import WD_ORIENT
from lxml import etree

from pipeline import api
from pipeline.documents import notice as documents_notice
from pipeline.documents import registry
from pipeline.documents.builder.build import build_templates, default_directory
from pipeline.documents.builder.checklist import column_widths
from pipeline.documents.builder.gbt import CHECKLIST_PAGE, mm
from pipeline.documents.layout import CHECKLISTS
from pipeline.documents.registry import TEMPLATE_NAMES
from pipeline.documents.render import DocProperties, GroupMergeTemplate, jinja_env, render_docx

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W_NS}
CHECKLIST_NAMES = tuple(c.file_name for c in CHECKLISTS)
PROPS = DocProperties(title="测试", author="测试", when=date(2024, 12, 20))


def w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


# ------------------------------------------------------------------------------------------------
# fixtures
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("templates")
    build_templates(directory)
    return directory


@pytest.fixture(scope="module")
def notice_context() -> dict:
    """The real context of the example ledger, with text that must print literally (& < >) and a 版记."""
    from dataclasses import replace

    from pipeline.api import check_file

    ledger = check_file(EXAMPLE).ledger
    info = replace(ledger.inspection, cc="市委巡察办，市委第一巡察组", printer="中共东营市总工会办公室",
                   printed=date(2024, 12, 20))
    problems = list(ledger.problems)
    problems[0] = replace(problems[0], progress=(
        *problems[0].progress, "严格执行学习考勤 & 补学制度：缺学<2次的当月补学，缺学>2次的向党组书面说明。"))
    narrative = [replace(p, text=p.text + "（工作日<9:00—17:00> & 节假日）") if p.section == "结束语" else p
                 for p in ledger.narrative]
    return documents_notice.notice_context(replace(ledger, inspection=info, problems=tuple(problems),
                                          narrative=tuple(narrative)))


@pytest.fixture(scope="module")
def checklist_contexts() -> dict:
    """The real contexts of the example ledger's checklists, with text that must print literally (& < >),
    dated so that the 督办清单 has measures overdue and due soon."""
    from dataclasses import replace

    from pipeline.api import check_file

    ledger = check_file(EXAMPLE).ledger
    problems = list(ledger.problems)
    problems[1] = replace(problems[1], item=problems[1].item + "（学习<规定次数 & 未研究落实措施>）")
    measures = list(ledger.measures)
    measures[0] = replace(measures[0], action="严格执行学习考勤 & 补学制度：缺学<2次的当月补学，缺学>2次的向党组书面说明。")
    ledger = replace(ledger, problems=tuple(problems), measures=tuple(measures))
    contexts = {name: registry.document_context(ledger, name) for name in CHECKLIST_NAMES}
    # The 督办清单 of a later day on which every dated measure is still open: overdue, due soon, several pages.
    later = replace(ledger, inspection=replace(ledger.inspection, issued=date(2025, 12, 15)),
                    measures=tuple(replace(m, status="正在推进") if m.deadline else m for m in measures))
    contexts["督办清单.docx"] = registry.document_context(later, "督办清单.docx")
    return contexts


@pytest.fixture(scope="module")
def rendered_notice(built, notice_context) -> bytes:
    return render_docx(built / "通报.docx", notice_context, PROPS)


@pytest.fixture(scope="module")
def rendered_checklists(built, checklist_contexts) -> dict[str, bytes]:
    return {name: render_docx(built / name, checklist_contexts[name], PROPS) for name in CHECKLIST_NAMES}


def part(docx_bytes: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        return etree.fromstring(z.read(name))


def parts(docx_bytes: bytes, pattern: str) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if re.fullmatch(pattern, n)}


def text_of(element) -> str:
    return "".join(element.itertext())


def paragraph_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(w("t")))


def style_by_name(styles_root, name: str):
    found = styles_root.xpath("w:style[w:name/@w:val=$n]", namespaces=NS, n=name)
    assert found, f"style {name} missing"
    return found[0]


# ------------------------------------------------------------------------------------------------
# the committed templates are what the builder makes, every time
# ------------------------------------------------------------------------------------------------


def test_template_names_and_paths(tmp_path):
    assert TEMPLATE_NAMES == (
        "通报.docx",
        "问题清单.docx",
        "任务清单.docx",
        "责任清单.docx",
        "督办清单.docx",
        "党内通报.docx",
        "整改方案.docx",
        "整改情况报告.docx",
        "主要负责人报告.docx",
        "销号表.docx",
        "整改台账汇总表.docx",
    )
    paths = build_templates(tmp_path / "new")
    assert [p.name for p in paths] == list(TEMPLATE_NAMES)
    assert all(p.is_file() for p in paths)
    assert default_directory() == TEMPLATES


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_committed_template_equals_builder_output(built, name):
    committed = TEMPLATES / name
    assert committed.is_file(), f"{committed} missing: run python -m pipeline.documents.builder"
    with zipfile.ZipFile(committed) as a, zipfile.ZipFile(built / name) as b:
        assert a.namelist() == b.namelist()
        for member in a.namelist():
            assert a.read(member) == b.read(member), f"{name}:{member} differs from build_templates()"
    assert committed.read_bytes() == (built / name).read_bytes()


def test_build_twice_gives_identical_bytes(tmp_path):
    first = build_templates(tmp_path / "a")
    second = build_templates(tmp_path / "b")
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_core_properties_are_fixed(built):
    for name in TEMPLATE_NAMES:
        core = Document(str(built / name)).core_properties
        assert core.created.year == 2024 and core.modified == core.created
        assert core.author == "rectify"


# ------------------------------------------------------------------------------------------------
# page setup
# ------------------------------------------------------------------------------------------------


def twips(length) -> int:
    return round(length / 635)  # python-docx lengths are EMU; 1 twip = 635 EMU


def test_notice_page_setup(built):
    doc = Document(str(built / "通报.docx"))
    for section in doc.sections:
        assert section.orientation == WD_ORIENT.PORTRAIT
        assert (twips(section.page_width), twips(section.page_height)) == (11906, 16838)
        assert twips(section.top_margin) == mm(37)
        assert twips(section.bottom_margin) == mm(35)
        assert twips(section.left_margin) == mm(28)
        assert twips(section.right_margin) == mm(26)
        # text block 156 × 225 mm
        width = twips(section.page_width) - twips(section.left_margin) - twips(section.right_margin)
        height = twips(section.page_height) - twips(section.top_margin) - twips(section.bottom_margin)
        assert abs(width - mm(156)) <= 1 and abs(height - mm(225)) <= 1


@pytest.mark.parametrize("name", CHECKLIST_NAMES)
def test_checklist_page_setup(built, name):
    doc = Document(str(built / name))
    (section,) = doc.sections
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (twips(section.page_width), twips(section.page_height)) == (16838, 11906)
    assert twips(section.top_margin) == mm(28)
    assert twips(section.bottom_margin) == mm(26)
    assert twips(section.left_margin) == mm(37)
    assert twips(section.right_margin) == mm(35)


# ------------------------------------------------------------------------------------------------
# styles
# ------------------------------------------------------------------------------------------------

# name: (East Asian font, size in half-points, bold)
EXPECTED_STYLES = {
    "公文正文": ("仿宋_GB2312", 32, False),
    "公文标题": ("方正小标宋简体", 44, False),
    "一级标题": ("黑体", 32, False),
    "二级标题": ("楷体_GB2312", 32, False),
    "三级标题": ("仿宋_GB2312", 32, True),
    "段首标题楷体": ("楷体_GB2312", 32, False),
    "段首标题加粗": ("仿宋_GB2312", 32, True),
    "落款": ("仿宋_GB2312", 32, False),
    "成文日期": ("仿宋_GB2312", 32, False),
    "版记": ("仿宋_GB2312", 28, False),
    "页码": ("宋体", 28, False),
    "表格标题": ("方正小标宋简体", 36, False),
    "表格署名": ("仿宋_GB2312", 28, False),
    "表头": ("黑体", 21, False),  # 五号 (10.5 pt)
    "表格正文": ("仿宋_GB2312", 21, False),
    "表格正文居中": ("仿宋_GB2312", 21, False),
    "结束语": ("仿宋_GB2312", 32, False),
    "附件标注": ("黑体", 32, False),  # 3号黑体 (GB/T 9704 7.3.7 附件 label)
    "发文机关标志": ("方正小标宋简体", 72, False),  # 小初, red
    "发文字号": ("仿宋_GB2312", 32, False),
}
RED_STYLES = {"发文机关标志"}  # the 版头's mark; its rule is the 发文字号's bottom border


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_styles_fonts_sizes_language(built, name):
    styles = part((built / name).read_bytes(), "word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:rFonts", NS).get(w("eastAsia")) == "仿宋_GB2312"
    assert defaults.find("w:rFonts", NS).get(w("ascii")) == "Times New Roman"
    assert defaults.find("w:sz", NS).get(w("val")) == "32"
    assert defaults.find("w:lang", NS).get(w("eastAsia")) == "zh-CN"
    assert defaults.find("w:color", NS).get(w("val")) == "000000"
    for style_name, (east_asia, size, bold) in EXPECTED_STYLES.items():
        rpr = style_by_name(styles, style_name).find("w:rPr", NS)
        fonts = rpr.find("w:rFonts", NS)
        assert fonts.get(w("eastAsia")) == east_asia, style_name
        if style_name != "页码":
            assert fonts.get(w("ascii")) == fonts.get(w("hAnsi")) == "Times New Roman", style_name
        assert rpr.find("w:sz", NS).get(w("val")) == str(size), style_name
        assert (rpr.find("w:b", NS) is not None) == bold, style_name
        assert rpr.find("w:lang", NS).get(w("eastAsia")) == "zh-CN", style_name
        expected_color = "FF3333" if style_name in RED_STYLES else "000000"
        assert rpr.find("w:color", NS).get(w("val")) == expected_color, style_name
    # nothing coloured left over from python-docx's default template (its headings are blue); the
    # 版头's red only where it belongs
    for color in styles.iter(w("color")):
        assert color.get(w("val")) in ("000000", "auto", "FF3333")
    reds = {s.find("w:name", NS).get(w("val")) for s in styles.findall("w:style", NS)
            if any(c.get(w("val")) == "FF3333" for c in s.iter(w("color")))}
    assert reds == RED_STYLES
    rule = style_by_name(styles, "发文字号").find("w:pPr/w:pBdr/w:bottom", NS)
    assert rule.get(w("color")) == "FF3333" and rule.get(w("space")) == "11"  # 4 mm below the 发文字号


def test_body_line_pitch_indent_and_28_characters(built):
    notice = (built / "通报.docx").read_bytes()
    styles = part(notice, "word/styles.xml")
    for name in ("公文正文", "一级标题", "二级标题", "三级标题"):
        ppr = style_by_name(styles, name).find("w:pPr", NS)
        spacing = ppr.find("w:spacing", NS)
        assert spacing.get(w("line")) == "579" and spacing.get(w("lineRule")) == "exact", name
        assert spacing.get(w("before")) == spacing.get(w("after")) == "0", name
        ind = ppr.find("w:ind", NS)
        assert ind.get(w("firstLineChars")) == "200" and ind.get(w("firstLine")) == "640", name
        assert ppr.find("w:jc", NS).get(w("val")) == "both", name
    title = style_by_name(styles, "公文标题").find("w:pPr", NS)
    assert title.find("w:jc", NS).get(w("val")) == "center"
    assert title.find("w:ind", NS).get(w("firstLineChars")) == "0"

    doc = Document(io.BytesIO(notice))
    section = doc.sections[0]
    grid = section._sectPr.find(w("docGrid"))
    assert grid.get(w("linePitch")) == "579"
    text_height = twips(section.page_height) - twips(section.top_margin) - twips(section.bottom_margin)
    text_width = twips(section.page_width) - twips(section.left_margin) - twips(section.right_margin)
    assert 22 * 579 <= text_height < 23 * 579  # 22 lines a page
    # 28 characters of 16 pt plus the body's character spacing fit one line, 29 do not
    spacing = int(style_by_name(styles, "公文正文").find("w:rPr/w:spacing", NS).get(w("val")))
    pitch = 16 * 20 + spacing  # twips per character
    assert 28 * pitch <= text_width < 29 * pitch


def test_checklist_table_styles_exact_line_height(built):
    """One exact line height (the page layout estimate's, checklist_layout.CELL_LINE) in Word and
    LibreOffice alike, whatever font stands in for 仿宋."""
    from pipeline.documents.layout import CELL_LINE

    styles = part((built / "问题清单.docx").read_bytes(), "word/styles.xml")
    for name in ("表头", "表格正文", "表格正文居中"):
        spacing = style_by_name(styles, name).find("w:pPr/w:spacing", NS)
        assert spacing.get(w("line")) == str(round(CELL_LINE * 20)) and spacing.get(w("lineRule")) == "exact", name
    assert style_by_name(styles, "表头").find("w:pPr/w:jc", NS).get(w("val")) == "center"
    table_style = style_by_name(styles, "清单表格")
    assert table_style.find("w:tcPr/w:vAlign", NS).get(w("val")) == "center"
    borders = table_style.find("w:tblPr/w:tblBorders", NS)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        assert borders.find(f"w:{side}", NS).get(w("val")) == "single", side


# ------------------------------------------------------------------------------------------------
# footers and page numbers
# ------------------------------------------------------------------------------------------------


def footer_parts_by_type(docx_bytes: bytes) -> list[dict[str, etree._Element]]:
    """For each section: {"default": footer root, "even": footer root}."""
    document = part(docx_bytes, "word/document.xml")
    rels = part(docx_bytes, "word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    footers = parts(docx_bytes, r"word/footer\d+\.xml")
    result = []
    for sect_pr in document.iter(w("sectPr")):
        refs = {}
        for ref in sect_pr.findall("w:footerReference", NS):
            rid = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            refs[ref.get(w("type"))] = footers["word/" + targets[rid]]
        result.append(refs)
    return result


def assert_page_number_paragraph(footer, odd: bool):
    paragraph = footer.findall("w:p", NS)[-1]  # the page number is the footer's last paragraph
    instr = "".join(t.text for t in paragraph.iter(w("instrText")))
    kinds = [f.get(w("fldCharType")) for f in paragraph.iter(w("fldChar"))]
    simple = [f.get(w("instr")) for f in paragraph.iter(w("fldSimple"))]
    assert (instr.strip() == "PAGE" and kinds == ["begin", "separate", "end"]) or (
        simple and simple[0].strip() == "PAGE"
    )
    text = paragraph_text(paragraph)
    assert text.startswith("\u2014 ") and text.endswith(" \u2014")
    jc = paragraph.find("w:pPr/w:jc", NS).get(w("val"))
    ind = paragraph.find("w:pPr/w:ind", NS)
    if odd:
        assert jc == "right" and ind.get(w("right")) == "280" and ind.get(w("rightChars")) == "100"
    else:
        assert jc == "left" and ind.get(w("left")) == "280" and ind.get(w("leftChars")) == "100"
    style = paragraph.find("w:pPr/w:pStyle", NS).get(w("val"))
    assert style == "GwPageNumber"


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_footers_page_field_odd_even(built, name):
    data = (built / name).read_bytes()
    settings = part(data, "word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    sections = footer_parts_by_type(data)
    assert sections
    for refs in sections:
        assert set(refs) == {"default", "even"}
        assert_page_number_paragraph(refs["default"], odd=True)
        assert_page_number_paragraph(refs["even"], odd=False)


def test_page_numbers_in_rendered_documents(rendered_notice, rendered_checklists):
    for data in [rendered_notice, *rendered_checklists.values()]:
        for refs in footer_parts_by_type(data):
            assert_page_number_paragraph(refs["default"], odd=True)
            assert_page_number_paragraph(refs["even"], odd=False)


# ------------------------------------------------------------------------------------------------
# checklist tables
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("checklist", CHECKLISTS, ids=lambda c: c.file_name)
def test_checklist_table_structure(built, checklist):
    data = (built / checklist.file_name).read_bytes()
    body = part(data, "word/document.xml").find("w:body", NS)
    (table,) = body.findall("w:tbl", NS)
    tbl_pr = table.find("w:tblPr", NS)
    assert tbl_pr.find("w:tblLayout", NS).get(w("type")) == "fixed"
    assert tbl_pr.find("w:tblW", NS).get(w("w")) == str(mm(297) - mm(37) - mm(35))
    widths = [int(c.get(w("w"))) for c in table.findall("w:tblGrid/w:gridCol", NS)]
    assert sum(widths) == 16838 - mm(37) - mm(35)
    rows = table.findall("w:tr", NS)
    assert len(rows) == 4  # header, {%tr for %}, body row, {%tr endfor %}
    header, _, body_row, _ = rows
    assert header.find("w:trPr/w:tblHeader", NS) is not None
    assert header.find("w:trPr/w:cantSplit", NS) is not None
    assert body_row.find("w:trPr/w:cantSplit", NS) is not None
    assert [paragraph_text(tc) for tc in header.findall("w:tc", NS)] == [c.header for c in checklist.columns]
    for tc in header.findall("w:tc", NS):
        assert tc.find("w:p/w:pPr/w:pStyle", NS).get(w("val")) == "TableHeader"
    for tc, column in zip(body_row.findall("w:tc", NS), checklist.columns):
        style = tc.find("w:p/w:pPr/w:pStyle", NS).get(w("val"))
        assert style == ("TableBodyCenter" if column.centred else "TableBody")
    # every header and body cell: its width, then vertically centred (render.py puts a merged cell's
    # w:vMerge between the two)
    for row in (header, body_row):
        for tc in row.findall("w:tc", NS):
            tc_pr = tc.find("w:tcPr", NS)
            assert [child.tag for child in tc_pr] == [w("tcW"), w("vAlign")]
            assert tc_pr.find("w:vAlign", NS).get(w("val")) == "center"
    assert checklist.columns[0].header == "序号" and checklist.columns[0].centred


# Column widths in mm, balanced for the example ledger's content (see CHECKLISTS in the builder).
EXPECTED_WIDTHS_MM = {
    "问题清单.docx": {"序号": 11, "方面": 46, "问题": 64, "具体问题": 73, "整改状态": 31},
    "任务清单.docx": {"序号": 11, "问题": 24, "具体问题": 26, "整改措施": 48, "整改目标": 26, "完成时限": 34,
                  "完成情况": 34, "整改状态": 22},
    # 任务号: the measure's number in the 任务清单 (issue 19), taken from the widest column
    "责任清单.docx": {"序号": 11, "责任领导": 30, "责任部室（单位）": 33, "任务号": 15, "整改措施": 58,
                  "配合单位": 22, "完成时限": 34, "整改状态": 22},
    "督办清单.docx": {"序号": 11, "责任部室（单位）": 33, "责任领导": 30, "任务号": 15, "整改措施": 47,
                  "具体问题": 33, "完成时限": 34, "督办情况": 22},
}


@pytest.mark.parametrize("checklist", CHECKLISTS, ids=lambda c: c.file_name)
def test_checklist_column_widths_fill_the_text_block(built, checklist):
    assert {c.header: c.width_mm for c in checklist.columns} == EXPECTED_WIDTHS_MM[checklist.file_name]
    assert sum(c.width_mm for c in checklist.columns) == 225  # the text block, exactly
    text_width = CHECKLIST_PAGE.text_width
    assert text_width == mm(225) == 16838 - mm(37) - mm(35)
    expected = column_widths(checklist.columns, text_width)
    assert sum(expected) == text_width
    assert all(abs(width - mm(c.width_mm)) <= 1 for width, c in zip(expected, checklist.columns))
    table = part((built / checklist.file_name).read_bytes(), "word/document.xml").find("w:body/w:tbl", NS)
    grid = [int(c.get(w("w"))) for c in table.findall("w:tblGrid/w:gridCol", NS)]
    assert tuple(grid) == expected
    for row in table.findall("w:tr", NS):
        cells = [int(tc.find("w:tcPr/w:tcW", NS).get(w("w"))) for tc in row.findall("w:tc", NS)]
        assert tuple(cells) == expected
        assert all(tc.find("w:tcPr/w:tcW", NS).get(w("type")) == "dxa" for tc in row.findall("w:tc", NS))


def line_width_pt(text: str, size: float) -> float:
    """A rough line width: Chinese characters one em, digits half an em, plus a quarter em of
    automatic spacing between digits and Chinese (Word and LibreOffice)."""
    width = sum(0.5 if ch.isascii() else 1.0 for ch in text)
    width += 0.25 * len(re.findall(r"(?<=[0-9])(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])(?=[0-9])", text))
    return width * size


def column_text_width_pt(width_mm: float) -> float:
    return (width_mm - 3) * 72 / 25.4  # 1.5 mm cell padding each side (清单表格)


@pytest.mark.parametrize(
    "name, header, one_line, breaks",
    [
        # (fits on one line, does not): the usual fixed-form values of the example ledger
        ("问题清单.docx", "整改状态", "取得阶段性成效", None),
        ("任务清单.docx", "完成时限", "2024年11月30日", None),  # a whole date, never broken
        ("任务清单.docx", "完成时限", "2024年12月31日", None),
        ("责任清单.docx", "完成时限", "2024年12月15日", None),
        ("任务清单.docx", "整改状态", "长期坚持", None),
        ("任务清单.docx", "整改状态", "阶段性成效", "取得阶段性成效"),  # checklists.wrap_name: 取得 / 阶段性成效
        ("责任清单.docx", "整改状态", "阶段性成效", "取得阶段性成效"),
        ("责任清单.docx", "责任领导", "党组书记、主席", "党组成员、副主席"),  # wrap_name: after 、
        ("责任清单.docx", "责任部室（单位）", "劳动和经济工作部", None),
        ("责任清单.docx", "配合单位", "宣传教育部", None),
        ("任务清单.docx", "序号", "序号", None),
    ],
)
def test_checklist_columns_hold_their_usual_values(name, header, one_line, breaks):
    (column,) = [c for c in next(c for c in CHECKLISTS if c.file_name == name).columns if c.header == header]
    room = column_text_width_pt(column.width_mm)
    assert line_width_pt(one_line, 10.5) <= room - 1, (header, one_line)  # a point to spare
    if breaks:
        assert line_width_pt(breaks, 10.5) > room + 1, (header, breaks)


@pytest.mark.parametrize("checklist", CHECKLISTS, ids=lambda c: c.file_name)
def test_checklist_headers_on_one_line(checklist):
    for column in checklist.columns:
        assert line_width_pt(column.header, 10.5) <= column_text_width_pt(column.width_mm), column.header


def test_checklist_cells_are_wuhao(built):
    """Body and header cells 五号 (10.5 pt), header 黑体 no smaller than the body, single spacing."""
    for name in CHECKLIST_NAMES:
        data = (built / name).read_bytes()
        styles = part(data, "word/styles.xml")
        size = {n: int(style_by_name(styles, n).find("w:rPr/w:sz", NS).get(w("val")))
                for n in ("表头", "表格正文", "表格正文居中")}
        assert size["表格正文"] == size["表格正文居中"] == 21
        assert size["表格正文"] <= size["表头"] <= 24
        # the cells use the styles, without direct run sizes
        table = part(data, "word/document.xml").find("w:body/w:tbl", NS)
        assert not table.findall(".//w:r/w:rPr/w:sz", NS)


# what each checklist merges: column header → the group key (fields whose change starts a group)
MERGES = {
    "问题清单.docx": {"方面": ("aspect",), "问题": ("aspect", "heading")},
    "任务清单.docx": {"问题": ("aspect", "heading"), "具体问题": ("aspect", "heading", "problem_id")},
    "责任清单.docx": {"责任领导": ("leader",), "责任部室（单位）": ("leader", "department")},
    "督办清单.docx": {"责任部室（单位）": ("department",)},
}
FLAG = {("aspect",): "aspect_first", ("aspect", "heading"): "heading_first",
        ("aspect", "heading", "problem_id"): "item_first", ("leader",): "leader_first",
        ("leader", "department"): "department_first", ("department",): "unit_first"}
FIELD = {"方面": "aspect", "问题": "heading", "具体问题": "item_text", "责任领导": "leader",
         "责任部室（单位）": "department"}


def tables(docx_bytes: bytes):
    return part(docx_bytes, "word/document.xml").find("w:body", NS).findall("w:tbl", NS)


def table_rows(docx_bytes: bytes):
    """The rows of all the document's tables (one a page), each table's header row dropped but the
    first table's."""
    found = tables(docx_bytes)
    return [found[0].findall("w:tr", NS)[0]] + [tr for t in found for tr in t.findall("w:tr", NS)[1:]]


def vmerge_of(tc) -> str | None:
    node = tc.find("w:tcPr/w:vMerge", NS)
    if node is None:
        return None
    return node.get(w("val"), "continue")


@pytest.mark.parametrize("name", CHECKLIST_NAMES)
def test_rendered_checklist_rows_and_merges(rendered_checklists, checklist_contexts, name):
    """One table a page; in each, a merge restarts where its group starts or where the page starts,
    and the restarting cell shows the group's label: a group continuing on a new page is labelled."""
    context = checklist_contexts[name]
    pages = context["pages"]
    found = tables(rendered_checklists[name])
    assert len(found) == len(pages) >= 2
    assert [r["no"] for p in pages for r in p["rows"]] == list(range(1, len(context["rows"]) + 1))
    continued = 0
    for table, page in zip(found, pages):
        rows = table.findall("w:tr", NS)
        fixture_rows = page["rows"]
        assert len(rows) == len(fixture_rows) + 1  # one table row per fixture row + the header
        headers = [paragraph_text(tc) for tc in rows[0].findall("w:tc", NS)]
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
        numbers = [paragraph_text(r.findall("w:tc", NS)[0]) for r in rows[1:]]
        assert numbers == [str(r["no"]) for r in fixture_rows]  # continuous 序号
        for column, key in MERGES[name].items():
            index = headers.index(column)
            states = [vmerge_of(r.findall("w:tc", NS)[index]) for r in rows[1:]]
            # groups from the values (a new group starts where the key changes, and on a new page) …
            starts = [i == 0 or tuple(fixture_rows[i][k] for k in key) != tuple(fixture_rows[i - 1][k] for k in key)
                      for i in range(len(fixture_rows))]
            # … agree with the fixture's *_first flags …
            assert starts == [bool(r[FLAG[key]]) for r in fixture_rows], f"fixture flags for {column}"
            # … and the table restarts a merge exactly there and continues it everywhere else
            assert states == ["restart" if s else "continue" for s in starts], column
            for row, state, data in zip(rows[1:], states, fixture_rows):
                text = paragraph_text(row.findall("w:tc", NS)[index])
                assert text == (data[FIELD[column]].replace("\n", "") if state == "restart" else ""), column
        for i, header in enumerate(headers):
            if header not in MERGES[name]:
                assert all(vmerge_of(r.findall("w:tc", NS)[i]) is None for r in rows[1:]), header
        first = fixture_rows[0]
        previous = context["rows"][first["no"] - 2] if first["no"] > 1 else None
        if previous is not None and all(previous[k] == first[k] for k in list(MERGES[name].values())[0]):
            continued += 1  # this page starts inside a group of the page before: labelled again (above)
    assert continued >= 1, "the fixture has no group running over a page"


@pytest.mark.parametrize("name", CHECKLIST_NAMES)
def test_rendered_cells_centred_vertically(rendered_checklists, name):
    """Every cell, merged group cells included, carries vAlign=center, after vMerge (schema order)."""
    for table in tables(rendered_checklists[name]):
        rows = table.findall("w:tr", NS)
        headers = [paragraph_text(tc) for tc in rows[0].findall("w:tc", NS)]
        for row in rows:
            for header, tc in zip(headers, row.findall("w:tc", NS)):
                tc_pr = tc.find("w:tcPr", NS)
                tags = [etree.QName(child).localname for child in tc_pr]
                assert tc_pr.find("w:vAlign", NS).get(w("val")) == "center", header
                if row is not rows[0] and header in MERGES[name]:
                    assert tags == ["tcW", "vMerge", "vAlign"], header
                else:
                    assert tags == ["tcW", "vAlign"], header


def test_rendered_checklists_several_groups_and_pages(checklist_contexts):
    # the fixture covers what the templates must handle
    measures = checklist_contexts["任务清单.docx"]["rows"]
    assert len(measures) >= 40
    assert any(r["item"] == "" for r in measures)  # a problem without specific problems
    per_item = {}
    for r in measures:
        per_item.setdefault((r["aspect"], r["heading"], r["item"]), 0)
        per_item[(r["aspect"], r["heading"], r["item"])] += 1
    assert max(per_item.values()) >= 2  # several measures for one specific problem
    assert len({r["aspect"] for r in checklist_contexts["问题清单.docx"]["rows"]}) >= 2


def test_empty_item_shows_heading(rendered_checklists, checklist_contexts):
    context = checklist_contexts["任务清单.docx"]
    rows = table_rows(rendered_checklists["任务清单.docx"])
    assert any(data["item"] == "" for data in context["rows"])
    for row, data in zip(rows[1:], context["rows"]):
        if data["item"] == "" and data["item_first"]:
            assert paragraph_text(row.findall("w:tc", NS)[2]) == data["heading"]


# The example ledger (72 measures) on landscape pages, LibreOffice → PDF: at 小四 with the earlier
# widths 任务清单 took 20 pages and 责任清单 10; 五号 and the balanced widths gave 12 and 8; with the
# 状态 column, whole dates and a new table a page (groups labelled again) 14 and 8.
MAX_PAGES = {"02_问题清单.pdf": 2, "03_任务清单.pdf": 15, "04_责任清单.pdf": 9}


def test_example_checklists_page_counts(built, tmp_path):
    from pipeline.archive.pdf import find_soffice

    tool_or_skip(find_soffice(), "LibreOffice")
    pdfinfo = tool_or_skip(__import__("shutil").which("pdfinfo"), "poppler-utils (pdfinfo)")
    (result,) = api.build_many([EXAMPLE], built, tmp_path, pdf=True)
    assert result.status == "written", result.notes
    for name, most in MAX_PAGES.items():
        info = subprocess.run([pdfinfo, str(result.folder / name)], capture_output=True, text=True, check=True)
        pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
        assert 2 <= pages <= most, (name, pages)  # at least 2: the header row repeats (test_pages)


# ------------------------------------------------------------------------------------------------
# rendered notice
# ------------------------------------------------------------------------------------------------


def body_paragraphs(docx_bytes: bytes):
    body = part(docx_bytes, "word/document.xml").find("w:body", NS)
    return body.findall("w:p", NS)


def style_of(p) -> str | None:
    node = p.find("w:pPr/w:pStyle", NS)
    return None if node is None else node.get(w("val"))


BLOCK_STYLE = {"h1": "GwHeading1", "h2": "GwHeading2", "h3": "GwHeading3", "h4": "GwHeading4", "line": "GwBody"}


def test_rendered_notice_structure(rendered_notice, notice_context):
    paragraphs = body_paragraphs(rendered_notice)
    title = paragraphs[0]
    assert style_of(title) == "GwTitle"
    assert paragraph_text(title) == notice_context["title"].replace("\n", "")
    assert len(title.findall(".//w:br", NS)) == notice_context["title"].count("\n")  # breaks, one paragraph
    blocks = notice_context["blocks"]
    # one paragraph per block, in the style its kind and level call for
    expected = [(BLOCK_STYLE[b["style"]] if b["kind"] == "heading" else "GwBody", b["full_text"]) for b in blocks]
    # the closing (last block) is kept with the signature
    assert blocks[-1]["section"] == "closing"
    expected[-1] = ("GwClosing", blocks[-1]["full_text"])
    got = [(style_of(p), paragraph_text(p)) for p in paragraphs[1:1 + len(blocks)]]
    assert got == expected
    rest = [(style_of(p), paragraph_text(p)) for p in paragraphs[1 + len(blocks):]]
    # the blank line above the signature is a 落款 paragraph (kept with it)
    assert rest[:3] == [("GwSignature", ""), ("GwSignature", notice_context["signature"]),
                        ("GwDate", notice_context["date"])]
    # the older keys say the same as the blocks (offices' templates written before blocks use them)
    h = {s: [t for st, t in got if st == s] for s in BLOCK_STYLE.values()}
    assert h["GwHeading1"] == list(notice_context["headings"].values())
    assert h["GwHeading2"] == [a["heading"] for a in notice_context["aspects"]]
    assert h["GwHeading3"] == [pr["heading"] for a in notice_context["aspects"] for pr in a["problems"]]
    assert got[0][1] == notice_context["intro"]


def test_rendered_notice_run_in_labels(rendered_notice, notice_context):
    paragraphs = body_paragraphs(rendered_notice)
    runs_by_style: dict[str, list[str]] = {}
    for p in paragraphs:
        for r in p.findall("w:r", NS):
            style = r.find("w:rPr/w:rStyle", NS)
            if style is not None:
                runs_by_style.setdefault(style.get(w("val")), []).append(paragraph_text(r))
    leads = {style: [b["lead_label"] + b["lead"] for b in notice_context["blocks"] if b["lead_style"] == style]
             for style in ("kai", "bold")}
    assert runs_by_style["GwRunInKai"] == leads["kai"] == [b["label"] for b in notice_context["basic"] if b["label"]]
    assert runs_by_style["GwRunInBold"] == leads["bold"] == [b["label"] for b in notice_context["plans"] if b["label"]]
    assert leads["kai"][0] == "（一）提高政治站位，加强组织领导。"


def test_rendered_text_is_literal(rendered_notice, rendered_checklists, notice_context):
    for data in [rendered_notice, *rendered_checklists.values()]:
        for name, root in parts(data, r"word/(document|footer\d+)\.xml").items():
            text = text_of(root)
            assert "{{" not in text and "{%" not in text and "vmerge" not in text, name
        text = text_of(part(data, "word/document.xml"))
        assert "&" in text and "<" in text and ">" in text
        assert "&amp;" not in text and "&lt;" not in text
    notice_text = text_of(part(rendered_notice, "word/document.xml"))
    assert "严格执行学习考勤 & 补学制度：缺学<2次的当月补学，缺学>2次的向党组书面说明。" in notice_text
    assert "（工作日<9:00—17:00> & 节假日）" in notice_text
    problems_text = text_of(part(rendered_checklists["问题清单.docx"], "word/document.xml"))
    assert "（学习<规定次数 & 未研究落实措施>）" in problems_text


def test_rendered_notice_record_section(rendered_notice, notice_context):
    sections = footer_parts_by_type(rendered_notice)
    assert len(sections) == 2  # body, then the 版记 section
    record_text = text_of(sections[-1]["default"])
    assert notice_context["cc"].endswith("。") and f"抄送：{notice_context['cc']}" in record_text
    assert "。。" not in record_text
    assert notice_context["printer"] in record_text
    assert notice_context["printed"].endswith("印发") and notice_context["printed"] in record_text
    assert "印发印发" not in record_text
    assert "抄送" not in text_of(sections[0]["default"])
    assert text_of(sections[-1]["even"]).count("抄送") == 1


@pytest.mark.parametrize(
    "cc, printed",
    [("市委巡察办。", "2024年12月20日"), ("市委巡察办", "2024年12月20日印发")],
)
def test_record_punctuation_either_way(built, notice_context, cc, printed):
    data = render_docx(built / "通报.docx", dict(notice_context, cc=cc, printed=printed), PROPS)
    text = text_of(footer_parts_by_type(data)[-1]["default"])
    assert "抄送：市委巡察办。" in text and "。。" not in text
    assert "2024年12月20日印发" in text and "印发印发" not in text


def test_rendered_notice_without_record(built, notice_context):
    context = dict(notice_context, cc="", printer="", printed="", signature="")
    data = render_docx(built / "通报.docx", context, PROPS)
    sections = footer_parts_by_type(data)
    assert len(sections) == 1
    for footer in sections[0].values():
        assert "抄送" not in text_of(footer) and "印发" not in text_of(footer)
        assert len(footer.findall("w:tbl", NS)) == 0
    styles = [style_of(p) for p in body_paragraphs(data)]
    assert [paragraph_text(p) for p in body_paragraphs(data) if style_of(p) == "GwSignature"] == [""]
    assert styles[-1] == "GwDate"


def test_record_without_cc_keeps_printer_line(built, notice_context):
    context = dict(notice_context, cc="")
    data = render_docx(built / "通报.docx", context, PROPS)
    footer = footer_parts_by_type(data)[-1]["default"]
    (table,) = footer.findall("w:tbl", NS)
    assert len(table.findall("w:tr", NS)) == 1
    assert "抄送" not in text_of(footer) and notice_context["printer"] in text_of(footer)


# ------------------------------------------------------------------------------------------------
# the context contract: exactly these variables, and a typo fails
# ------------------------------------------------------------------------------------------------

# What the shipped templates read: a subset of the contract (pipeline.documents.variables).
NOTICE_TEMPLATE_VARIABLES = {"red_header", "issuer_mark", "attachment_notes", "doc_number", "title", "blocks", "signature", "date", "cc",
                             "printer", "printed"}
CHECKLIST_TEMPLATE_VARIABLES = {"attachment", "title", "issuer", "date", "note", "pages"}


def template_variables(path: Path) -> set[str]:
    """Variables the template reads (body and footers), as docxtpl + our vmerge patch see them."""
    return GroupMergeTemplate(str(path)).get_undeclared_template_variables(jinja_env())


def test_template_variables_are_the_contract(built, notice_context, checklist_contexts):
    from pipeline.documents.variables import BLOCK_FIELDS, CHECKLIST_VARIABLES, NOTICE_VARIABLES

    assert template_variables(built / "通报.docx") == NOTICE_TEMPLATE_VARIABLES
    assert NOTICE_TEMPLATE_VARIABLES <= set(NOTICE_VARIABLES)
    # the context builder gives exactly the documented variables and block fields
    assert set(notice_context) == set(NOTICE_VARIABLES)
    assert all(set(b) == set(BLOCK_FIELDS) for b in notice_context["blocks"])
    for name in CHECKLIST_NAMES:
        assert template_variables(built / name) == CHECKLIST_TEMPLATE_VARIABLES <= set(CHECKLIST_VARIABLES), name


def test_missing_variable_fails(built, notice_context, checklist_contexts):
    from jinja2 import UndefinedError

    broken = dict(notice_context)
    del broken["blocks"]
    with pytest.raises(UndefinedError):
        render_docx(built / "通报.docx", broken, PROPS)
    pages = [{"rows": [dict(r) for r in p["rows"]]} for p in checklist_contexts["任务清单.docx"]["pages"]]
    del pages[0]["rows"][0]["action"]
    with pytest.raises(UndefinedError):
        render_docx(built / "任务清单.docx", dict(checklist_contexts["任务清单.docx"], pages=pages), PROPS)


# ------------------------------------------------------------------------------------------------
# OOXML validation
# ------------------------------------------------------------------------------------------------


def validate(validator: str, path: Path) -> None:
    result = subprocess.run([validator, str(path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{path.name}: {result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def validator() -> str:
    return tool_or_skip(find_validator(), "ooxml-validator")


def test_rendered_documents_pass_ooxml_validator(
    validator, tmp_path, built, rendered_notice, rendered_checklists, notice_context, checklist_contexts
):
    documents = {"通报.docx": rendered_notice, **rendered_checklists}
    documents["通报-无版记.docx"] = render_docx(
        built / "通报.docx", dict(notice_context, cc="", printer=""), PROPS
    )
    documents["通报-版头.docx"] = render_docx(built / "通报.docx", dict(notice_context, red_header=True), PROPS)
    documents["任务清单-附件.docx"] = render_docx(
        built / "任务清单.docx", dict(checklist_contexts["任务清单.docx"], attachment="附件2"), PROPS)
    for name, data in documents.items():
        path = tmp_path / name
        path.write_bytes(data)
        validate(validator, path)


def test_templates_pass_ooxml_validator(validator, built):
    for name in TEMPLATE_NAMES:
        validate(validator, built / name)


def test_signature_block_kept_with_the_closing(built, notice_context):
    """The closing, the blank line and the signature keep with the next paragraph: the signature and
    date never stand alone on a page (rendered pages: test_notice_end). A closing too long to go over
    whole is an ordinary paragraph."""
    styles = part((built / "通报.docx").read_bytes(), "word/styles.xml")
    for name in ("结束语", "落款"):
        assert style_by_name(styles, name).find("w:pPr/w:keepNext", NS) is not None, name
    assert style_by_name(styles, "结束语").find("w:pPr/w:widowControl", NS).get(w("val")) is None  # on
    text = "欢迎监督。" * 100
    blocks = [*notice_context["blocks"][:-1], dict(notice_context["blocks"][-1], text=text, full_text=text)]
    paragraphs = body_paragraphs(render_docx(built / "通报.docx", dict(notice_context, blocks=blocks), PROPS))
    assert [style_of(p) for p in paragraphs if paragraph_text(p) == text] == ["GwBody"]


def test_record_section_starts_on_an_even_page(built):
    body = part((built / "通报.docx").read_bytes(), "word/document.xml").find("w:body", NS)
    assert body.find("w:sectPr/w:type", NS).get(w("val")) == "evenPage"


def test_page_layout_estimate_uses_the_templates_measures(built):
    """checklist_layout cuts the pages with the page height, cell margins and line height the
    templates have: a change to one must reach the other."""
    from pipeline.documents import layout

    assert abs(layout.TEXT_HEIGHT * 20 - CHECKLIST_PAGE.text_height) <= 1  # twips
    styles = part((built / "任务清单.docx").read_bytes(), "word/styles.xml")
    margins = style_by_name(styles, "清单表格").find("w:tblPr/w:tblCellMar", NS)
    assert int(margins.find("w:top", NS).get(w("w"))) == round(layout.CELL_PADDING_TB * 20)
    assert int(margins.find("w:left", NS).get(w("w"))) == round(layout.CELL_PADDING_LR * 20)
    body = style_by_name(styles, "表格正文")
    assert body.find("w:rPr/w:sz", NS).get(w("val")) == str(round(layout.CELL_SIZE * 2))
    assert body.find("w:pPr/w:spacing", NS).get(w("line")) == str(round(layout.CELL_LINE * 20))
