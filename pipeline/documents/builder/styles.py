"""The templates' paragraph, character and table styles, written as OOXML."""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from pipeline.documents.builder.gbt import (
    BLACK,
    BODY_CHAR_SPACING,
    CHECKLIST_PAGE,
    FANGSONG,
    HEADER_TOP,
    HEITI,
    KAITI,
    LATIN,
    LINE_PITCH,
    NOTICE_PAGE,
    RED,
    RULE_GAP_PT,
    SIZE_2,
    SIZE_3,
    SIZE_4,
    SIZE_XIAO2,
    SIZE_XIAOCHU,
    SONGTI,
    TABLE_BODY_SIZE,
    TABLE_HEADER_SIZE,
    TABLE_LINE,
    XIAOBIAOSONG,
    W,
    chars,
    pt,
)

# The checklists' columns and page layout live in checklist_layout (the context cuts pages with them);
# Column is re-exported for readers of this module.


# --------------------------------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StyleSpec:
    """A paragraph or character style, written out completely (fonts, size, language, colour) so that
    each style stands on its own when an office edits another one in Word."""

    style_id: str  # ASCII id used in the XML; Word shows `name`
    name: str
    purpose: str  # why the style exists (kept here for readers; not written to the file)
    kind: str = "paragraph"  # or "character"
    east_asia: str = FANGSONG
    latin: str = LATIN
    size: float = SIZE_3
    bold: bool = False
    char_spacing: int = 0  # w:spacing in twentieths of a point (BODY_CHAR_SPACING for 3号 text)
    # paragraph properties (ignored for character styles)
    align: str = "both"  # w:jc: both = justified, center, right, left
    first_line_chars: int = 200  # first-line indent in hundredths of a character (200 = two)
    left_chars: int = 0
    right_chars: int = 0
    exact_line: int | None = LINE_PITCH  # exact line height in twips; None = single spacing
    before: int = 0  # space before, twips
    after: int = 0  # space after, twips
    keep_next: bool = False  # keep with the next paragraph (headings)
    page_break_before: bool = False  # start on a new page
    widow_control: bool = False  # at least two lines of the paragraph on a page (w:widowControl)
    color: str = BLACK  # text colour (RGB hex)
    bottom_rule: str = ""  # a <w:bottom …/> paragraph border (the 版头's red rule)
    snap_to_grid: bool = True  # False: ignore the document grid (bigger or smaller text than 3号)
    outline_level: int | None = None  # 0 = level 1 in Word's navigation pane
    tabs: tuple[tuple[str, int], ...] = ()  # (alignment, position in twips)


BODY = "GwBody"
HEADING_1 = "GwHeading1"
HEADING_2 = "GwHeading2"
HEADING_3 = "GwHeading3"
HEADING_4 = "GwHeading4"
TITLE = "GwTitle"
RUN_IN_KAI = "GwRunInKai"
RUN_IN_HEI = "GwRunInHei"
RUN_IN_BOLD = "GwRunInBold"
SIGNATURE = "GwSignature"
CLOSING = "GwClosing"
DATE = "GwDate"
ATTACH_NOTE = "GwAttachNote"
ATTACH_NOTE_NEXT = "GwAttachNoteNext"
RECORD = "GwRecord"
TINY = "GwTiny"
PAGE_NUMBER = "GwPageNumber"
TABLE_TITLE = "TableTitle"
TABLE_ISSUER = "TableIssuer"
TABLE_HEADER = "TableHeader"
TABLE_NOTE = "TableNote"
TABLE_BODY = "TableBody"
TABLE_BODY_CENTER = "TableBodyCenter"
TABLE_ATTACHMENT = "TableAttachment"
HEADER_SPACE = "GwHeaderSpace"
ISSUER_MARK = "GwIssuerMark"
DOC_NUMBER = "GwDocNumber"
TABLE_PAGE_BREAK = "TablePageBreak"
CHECKLIST_TABLE = "ChecklistTable"
RECORD_TABLE = "RecordTable"

STYLES: tuple[StyleSpec, ...] = (
    StyleSpec(
        BODY,
        "公文正文",
        "body paragraphs: 3号仿宋, two-character first-line indent, 28.95 pt lines, 28 characters a line",
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        HEADER_SPACE,
        "版头上空",
        "版头 (optional): an empty paragraph 35 mm high above the 发文机关标志 (GB/T 9704 7.2.3)",
        size=1,
        align="left",
        first_line_chars=0,
        exact_line=HEADER_TOP,
        snap_to_grid=False,
    ),
    StyleSpec(
        ISSUER_MARK,
        "发文机关标志",
        "版头: the issuing organ's mark, 小初小标宋 in red, centred",
        east_asia=XIAOBIAOSONG,
        size=SIZE_XIAOCHU,
        color=RED,
        align="center",
        first_line_chars=0,
        exact_line=pt(SIZE_XIAOCHU + 6),
        snap_to_grid=False,
        keep_next=True,
    ),
    StyleSpec(
        DOC_NUMBER,
        "发文字号",
        "版头: the 发文字号 (东工党〔2024〕12号), 3号仿宋 centred, two lines under the mark; its bottom "
        "border is the red rule, 4 mm below it and as wide as the text block",
        align="center",
        first_line_chars=0,
        keep_next=True,
        bottom_rule=f'<w:bottom w:val="single" w:sz="12" w:space="{RULE_GAP_PT}" w:color="{RED}"/>',
    ),
    StyleSpec(
        TITLE,
        "公文标题",
        "document title: 2号小标宋, centred, no indent, lines of one pitch; one blank line (one pitch) "
        "below it; long titles break with line breaks inside this one paragraph",
        east_asia=XIAOBIAOSONG,
        size=SIZE_2,
        align="center",
        first_line_chars=0,
        after=LINE_PITCH,
        keep_next=True,
        snap_to_grid=False,
    ),
    StyleSpec(
        HEADING_1,
        "一级标题",
        "“一、” headings: 3号黑体, indented two characters like the body (practice)",
        east_asia=HEITI,
        keep_next=True,
        outline_level=0,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        HEADING_2,
        "二级标题",
        "“（一）” headings on their own line: 3号楷体",
        east_asia=KAITI,
        keep_next=True,
        outline_level=1,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        HEADING_3,
        "三级标题",
        "“1.” headings: 3号仿宋, bold (practice)",
        bold=True,
        keep_next=True,
        outline_level=2,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        HEADING_4,
        "四级标题",
        "“（1）” headings on their own line: 3号仿宋",
        keep_next=True,
        outline_level=3,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        RUN_IN_HEI,
        "段首标题黑体",
        "character style: a “一、…。” heading run in at the start of a body paragraph (黑体)",
        kind="character",
        east_asia=HEITI,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        RUN_IN_KAI,
        "段首标题楷体",
        "character style: a “（一）…。” heading run in at the start of a body paragraph (楷体)",
        kind="character",
        east_asia=KAITI,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        RUN_IN_BOLD,
        "段首标题加粗",
        "character style: a “一是…。” lead-in at the start of a body paragraph (仿宋, bold)",
        kind="character",
        bold=True,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        CLOSING,
        "结束语",
        "the last body paragraph (closing and contacts): 公文正文, kept with the signature below it, so "
        "the signature never stands alone on a page (FORMAT.md: when the body ends at the foot of a "
        "page, its last lines go over with the signature). Word moves the paragraph's last lines (two "
        "at least: widow control), LibreOffice the whole paragraph",
        char_spacing=BODY_CHAR_SPACING,
        keep_next=True,
        widow_control=True,
    ),
    StyleSpec(
        SIGNATURE,
        "落款",
        "issuing organ's 署名: right-aligned, two characters from the right; kept with the date (the "
        "blank line above it is a 落款 paragraph too). The rendered document's 署名 and 成文日期 get their "
        "indents by GB/T 9704 7.3.5.1 or 7.3.5.2 from their text (pipeline.documents.placement)",
        align="right",
        first_line_chars=0,
        right_chars=200,
        char_spacing=BODY_CHAR_SPACING,
        keep_next=True,
    ),
    StyleSpec(
        DATE,
        "成文日期",
        "date on the line under the signature: right-aligned, two characters from the right; with the "
        "usual 10-character organ name the date (about 8 characters wide: half-width digits plus "
        "Word's spacing between Chinese and digits) starts about two characters right of the "
        "signature's first character (GB/T 9704 7.3.5.2)",
        align="right",
        first_line_chars=0,
        right_chars=200,
        char_spacing=BODY_CHAR_SPACING,
    ),
    StyleSpec(
        ATTACH_NOTE,
        "附件说明",
        "the 附件说明's first line “附件：1.……” (GB/T 9704 7.3.4): one blank line under the body, two "
        "characters in, no punctuation after the name; kept with the lines after it and the 落款",
        char_spacing=BODY_CHAR_SPACING,
        keep_next=True,
    ),
    StyleSpec(
        ATTACH_NOTE_NEXT,
        "附件说明续行",
        "the 附件说明's further lines “2.……”: under the “1.” of the first line (two characters plus “附件：”)",
        first_line_chars=0,
        left_chars=500,
        char_spacing=BODY_CHAR_SPACING,
        keep_next=True,
    ),
    StyleSpec(
        RECORD,
        "版记",
        "版记 lines (抄送, 印发机关 and 印发日期): 4号仿宋, one character in from each side, a right "
        "tab for the 印发日期 (the 抄送 paragraph adds a hanging indent, see _add_record)",
        size=SIZE_4,
        align="left",
        first_line_chars=0,
        left_chars=100,
        right_chars=100,
        exact_line=LINE_PITCH,
        snap_to_grid=False,
        tabs=(("right", NOTICE_PAGE.text_width - chars(100, SIZE_4)),),
    ),
    StyleSpec(
        TINY,
        "占位段落",
        "a 1 pt paragraph that carries a section break or ends a document after a table, so it never "
        "adds a visible line (or a page)",
        size=1,
        align="left",
        first_line_chars=0,
        exact_line=14,
        snap_to_grid=False,
    ),
    StyleSpec(
        PAGE_NUMBER,
        "页码",
        "footer page number “— 1 —”: 4号宋体 (half-width digits); the footers set the side",
        east_asia=SONGTI,
        latin=SONGTI,
        size=SIZE_4,
        align="center",
        first_line_chars=0,
        exact_line=None,
        snap_to_grid=False,
    ),
    StyleSpec(
        TABLE_TITLE,
        "表格标题",
        "checklist title: 小二小标宋, centred, 6 pt space below",
        east_asia=XIAOBIAOSONG,
        size=SIZE_XIAO2,
        align="center",
        first_line_chars=0,
        exact_line=None,
        after=pt(6),
        keep_next=True,
        snap_to_grid=False,
    ),
    StyleSpec(
        TABLE_ISSUER,
        "表格署名",
        "line under the checklist title: issuer flush left, date flush right (right tab), 4号仿宋",
        size=SIZE_4,
        align="left",
        first_line_chars=0,
        exact_line=None,
        after=pt(6),
        keep_next=True,
        snap_to_grid=False,
        tabs=(("right", CHECKLIST_PAGE.text_width),),
    ),
    StyleSpec(
        TABLE_NOTE,
        "表格说明",
        "a sentence above a checklist's table (the 督办清单's counts): 4号仿宋, two-character indent, 6 pt after",
        size=SIZE_4,
        align="left",
        exact_line=None,
        after=pt(6),
        keep_next=True,
        snap_to_grid=False,
    ),
    StyleSpec(
        TABLE_HEADER,
        "表头",
        "table header cells: 五号黑体, centred, the body's exact line height",
        east_asia=HEITI,
        size=TABLE_HEADER_SIZE,
        align="center",
        first_line_chars=0,
        exact_line=TABLE_LINE,
        snap_to_grid=False,
    ),
    StyleSpec(
        TABLE_BODY,
        "表格正文",
        "table body cells with running text: 五号仿宋, flush left (justifying narrow cells spreads "
        "the characters of lines that end before a punctuation mark), no indent, an exact line height "
        "(14 pt) so that Word and LibreOffice break pages alike (checklist_layout)",
        size=TABLE_BODY_SIZE,
        align="left",
        first_line_chars=0,
        exact_line=TABLE_LINE,
        snap_to_grid=False,
    ),
    StyleSpec(
        TABLE_BODY_CENTER,
        "表格正文居中",
        "short table cells (序号, status, names, deadlines): as 表格正文 but centred",
        size=TABLE_BODY_SIZE,
        align="center",
        first_line_chars=0,
        exact_line=TABLE_LINE,
        snap_to_grid=False,
    ),
    StyleSpec(
        TABLE_ATTACHMENT,
        "附件标注",
        "“附件1” above a checklist's title when the lists go out with the notice: 3号黑体, flush left",
        east_asia=HEITI,
        size=SIZE_3,
        align="left",
        first_line_chars=0,
        exact_line=None,
        snap_to_grid=False,
        keep_next=True,
    ),
    StyleSpec(
        TABLE_PAGE_BREAK,
        "清单换页",
        "the 1 pt paragraph between two pages' tables of a checklist: it starts a new page",
        size=1,
        align="left",
        first_line_chars=0,
        exact_line=14,
        snap_to_grid=False,
        page_break_before=True,
    ),
)


def _rpr_xml(spec: StyleSpec) -> str:
    """Run properties in schema order: rFonts, b, bCs, color, spacing, sz, szCs, lang."""
    size = round(spec.size * 2)
    bold = "<w:b/><w:bCs/>" if spec.bold else ""
    spacing = f'<w:spacing w:val="{spec.char_spacing}"/>' if spec.char_spacing else ""
    return (
        "<w:rPr>"
        f'<w:rFonts w:ascii="{spec.latin}" w:hAnsi="{spec.latin}" w:eastAsia="{spec.east_asia}" '
        f'w:cs="{spec.latin}"/>'
        f"{bold}"
        f'<w:color w:val="{spec.color}"/>{spacing}'
        f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        "</w:rPr>"
    )


def _ppr_xml(spec: StyleSpec) -> str:
    """Paragraph properties in schema order: keepNext, pageBreakBefore, widowControl, pBdr, tabs,
    snapToGrid, spacing, ind, jc, outlineLvl."""
    parts = []
    if spec.keep_next:
        parts.append("<w:keepNext/>")
    if spec.page_break_before:
        parts.append("<w:pageBreakBefore/>")
    # No widow/orphan control: a page always holds its 22 lines (practice for official documents);
    # the closing paragraph has it, so that two of its lines go with the signature.
    parts.append("<w:widowControl/>" if spec.widow_control else '<w:widowControl w:val="0"/>')
    if spec.bottom_rule:
        parts.append(f"<w:pBdr>{spec.bottom_rule}</w:pBdr>")
    if spec.tabs:
        tabs = "".join(f'<w:tab w:val="{kind}" w:pos="{pos}"/>' for kind, pos in spec.tabs)
        parts.append(f"<w:tabs>{tabs}</w:tabs>")
    if not spec.snap_to_grid:
        parts.append('<w:snapToGrid w:val="0"/>')
    if spec.exact_line is None:
        line = 'w:line="240" w:lineRule="auto"'  # single
    else:
        line = f'w:line="{spec.exact_line}" w:lineRule="exact"'
    parts.append(
        f'<w:spacing w:before="{spec.before}" w:beforeLines="0" w:after="{spec.after}" w:afterLines="0" {line}/>'
    )
    parts.append(
        f'<w:ind w:leftChars="{spec.left_chars}" w:left="{chars(spec.left_chars, spec.size)}" '
        f'w:rightChars="{spec.right_chars}" w:right="{chars(spec.right_chars, spec.size)}" '
        f'w:firstLineChars="{spec.first_line_chars}" '
        f'w:firstLine="{chars(spec.first_line_chars, spec.size)}"/>'
    )
    parts.append(f'<w:jc w:val="{spec.align}"/>')
    if spec.outline_level is not None:
        parts.append(f'<w:outlineLvl w:val="{spec.outline_level}"/>')
    return "<w:pPr>" + "".join(parts) + "</w:pPr>"


def _style_xml(spec: StyleSpec) -> str:
    if spec.kind == "character":
        return (
            f'<w:style {W} w:type="character" w:customStyle="1" w:styleId="{spec.style_id}">'
            f'<w:name w:val="{spec.name}"/><w:basedOn w:val="DefaultParagraphFont"/>'
            f'<w:uiPriority w:val="1"/><w:qFormat/>'
            f"{_rpr_xml(spec)}</w:style>"
        )
    return (
        f'<w:style {W} w:type="paragraph" w:customStyle="1" w:styleId="{spec.style_id}">'
        f'<w:name w:val="{spec.name}"/><w:basedOn w:val="Normal"/><w:qFormat/>'
        f"{_ppr_xml(spec)}{_rpr_xml(spec)}</w:style>"
    )


def _table_style_xml(style_id: str, name: str, borders: str, cell_margins: str) -> str:
    """A table style: borders, cell padding, vertically centred cells. The checklist cells carry their
    own `w:vAlign` as well (see `_centre_vertically`)."""
    return (
        f'<w:style {W} w:type="table" w:customStyle="1" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
        f"<w:tblPr><w:tblBorders>{borders}</w:tblBorders><w:tblCellMar>{cell_margins}</w:tblCellMar></w:tblPr>"
        '<w:tcPr><w:vAlign w:val="center"/></w:tcPr>'
        "</w:style>"
    )


def _border(side: str, size: int | None) -> str:
    """One border; size in eighths of a point (8 = 1 pt ≈ 0.35 mm, 6 = 0.75 pt ≈ 0.25 mm, 4 = 0.5 pt)."""
    if size is None:
        return f'<w:{side} w:val="nil"/>'
    return f'<w:{side} w:val="single" w:sz="{size}" w:space="0" w:color="{BLACK}"/>'


# Checklist tables: 0.5 pt lines round every cell; 1.5 mm left/right cell padding (so the 11 mm 序号
# column still holds "序号" on one line), 0.5 mm top/bottom.
CHECKLIST_TABLE_XML = _table_style_xml(
    CHECKLIST_TABLE,
    "清单表格",
    "".join(_border(s, 4) for s in ("top", "left", "bottom", "right", "insideH", "insideV")),
    '<w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
    '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>',
)

# 版记 (GB/T 9704 8): full-width rules, the first and last 0.35 mm (1 pt), the ones between 0.25 mm
# (0.75 pt); no vertical lines. A table draws them the width of the text block whatever the paragraphs'
# indents, and its top/inside/bottom borders stay right when the 抄送 row is left out.
RECORD_TABLE_XML = _table_style_xml(
    RECORD_TABLE,
    "版记表格",
    _border("top", 8)
    + _border("left", None)
    + _border("bottom", 8)
    + _border("right", None)
    + _border("insideH", 6)
    + _border("insideV", None),
    '<w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/>',
)

# Styles kept from python-docx's default template (Word's built-ins the package relies on); all others
# (coloured headings, list and table designs) are removed so the style list shows only what we use.
KEPT_BUILTIN_STYLES = ("Normal", "DefaultParagraphFont", "TableNormal", "NoList", "Header", "Footer")


def _doc_defaults_xml() -> str:
    """Document defaults: 3号仿宋_GB2312 / Times New Roman, black, Chinese; no space around paragraphs."""
    base = StyleSpec("", "", "")
    return (
        f"<w:docDefaults {W}>"
        f"<w:rPrDefault>{_rpr_xml(base)}</w:rPrDefault>"
        '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/>'
        '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        '<w:jc w:val="both"/></w:pPr></w:pPrDefault>'
        "</w:docDefaults>"
    )


def _install_styles(doc: DocxDocument) -> None:
    styles = doc.styles.element
    for style in list(styles.findall(qn("w:style"))):
        if style.get(qn("w:styleId")) not in KEPT_BUILTIN_STYLES:
            styles.remove(style)
    old_defaults = styles.find(qn("w:docDefaults"))
    old_defaults.addprevious(parse_xml(_doc_defaults_xml()))
    styles.remove(old_defaults)
    # Normal repeats the defaults' run properties: LibreOffice takes the document grid's character
    # pitch from Normal's own East Asian font size (not from the defaults), and Word shows them in the
    # style dialog. Drop the template's extras (rsid).
    normal = styles.xpath('w:style[@w:styleId="Normal"]')[0]
    for child in list(normal):
        if child.tag not in (qn("w:name"), qn("w:qFormat")):
            normal.remove(child)
    normal.append(parse_xml(_rpr_xml(StyleSpec("", "", "")).replace("<w:rPr>", f"<w:rPr {W}>", 1)))
    # Header/Footer: drop the template's 4680/9360 tab stops (Letter paper); footers use 页码.
    for style_id in ("Header", "Footer"):
        style = styles.xpath(f'w:style[@w:styleId="{style_id}"]')[0]
        for child in list(style):
            if child.tag in (qn("w:link"), qn("w:rsid"), qn("w:pPr")):
                style.remove(child)
    for spec in STYLES:
        styles.append(parse_xml(_style_xml(spec)))
    styles.append(parse_xml(CHECKLIST_TABLE_XML))
    styles.append(parse_xml(RECORD_TABLE_XML))
