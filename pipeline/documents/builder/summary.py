"""The summary table template (整改台账汇总表.docx): counts by status per 方面 with completion rates, then
every measure with a red / yellow / green mark (overdue / due within 30 days / done). Landscape, like the
checklists."""

from __future__ import annotations

from pathlib import Path

from docx.oxml import parse_xml

from pipeline.documents.builder.gbt import CHECKLIST_PAGE, W, mm
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
    TABLE_BODY_CENTER,
    TABLE_HEADER,
    TABLE_ISSUER,
    TABLE_NOTE,
    TABLE_PAGE_BREAK,
    TABLE_TITLE,
    TINY,
)

# (header, width mm, body cell, centred); each table's widths add up to the 225 mm text block.
BY_ASPECT: tuple[tuple[str, float, str, bool], ...] = (
    ("方面", 47, "{{ r.aspect }}", False),
    ("问题数", 15, "{{ r.problems }}", True),
    ("已完成", 15, "{{ r.done }}", True),
    ("取得阶段性成效", 30, "{{ r.staged }}", True),
    ("正在推进", 19, "{{ r.ongoing }}", True),
    ("长期坚持", 19, "{{ r.long_term }}", True),
    ("问题完成率", 22, "{{ r.problem_rate }}", True),
    ("措施数", 15, "{{ r.measures }}", True),
    ("已完成措施", 22, "{{ r.measures_done }}", True),
    ("措施完成率", 21, "{{ r.measure_rate }}", True),
)
# The mark: a coloured dot and a word, so that it reads in black and white too.
MARKS = (("red", "FF0000", "●逾期"), ("yellow", "E6A100", "●临期"), ("green", "00A050", "●完成"))
MEASURES: tuple[tuple[str, float, str, bool], ...] = (
    ("序号", 11, "{{ r.no }}", True),
    ("问题编号", 18, "{{ r.problem_id }}", True),
    ("整改措施", 70, "{{ r.action }}", False),
    ("责任领导", 25, "{{ r.leader }}", True),
    ("责任部室（单位）", 28, "{{ r.department }}", True),
    ("完成时限", 34, "{{ r.deadline }}", True),
    ("整改状态", 20, "{{ r.status }}", True),
    ("标识", 19, "", True),
)


def _widths(columns: tuple[tuple[str, float, str, bool], ...]) -> tuple[int, ...]:
    total = CHECKLIST_PAGE.text_width
    widths = [mm(c[1]) for c in columns[:-1]]
    if sum(c[1] for c in columns) != 225:
        raise ValueError("summary columns do not add up to the text block")
    return (*widths, total - sum(widths))


def _table(doc, columns, loop: str, total_row: bool = False):
    rows = 5 if total_row else 4
    table = doc.add_table(rows=rows, cols=len(columns))
    _table_properties(table, CHECKLIST_TABLE, CHECKLIST_PAGE.text_width)
    _table_grid(table, _widths(columns))
    _centre_vertically(table)
    header, start, body, end = table.rows[:4]
    for cell, (text, _, _, _) in zip(header.cells, columns):
        _set_cell(cell, TABLE_HEADER, text)
    _row_properties(header, cant_split=True, repeat_header=True)
    _set_cell(start.cells[0], TABLE_BODY, f"{{%tr for r in {loop} %}}")
    for cell, (_, _, text, centred) in zip(body.cells, columns):
        paragraph = _set_cell(cell, TABLE_BODY_CENTER if centred else TABLE_BODY, text)
        if not text:  # the mark: one run per colour, each printed only for its own state
            for state, colour, word in MARKS:
                run = paragraph.add_run(f"{{% if r.mark == '{state}' %}}{word}{{% endif %}}")
                run._r.get_or_add_rPr().append(parse_xml(f'<w:color {W} w:val="{colour}"/>'))
    _row_properties(body, cant_split=True)
    _set_cell(end.cells[0], TABLE_BODY, "{%tr endfor %}")
    if total_row:
        last = table.rows[4]
        for cell, (_, _, text, centred) in zip(last.cells, columns):
            _set_cell(cell, TABLE_HEADER, text.replace("r.", "total.") if text else "")
        _row_properties(last, cant_split=True)
    return table


def build_summary(path: Path) -> Path:
    """Write the summary table template.

    Context: title, issuer, date, note (the totals in one sentence), aspects [{aspect, problems, done,
    staged, ongoing, long_term, problem_rate, measures, measures_done, measure_rate}], total (the same
    keys, aspect 合计), measures [{no, problem_id, action, leader, department, deadline, status, mark
    (red / yellow / green / "")}] (pipeline.documents.cycle.summary_context)."""
    doc = _new_document(CHECKLIST_PAGE, "巡察整改台账汇总表（模板）")
    _paragraph(doc, TABLE_TITLE, "{{ title }}")
    issuer = _paragraph(doc, TABLE_ISSUER, "{{ issuer }}")
    issuer.add_run().add_tab()
    issuer.add_run("截至{{ date }}")
    _tag(doc, "{%p if note %}")
    _paragraph(doc, TABLE_NOTE, "{{ note }}")
    _tag(doc, "{%p endif %}")
    _table(doc, BY_ASPECT, "aspects", total_row=True)
    _tag(doc, "{%p if measures %}")
    _paragraph(doc, TABLE_PAGE_BREAK)
    _paragraph(doc, TABLE_NOTE, "{{ marks_note }}")
    _table(doc, MEASURES, "measures")
    _tag(doc, "{%p endif %}")
    _paragraph(doc, TINY)
    return _save(doc, path)
