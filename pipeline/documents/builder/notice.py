"""The notice template (通报.docx)."""

from __future__ import annotations

from pathlib import Path

from docx.oxml import parse_xml
from docx.oxml.ns import qn

from pipeline.documents.builder.gbt import NOTICE_PAGE, W
from pipeline.documents.builder.parts import (
    _add_footers,
    _clone,
    _new_document,
    _paragraph,
    _save,
    _tag,
    add_attachment_notes,
    add_signature_block,
)
from pipeline.documents.builder.styles import (
    BODY,
    CLOSING,
    DOC_NUMBER,
    HEADER_SPACE,
    HEADING_1,
    HEADING_2,
    HEADING_3,
    HEADING_4,
    ISSUER_MARK,
    RUN_IN_BOLD,
    RUN_IN_HEI,
    RUN_IN_KAI,
    TINY,
    TITLE,
)

# The checklists' columns and page layout live in checklist_layout (the context cuts pages with them);
# Column is re-exported for readers of this module.


# --------------------------------------------------------------------------------------------------
# 通报 (the notice)
# --------------------------------------------------------------------------------------------------


# The longest closing kept whole with the signature: 16 lines of 28 characters, so that it, the blank
# line, the signature and the date (19 lines) fit on a 22-line page with a few lines to spare.
CLOSING_KEPT_CHARS = 16 * 28


def _build_notice(path: Path) -> Path:
    """Write the notice template.

    Context: see pipeline.documents.variables.NOTICE_VARIABLES (the template variable contract). This template
    uses red_header, issuer_mark, doc_number (the optional 版头), title (may hold "\\n" line breaks),
    blocks, signature, date, cc, printer, printed.
    """
    doc = _new_document(NOTICE_PAGE, "巡察整改进展情况通报（模板）")

    # 版头 (optional, red_header): the mark 35 mm below the top of the text block, a blank line, the
    # 发文字号 with the red rule under it, two blank lines, then the title (GB/T 9704 7.2, 7.3.1).
    _tag(doc, "{%p if red_header %}")
    _paragraph(doc, HEADER_SPACE)
    _paragraph(doc, ISSUER_MARK, "{{ issuer_mark }}")
    _paragraph(doc, BODY)
    _paragraph(doc, DOC_NUMBER, "{{ doc_number }}")
    _paragraph(doc, BODY)
    _paragraph(doc, BODY)
    _tag(doc, "{%p endif %}")
    _paragraph(doc, TITLE, "{{ title }}")

    # The body, opening to closing, as blocks (pipeline.notice.outline): one paragraph per block, in the style
    # its kind and numbering level call for. Headings on their own line: h1 "一、" 黑体, h2 "（一）" 楷体,
    # h3 "1." 仿宋 bold, h4 "（1）" 仿宋, line "一是…。" 仿宋. Body paragraphs may open with a run-in
    # heading ("（一）…。" 楷体, "一是…。"/"1.…。" bold, "一、…。" 黑体).
    _tag(doc, "{%p for b in blocks %}")
    # The closing (the last block) is kept with the signature, unless it is too long to go over with it
    # whole (LibreOffice moves a kept paragraph whole; it and the signature block must fit on one page).
    _tag(
        doc,
        "{%p if loop.last and b.section == 'closing' and b.kind == 'paragraph' and not b.lead"
        f" and b.text|length <= {CLOSING_KEPT_CHARS} %}}",
    )
    _paragraph(doc, CLOSING, "{{ b.text }}")
    _tag(doc, "{%p elif b.kind == 'heading' and b.style == 'h1' %}")
    _paragraph(doc, HEADING_1, "{{ b.label }}{{ b.text }}")
    _tag(doc, "{%p elif b.kind == 'heading' and b.style == 'h2' %}")
    _paragraph(doc, HEADING_2, "{{ b.label }}{{ b.text }}")
    _tag(doc, "{%p elif b.kind == 'heading' and b.style == 'h3' %}")
    _paragraph(doc, HEADING_3, "{{ b.label }}{{ b.text }}")
    _tag(doc, "{%p elif b.kind == 'heading' and b.style == 'h4' %}")
    _paragraph(doc, HEADING_4, "{{ b.label }}{{ b.text }}")
    _tag(doc, "{%p elif b.kind == 'heading' %}")
    _paragraph(doc, BODY, "{{ b.label }}{{ b.text }}")
    _tag(doc, "{%p elif b.lead and b.lead_style == 'kai' %}")
    _paragraph(doc, BODY, ("{{ b.lead_label }}{{ b.lead }}", RUN_IN_KAI), "{{ b.text }}")
    _tag(doc, "{%p elif b.lead and b.lead_style == 'hei' %}")
    _paragraph(doc, BODY, ("{{ b.lead_label }}{{ b.lead }}", RUN_IN_HEI), "{{ b.text }}")
    _tag(doc, "{%p elif b.lead and b.lead_style == 'bold' %}")
    _paragraph(doc, BODY, ("{{ b.lead_label }}{{ b.lead }}", RUN_IN_BOLD), "{{ b.text }}")
    _tag(doc, "{%p else %}")
    _paragraph(doc, BODY, "{{ b.lead_label }}{{ b.lead }}{{ b.text }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")

    # The 附件说明 when the checklists go as 附件, then the 落款 (署名 and 成文日期), each one blank line
    # below what comes before it; the closing paragraph and both are kept together (parts.py).
    add_attachment_notes(doc)
    add_signature_block(doc)

    # 版记 (抄送, 印发机关, 印发日期), only when there is a 抄送 or a 印发机关: a new last section, starting
    # on a new page, whose footers hold the 版记 above the page number — footers sit at the bottom of the
    # page in every word processor, so the 版记's last rule lands on the bottom edge of the text block
    # (GB/T 9704 8: the 版记 ends on the last line of the last page).
    #
    # The rendered notice keeps this construction when its body ends on an odd page (the 版记 on the next
    # page) or fills an even one (a blank page, then the 版记; their page numbers are taken out); when the
    # body ends on an even page with room, the 版记 goes into that page instead (pipeline.documents.pagination).
    #
    # Without a 版记 the break paragraph below is left out, and the document's final sectPr (the 版记
    # section's) governs the whole document: it has the same page setup, and its footers print the
    # 版记 only `{%p if cc or printer %}`, so they then show just the page number.
    _tag(doc, "{%p if cc or printer %}")
    section_break = _paragraph(doc, TINY)
    body_section = doc.sections[0]._sectPr
    section_break._p.set_sectPr(_clone(body_section))  # ends the body: page setup + page-number footers
    _paragraph(doc, TINY)  # the 版记 section's only content (a section needs a paragraph)
    _tag(doc, "{%p endif %}")

    final = doc.sections[-1]
    for reference in final._sectPr.findall(qn("w:footerReference")):
        final._sectPr.remove(reference)
    _add_footers(final, record=True)
    # The 版记 section starts on a new page.
    final._sectPr.find(qn("w:pgSz")).addprevious(parse_xml(f'<w:type {W} w:val="evenPage"/>'))
    return _save(doc, path)
