"""The estimate of where the notice's body ends and the 版记's construction chosen from it
(pipeline.documents.pagination), without LibreOffice: line breaking, page breaking, and the choice on
rendered notices whose body ends in each situation. The rendered pages are in test_notice_end."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import TEMPLATES
from helpers import ledger_with

from pipeline.documents import lint as templates
from pipeline.documents import pagination
from pipeline.documents.pagination import _Para, line_count, paginate
from pipeline.documents.registry import document_context
from pipeline.documents.render import DocProperties, first_section_on_page_one, place_parts

LINE = 579
WIDE = 315  # a 3号 character with the body's −0.25 pt spacing, twips
ROW = 28 * WIDE  # a full line


def test_a_line_holds_28_characters_and_a_first_line_26():
    assert line_count("字" * 26, ROW - 2 * WIDE, ROW) == 1
    assert line_count("字" * 27, ROW - 2 * WIDE, ROW) == 2
    assert line_count("字" * (26 + 28), ROW - 2 * WIDE, ROW) == 2
    assert line_count("字" * (26 + 29), ROW - 2 * WIDE, ROW) == 3


def test_a_closing_mark_never_starts_a_line():
    # 26 characters fill the first line; the "。" would start the second, so the 26th goes down with it
    # and the second line (28 characters) then overflows by one
    text = "字" * 26 + "。" + "字" * 27
    assert line_count(text, ROW - 2 * WIDE, ROW) == 3
    assert line_count("字" * 26 + "字" + "字" * 27, ROW - 2 * WIDE, ROW) == 2  # the same length without it


def test_a_latin_word_goes_over_whole():
    # 24 characters and an address that fits the line only in part: it goes down whole
    assert line_count("字" * 24 + "a@example.cn", ROW - 2 * WIDE, ROW) == 2
    assert line_count("字" * 18 + "a@example.cn", ROW - 2 * WIDE, ROW) == 1  # about six characters wide


def test_digits_are_half_width_with_spacing_where_they_meet_chinese():
    # "2024年12月20日" is about 8 characters: it and 18 more fit the first line, 20 more do not
    assert line_count("2024年12月20日" + "字" * 18, ROW - 2 * WIDE, ROW) == 1
    assert line_count("2024年12月20日" + "字" * 20, ROW - 2 * WIDE, ROW) == 2


def test_a_heading_goes_over_with_the_paragraph_it_is_kept_with():
    body = [_Para([LINE] * 21, False, False), _Para([LINE], True, False), _Para([LINE] * 3, False, False)]
    assert paginate(body, 22 * LINE) == (2, 4 * LINE)  # the heading did not stay alone on line 22
    body[1].keep_next = False
    assert paginate(body, 22 * LINE) == (2, 3 * LINE)


def test_widow_control_leaves_two_lines_on_each_page():
    body = [_Para([LINE] * 21, False, False), _Para([LINE] * 3, False, True)]
    assert paginate(body, 22 * LINE) == (2, 3 * LINE)  # not one line at the foot
    body = [_Para([LINE] * 19, False, False), _Para([LINE] * 4, False, True)]
    assert paginate(body, 22 * LINE) == (2, 2 * LINE)  # not one line over alone


def render(tmp: Path, name: str, filler: int, record: bool = True) -> bytes:
    ledger: Any = ledger_with(tmp, name, filler, record)
    props = DocProperties(title="t", author="a", when=ledger.inspection.issued)
    rendered = templates.render_checked(TEMPLATES / "通报.docx", document_context(ledger, "通报.docx"), props)
    return first_section_on_page_one(rendered)


def parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return {n: z.read(n) for n in z.namelist()}


def choice(docx: bytes) -> str | None:
    p = parts(docx)
    return pagination.choose(p["word/document.xml"], p["word/styles.xml"], 2 * LINE)


@pytest.fixture(scope="module")
def closing_line(tmp_path_factory) -> int:
    """The line (on page 2) of the closing's last line without filler, by the estimate."""
    docx = render(tmp_path_factory.mktemp("probe"), "probe", 0, record=False)
    p = parts(docx)
    end = pagination.estimate(p["word/document.xml"], p["word/styles.xml"])
    assert end is not None and end.page == 2
    return end.used // LINE - 3  # the blank line, the 署名 and the date under it


@pytest.mark.parametrize(
    "filler, expected",
    [
        (0, "page"),  # page 2 with room
        (16, "page"),  # page 2, the 落款 on lines 18 and 19: the 版记's two lines and one more are free
        (17, "blank"),  # the 落款 on lines 19 and 20: two lines free, no line to spare
        (18, "blank"),  # the 落款 on lines 20 and 21: no room
        (22, "next"),  # the closing on line 22 of page 2 goes over with the 落款: page 3
        (22 + 22, "blank"),  # the same on page 3: page 4 has room, but two lines fewer and it ends on page 3
    ],
)
def test_the_construction_chosen_for_where_the_body_ends(tmp_path, closing_line, filler, expected):
    # `filler`: the closing's last line, counted from page 2's first
    docx = render(tmp_path, "n", filler - closing_line)
    assert choice(docx) == expected


def test_the_uncertain_case_is_decided_by_the_margin(tmp_path, closing_line):
    """The body's end on page 4 just after the page turned: the central estimate has room on an even
    page, but two lines fewer would end it on page 3, so the 版记 is not put into the body."""
    p = parts(render(tmp_path, "n", 44 - closing_line))
    document, styles = p["word/document.xml"], p["word/styles.xml"]
    stop = pagination.record_break_index(document)
    central = pagination.estimate(document, styles, stop)
    shorter = pagination.estimate(document, styles, stop, -pagination.MARGIN_LINES)
    assert central is not None and shorter is not None
    assert central.page == 4 and central.free_lines > 4
    assert shorter.page == 3


def test_the_record_goes_into_the_body_as_a_box_at_the_foot(tmp_path):
    docx = place_parts(render(tmp_path, "n", 0), sealed=True)
    document = parts(docx)["word/document.xml"].decode()
    assert document.count("<w:sectPr") == 1 and "evenPage" not in document
    assert '<wp:positionV relativeFrom="margin"><wp:align>bottom</wp:align>' in document
    assert "抄送：市委巡察办。" in document and "<wp:wrapTopAndBottom/>" in document


def test_a_blank_page_drops_the_record_pages_numbers(tmp_path, closing_line):
    before = parts(render(tmp_path, "n", 18 - closing_line))
    after = parts(place_parts(render(tmp_path, "n", 18 - closing_line), sealed=True))
    changed = sorted(n for n in after if after[n] != before[n] and n.startswith("word/footer"))
    assert len(changed) == 2  # the 版记 section's odd and even footers
    for name in changed:
        assert b"PAGE" in before[name] and b"PAGE" not in after[name]
        assert "抄送".encode() in after[name]


def test_an_edited_template_without_the_record_section_is_left_as_it_is():
    document = (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        b"<w:p><w:r><w:t>x</w:t></w:r></w:p><w:sectPr/></w:body></w:document>"
    )
    assert pagination.record_break_index(document) is None
    stub = {"word/document.xml": document, "word/styles.xml": b"<w:styles xmlns:w='x'/>",
            "word/_rels/document.xml.rels": b"<Relationships/>"}
    assert pagination.place_record(stub) is stub


def test_a_body_holding_a_table_is_not_estimated(tmp_path):
    p = parts(render(tmp_path, "n", 0))
    document = re.sub(rb"(<w:body[^>]*>)", rb"\1<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>",
                      p["word/document.xml"], count=1)
    assert pagination.estimate(document, p["word/styles.xml"]) is None
    assert choice_of(document, p["word/styles.xml"]) is None


def choice_of(document: bytes, styles: bytes) -> str | None:
    return pagination.choose(document, styles, 2 * LINE)
