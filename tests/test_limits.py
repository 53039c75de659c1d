"""Lengths the formats limit: names in bytes, document properties, the title breaker's bound."""

from __future__ import annotations

import os

import pytest

from pipeline.archive import naming
from pipeline.notice.titles import break_title
from pipeline.text.names import NAME_MAX_BYTES, display_text, fit_bytes


@pytest.mark.parametrize("label", ["\U00020000" * 120, "𝕏" * 300, "东" * 200, "a" * 500])
def test_folder_names_fit_in_255_bytes(label):
    name = naming.folder_name("2024-12-20", label)
    assert len(name.encode("utf-8")) <= NAME_MAX_BYTES
    assert len(naming._suffixed(name, 12).encode("utf-8")) <= NAME_MAX_BYTES  # noqa: SLF001


def test_fit_bytes_cuts_at_character_boundaries():
    assert fit_bytes("\U00020000" * 3, 9) == "\U00020000" * 2
    assert fit_bytes("东西", 6) == "东西"


def test_undecodable_file_names_become_replacement_characters():
    name = os.fsdecode(b"\xff\xfe\xe4\xb8\x8a.xlsx")
    shown = display_text(name)
    assert shown == "\ufffd\ufffd上.xlsx"
    shown.encode("utf-8")


@pytest.mark.parametrize("n", [2000, 32767])
def test_title_breaker_is_bounded_for_huge_titles(n):
    # Quadratic before: 30 s at 2,000 characters and a RecursionError at 32,767.
    lines = break_title("整改" * (n // 2)).split("\n")
    assert all(len(line) <= 20 for line in lines) and sum(map(len, lines)) == n // 2 * 2


def test_cells_and_merged_ranges_are_counted_across_chunk_boundaries():
    import io
    import zipfile

    from pipeline.ledger.limits import cell_problem
    # A merged range whose tag straddles the 1 MB read boundary must still be counted whole.
    pad = b"<c/>" * ((1 << 20) // 4 - 3)
    sheet = b"<sheetData>" + pad + b'<mergeCell ref="A1:Z400000"/></sheetData>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    with zipfile.ZipFile(buf) as zf:
        problem = cell_problem(zf, max_cells=10**7)
    assert problem and "合并单元格" in problem
    with zipfile.ZipFile(buf) as zf:
        assert cell_problem(zf, max_cells=10**7, max_merged=10**8) is None
        assert "单元格超过" in cell_problem(zf, max_cells=1000)
