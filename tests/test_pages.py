"""Rendered pages (LibreOffice → PDF), read back: 22 lines of 28 characters, page numbers outside,
landscape checklists with the header row repeated. Skipped without LibreOffice, except in CI."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLE, TEMPLATES, tool_or_skip

from pipeline import api
from pipeline.archive.pdf import find_soffice

WORD_RE = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> Path:
    tool_or_skip(find_soffice(), "LibreOffice")
    tool_or_skip(__import__("shutil").which("pdftotext"), "poppler-utils (pdftotext)")
    (r,) = api.build_many([EXAMPLE], TEMPLATES, tmp_path_factory.mktemp("out"), pdf=True)
    assert r.status == "written" and not r.notes, r.notes
    return r.folder


def page_text(pdf: Path, page: int) -> list[str]:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", "", ln) for ln in out.splitlines() if ln.strip()]


def page_words(pdf: Path, page: int) -> list[tuple[float, float, str]]:
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))
    return [(float(m.group(1)) / width, float(m.group(3)) / width, m.group(5)) for m in WORD_RE.finditer(out)]


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def test_notice_body_page_has_22_lines_of_28_characters(pdfs):
    lines = page_text(pdfs / "01_通报.pdf", 2)
    body = [ln for ln in lines if not re.fullmatch(r"—\d+—", ln)]
    assert len(body) == 22, body
    # Digits and Latin are narrower than Chinese characters; count lines made only of CJK text.
    cjk_lines = [ln for ln in body if not re.search(r"[0-9A-Za-z]", ln)]
    full = [ln for ln in cjk_lines if len(ln) >= 28]
    assert len(full) >= 5, cjk_lines
    assert max(len(ln) for ln in cjk_lines) <= 29  # 28, plus a hanging punctuation mark


def test_page_numbers_outside_odd_right_even_left(pdfs):
    pdf = pdfs / "01_通报.pdf"
    assert page_count(pdf) >= 3
    for page in (1, 2, 3):
        numbers = [(x0, x1) for x0, x1, w in page_words(pdf, page) if w in (str(page), f"—{page}—")]
        assert numbers, f"no page number on page {page}"
        x0, x1 = numbers[-1]
        if page % 2:
            assert x0 > 0.6, (page, x0)
        else:
            assert x1 < 0.4, (page, x1)
    assert "—1—" in page_text(pdf, 1)


def test_notice_title_opens_the_first_page(pdfs):
    lines = page_text(pdfs / "01_通报.pdf", 1)
    assert lines[0] + lines[1] == "中共东营市总工会党组关于市委第一巡察组反馈意见集中整改进展情况的通报"


@pytest.mark.parametrize("name, header", [("02_问题清单.pdf", "具体问题"), ("03_任务清单.pdf", "整改措施"),
                                          ("04_责任清单.pdf", "责任领导")])
def test_checklists_are_landscape_with_repeated_header(pdfs, name, header):
    pdf = pdfs / name
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert w > h  # landscape
    assert page_count(pdf) >= 2
    for page in (1, 2):
        assert any(header in ln for ln in page_text(pdf, page)), (name, page)


# --------------------------------------------------------------------------------------------------
# Checklists: groups labelled on every page, whole dates
# --------------------------------------------------------------------------------------------------

BBOX_RE = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PT_PER_MM = 72 / 25.4


def column_text(pdf: Path, page: int, checklist, header: str) -> list[str]:
    """The lines of text in one column of a checklist page's table (header cell first), top to bottom."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    left = 37 * PT_PER_MM  # the landscape page's left margin (CHECKLIST_PAGE)
    for column in checklist.columns:
        if column.header == header:
            break
        left += column.width_mm * PT_PER_MM
    right = left + column.width_mm * PT_PER_MM
    lines: dict[float, list[tuple[float, str]]] = {}
    for x0, y0, x1, _, word in BBOX_RE.findall(out):
        if left <= float(x0) and float(x1) <= right:
            lines.setdefault(round(float(y0)), []).append((float(x0), word))
    found = ["".join(w for _, w in sorted(words)) for _, words in sorted(lines.items())]
    return found[found.index(header):]  # the table only (the issuer line above may reach in)


@pytest.fixture(scope="module")
def example_checklists():
    from pipeline.documents.checklists import checklist_context

    ledger = api.check_file(EXAMPLE).ledger
    return {name: checklist_context(ledger, name) for name in ("问题清单.docx", "任务清单.docx", "责任清单.docx")}


@pytest.mark.parametrize("name, merged", [("03_任务清单.pdf", ("问题", "具体问题")),
                                          ("04_责任清单.pdf", ("责任领导", "责任部室（单位）"))])
def test_a_group_over_a_page_break_is_labelled_on_both_pages(pdfs, example_checklists, name, merged):
    from pipeline.documents.layout import CHECKLISTS_BY_NAME

    template = name[3:].replace(".pdf", ".docx")
    checklist = CHECKLISTS_BY_NAME[template]
    pages = example_checklists[template]["pages"]
    pdf = pdfs / name
    # The pages fall where the layout put them: no table runs over onto a page of its own.
    assert page_count(pdf) == len(pages)
    continued = 0
    for number, page in enumerate(pages, start=1):
        for header in merged:
            column = checklist.column(header)
            text = "".join(column_text(pdf, number, checklist, header))
            labels = list(dict.fromkeys(r[column.field].replace("\n", "") for r in page["rows"]))
            for label in labels:  # every group on the page shows its label, the continued one too
                assert label in text, (name, number, header, label)
        first, rows = page["rows"][0], example_checklists[template]["rows"]
        if first["no"] > 1:
            before = rows[first["no"] - 2]
            key = checklist.groups[0][1]
            continued += all(before[k] == first[k] for k in key)
    assert continued, f"{name}: the example should have a group running over a page break"


@pytest.mark.parametrize("name", ["03_任务清单.pdf", "04_责任清单.pdf"])
def test_no_date_broken_across_lines(pdfs, name):
    from pipeline.documents.layout import CHECKLISTS_BY_NAME

    checklist = CHECKLISTS_BY_NAME[name[3:].replace(".pdf", ".docx")]
    pdf = pdfs / name
    seen = 0
    for number in range(1, page_count(pdf) + 1):
        for line in column_text(pdf, number, checklist, "完成时限"):
            if line in ("完成时限", "长期坚持"):
                continue
            assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", line), (name, number, line)
            seen += 1
    assert seen >= 40
