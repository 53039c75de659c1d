"""The 销号 form template (销号表.docx): one page per problem, a two-column table to print and sign."""

from __future__ import annotations

from pathlib import Path

from docx.oxml import parse_xml

from pipeline.documents.builder.gbt import CHECKLIST_PAGE, NOTICE_PAGE, W, mm
from pipeline.documents.builder.parts import (
    _centre_vertically,
    _new_document,
    _paragraph,
    _row_properties,
    _save,
    _set_cell,
    _table_grid,
    _table_properties,
    _tag,
)
from pipeline.documents.builder.styles import (
    CHECKLIST_TABLE,
    TABLE_BODY,
    TABLE_HEADER,
    TABLE_ISSUER,
    TABLE_PAGE_BREAK,
    TABLE_TITLE,
    TINY,
)

# The form's rows: (label, the value cell's text, least row height in mm or 0). The last two are left
# for the hands that sign: the applying department and the reviewer.
FORM_ROWS: tuple[tuple[str, str, float], ...] = (
    ("问题编号", "{{ f.id }}", 0),
    ("所属方面", "{{ f.aspect }}", 0),
    ("反馈问题", "{{ f.problem }}", 0),
    ("整改措施", "{{ f.measures }}", 0),
    ("责任领导", "{{ f.leaders }}", 0),
    ("责任部门", "{{ f.departments }}", 0),
    ("完成时限", "{{ f.deadline }}", 0),
    ("完成情况", "{{ f.result }}", 0),
    ("整改状态", "{{ f.status }}", 0),
    ("佐证材料", "{{ f.evidence }}", 15),
    (
        "申请销号",
        "{{ f.apply }}\n\n责任部门（盖章）：　　　　　　负责人（签字）：\n\n　　　　　　　　　　　　　　年　　月　　日",
        25,
    ),
    ("审核意见", "\n\n\n审核人（签字）：\n\n　　　　　　　　　　　　　　年　　月　　日", 25),
)
LABEL_MM = 28


def build_closeout(path: Path) -> Path:
    """Write the 销号 form template.

    Context: title, issuer, date, forms [{id, aspect, problem, measures, leaders, departments, deadline,
    result, status, evidence, apply}] (pipeline.documents.cycle.closeout_context); one page each."""
    doc = _new_document(NOTICE_PAGE, "巡察反馈问题整改销号表（模板）")
    _tag(doc, "{%p for f in forms %}")
    _tag(doc, "{%p if not loop.first %}")
    _paragraph(doc, TABLE_PAGE_BREAK)
    _tag(doc, "{%p endif %}")
    _paragraph(doc, TABLE_TITLE, "{{ title }}")
    issuer = _paragraph(doc, TABLE_ISSUER, "填报单位：{{ issuer }}")
    issuer.add_run().add_tab()
    issuer.add_run("填报日期：{{ date }}")
    # the style's tab stop is at the landscape text block's right edge: here, the portrait one's
    issuer._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:tabs {W}><w:tab w:val="right" w:pos="{NOTICE_PAGE.text_width}"/>'
            f'<w:tab w:val="clear" w:pos="{CHECKLIST_PAGE.text_width}"/></w:tabs>'
        )
    )
    table = doc.add_table(rows=len(FORM_ROWS), cols=2)
    width = NOTICE_PAGE.text_width
    _table_properties(table, CHECKLIST_TABLE, width)
    _table_grid(table, (mm(LABEL_MM), width - mm(LABEL_MM)))
    _centre_vertically(table)
    for row, (label, value, height) in zip(table.rows, FORM_ROWS):
        _set_cell(row.cells[0], TABLE_HEADER, label)
        _set_cell(row.cells[1], TABLE_BODY, value)
        _row_properties(row, cant_split=True)
        if height:
            row._tr.get_or_add_trPr().append(parse_xml(f'<w:trHeight {W} w:val="{mm(height)}" w:hRule="atLeast"/>'))
    _tag(doc, "{%p endfor %}")
    _paragraph(doc, TINY)
    return _save(doc, path)
