"""The renderer: per-group vertical merges, strict variables, deterministic zips."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from jinja2 import UndefinedError

from pipeline.documents.render import _VMERGE_CELL_RE, DocProperties, _patch_vmerge_cell, normalize_zip, render_docx

PROPS = DocProperties("标题", "作者", date(2024, 12, 20))


def patch(cell: str) -> str:
    return _VMERGE_CELL_RE.sub(_patch_vmerge_cell, cell)


def test_vmerge_goes_before_valign_as_the_schema_requires():
    cell = ('<w:tc><w:tcPr><w:tcW w:w="100" w:type="dxa"/><w:tcBorders/><w:vAlign w:val="center"/></w:tcPr>'
            '<w:p><w:r><w:t>{% vmerge r.first %}{{ r.a }}</w:t></w:r></w:p></w:tc>')
    out = patch(cell)
    order = re.findall(r"<w:(tcW|vMerge|tcBorders|vAlign)\b", out)
    assert order == ["tcW", "vMerge", "tcBorders", "vAlign"]
    assert "{% if r.first %}{{ r.a }}{% endif %}" in out
    assert "vmerge" not in out


def test_vmerge_in_a_cell_without_properties():
    out = patch("<w:tc><w:p><w:r><w:t>{% vmerge r.first %}x</w:t></w:r></w:p></w:tc>")
    assert out.startswith('<w:tc><w:tcPr><w:vMerge w:val="{% if r.first %}restart')


def _table_template(tmp_path):
    doc = Document()
    table = doc.add_table(rows=4, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "组", "值"
    table.cell(1, 0).text = "{%tr for r in rows %}"
    table.cell(2, 0).text = "{% vmerge r.first %}{{ r.group }}"
    table.cell(2, 1).text = "{{ r.value }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    tc_pr = table.cell(2, 0)._tc.get_or_add_tcPr()
    valign = tc_pr.makeelement(qn("w:vAlign"), {qn("w:val"): "center"})
    tc_pr.append(valign)
    path = tmp_path / "t.docx"
    doc.save(path)
    return path


def test_groups_merge_per_group_not_per_loop(tmp_path):
    rows = [{"group": g, "first": i == 0 or g != prev, "value": str(i)}
            for i, (g, prev) in enumerate(zip("AABBB", " AABB"))]
    data = render_docx(_table_template(tmp_path), {"rows": rows}, PROPS)
    table = Document(io.BytesIO(data)).tables[0]
    merges = []
    for tr in table._tbl.tr_lst[1:]:
        vm = tr.tc_lst[0].tcPr.find(qn("w:vMerge"))
        merges.append((vm.get(qn("w:val")), "".join(t.text or "" for t in tr.tc_lst[0].iter(qn("w:t")))))
    assert merges == [("restart", "A"), ("continue", ""), ("restart", "B"), ("continue", ""), ("continue", "")]


def test_undefined_variables_are_errors(tmp_path):
    with pytest.raises(UndefinedError):
        render_docx(_table_template(tmp_path), {"rows": [{"group": "A", "first": True}]}, PROPS)


def test_output_is_deterministic_and_dated_from_the_ledger(tmp_path):
    path = _table_template(tmp_path)
    ctx = {"rows": [{"group": "A", "first": True, "value": "1"}]}
    a, b = render_docx(path, ctx, PROPS), render_docx(path, ctx, PROPS)
    assert a == b
    z = zipfile.ZipFile(io.BytesIO(a))
    assert z.namelist()[0] == "[Content_Types].xml"
    assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = z.read("docProps/core.xml").decode()
    assert "2024-12-20T00:00:00Z" in core and "<dc:creator>作者</dc:creator>" in core


def test_normalize_zip_is_idempotent():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("b.xml", "b")
        z.writestr("[Content_Types].xml", "c")
    once = normalize_zip(buf.getvalue())
    assert normalize_zip(once) == once


# ------------------------------------------------------------------------------------------------
# The fast path: a rendered body whose table grids docxtpl's fix_tables would leave alone goes into the
# package as text. _grids_consistent decides; docxtpl's own fix_tables is the oracle.

from docxtpl import DocxTemplate  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from lxml import etree  # noqa: E402

from pipeline.documents.render import _grids_consistent

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _cell(span: int, inner: str = "") -> str:
    props = f'<w:tcPr><w:tcW w:w="100" w:type="dxa"/><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 \
        else '<w:tcPr><w:tcW w:w="100" w:type="dxa"/></w:tcPr>'
    return f"<w:tc>{props}{inner}<w:p><w:r><w:t xml:space=\"preserve\">x </w:t></w:r></w:p></w:tc>"


def _table(grid: int, rows: list[list[int]], nested: str = "") -> str:
    cols = "".join('<w:gridCol w:w="500"/>' for _ in range(grid))
    body = "".join("<w:tr><w:trPr><w:tblHeader/></w:trPr>"
                   + "".join(_cell(s, nested if i == 0 and j == 0 else "") for j, s in enumerate(r))
                   + "</w:tr>" for i, r in enumerate(rows))
    return f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>{cols}</w:tblGrid>{body}</w:tbl>'


def _body(tables: str) -> bytes:
    return (f'<w:body xmlns:w="{_W}"><w:p/>{tables}<w:sectPr/></w:body>').encode()


def _docxtpl_changes(xml: bytes) -> bool:
    """Whether docxtpl's own fix_tables changes anything in the body."""
    before = etree.tostring(etree.fromstring(xml))
    after = etree.tostring(DocxTemplate.fix_tables(None, xml.decode()))
    return before != after


_rows = st.lists(st.lists(st.integers(1, 3), min_size=0, max_size=5), min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(grid=st.integers(1, 6), rows=_rows, inner=st.none() | st.tuples(st.integers(1, 4), _rows),
       second=st.none() | st.tuples(st.integers(1, 6), _rows))
def test_fast_path_only_when_docxtpl_would_change_nothing(grid, rows, inner, second):
    nested = _table(*inner) if inner else ""
    tables = _table(grid, rows, nested) + (_table(*second) if second else "")
    xml = _body(tables)
    if _grids_consistent(xml):
        assert not _docxtpl_changes(xml)


def test_fast_path_taken_for_consistent_tables_plain_and_nested():
    # the checklists' shape: every row as wide as the grid, one row with a span
    assert _grids_consistent(_body(_table(4, [[1, 1, 1, 1], [2, 1, 1], [1, 1, 1, 1]])))
    # (docxtpl counts the inner rows in the outer table too: a 3-cell inner row would widen the outer grid)
    assert _grids_consistent(_body(_table(2, [[1, 1]], _table(2, [[1, 1], [2]]))))
    assert not _grids_consistent(_body(_table(2, [[1, 1]], _table(3, [[1, 1, 1]]))))


@pytest.mark.parametrize("xml, why", [
    (_body(_table(3, [[1, 1, 1, 1]])), "a row with more cells than the grid"),
    (_body(_table(5, [[1, 1, 1], [2, 1]])), "a grid wider than every row"),
    (_body(_table(3, [[1, 1, 1]]))[:-20], "not well-formed"),
    (_body(_table(3, [[1, 1, 1]])).replace(b"<w:p/>", b"<!-- <w:tbl> --><w:p/>"), "a comment"),
    (_body(_table(3, [[1, 1, 1]])).replace(b'xmlns:w=', b'xmlns:v=').replace(b"w:", b"v:")
     .replace(b"xmlns:v=", b"xmlns:w=\"urn:x\" xmlns:v="), "the namespace under another prefix"),
])
def test_tree_path_when_the_grid_needs_fixing_or_the_text_is_unusual(xml, why):
    assert not _grids_consistent(xml), why


# ------------------------------------------------------------------------------------------------
# Built-in templates: recognised by their bytes, they skip re-checking their own output; the documents
# must be exactly those the full checks let through.

import hashlib  # noqa: E402
from pathlib import Path  # noqa: E402

from pipeline.documents import render as render_module
from pipeline.documents.builtin import BUILTIN_SHA256, is_builtin

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_builtin_digests_are_those_of_the_templates_this_version_builds(tmp_path):
    from pipeline.documents.builder.build import build_templates

    built = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in build_templates(tmp_path)}
    assert built == BUILTIN_SHA256, "regenerate pipeline/builtin.py after changing the templates"
    assert all(is_builtin(_TEMPLATES / name) for name in built)


def test_an_edited_template_is_not_builtin(tmp_path):
    copy = tmp_path / "任务清单.docx"
    data = bytearray((_TEMPLATES / "任务清单.docx").read_bytes())
    data[-30] ^= 1  # one byte of an office's edit
    copy.write_bytes(bytes(data))
    assert not is_builtin(copy)
    assert not is_builtin(tmp_path / "missing.docx")


@pytest.mark.parametrize("ledger", ["example", "synthetic"])
def test_builtin_fast_path_gives_the_documents_the_full_checks_give(ledger, monkeypatch, tmp_path):
    import sys

    from pipeline.api import check_file
    from pipeline.documents.registry import DOCUMENTS

    if ledger == "example":
        path = _TEMPLATES.parent / "input" / "示例台账.xlsx"
    else:
        sys.path.insert(0, str(_TEMPLATES.parent))
        from bench.synth import write_synth

        path = write_synth(tmp_path / "synth.xlsx", 600)
    led = check_file(path).ledger
    assert led is not None
    for spec in DOCUMENTS:
        template = _TEMPLATES / spec.template
        assert is_builtin(template)
        context = spec.context(led)
        fast = render_docx(template, context, PROPS)
        with monkeypatch.context() as m:
            m.setattr(render_module, "is_builtin_bytes", lambda data: False)
            checked = render_docx(template, context, PROPS)
        assert fast == checked, spec.template
