"""The templates of the cycle's other official documents (党内通报, 整改方案, 整改情况报告, 主要负责人报告).

Each is the notice's template (builder.notice: 版头, title, the loop over blocks, 落款, 版记) with the
GB/T 9704 parts the notice lacks added around it, so that what the notice's template gains, they gain:
- 份号 and 密级 (7.2.1, 7.2.2): the first lines of the first page, top left, when the context has them;
- 主送机关 (7.3.3): one line below the title, flush left, ending with a full-width colon;
- 附件说明 (7.3.4): one blank line below the body, two characters in: "附件：1.……", each further
  attachment on its own line aligned with the first one's number.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.text.paragraph import Paragraph

from pipeline.documents.builder.gbt import HEITI, LATIN, W
from pipeline.documents.builder.notice import _build_notice
from pipeline.documents.builder.parts import _save, _style_name
from pipeline.documents.builder.styles import BODY

# The templates built this way, with their own title (core property).
OFFICIAL_TEMPLATES = {
    "党内通报.docx": "巡察整改进展情况通报（党内，模板）",
    "整改方案.docx": "巡察整改方案（模板）",
    "整改情况报告.docx": "巡察整改情况报告（模板）",
    "主要负责人报告.docx": "主要负责人组织落实巡察整改情况报告（模板）",
}


def _before(anchor: Paragraph, text: str, ind: str = "", hei: bool = False) -> Paragraph:
    """A BODY paragraph holding `text` inserted before `anchor`, with direct indentation `ind`
    (a <w:ind/>) and 黑体 when `hei`."""
    paragraph = anchor.insert_paragraph_before(style=_style_name(BODY))
    if ind:
        paragraph._p.get_or_add_pPr().append(parse_xml(ind))
    run = paragraph.add_run(text)
    if hei:
        run._r.get_or_add_rPr().insert(
            0, parse_xml(f'<w:rFonts {W} w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{HEITI}" w:hint="eastAsia"/>')
        )
    return paragraph


FLUSH_LEFT = f'<w:ind {W} w:firstLineChars="0" w:firstLine="0"/>'


def build_official(path: Path) -> Path:
    """Write one official document's template (see the module docstring).

    Context: the notice's (pipeline.documents.variables.OFFICIAL_VARIABLES) plus copy_no, secret and
    addressee; the 附件说明 is the notice's own (attachment_notes)."""
    _build_notice(path)
    doc = Document(str(path))
    paragraphs = doc.paragraphs
    title = next(p for p in paragraphs if p.text == "{{ title }}")
    first = paragraphs[0]
    # 份号 on the first line, 密级 (黑体) on the next, top left of the first page.
    _before(first, "{%p if copy_no %}")
    _before(first, "{{ copy_no }}", FLUSH_LEFT)
    _before(first, "{%p endif %}")
    _before(first, "{%p if secret %}")
    _before(first, "{{ secret }}", FLUSH_LEFT, hei=True)
    _before(first, "{%p endif %}")
    # 主送机关 below the title: the paragraph after the title is the first of the body loop.
    after_title = paragraphs[paragraphs.index(title) + 1]
    _before(after_title, "{%p if addressee %}")
    _before(after_title, "{{ addressee }}：", FLUSH_LEFT)
    _before(after_title, "{%p endif %}")
    doc.core_properties.title = OFFICIAL_TEMPLATES[path.name]
    return _save(doc, path)
