"""The blank ledger workbook (dropdowns, formats, examples) and its fill-in guide sheet."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.errors import UsageError
from pipeline.fsutil import write_new_file
from pipeline.ledger import numbering, schema, wording
from pipeline.ledger import placeholders as figures

# Rows of the blank ledger that get dropdowns and formats.
BLANK_ROWS = 2000
# Excel stores a list validation's literal values in a formula limited to 255 characters.
EXCEL_LIST_LIMIT = 255


# ---------------------------------------------------------------------------------------------
# The blank ledger

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_FONT = Font(name="宋体", bold=True, size=11)
_REQUIRED_FONT = Font(name="宋体", bold=True, size=11, color="C00000")
_DATE_FORMAT = 'yyyy"年"m"月"d"日"'
KIND_NAMES = {
    schema.TEXT: "文字",
    schema.LONGTEXT: "文字（可换行分段）",
    schema.INT: "整数",
    schema.DATE: "日期",
    schema.DEADLINE: "日期或时限用语",
    schema.CHOICE: "下拉选择",
    schema.ID: "编号",
    schema.LOOSE_DATE: "日期（可只写到月或旬）",
}


def _list_formula(col: schema.Column, choices_ws: Worksheet, slot: list[int]) -> str:
    """A list validation formula; values go to the hidden sheet when they would pass Excel's limit."""
    literal = '"' + ",".join(col.choices) + '"'
    if len(literal) <= EXCEL_LIST_LIMIT and not any("," in c for c in col.choices):
        return literal
    slot[0] += 1
    letter = get_column_letter(slot[0])
    for i, choice in enumerate(col.choices, start=1):
        choices_ws[f"{letter}{i}"] = choice
    return f"'{schema.CHOICES_SHEET}'!${letter}$1:${letter}${len(col.choices)}"


def _style_header(cell: Any, col: schema.Column) -> None:
    cell.font = _REQUIRED_FONT if col.required else _HEADER_FONT
    cell.fill = _HEADER_FILL
    cell.border = _BORDER
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    help_text = col.help + ("（必填）" if col.required else "")
    cell.comment = Comment(help_text, "rectify", width=260, height=110)


def _label(col: schema.Column, kind: str) -> str:
    """A column's header in the ledger's kind (被巡视单位 for a 巡视); the 巡视巡察 row keeps its name."""
    return col.header if col.key == "kind" else schema.for_kind(col.header, kind)


def _help(col: schema.Column, kind: str, example: bool = True) -> str:
    """A column's help (and example) in the ledger's kind; the 巡视巡察 row explains both words as they are."""
    text = col.help + (f"例：{col.example}" if example and col.example else "")
    return text if col.key == "kind" else schema.example_for_kind(text, kind)


def blank_workbook(kind: str = schema.XUNCHA, examples: bool = True) -> Workbook:
    """A blank ledger workbook built from the schema, worded for a 巡察 (default) or a 巡视; with
    `examples`, each table sheet shows an example row and 正文 its skeleton (programs that fill the
    workbook themselves pass False)."""
    wb = Workbook()
    guide = wb.active
    guide.title = schema.GUIDE_SHEET
    choices_ws = wb.create_sheet(schema.CHOICES_SHEET)
    choices_ws.sheet_state = "hidden"
    slot = [0]
    for spec in schema.SHEETS:
        ws = wb.create_sheet(spec.name)
        if spec.keyvalue:
            _blank_keyvalue(ws, spec, choices_ws, slot, kind)
        else:
            _blank_table(ws, spec, choices_ws, slot, examples, kind)
    _write_guide(guide, kind)
    # Put the hidden options sheet last so sheet order reads: guide, data sheets.
    wb.move_sheet(choices_ws, offset=len(wb.sheetnames))
    return wb


_EXAMPLE_FONT = Font(name="宋体", italic=True, color="808080")
_DATE_PROMPT = "填写日期，如 2024-09-30 或 2024年9月30日（Excel 会按本机格式显示）。"


def _date_validation(header: str) -> DataValidation:
    """A real-date check with a Chinese prompt and message (1990-01-01 … 2099-12-31)."""
    return DataValidation(
        type="date",
        operator="between",
        formula1="DATE(1990,1,1)",
        formula2="DATE(2099,12,31)",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="日期不正确",
        error="请填写 1990 年至 2099 年之间的日期，如 2024-09-30。",
        promptTitle=header,
        prompt=_DATE_PROMPT,
        showInputMessage=True,
    )


# Points a line of 11 pt text takes in a row; Excel's column width unit is about one Latin digit.
_LINE_HEIGHT = 15


def _text_width(text: str) -> int:
    """Width in Excel column units: a Chinese character takes two, a Latin one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_row_heights(ws: Worksheet, rows: Iterable[int]) -> None:
    """Give rows the height their wrapped text needs (no spreadsheet program grows rows a program wrote,
    so a long help text would show, and print, as its first line only)."""
    spans = {(r.min_row, r.min_col): r.max_col for r in ws.merged_cells.ranges}
    for r in rows:
        lines = 1
        for cell in ws[r]:
            if not isinstance(cell.value, str) or not hasattr(cell, "column"):
                continue
            last = spans.get((r, cell.column), cell.column)
            width = sum((ws.column_dimensions[get_column_letter(c)].width or 9) for c in range(cell.column, last + 1))
            per_line = max(int(width) - 1, 4)
            need = sum(max(1, -(-_text_width(part) // per_line)) for part in cell.value.split("\n"))
            lines = max(lines, need)
        if lines > 1:
            ws.row_dimensions[r].height = lines * _LINE_HEIGHT


def _print_setup(ws: Worksheet, landscape: bool = True, title_rows: str | None = "1:1") -> None:
    """Print on A4, one page wide (as many pages down as needed), the header row repeated on each page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows:
        ws.print_title_rows = title_rows


def _blank_table(
    ws: Worksheet,
    spec: schema.Sheet,
    choices_ws: Worksheet,
    slot: list[int],
    examples: bool = True,
    kind: str = schema.XUNCHA,
) -> None:
    for idx, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(idx)
        cell = ws.cell(row=1, column=idx, value=col.header)
        _style_header(cell, col)
        dim = ws.column_dimensions[letter]
        dim.width = col.width
        rng = f"{letter}2:{letter}{BLANK_ROWS + 1}"
        dv = None
        if col.kind == schema.CHOICE:
            dv = DataValidation(
                type="list",
                formula1=_list_formula(col, choices_ws, slot),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从列表中选择",
                error="只能填写：" + "、".join(col.choices),
                promptTitle=col.header,
                prompt=col.help[:250],
                showInputMessage=True,
            )
        elif spec.key == "measures" and col.key == "problem_id":
            # The ids typed on the 问题 sheet, as a dropdown (a list fed by a range of that sheet).
            id_letter = get_column_letter(1 + [c.key for c in schema.PROBLEMS.columns].index("id"))
            dv = DataValidation(
                type="list",
                formula1=f"'{schema.PROBLEMS.name}'!${id_letter}$2:${id_letter}${BLANK_ROWS + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="问题编号不存在",
                error=f"请选择“{schema.PROBLEMS.name}”表中已有的编号（先在“{schema.PROBLEMS.name}”表填写问题）。",
                promptTitle=col.header,
                prompt=col.help[:250],
                showInputMessage=True,
            )
        elif col.kind == schema.DATE:
            dv = _date_validation(col.header)
        elif col.kind == schema.DEADLINE:
            # A date or 长期坚持: no error box, a prompt saying both.
            dv = DataValidation(
                type="custom",
                formula1="TRUE",
                allow_blank=True,
                showErrorMessage=False,
                promptTitle=col.header,
                prompt="填写日期（如 2024-12-31），或写“2024年12月底前”“2025年第一季度”“年底前”“立行立改”"
                "“持续推进”“长期坚持”等，文档照原样印。",
                showInputMessage=True,
            )
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(rng)
        if col.kind in (schema.DATE, schema.DEADLINE):
            dim.number_format = _DATE_FORMAT
        # Wrapped text in every column, so nothing is cut off on screen or on paper.
        dim.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = spec.freeze
    if examples:
        _example_row(ws, spec, kind)
        fit_row_heights(ws, range(2, ws.max_row + 1))
    _print_setup(ws)


def _example_row(ws: Worksheet, spec: schema.Sheet, kind: str = schema.XUNCHA) -> None:
    """Row 2: an example (grey, first cell starting with 示例) that shows the shape; the reader skips it.
    正文 gets the skeleton of a progress notice instead, to rewrite."""
    if spec.key == "narrative":
        for r, row in enumerate(schema.NARRATIVE_SKELETON, start=2):
            for c, text in enumerate(row, start=1):
                if text:
                    ws.cell(row=r, column=c, value=schema.for_kind(text, kind)).alignment = Alignment(
                        wrap_text=True, vertical="top"
                    )
        return
    for c, col in enumerate(spec.columns, start=1):
        value: str | datetime = schema.example_for_kind(col.example, kind)
        if c == 1:
            value = schema.EXAMPLE_MARK if col.kind == schema.ID else f"{schema.EXAMPLE_MARK}：{value}"
        elif col.kind == schema.CHOICE and not value:
            value = col.default or col.choices[0]
        elif col.kind in (schema.DATE, schema.DEADLINE) and col.example:
            value = datetime.strptime(col.example, "%Y-%m-%d")
        if value:
            cell = ws.cell(row=2, column=c, value=value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd"  # openpyxl's default has the time: "###" in a narrow column
            cell.font = _EXAMPLE_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _blank_keyvalue(
    ws: Worksheet, spec: schema.Sheet, choices_ws: Worksheet, slot: list[int], kind: str = schema.XUNCHA
) -> None:
    for idx, label in enumerate(schema.KV_HEADERS, start=1):
        cell = ws.cell(row=1, column=idx, value=label)
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center")
    for r, col in enumerate(spec.columns, start=2):
        label = ws.cell(row=r, column=1, value=_label(col, kind))
        label.font = Font(bold=True, color="C00000" if col.required else "000000")
        label.border = _BORDER
        value = ws.cell(row=r, column=2)
        value.border = _BORDER
        if col.kind == schema.DATE:
            value.number_format = _DATE_FORMAT
            dv = _date_validation(_label(col, kind))
            ws.add_data_validation(dv)
            dv.add(value.coordinate)
        value.alignment = Alignment(wrap_text=True, vertical="top")
        if col.choices:
            # 编号方式 also takes a pattern, so a value off the list is allowed there (no error box).
            strict = col.kind == schema.CHOICE
            dv = DataValidation(
                type="list",
                formula1=_list_formula(col, choices_ws, slot),
                allow_blank=True,
                showErrorMessage=strict,
                errorTitle="请从列表中选择",
                error="只能填写：" + "、".join(col.choices),
                promptTitle=_label(col, kind),
                prompt=_help(col, kind, example=False)[:250],
                showInputMessage=True,
            )
            ws.add_data_validation(dv)
            dv.add(value.coordinate)
        if col.key == "kind" and kind != schema.XUNCHA:
            value.value = kind
        note = _help(col, kind, example=False) + ("（必填）" if col.required else "")
        if col.example:
            note += f"例：{col.example if col.key == 'kind' else schema.example_for_kind(col.example, kind)}"
        ws.cell(row=r, column=3, value=note).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 44
    ws.column_dimensions["C"].width = 70
    ws.freeze_panes = spec.freeze
    fit_row_heights(ws, range(2, len(spec.columns) + 2))
    _print_setup(ws)


def _write_guide(ws: Worksheet, kind: str = schema.XUNCHA) -> None:
    """The 填写说明 sheet, generated from the schema's help texts, the numbering schemes and the placeholders."""
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 18
    ws.column_dimensions["D"].width = 30
    ws.column_dimensions["E"].width = 80
    rows: list[tuple[Any, ...]] = [
        (f"{kind}整改台账填写说明",),
        (
            "填好各表后运行 rectify check 检查，再运行 rectify build 生成通报和各清单。红色列名为必填项；"
            "列名上的批注是该列的说明。不要修改表名和列名。序号（一、（一）1. 一是）都由程序按“编号方式”生成，不必填写。"
            "各表第 2 行灰色斜体的是示例（第一格以“示例”开头），读取时跳过，可以删除；在示例行上直接填写时请把整行都改掉。"
            "“正文”表预填了通报的常用段落（以“【请改写】”开头），请按实际改写并删去这四个字，不需要的段落整行删除。",
        ),
        (),
    ]
    for spec in schema.SHEETS:
        rows.append((f"【{spec.name}】", schema.for_kind(spec.help, kind)))
        rows.append(("列名" if not spec.keyvalue else "项目", "必填", "类型", "可选值", "说明"))
        for col in spec.columns:
            rows.append(
                (
                    _label(col, kind),
                    "是" if col.required else "",
                    KIND_NAMES[col.kind],
                    "、".join(col.choices),
                    _help(col, kind),
                )
            )
        rows.append(())
    rows.append(
        (
            "【编号方式】",
            "基本信息〔编号方式〕可选下列之一，也可以按“第一级/第二级/第三级/第四级”逐级填写，"
            "每级写 一、 （一） 1. （1） 一是 ① 之一或“无”，后面加“段首”表示标题接在段首，如“一、/无/1./一是段首”。",
        )
    )
    rows.append(("名称", "", "各级编号", "效果（⏎ 表示另起一段）", "说明"))
    for name, (pattern, help_text, example) in numbering.SCHEME_DOCS.items():
        rows.append((name, "", pattern, schema.example_for_kind(example, kind), help_text))
    rows.append(())
    rows.append(
        (
            "【部分的标题】",
            "基本信息〔基本情况标题〕〔整改落实进展标题〕〔今后打算标题〕〔结束语标题〕：不填用默认标题；"
            "填写文字即改用这个标题（序号自动生成，可用占位符）；填“无标题”只印内容；填“不印”整个部分不印。"
            "部分的序号只数印出标题的部分。",
        )
    )
    rows.append(())
    rows.append(
        (
            "【通报的措辞】",
            "基本信息中下列各行都是选填，不填时通报照旧；它们只改通报，三个清单仍印“问题”表的原文和固定的整改状态。",
        )
    )
    rows.append(("项目", "", "填写示例", "效果（⏎ 表示另起一段）", "说明"))
    for key, effect in wording.GUIDE:
        col = schema.INFO.column(key)
        rows.append(
            (
                _label(col, kind),
                "",
                schema.for_kind(col.example, kind),
                schema.for_kind(effect, kind),
                _help(col, kind, example=False),
            )
        )
    rows.append(())
    rows.append(
        (
            "【占位符】",
            "在导语、部分标题和正文中写 {名称}，生成时换成下面的内容；写作“巡视”的名称同样可用，如 {巡视组}。",
        )
    )
    rows.append(("占位符", "", "", "示例值", "含义"))
    for ph in figures.REGISTRY:
        rows.append(
            (
                "{" + schema.for_kind(ph.name, kind) + "}",
                "",
                "",
                f"例：{schema.example_for_kind(ph.example, kind)}",
                schema.for_kind(ph.help, kind),
            )
        )
    for row in rows:
        ws.append(list(row))
    ws["A1"].font = Font(bold=True, size=14)
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("【"):
                cell.font = Font(bold=True, color="1F4E79")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    # A line of text in column A that runs across the row: merge it so it wraps over the whole width.
    for r, row in enumerate(rows, start=1):
        if len(row) == 1 or (len(row) == 2 and str(row[0]).startswith("【")):
            start = 1 if len(row) == 1 else 2
            ws.merge_cells(start_row=r, start_column=start, end_row=r, end_column=5)
    ws.freeze_panes = "A4"
    fit_row_heights(ws, range(1, len(rows) + 1))
    _print_setup(ws, landscape=False, title_rows=None)


def write_blank_ledger(path: Path, kind: str = schema.XUNCHA) -> Path:
    """Write a blank ledger to `path` (which must not exist), worded for a 巡察 or a 巡视."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"“{path.name}”的扩展名应为 .xlsx。请改为如“台账.xlsx”的文件名。")
    write_new_file(path, blank_workbook(kind).save)
    return path
