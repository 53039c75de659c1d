"""The checklist templates (问题/任务/责任/督办清单), landscape tables."""

from __future__ import annotations

from pathlib import Path

from pipeline.documents.builder.gbt import CHECKLIST_PAGE, mm
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
    TABLE_ATTACHMENT,
    TABLE_BODY,
    TABLE_BODY_CENTER,
    TABLE_HEADER,
    TABLE_ISSUER,
    TABLE_NOTE,
    TABLE_PAGE_BREAK,
    TABLE_TITLE,
    TINY,
)

# The checklists' columns and page layout live in checklist_layout (the context cuts pages with them);
# Column is re-exported for readers of this module.
from pipeline.documents.layout import CHECKLIST_WIDTH_MM, Checklist, Column

# --------------------------------------------------------------------------------------------------
# Checklists (问题清单, 任务清单, 责任清单)
# --------------------------------------------------------------------------------------------------


def column_widths(columns: tuple[Column, ...], total: int) -> tuple[int, ...]:
    """Column widths in twips; the last column takes the rounding so they add up to `total` exactly."""
    widths = [mm(c.width_mm) for c in columns[:-1]]
    return (*widths, total - sum(widths))


def _build_checklist(checklist: Checklist, path: Path) -> Path:
    """Write one checklist template.

    Context: attachment ("附件1" or ""), title (may hold "\\n"), issuer, date, pages [{rows [{no,
    aspect, heading, item, item_text, problem_id, status, public, action, target, leader, department,
    partner, deadline, result, measure_status, task_no (the measure's 序号 in the 任务清单), and the group flags aspect_first, heading_first,
    item_first, leader_first, department_first}]}] (also all rows in one list: rows).

    One table a page (pipeline.checklist_layout cuts the rows into pages): Word and LibreOffice leave a
    merged cell empty on the page a group continues on, a new table starts the merged cells again
    with their labels. The tables are separated by a 1 pt paragraph that starts a new page; each
    table's header row still repeats should a page run over.
    """
    doc = _new_document(CHECKLIST_PAGE, checklist.title)
    _tag(doc, "{%p if attachment %}")
    _paragraph(doc, TABLE_ATTACHMENT, "{{ attachment }}")
    _paragraph(doc, TABLE_ATTACHMENT)  # GB/T 9704 ch. 8: the title on the third line, one line below the label
    _tag(doc, "{%p endif %}")
    _paragraph(doc, TABLE_TITLE, "{{ title }}")
    _tag(doc, "{%p if issuer or date %}")
    issuer = _paragraph(doc, TABLE_ISSUER, "{{ issuer }}")
    issuer.add_run().add_tab()
    issuer.add_run("{{ date }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if note %}")
    _paragraph(doc, TABLE_NOTE, "{{ note }}")
    _tag(doc, "{%p endif %}")

    columns = checklist.columns
    # The columns fill the text block: their widths in mm add up to it (the last column only takes
    # the twips lost in rounding).
    total_mm = sum(c.width_mm for c in columns)
    if total_mm != CHECKLIST_WIDTH_MM or mm(CHECKLIST_WIDTH_MM) != CHECKLIST_PAGE.text_width:
        raise ValueError(f"{checklist.file_name}: column widths do not add up to the text block")
    widths = column_widths(columns, CHECKLIST_PAGE.text_width)
    _tag(doc, "{%p for page in pages %}")
    _tag(doc, "{%p if not loop.first %}")
    _paragraph(doc, TABLE_PAGE_BREAK)
    _tag(doc, "{%p endif %}")
    table = doc.add_table(rows=4, cols=len(columns))
    _table_properties(table, CHECKLIST_TABLE, CHECKLIST_PAGE.text_width)
    _table_grid(table, widths)
    _centre_vertically(table)
    header, loop_start, body, loop_end = table.rows

    for cell, column in zip(header.cells, columns):
        _set_cell(cell, TABLE_HEADER, column.header)
    # Repeat the header row at the top of every page; no row breaks across a page.
    _row_properties(header, cant_split=True, repeat_header=True)

    _set_cell(loop_start.cells[0], TABLE_BODY, "{%tr for r in page.rows %}")
    for cell, column in zip(body.cells, columns):
        merge = f"r.{column.merge}_first" if column.merge else None
        text = column.cell if merge is None else f"{{% vmerge {merge} %}}{column.cell}"
        _set_cell(cell, TABLE_BODY_CENTER if column.centred else TABLE_BODY, text)
    _row_properties(body, cant_split=True)
    _set_cell(loop_end.cells[0], TABLE_BODY, "{%tr endfor %}")
    _tag(doc, "{%p endfor %}")

    # A document cannot end with a table; this last paragraph is 1 pt high so it never adds a page.
    _paragraph(doc, TINY)
    return _save(doc, path)
