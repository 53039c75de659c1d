"""The blank ledger (init), the reader's tolerance of real workbooks, and the init → fill → read round trip."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import example_data
import pytest
from conftest import EXAMPLE, col_letter, fill_workbook, info_cell
from helpers import BAD_KINDS, EXPECTED_WORDS, bad_files
from openpyxl import load_workbook

from pipeline.api import check_file
from pipeline.errors import OutputExistsError, WorkbookError
from pipeline.ledger import schema
from pipeline.ledger.blank import BLANK_ROWS, EXCEL_LIST_LIMIT, _list_formula, blank_workbook, write_blank_ledger
from pipeline.ledger.reader import read_workbook


def _expected_validation(spec: schema.Sheet, col: schema.Column) -> str | None:
    """The data validation type the blank ledger gives a column (None: free text)."""
    if col.kind == schema.CHOICE or (spec.key == "measures" and col.key == "problem_id"):
        return "list"
    return {schema.DATE: "date", schema.DEADLINE: "custom"}.get(col.kind)


def test_blank_ledger_has_every_sheet_header_and_dropdown(tmp_path):
    path = write_blank_ledger(tmp_path / "台账.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[0] == schema.GUIDE_SHEET
    for spec in schema.SHEETS:
        ws = wb[spec.name]
        if spec.keyvalue:
            labels = [ws.cell(row=r, column=1).value for r in range(2, len(spec.columns) + 2)]
            assert labels == [c.header for c in spec.columns]
            continue
        assert [c.value for c in ws[1]] == [c.header for c in spec.columns]
        assert ws.freeze_panes == "A2"
        validated = {str(rng).split(":")[0][:-1]: dv for dv in ws.data_validations.dataValidation
                     for rng in dv.sqref.ranges}
        for i, col in enumerate(spec.columns, start=1):
            letter = col_letter(spec.key, col.key)
            dv = validated.get(letter)
            assert (dv.type if dv else None) == _expected_validation(spec, col), (spec.name, col.header)
            if dv is not None:
                assert dv.showInputMessage and dv.prompt, (spec.name, col.header)  # a Chinese prompt
            if col.kind in (schema.DATE, schema.DEADLINE):
                assert "yyyy" in ws.column_dimensions[letter].number_format
            assert ws.cell(row=1, column=i).comment is not None  # the help text
    # 问题编号 in 措施 offers the ids typed on the 问题 sheet
    ws = wb[schema.MEASURES.name]
    (dv,) = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(col_letter("measures", "problem_id"))]
    assert dv.formula1 == f"'问题'!$A$2:$A${BLANK_ROWS + 1}" and dv.showErrorMessage


def test_blank_ledger_prints_one_page_wide_with_the_header_on_every_page(tmp_path):
    wb = load_workbook(write_blank_ledger(tmp_path / "台账.xlsx"))
    for name in (schema.GUIDE_SHEET, *(s.name for s in schema.SHEETS)):
        ws = wb[name]
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), name
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4), name
        if name != schema.GUIDE_SHEET:
            assert ws.page_setup.orientation == "landscape", name
            assert ws.print_title_rows == "$1:$1", name
    # every data column wraps, so a long value is not cut off
    for spec in schema.SHEETS[1:]:
        ws = wb[spec.name]
        for col in spec.columns:
            assert ws.column_dimensions[col_letter(spec.key, col.key)].alignment.wrap_text, (spec.name, col.header)


def test_blank_ledger_shows_an_example_row_the_reader_skips_and_a_skeleton_to_rewrite(tmp_path):
    path = write_blank_ledger(tmp_path / "台账.xlsx")
    wb = load_workbook(path)
    for spec in (schema.PROBLEMS, schema.MEASURES, schema.DOCUMENTS):
        first = wb[spec.name].cell(row=2, column=1).value
        assert first.startswith(schema.EXAMPLE_MARK), spec.name
    narrative = [tuple(c.value or "" for c in row[:3]) for row in wb[schema.NARRATIVE.name].iter_rows(min_row=2)
                 if any(c.value for c in row)]
    assert narrative == list(schema.NARRATIVE_SKELETON)
    result = check_file(path)
    # the example rows are not data; the skeleton is refused until rewritten, at each cell that still has it
    assert not any(f.sheet in ("问题", "措施", "制度文件") and f.cell.endswith("2") and f.code == "required-missing"
                   for f in result.findings)
    # the notice's parts are errors; the other documents' parts warnings (a build of those documents refuses them)
    rows = list(enumerate(schema.NARRATIVE_SKELETON, start=2))
    skeleton = [f.cell for f in result.errors if f.code == "skeleton-text"]
    assert skeleton == [f"C{r}" for r, row in rows if "【请改写】" in row[2] and row[0] in schema.SECTIONS]
    pending = [f.cell for f in result.warnings if f.code == "skeleton-text-pending"]
    assert pending == [f"C{r}" for r, row in rows if "【请改写】" in row[2] and row[0] in schema.CYCLE_SECTIONS]
    assert pending and all(row[0] in schema.CYCLE_SECTIONS for r, row in rows if f"C{r}" in pending)


def test_blank_ledger_file_mode_follows_the_umask(tmp_path):
    import os
    old = os.umask(0o022)
    try:
        path = write_blank_ledger(tmp_path / "台账.xlsx")
    finally:
        os.umask(old)
    if os.name != "nt":
        assert path.stat().st_mode & 0o777 == 0o644


def test_guide_sheet_is_generated_from_the_schema(tmp_path):
    wb = load_workbook(write_blank_ledger(tmp_path / "x.xlsx"))
    text = "\n".join(str(c.value) for row in wb[schema.GUIDE_SHEET].iter_rows() for c in row if c.value)
    for spec in schema.SHEETS:
        assert f"【{spec.name}】" in text
        for col in spec.columns:
            assert col.help in text
    from pipeline.ledger.placeholders import PLACEHOLDERS
    for name in PLACEHOLDERS:
        assert "{" + name + "}" in text


def test_init_refuses_to_overwrite(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"precious")
    with pytest.raises(OutputExistsError):
        write_blank_ledger(path)
    assert path.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["台账.xlsx"]  # no temporary file left behind


def test_long_choice_lists_go_to_the_hidden_sheet():
    wb = blank_workbook()
    col = schema.Column("x", "很长的列", schema.CHOICE, choices=tuple(f"选项{i:03d}很长很长很长" for i in range(40)))
    formula = _list_formula(col, wb[schema.CHOICES_SHEET], [0])
    assert formula.startswith(f"'{schema.CHOICES_SHEET}'!")
    assert wb[schema.CHOICES_SHEET]["A40"].value == col.choices[-1]
    short = schema.PROBLEMS.column("status")
    assert len(_list_formula(short, wb[schema.CHOICES_SHEET], [0])) <= EXCEL_LIST_LIMIT
    assert wb[schema.CHOICES_SHEET].sheet_state == "hidden"


def _norm(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    return value


def test_round_trip_init_fill_read(tmp_path):
    """The example data typed into the file `init` writes reads back as the same ledger, field by field."""
    path = write_blank_ledger(tmp_path / "rt.xlsx")
    wb = load_workbook(path)
    data = {"info": example_data.INFO, "problems": example_data.PROBLEMS, "measures": example_data.MEASURES,
            "narrative": example_data.NARRATIVE, "documents": example_data.DOCUMENTS}
    # the clerk types over the skeleton 正文: its cells the example leaves empty are emptied too
    for row in wb[schema.NARRATIVE.name].iter_rows(min_row=2, max_row=len(schema.NARRATIVE_SKELETON) + 1):
        for cell in row[:3]:
            cell.value = None
    fill_workbook(wb, data)
    wb.save(path)
    ledger = check_file(path).ledger
    assert ledger is not None
    info = ledger.inspection
    for key, value in example_data.INFO.items():
        kind = schema.INFO.column(key).kind
        expected = None if value == "" and kind in (schema.DATE, schema.INT) else value
        assert getattr(info, key) == expected, key
    assert [(p.id, p.aspect, p.heading, p.item, "\n".join(p.progress), p.status, p.public)
            for p in ledger.problems] == [
        (p["id"], p["aspect"], p["heading"], p["item"], p["progress"], p["status"], p["public"] == "是")
        for p in example_data.PROBLEMS]
    assert [(m.id, m.problem_id, m.action, m.target, m.leader, m.department, m.partner, m.deadline, m.result,
             m.status) for m in ledger.measures] == [
        (m["id"], m["problem_id"], m["action"], m["target"], m["leader"], m["department"], m.get("partner", ""),
         None if m["deadline"] == "长期坚持" else m["deadline"], m.get("result", ""), m["status"])
        for m in example_data.MEASURES]
    assert [(n.section, n.heading, n.text) for n in ledger.narrative] == [
        (n["section"], n["heading"], n["text"]) for n in example_data.NARRATIVE]
    assert [(d.name, d.kind, d.date) for d in ledger.documents] == [
        (d["name"], d["kind"], d["date"]) for d in example_data.DOCUMENTS]


def test_shipped_example_matches_its_data_module():
    """input/示例台账.xlsx is what scripts/make_example.py writes from scripts/example_data.py."""
    ledger = check_file(EXAMPLE).ledger
    assert ledger is not None
    assert [(p.id, p.item, "\n".join(p.progress)) for p in ledger.problems] == [
        (p["id"], p["item"], p["progress"]) for p in example_data.PROBLEMS]
    assert [(m.id, m.action, m.target) for m in ledger.measures] == [
        (m["id"], m["action"], m["target"]) for m in example_data.MEASURES]
    assert [(n.section, n.heading, n.text) for n in ledger.narrative] == [
        (n["section"], n["heading"], n["text"]) for n in example_data.NARRATIVE]


@pytest.mark.parametrize("value", [
    datetime(2024, 8, 27), date(2024, 8, 27), 45531, 45531.0, "2024-08-27", "2024-8-27", "2024/8/27",
    "2024.8.27", "2024.08.27", "2024年8月27日", " 2024年08月27日 ", "２０２４年８月２７日", "20240827",
])
def test_date_forms(make_ledger, value):
    def change(d: dict[str, Any]) -> None:
        d["info"]["feedback"] = value
    result = check_file(make_ledger(change))
    assert result.ok, result.errors
    assert result.ledger.inspection.feedback == date(2024, 8, 27)


def test_merged_cells_give_their_value_to_every_row(make_ledger):
    def change(d: dict[str, Any]) -> None:
        d["problems"][1]["aspect"] = None  # left empty: the merge supplies it
        d["problems"][1]["heading"] = None

    def edit(wb: Any) -> None:
        ws = wb["问题"]
        ws.merge_cells("B2:B3")
        ws.merge_cells("C2:C3")
    result = check_file(make_ledger(change, edit))
    assert result.ok, result.errors
    assert [p.aspect for p in result.ledger.problems] == ["关于甲方面", "关于甲方面", "关于乙方面"]
    assert result.ledger.problems[1].heading == "甲问题"


def test_messy_but_unambiguous_workbook_is_read(make_ledger):
    """Renamed sheet, title row above the headers, odd header spacing, extra columns, blank rows,
    trailing spaces, numbers typed as text, line breaks inside one-line cells."""
    def change(d: dict[str, Any]) -> None:
        d["info"]["declared_problems"] = " ３ "
        d["problems"][0]["item"] = "具体问题一  "
        d["problems"][1]["heading"] = "甲\n问题"
        d["measures"][0]["problem_id"] = 1  # a number where the problem id was typed as text

    def edit(wb: Any) -> None:
        ws = wb["措施"]
        ws.title = "整改措施表（第二版）"
        ws.insert_rows(1)
        ws["A1"] = "某某单位巡察整改措施"
        ws["F2"] = "责任部室\n(单位)"
        ws["L2"] = "备注"
        ws["L3"] = "不相干的备注"
        ws.insert_rows(4)  # a blank row between measures
    result = check_file(make_ledger(change, edit))
    assert result.ok, result.errors
    ledger = result.ledger
    assert ledger.inspection.declared_problems == 3
    assert ledger.problems[0].item == "具体问题一"
    assert ledger.problems[1].heading == "甲问题"
    assert [m.problem_id for m in ledger.measures] == ["1", "2", "3"]
    assert ledger.measures[0].department == "办公室"


def _patch_zip(path: Path, member_pred: Any, old: bytes, new: bytes) -> None:
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if member_pred(name):
                data = data.replace(old, new)
            dst.writestr(name, data)
    src.close()
    path.write_bytes(out.getvalue())


def test_formula_without_cached_value_is_an_error(make_ledger):
    def edit(wb: Any) -> None:
        wb["基本信息"][info_cell("declared_problems")] = "=COUNTA(问题!A2:A100)"
    result = check_file(make_ledger(edit=edit))
    assert ("formula-no-value", "基本信息", info_cell("declared_problems")) in {
        (f.code, f.sheet, f.cell) for f in result.errors}
    assert "Excel" in result.errors[0].message


def test_formula_with_cached_value_reads_the_value(make_ledger):
    path = make_ledger(edit=lambda wb: wb["基本信息"].__setitem__(info_cell("declared_problems"), "=1+2"))
    # Excel saves the computed result beside the formula; openpyxl cannot, so add it as Excel would.
    _patch_zip(path, lambda n: n.startswith("xl/worksheets/"), b"<f>1+2</f><v></v>", b"<f>1+2</f><v>3</v>")
    _patch_zip(path, lambda n: n.startswith("xl/worksheets/"), b"<f>1+2</f><v/>", b"<f>1+2</f><v>3</v>")
    result = check_file(path)
    assert result.ok, result.errors
    assert result.ledger.inspection.declared_problems == 3


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_files_raise_a_clear_error(tmp_path, kind):
    path = bad_files(tmp_path)[kind]
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    assert EXPECTED_WORDS[kind] in info.value.message
    assert path.name in info.value.message


def test_merge_reaching_over_blank_rows_adds_no_rows(make_ledger):
    def edit(wb: Any) -> None:
        ws = wb["问题"]
        ws.merge_cells("B4:B6")  # the last problem's aspect cell, merged down over two empty rows
    result = check_file(make_ledger(edit=edit))
    assert result.ok, result.errors
    assert len(result.ledger.problems) == 3


def test_formula_heading_a_merged_range_is_read_for_every_row(make_ledger):
    def change(d: dict[str, Any]) -> None:
        d["problems"][1]["aspect"] = None

    def edit(wb: Any) -> None:
        ws = wb["问题"]
        ws["B2"] = '="A"&"B"'
        ws.merge_cells("B2:B3")
    path = make_ledger(change, edit)
    # Excel stores the text result beside the formula; openpyxl cannot, so add it as Excel would.
    cached = '<c r="B2" t="str"><f>"A"&amp;"B"</f><v>关于甲方面</v></c>'.encode()
    for written in (b'<c r="B2"><f>"A"&amp;"B"</f><v></v></c>', b'<c r="B2"><f>"A"&amp;"B"</f><v/></c>'):
        _patch_zip(path, lambda n: n.startswith("xl/worksheets/"), written, cached)
    result = check_file(path)
    assert result.ok, result.errors
    assert [p.aspect for p in result.ledger.problems][:2] == ["关于甲方面", "关于甲方面"]


def test_keyvalue_labels_in_merged_cells(make_ledger):
    """基本信息 laid out with each label merged over A:B and the value in C."""
    def edit(wb: Any) -> None:
        ws = wb["基本信息"]
        ws.insert_cols(2)
        for r in range(2, len(schema.INFO.columns) + 2):
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    result = check_file(make_ledger(edit=edit))
    assert result.ok, result.errors
    assert result.ledger.inspection.issuer == "中共示例单位党组"
    assert result.ledger.inspection.feedback == date(2024, 8, 27)


def test_stray_cell_at_the_bottom_of_the_sheet_is_cheap(make_ledger, tmp_path):
    """One value in row 1048576 must not make the reader visit a million rows (run under a memory cap)."""
    import subprocess
    import sys
    path = make_ledger(edit=lambda wb: wb["措施"].__setitem__("Z1048576", "x"))
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from pipeline.api import check_file\n"
        f"r = check_file({str(path)!r})\n"
        "print(len(r.ledger.measures))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "3"


def test_init_refuses_other_extensions(tmp_path):
    from pipeline.errors import UsageError
    with pytest.raises(UsageError):
        write_blank_ledger(tmp_path / "台账.xlsm")
    assert not (tmp_path / "台账.xlsm").exists()


def test_guide_documents_every_scheme_and_placeholder_with_an_example(tmp_path):
    from pipeline.ledger.numbering import SCHEME_DOCS
    from pipeline.ledger.placeholders import REGISTRY

    wb = load_workbook(write_blank_ledger(tmp_path / "x.xlsx"))
    rows = [[c.value for c in row] for row in wb[schema.GUIDE_SHEET].iter_rows()]
    by_first = {r[0]: r for r in rows if r and r[0]}
    for name, (pattern, help_text, example) in SCHEME_DOCS.items():
        assert by_first[name][2:5] == [pattern, example, help_text], name
    for ph in REGISTRY:
        assert by_first["{" + ph.name + "}"][3] == f"例：{ph.example}", ph.name
    text = "\n".join(str(v) for r in rows for v in r if v)
    assert "无标题" in text and "不印" in text and "段首" in text


def test_init_for_a_xunshi_words_every_label_and_guide_for_it(tmp_path):
    path = write_blank_ledger(tmp_path / "x.xlsx", kind="巡视")
    wb = load_workbook(path)
    labels = [r[0] for r in wb[schema.INFO.name].iter_rows(min_row=2, max_col=1, values_only=True) if r[0]]
    assert "巡视组" in labels and "被巡视单位" in labels and "巡视开始日期" in labels
    assert [r for r in labels if "巡察" in r] == ["巡视巡察"]  # the row that names the kind keeps its name
    kind_row = labels.index("巡视巡察") + 2
    assert wb[schema.INFO.name].cell(row=kind_row, column=2).value == "巡视"
    guide = [str(c.value) for row in wb[schema.GUIDE_SHEET].iter_rows() for c in row if c.value]
    assert guide[0] == "巡视整改台账填写说明"
    assert [t for t in guide if "巡察" in t] == ["巡视巡察", "巡察、巡视", next(t for t in guide if t.startswith("选填。“巡察”"))]
    # the 巡视 labels read back: a blank ledger checked says which 巡视 fields are missing
    result = check_file(path)
    assert any(f.header == "巡视组" and f.code == "required-missing" for f in result.errors)


# ------------------------------------------------------------------------------------------------
# The streamed sheet reader against openpyxl's full load (the oracle): the same value in every cell
# (a formula's cached value), merged ranges and hidden rows, whatever the way the cells are stored.

def _streamed(path: Path) -> dict[str, Any]:
    from pipeline.ledger.reader import _Book

    data = path.read_bytes()
    book = _Book(data, path.name)
    try:
        return {ws.title: book.view(ws) for ws in book.wb.worksheets}
    finally:
        book.wb.close()


def _full_load(path: Path) -> dict[str, tuple[dict[tuple[int, int], Any], set[tuple[int, int, int, int]], set[int]]]:
    wb = load_workbook(path, data_only=True)
    out = {}
    for ws in wb.worksheets:
        values = {k: c.value for k, c in ws._cells.items() if c.value is not None}
        merges = {(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges}
        hidden = {r for r, d in ws.row_dimensions.items() if d.hidden}
        out[ws.title] = (values, merges, hidden)
    return out


def _assert_same_as_openpyxl(path: Path) -> dict[str, Any]:
    streamed, full = _streamed(path), _full_load(path)
    assert set(streamed) == set(full)
    for title, (values, merges, hidden) in full.items():
        view = streamed[title]
        assert view.values == values, title
        assert set(view.ranges) == merges, title
        assert view.hidden == hidden, title
    return streamed


@pytest.mark.parametrize("path", [EXAMPLE, *sorted((EXAMPLE.parent.parent / "examples").glob("*.xlsx"))],
                         ids=lambda p: p.name)
def test_streamed_reader_reads_what_openpyxl_reads(path):
    _assert_same_as_openpyxl(path)


def test_streamed_reader_on_cells_stored_every_way(make_ledger):
    def edit(wb: Any) -> None:
        ws = wb["问题"]
        ws["K20"] = 3.5
        ws["L20"] = True
        ws["M20"] = datetime(2024, 6, 30)
        ws["N20"] = "=1+2"
        ws.merge_cells("K22:M23")
        ws["K22"] = "合并"
        ws.row_dimensions[21].hidden = True
        ws["K21"] = "隐藏行"
    path = make_ledger(edit=edit)
    sheet = lambda n: n.startswith("xl/worksheets/")  # noqa: E731
    # the ways Excel, WPS and other writers store what openpyxl wrote as inline strings and formulas
    _patch_zip(path, sheet, b"<f>1+2</f><v></v>", b"<f>1+2</f><v>3</v>")
    _patch_zip(path, sheet, b"<f>1+2</f><v/>", b"<f>1+2</f><v>3</v>")
    _patch_zip(path, sheet, b'<c r="K21" t="inlineStr"><is><t>',
               b'<c r="K21" t="inlineStr"><is><r><rPr><b/></rPr><t>\xe5\xaf\x8c</t></r><rPh sb="0" eb="1"><t>fu</t></rPh>'
               b'<r><t>\xe6\x96\x87\xe6\x9c\xac</t></r><t>')
    _patch_zip(path, sheet, b'<c r="L20" t="b">', b'<c t="b">')  # no address: the column after K
    _patch_zip(path, sheet, b'<c r="K23"', b'<c r="K23" t="inlineStr"><is><t>covered</t></is></c><c r="Z23"')
    streamed = _assert_same_as_openpyxl(path)
    view = streamed["问题"]
    assert view.values[(20, 11)] == 3.5 and view.values[(20, 12)] is True
    assert view.values[(20, 13)] == datetime(2024, 6, 30)
    assert view.values[(20, 14)] == 3 and (20, 14) not in view.uncached  # a formula with its result
    assert view.value(23, 12) == "合并" and view.own(23, 11) is None  # a covered cell shows the range's value
    assert view.hidden_rows([20, 21]) == [21]


def test_a_row_of_formulas_never_calculated_is_reported_not_dropped(make_ledger):
    """openpyxl and scripts write formulas without a result: such a row is data the documents would
    lack, so every cell is an error at its address (the row is not skipped as blank)."""
    def edit(wb: Any) -> None:
        ws = wb["问题"]
        for c in range(1, 8):
            ws.cell(row=31, column=c, value=f"=A{c + 1}")
    result = check_file(make_ledger(edit=edit))
    cells = {f.cell for f in result.errors if f.code == "formula-no-value" and f.sheet == "问题"}
    assert {"A31", "B31", "C31"} <= cells


def test_a_formula_that_gave_an_empty_string_is_an_empty_cell(make_ledger):
    """IF(…,"",…) filled down: Excel saves t="str" with an empty result; those rows are blank, not errors."""
    def edit(wb: Any) -> None:
        ws = wb["问题"]
        for r in (31, 32):
            ws.cell(row=r, column=1, value='=IF(1,"","")')
    path = make_ledger(edit=edit)
    src = path.read_bytes()
    # openpyxl writes no t="str"; as Excel saves it:
    _patch_zip(path, lambda n: n.startswith("xl/worksheets/"), b'<c r="A31"><f>', b'<c r="A31" t="str"><f>')
    _patch_zip(path, lambda n: n.startswith("xl/worksheets/"), b'<c r="A32"><f>', b'<c r="A32" t="str"><f>')
    assert path.read_bytes() != src
    result = check_file(path)
    assert not [f for f in result.errors if f.code == "formula-no-value"], result.errors
    assert result.ok, result.errors


def test_a_ledger_filled_below_the_example_rows_builds_without_them(make_ledger):
    """The blank ledger's example rows (first cell 示例 / 示例：…) left in place are not read as data."""
    examples = blank_workbook(examples=True)

    def edit(wb: Any) -> None:
        for spec in (schema.PROBLEMS, schema.MEASURES, schema.DOCUMENTS):
            ws, ex = wb[spec.name], examples[spec.name]
            ws.insert_rows(2)
            for c in range(1, len(spec.columns) + 1):
                ws.cell(row=2, column=c, value=ex.cell(row=2, column=c).value)
            assert str(ws.cell(row=2, column=1).value).startswith(schema.EXAMPLE_MARK)
            assert ws.cell(row=3, column=1).value is not None  # the data follow the example row

    result = check_file(make_ledger(edit=edit))
    assert result.findings == ()
    ledger = result.ledger
    counts = ledger.counts
    assert (counts.problems, counts.measures, counts.documents) == (3, 3, 1)
    assert [p.id for p in ledger.problems] == ["1", "2", "3"]
    assert [m.id for m in ledger.measures] == ["1", "2", "3"]
    assert [d.name for d in ledger.documents] == ["《示例制度》"]
    assert [m.row for m in ledger.measures] == [3, 4, 5]
