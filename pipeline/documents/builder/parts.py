"""Shared pieces of every template: package clean-up, settings, fonts, sections, footers, paragraphs."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Twips
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from pipeline.documents.builder.gbt import (
    FONT_TABLE,
    NOTICE_PAGE,
    PAGE_NUMBER_GAP,
    SIZE_4,
    TEMPLATE_AUTHOR,
    TEMPLATE_TIMESTAMP,
    PageSetup,
    W,
    chars,
    mm,
)
from pipeline.documents.builder.styles import (
    ATTACH_NOTE,
    ATTACH_NOTE_NEXT,
    BODY,
    DATE,
    PAGE_NUMBER,
    RECORD,
    RECORD_TABLE,
    SIGNATURE,
    STYLES,
    TINY,
    _install_styles,
)

# The checklists' columns and page layout live in checklist_layout (the context cuts pages with them);
# Column is re-exported for readers of this module.
from pipeline.documents.render import normalize_zip

# --------------------------------------------------------------------------------------------------
# Package-level clean-up and settings
# --------------------------------------------------------------------------------------------------


STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def _prune_package(doc: DocxDocument) -> None:
    """Drop parts of python-docx's default template that a template does not need: the thumbnail (a
    picture of an empty Letter page), stylesWithEffects (a Word 2010 copy of the old styles), the
    numbering definitions and the customXml bibliography store."""
    package = doc.part.package
    for rId, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rId]
    unwanted = (STYLES_WITH_EFFECTS, RT.NUMBERING, RT.CUSTOM_XML)
    for rId, rel in list(doc.part.rels.items()):
        if rel.reltype in unwanted:
            del doc.part.rels[rId]


def _configure_settings(doc: DocxDocument) -> None:
    settings = doc.settings
    # Different odd and even footers (page numbers outside: odd right, even left).
    settings.odd_and_even_pages_header_footer = True
    element = settings.element
    # East Asian theme language: Chinese (the default template says ja-JP).
    for lang in element.findall(qn("w:themeFontLang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    # Lay out like Word 2013+ (compatibility mode 15): table borders align with the text block.
    for setting in element.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    # The rsid list of the default template means nothing for our files, and no preview picture is
    # kept (_prune_package drops the thumbnail).
    for child in element.findall(qn("w:rsids")) + element.findall(qn("w:savePreviewPicture")):
        element.remove(child)


def _configure_font_table(doc: DocxDocument) -> None:
    """Add the Chinese fonts to word/fontTable.xml with substitutes (see FONT_TABLE)."""
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    for name, alt, family, pitch in FONT_TABLE:
        alt_xml = f'<w:altName w:val="{alt}"/>' if alt else ""
        root.append(
            etree.fromstring(
                f'<w:font {W} w:name="{name}">{alt_xml}<w:charset w:val="86"/>'
                f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
            )
        )
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_core_properties(doc: DocxDocument, title: str) -> None:
    core = doc.core_properties
    core.title = title
    core.subject = ""
    core.author = TEMPLATE_AUTHOR
    core.last_modified_by = TEMPLATE_AUTHOR
    core.comments = "由 pipeline/template_builder.py 生成"
    core.keywords = ""
    core.category = ""
    core.revision = 1
    core.created = TEMPLATE_TIMESTAMP
    core.modified = TEMPLATE_TIMESTAMP
    core.last_printed = TEMPLATE_TIMESTAMP


# --------------------------------------------------------------------------------------------------
# Sections and footers
# --------------------------------------------------------------------------------------------------


def _setup_section(section: Section, page: PageSetup) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if page.landscape else WD_ORIENT.PORTRAIT
    section.page_width = Twips(page.width)
    section.page_height = Twips(page.height)
    section.top_margin = Twips(page.top)
    section.bottom_margin = Twips(page.bottom)
    section.left_margin = Twips(page.left)
    section.right_margin = Twips(page.right)
    section.gutter = Twips(0)
    section.header_distance = Twips(mm(15))  # no headers are used
    section.footer_distance = Twips(page.footer)
    sect_pr = section._sectPr
    old_grid = sect_pr.find(qn("w:docGrid"))
    old_grid.addprevious(parse_xml(page.doc_grid))
    sect_pr.remove(old_grid)
    cols = sect_pr.find(qn("w:cols"))
    if cols is not None:
        cols.set(qn("w:space"), "425")
    _add_footers(section)


# "— 1 —": U+2014 EM DASH, one space each side, the number a real PAGE field (updated by Word/LibreOffice).
PAGE_FIELD_RUNS = (
    '<w:r><w:t xml:space="preserve">\u2014 </w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    "<w:r><w:t>1</w:t></w:r>"
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    '<w:r><w:t xml:space="preserve"> \u2014</w:t></w:r>'
)


def _page_number_paragraph(odd: bool) -> str:
    """Odd pages: right-aligned, one character (14 pt) in from the right; even pages: left, one in."""
    one_char = chars(100, SIZE_4)
    if odd:
        ind = f'<w:ind w:leftChars="0" w:left="0" w:rightChars="100" w:right="{one_char}"/>'
        jc = '<w:jc w:val="right"/>'
    else:
        ind = f'<w:ind w:leftChars="100" w:left="{one_char}" w:rightChars="0" w:right="0"/>'
        jc = '<w:jc w:val="left"/>'
    return f'<w:p {W}><w:pPr><w:pStyle w:val="{PAGE_NUMBER}"/>{ind}{jc}</w:pPr>{PAGE_FIELD_RUNS}</w:p>'


def _add_footers(section: Section, record: bool = False) -> None:
    """Give `section` its own odd (default) and even footers holding the page number; with `record`,
    the 版记 goes above the page number (see _build_notice)."""
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        body = footer._element
        for child in list(body):
            body.remove(child)
        if record:
            _add_record(footer)
        body.append(parse_xml(_page_number_paragraph(odd)))


# --------------------------------------------------------------------------------------------------
# Paragraph helpers
# --------------------------------------------------------------------------------------------------


def _style_name(style_id: str) -> str:
    """The (Chinese) name of one of our styles: python-docx looks styles up by name."""
    return next(spec.name for spec in STYLES if spec.style_id == style_id)


def _paragraph(doc: DocxDocument, style_id: str, *runs: str | tuple[str, str]) -> Paragraph:
    """Add a paragraph in `style_id`; each run is text or (text, character style id)."""
    paragraph = doc.add_paragraph(style=_style_name(style_id))
    for run in runs:
        text, char_style = (run, None) if isinstance(run, str) else run
        added = paragraph.add_run(text)
        if char_style:
            added.style = _style_name(char_style)
    return paragraph


def _tag(doc: DocxDocument, tag: str) -> Paragraph:
    """A docxtpl paragraph tag (`{%p … %}`): the whole paragraph is replaced by the Jinja statement."""
    return _paragraph(doc, BODY, tag)


def _new_document(page: PageSetup, title: str) -> DocxDocument:
    doc = Document()
    _prune_package(doc)
    _install_styles(doc)
    _configure_settings(doc)
    _configure_font_table(doc)
    _set_core_properties(doc, title)
    _setup_section(doc.sections[0], page)
    return doc


def _hint_east_asian(element) -> None:
    """Give every run under `element` `<w:rFonts w:hint="eastAsia"/>` (kept when the run sets fonts).

    Word picks the font of “ ” ‘ ’ — … (General Punctuation, U+2000–U+206F) and other characters that
    both Latin and East Asian fonts hold by the run's hint: without `eastAsia` they take the hAnsi font,
    Times New Roman (MS-OI29500 2.1.88, on ISO/IEC 29500-1 17.3.2.26). The text docxtpl puts into a run
    keeps the run's properties, so the hint here reaches every value rendered into the templates. Runs of
    ASCII only are unaffected: their characters always take the ascii font."""
    for run in element.iter(qn("w:r")):
        r_pr = run.find(qn("w:rPr"))
        if r_pr is None:
            r_pr = parse_xml(f"<w:rPr {W}/>")
            run.insert(0, r_pr)
        fonts = r_pr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = parse_xml(f"<w:rFonts {W}/>")
            style = r_pr.find(qn("w:rStyle"))
            if style is not None:
                style.addnext(fonts)
            else:
                r_pr.insert(0, fonts)
        fonts.set(qn("w:hint"), "eastAsia")


def _save(doc: DocxDocument, path: Path) -> Path:
    _hint_east_asian(doc.element.body)
    for section in doc.sections:
        for footer in (section.footer, section.even_page_footer):
            if not footer.is_linked_to_previous:
                _hint_east_asian(footer._element)
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(normalize_zip(buffer.getvalue()))
    return path


def _clone(element):
    return parse_xml(etree.tostring(element))


def add_attachment_notes(doc: DocxDocument) -> None:
    """The 附件说明 (GB/T 9704 7.3.4), from the context's `attachment_notes` (its lines, the first
    starting “附件：”): one blank line under the body, then one paragraph a line, each kept with the next
    so that the 附件说明 goes over to a new page with the 落款."""
    _tag(doc, "{%p if attachment_notes %}")
    _paragraph(doc, SIGNATURE)  # the blank line (a kept 落款 paragraph)
    _tag(doc, "{%p for note in attachment_notes %}")
    _tag(doc, "{%p if loop.first %}")
    _paragraph(doc, ATTACH_NOTE, "{{ note }}")
    _tag(doc, "{%p else %}")
    _paragraph(doc, ATTACH_NOTE_NEXT, "{{ note }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")


def add_signature_block(doc: DocxDocument) -> None:
    """The 落款 from the context's `signature` and `date`: one blank line under the body (or the
    附件说明), the 署名, the 成文日期 on the next line; the blank line and the 署名 are kept with the next, so
    the block never starts a page alone. The rendered document gets the indents of a sealed or an
    unsealed document (`sealed`) from pipeline.documents.placement."""
    _tag(doc, "{%p if signature or date %}")
    _paragraph(doc, SIGNATURE)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if signature %}")
    _paragraph(doc, SIGNATURE, "{{ signature }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if date %}")
    _paragraph(doc, DATE, "{{ date }}")
    _tag(doc, "{%p endif %}")


def _add_record(footer) -> None:
    """The 版记 in a footer: a one-column table the width of the text block — row 1 抄送 (left out when
    cc is empty), row 2 印发机关 (left) and 印发日期 (right) — then a 7 mm gap down to the page number."""
    width = NOTICE_PAGE.text_width
    _footer_paragraph(footer, RECORD, "{%p if cc or printer %}")
    table = footer.add_table(rows=4, cols=1, width=Twips(width))
    _table_properties(table, RECORD_TABLE, width)
    _table_grid(table, (width,))
    rows = table.rows
    _set_cell(rows[0].cells[0], RECORD, "{%tr if cc %}")
    # `cc` ends with "。" (added here when it does not).
    cc = _set_cell(rows[1].cells[0], RECORD, "抄送：{{ cc }}{% if not cc.endswith('。') %}。{% endif %}")
    # 抄送 starts one character in and wraps under the first character after "抄送：" (left 1 + 3
    # characters, hanging 3); one character in from the right.
    cc._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:ind {W} w:leftChars="400" w:left="{chars(400, SIZE_4)}" w:rightChars="100" '
            f'w:right="{chars(100, SIZE_4)}" w:hangingChars="300" w:hanging="{chars(300, SIZE_4)}"/>'
        )
    )
    _set_cell(rows[2].cells[0], RECORD, "{%tr endif %}")
    printed = _set_cell(rows[3].cells[0], RECORD, "{{ printer }}")
    printed.add_run().add_tab()
    # `printed` is the 印发日期 line's text ("2024年12月20日印发"); a bare date gets "印发" added.
    printed.add_run("{{ printed }}{% if printed and not printed.endswith('印发') %}印发{% endif %}")
    for row in rows:
        _row_properties(row, cant_split=True)
    # The gap between the text block and the page number (PAGE_NUMBER_GAP), so the 版记's last rule is
    # the text block's bottom edge: an empty paragraph of exactly that height.
    gap = _footer_paragraph(footer, TINY, "")
    gap._p.get_or_add_pPr().append(
        parse_xml(f'<w:spacing {W} w:before="0" w:after="0" w:line="{PAGE_NUMBER_GAP}" w:lineRule="exact"/>')
    )
    _footer_paragraph(footer, RECORD, "{%p endif %}")


def _footer_paragraph(footer, style_id: str, text: str) -> Paragraph:
    paragraph = footer.add_paragraph(style=_style_name(style_id))
    if text:
        paragraph.add_run(text)
    return paragraph


# --------------------------------------------------------------------------------------------------
# Table helpers
# --------------------------------------------------------------------------------------------------


def _table_properties(table: Table, style_id: str, width: int) -> None:
    """tblPr in schema order: tblStyle, tblW, jc, tblInd, tblLayout, tblLook.
    Fixed layout: the column widths below are kept whatever the content."""
    tbl = table._tbl
    old = tbl.tblPr
    new = parse_xml(
        f"<w:tblPr {W}>"
        f'<w:tblStyle w:val="{style_id}"/>'
        f'<w:tblW w:w="{width}" w:type="dxa"/>'
        '<w:jc w:val="center"/>'
        '<w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/>'
        "</w:tblPr>"
    )
    old.addprevious(new)
    tbl.remove(old)


def _table_grid(table: Table, widths: tuple[int, ...]) -> None:
    """Grid columns and every cell's width (`w:tcW`, the first thing in a cell's tcPr)."""
    grid = table._tbl.tblGrid
    for grid_col, width in zip(grid.findall(qn("w:gridCol")), widths):
        grid_col.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Twips(width)


def _centre_vertically(table: Table) -> None:
    """`<w:vAlign w:val="center"/>` on every cell, after its `w:tcW`: the header and the body, merged
    group cells included (render.py puts a merged cell's `w:vMerge` between the two, where the schema
    wants it). The cells are centred whatever table style they end up with (an office changing the
    style in Word, rows copied into another table, readers that skip a table style's cell properties).

    LibreOffice (7.4) still shows the text of a merged group that a page break cuts at the top of the
    group, and the cells of the last row above such a break at the top of the row: that is how it lays
    out cut groups, the same with or without these properties."""
    for row in table.rows:
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _row_properties(row, cant_split: bool, repeat_header: bool = False) -> None:
    tr = row._tr
    tr_pr = tr.get_or_add_trPr()
    if cant_split:
        tr_pr.append(parse_xml(f"<w:cantSplit {W}/>"))
    if repeat_header:
        tr_pr.append(parse_xml(f"<w:tblHeader {W}/>"))


def _set_cell(cell, style_id: str, text: str) -> Paragraph:
    paragraph = cell.paragraphs[0]
    paragraph.style = _style_name(style_id)
    paragraph.add_run(text)
    return paragraph
