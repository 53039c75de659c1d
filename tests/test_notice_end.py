"""The 版头 and the end of the notice on rendered pages (LibreOffice → PDF, read back page by page): the signature
never stands alone on a page, and the 版记 sits at the foot of an even last page, any blank page
before it without a page number. Skipped without LibreOffice, except in CI."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import BASE, TEMPLATES, tool_or_skip
from helpers import ledger_with

from pipeline.archive.pdf import convert_pdfs, find_soffice
from pipeline.documents import lint as templates
from pipeline.documents.registry import document_context
from pipeline.documents.render import DocProperties, first_section_on_page_one, place_parts

WORD_RE = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE_RE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
PITCH = 28.95  # the notice's line pitch, pt
SIGNATURE = BASE["info"]["issuer"]
CONTACT = "a@example.cn"  # the end of the closing paragraph
LONG_MARK = "中共某某县教育体育局党组委员会文件"  # 16 characters: 36 pt would need 576 pt, the line is 442
MM = 72 / 25.4
CHAR = 15.75  # a 3号 character with the body's −0.25 pt spacing, pt
RIGHT = (210 - 26) * MM  # the right edge of the text block, pt


def render_notices(folder: Path, ledgers: dict[str, Any]) -> dict[str, list[dict]]:
    """Render each ledger's notice, convert them all in one LibreOffice run, and read the pages back:
    for each page its height and its lines (top, text)."""
    for name, ledger in ledgers.items():
        props = DocProperties(title="t", author="a", when=ledger.inspection.issued)
        data = place_parts(first_section_on_page_one(
            templates.render_checked(TEMPLATES / "通报.docx", document_context(ledger, "通报.docx"), props)),
            sealed=ledger.inspection.sealed != "否")
        (folder / f"{name}.docx").write_bytes(data)
    assert convert_pdfs(folder, tuple(f"{n}.docx" for n in ledgers)) == []
    pdftotext = tool_or_skip(shutil.which("pdftotext"), "poppler-utils (pdftotext)")
    out = {}
    for name in ledgers:
        xml = subprocess.run([pdftotext, "-bbox", str(folder / f"{name}.pdf"), "-"], capture_output=True,
                             text=True, check=True).stdout
        pages = []
        for _, height, body in PAGE_RE.findall(xml):
            lines: dict[int, list[tuple[float, float, str]]] = {}
            for x0, y0, x1, _, word in WORD_RE.findall(body):
                lines.setdefault(round(float(y0)), []).append((float(x0), float(x1), word))
            pages.append({"height": float(height),
                          "lines": [(y, "".join(w for _, _, w in sorted(ws))) for y, ws in sorted(lines.items())],
                          "extents": {"".join(w for _, _, w in sorted(ws)): (min(a for a, _, _ in ws),
                                                                            max(b for _, b, _ in ws))
                                      for ws in lines.values()}})
        out[name] = pages
    return out


def find(pages: list[dict], text: str, whole: bool = False) -> tuple[int, float]:
    """(page index, top) of the last line holding `text` (with `whole`, being it)."""
    found = [(i, y) for i, page in enumerate(pages) for y, line in page["lines"]
             if (line == text if whole else text in line)]
    assert found, text
    return found[-1]


def is_page_number(line: str) -> bool:
    return re.fullmatch(r"—\d+—", line) is not None


@pytest.fixture(scope="module")
def ends(tmp_path_factory) -> dict[str, list[dict]]:
    tool_or_skip(find_soffice(), "LibreOffice")
    tmp = tmp_path_factory.mktemp("end")
    # Where does the closing end without filler? Then add lines so that it ends on the last three
    # lines of a page (20, 21, 22: the signature block would go over alone), with and without a 版记.
    probe = render_notices(tmp, {"probe": ledger_with(tmp, "probe", 0, False)})["probe"]
    page, top = find(probe, CONTACT)
    first = min(y for y, line in probe[page]["lines"])
    line = round((top - first) / PITCH) + 1
    ledgers = {}
    for target in (20, 21, 22):
        filler = (target - line) % 22
        ledgers[f"end{target}"] = ledger_with(tmp, f"end{target}", filler, False)
        ledgers[f"record{target}"] = ledger_with(tmp, f"record{target}", filler, True)
    ledgers["record_short"] = ledger_with(tmp, "record_short", 0, True)
    # the body ends on the probe's (even) page with no room under the 落款 for the 版记: the closing on
    # line 18, the 落款 on 20 and 21
    assert page % 2 == 1 and line <= 18, (page, line)
    ledgers["record_full"] = ledger_with(tmp, "record_full", 18 - line, True)
    ledgers["full"] = ledger_with(tmp, "full", 18 - line, False)
    # the 落款 on lines 18 and 19: the 版记's two lines and one more are free, so it goes on page 2
    ledgers["record_tight"] = ledger_with(tmp, "record_tight", 16 - line, True)
    ledgers["header"] = ledger_with(tmp, "header", 0, False, red_header="是", doc_number="示党〔2024〕12号")
    ledgers["unsealed"] = ledger_with(tmp, "unsealed", 0, False, sealed="否")
    ledgers["long_mark"] = ledger_with(tmp, "long_mark", 0, False, red_header="是", doc_number="示党〔2024〕12号",
                                       issuer_mark=LONG_MARK)
    ledgers["attached"] = ledger_with(tmp, "attached", 0, False, attachments="是")
    out: dict[str, Any] = render_notices(tmp, ledgers)
    out["probe"] = probe
    out["_folder"] = tmp
    return out


@pytest.mark.parametrize("name", ["end20", "end21", "end22", "record22"])
def test_signature_never_alone_on_a_page(ends, name):
    pages = ends[name]
    sig_page, sig_top = find(pages, SIGNATURE, whole=True)
    date_page, _ = find(pages, "2024年12月20日", whole=True)
    assert date_page == sig_page, "the date went over without the signature"
    body_above = [line for y, line in pages[sig_page]["lines"] if y < sig_top and not is_page_number(line)]
    assert body_above, f"page {sig_page + 1} holds only the signature and date"
    assert CONTACT in "".join(body_above)  # the closing went over with it
    assert any(is_page_number(line) for _, line in pages[0]["lines"])  # no blank page before page 1
    # the situation is the intended one: the body filled the page before
    assert sig_page >= 1
    before = [line for _, line in pages[sig_page - 1]["lines"] if not is_page_number(line)]
    assert len(before) >= 15, before


@pytest.mark.parametrize("name", ["record20", "record21", "record22", "record_short", "record_tight", "record_full"])
def test_record_at_the_foot_of_an_even_last_page(ends, name):
    pages = ends[name]
    last = pages[-1]
    assert len(pages) % 2 == 0, f"{len(pages)} pages: the 版记 is on an odd page"
    cc_page, cc_top = find(pages, "抄送：市委巡察办。")
    assert cc_page == len(pages) - 1
    assert cc_top > 0.75 * last["height"], "the 版记 is not at the foot of the page"
    assert any("2024年12月20日印发" in line for _, line in last["lines"])
    sig_page, _ = find(pages, SIGNATURE, whole=True)
    for blank in pages[sig_page + 1:-1]:  # pages between the body and the 版记: empty, not even a number
        assert blank["lines"] == [], blank["lines"]


def page_number(page: dict) -> str | None:
    return next((line for _, line in page["lines"] if is_page_number(line)), None)


@pytest.mark.parametrize("name", ["record_short", "record_tight"])
def test_the_record_on_the_body_s_last_page_when_it_is_even_with_room(ends, name):
    """The body ends on page 2 with room under the 落款: the 版记 at the foot of page 2, whose number stays;
    the notice has as many pages as without a 版记."""
    pages, plain = ends[name], ends["probe"]
    sig_page, sig_top = find(pages, SIGNATURE, whole=True)
    assert sig_page == 1
    assert len(pages) == len(plain) == 2
    cc_page, cc_top = find(pages, "抄送：市委巡察办。")
    printed_page, printed_top = find(pages, "中共示例单位党组办公室2024年12月20日印发", whole=True)
    assert cc_page == printed_page == 1 and sig_top < cc_top < printed_top
    # its last line ends on the last line of the text block (the rule under it is the block's bottom edge)
    bottom = (297 - 35) * MM
    assert bottom - PITCH < printed_top < bottom, (printed_top, bottom)
    assert page_number(pages[1]) == "—2—"


def test_the_record_on_the_next_page_when_the_body_ends_on_an_odd_page(ends):
    """The body ends on page 3: the 版记 alone at the foot of page 4, numbered (no blank page before it)."""
    pages = ends["record20"]
    sig_page, _ = find(pages, SIGNATURE, whole=True)
    assert sig_page == 2  # page 3
    assert len(pages) == 4
    assert page_number(pages[3]) == "—4—"
    assert [line for _, line in pages[3]["lines"] if not is_page_number(line)][0] == "抄送：市委巡察办。"


def test_a_blank_page_before_the_record_when_the_body_fills_an_even_page(ends):
    """The body ends on page 2 with no room for the 版记: page 3 blank, the 版记 on page 4, and neither
    numbered (GB/T 9704 7.5: 版记页前有空白页的，空白页和版记页均不编排页码)."""
    pages = ends["record_full"]
    sig_page, _ = find(pages, SIGNATURE, whole=True)
    assert sig_page == 1 and len(ends["full"]) == 2  # page 2, as without a 版记
    _, date_top = find(pages, "2024年12月20日", whole=True)
    assert date_top > (37 * MM) + 19 * PITCH  # the 落款 ends on line 21 or lower: no room left
    assert len(pages) == 4
    assert pages[2]["lines"] == []
    assert page_number(pages[3]) is None
    assert page_number(pages[1]) == "—2—"  # the body's pages keep theirs


def test_each_construction_passes_the_ooxml_validator(ends):
    """The 版记 in a text box on the body's page, in the footers after a blank page (no page numbers) and
    on the next page (numbered): each document as Microsoft's Open XML SDK reads it."""
    from conftest import find_validator

    validator = tool_or_skip(find_validator(), "ooxml-validator")
    for name in ("record_short", "record_full", "record20"):
        result = subprocess.run([validator, str(ends["_folder"] / f"{name}.docx")], capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, f"{name}: {result.stdout}\n{result.stderr}"


@pytest.mark.parametrize("name", ["probe", "end20", "end21", "end22", "record_short", "record_tight", "record20",
                                  "record_full",
                                  "header", "attached"])
def test_the_estimate_agrees_with_libreoffice(ends, name):
    """The program's estimate of where the body ends (pipeline.documents.pagination) is the page and the
    line LibreOffice lays it on."""
    import zipfile

    from pipeline.documents import pagination

    with zipfile.ZipFile(ends["_folder"] / f"{name}.docx") as z:
        document, styles = z.read("word/document.xml"), z.read("word/styles.xml")
    if name in ("record20", "record_full"):
        estimate = pagination.estimate(document, styles, pagination.record_break_index(document))
    else:  # without a 版记, or with it in the body (the box anchored to the last paragraph takes no line)
        estimate = pagination.estimate(document, styles)
    pages = ends[name]
    page, top = find(pages, "2024年12月20日", whole=True)
    assert estimate is not None
    assert estimate.page == page + 1
    # the date's line: its top is one line above where the estimate says the body ends
    assert abs((37 * MM + estimate.used / 20 - PITCH) - top) < PITCH / 2, (estimate.used / 20, top)


def test_red_header_elements_in_order(ends, tmp_path):
    """版头: the red 发文机关标志 35 mm below the top of the text block, the 发文字号 under it, centred,
    the red rule, then the title."""
    lines = ends["header"][0]["lines"]
    texts = [line for _, line in lines]
    mark = BASE["info"]["issuer"] + "文件"
    assert texts[:3] == [mark, "示党〔2024〕12号", "中共示例单位党组关于市委第一巡察组"], texts[:4]
    mark_top = lines[0][0]
    assert abs(mark_top - (37 + 35) * MM) < 6 * MM, mark_top  # glyph tops sit a little below the line top
    plain = ends["end20"][0]["lines"]
    assert plain[0][1] != mark  # without the choice, no 版头
    # the red rule: a row of red pixels the width of the text block between the 发文字号 and the title
    pdftoppm = tool_or_skip(shutil.which("pdftoppm"), "poppler-utils (pdftoppm)")
    ppm = subprocess.run([pdftoppm, "-r", "72", "-f", "1", "-l", "1", str(ends["_folder"] / "header.pdf")],
                         capture_output=True, check=True).stdout
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", ppm)
    width = int(m.group(1))
    data = ppm[m.end():]
    number_top, title_top = lines[1][0], lines[2][0]
    red_rows = []
    for y in range(int(number_top), int(title_top)):
        row = data[y * width * 3:(y + 1) * width * 3]
        red = [x for x in range(width) if row[3 * x] > 200 and row[3 * x + 1] < 120 and row[3 * x + 2] < 120]
        if len(red) > 0.5 * width:
            red_rows.append((y, min(red), max(red)))
    assert red_rows, "no red rule under the 发文字号"
    y, left, right = red_rows[0]
    assert abs(left - 28 * MM) < 3 and abs(right - (210 - 26) * MM) < 3  # the width of the text block


def extent(pages: list[dict], text: str) -> tuple[float, float]:
    page, _ = find(pages, text, whole=True)
    return pages[page]["extents"][text]


def test_sealed_closing_by_gbt_7_3_5_1(ends):
    """By default (加盖印章 empty: sealed) the date ends four characters from the right margin and the 署名
    is centred over the date."""
    pages = ends["record_short"]
    sig_left, sig_right = extent(pages, SIGNATURE)
    date_left, date_right = extent(pages, "2024年12月20日")
    assert abs((RIGHT - date_right) / CHAR - 4) < 0.3, (RIGHT - date_right) / CHAR
    assert abs((sig_left + sig_right) / 2 - (date_left + date_right) / 2) < 0.3 * CHAR


def test_unsealed_closing_by_gbt_7_3_5_2(ends):
    """加盖印章 否: the date starts two characters right of the 署名's first character; the 署名 is two
    characters from the right margin unless the date would then end closer than two characters to it: then
    the date ends two from the right and the 署名 moves left."""
    pages = ends["unsealed"]
    sig_left, sig_right = extent(pages, SIGNATURE)
    date_left, date_right = extent(pages, "2024年12月20日")
    assert abs((date_left - sig_left) / CHAR - 2) < 0.3, (date_left - sig_left) / CHAR
    # the 8-character 署名 is only about one character longer than the date: the date ends two from the right
    assert abs((RIGHT - date_right) / CHAR - 2) < 0.3, (RIGHT - date_right) / CHAR
    assert (RIGHT - sig_right) / CHAR > 2.5


def test_a_long_red_mark_stays_on_one_line(ends):
    lines = ends["long_mark"][0]["lines"]
    assert lines[0][1] == LONG_MARK, lines[:2]
    left, right = ends["long_mark"][0]["extents"][LONG_MARK]
    assert left >= 28 * MM - 1 and right <= RIGHT + 1, (left, right)
    assert right - left > 0.9 * (RIGHT - 28 * MM)  # narrowed to the line, not shrunk far below it
    assert abs((left + right) / 2 - (28 * MM + RIGHT) / 2) < 3  # centred


def test_attachment_notes_before_the_closing(ends):
    """清单作为附件 是: "附件：1.…" one blank line under the body, "2.…" "3.…" under "1.", then the 落款."""
    pages = ends["attached"]
    group = BASE["info"]["group"]
    first = f"附件：1.{group}反馈意见整改问题清单"
    page, top = find(pages, first, whole=True)
    _, contact_top = find(pages, CONTACT)
    assert abs(top - contact_top - 2 * PITCH) < 2  # one blank line under the body
    texts = [line for _, line in pages[page]["lines"]]
    i = texts.index(first)
    assert texts[i + 1:i + 4] == [f"2.{group}反馈意见整改任务清单", f"3.{group}反馈意见整改责任清单", SIGNATURE]
    x_first = pages[page]["extents"][first][0]
    assert abs(x_first - (28 * MM + 2 * CHAR)) < 0.3 * CHAR  # two characters in
    x_next = pages[page]["extents"][texts[i + 1]][0]
    assert abs(x_next - (x_first + 3 * CHAR)) < 0.3 * CHAR  # under the "1." after "附件："
