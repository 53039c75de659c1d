"""Rendered pages (LibreOffice → PDF), read back: 22 lines of 28 characters, page numbers outside,
landscape checklists with the header row repeated. Skipped without LibreOffice, except in CI."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE, TEMPLATES, tool_or_skip
from pipeline import api
from pipeline.archive import find_soffice

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
