"""The checklists sent as 附件 (基本信息〔清单作为附件〕是) numbered on from the notice, GB/T 9704-2012 chapter 8:
附件1's first page is the page after the notice's last, 附件2's the page after 附件1's last. Read back from
LibreOffice's PDFs (the "— N —" under each page). Skipped without LibreOffice, except in CI."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import tool_or_skip
from helpers import ledger_with

from pipeline import api
from pipeline.archive.pdf import convert_pdfs, find_soffice
from pipeline.documents.registry import DOCUMENTS

NOTICE = "01_通报.docx"
ATTACHED = ("02_问题清单.docx", "03_任务清单.docx", "04_责任清单.docx")  # 附件1, 2, 3
NUMBER_RE = re.compile(r"^\s*—\s*(\d+)\s*—\s*$", re.M)


def pdf_pages(pdf: Path) -> list[str]:
    pdftotext = tool_or_skip(shutil.which("pdftotext"), "poppler-utils (pdftotext)")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def page_number(page: str) -> int | None:
    found = NUMBER_RE.findall(page)
    return int(found[-1]) if found else None


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, dict[str, list[str]]]:
    tool_or_skip(find_soffice(), "LibreOffice")
    tmp = tmp_path_factory.mktemp("attached")
    cases = {
        "plain": ledger_with(tmp, "plain", 0, False, attachments="是"),  # no 版记: one section
        "record": ledger_with(tmp, "record", 0, True, attachments="是"),
        "long": ledger_with(tmp, "long", 30, True, attachments="是"),
        "longer": ledger_with(tmp, "longer", 40, False, attachments="是"),
    }
    out: dict[str, dict[str, list[str]]] = {}
    with api.TemplateSet(None) as tset:
        for name, ledger in cases.items():
            folder = tmp / name
            folder.mkdir()
            files = api.render_documents(ledger, tset, DOCUMENTS[:5])
            for file, data in files.items():
                (folder / file).write_bytes(data)
            assert convert_pdfs(folder, tuple(files)) == []
            out[name] = {file: pdf_pages(folder / file.replace(".docx", ".pdf")) for file in files}
            out[name]["_docx"] = files  # type: ignore[assignment]
    return out


@pytest.mark.parametrize("name", ["plain", "record", "long", "longer"])
def test_attachments_numbered_on_from_the_notice(built, name):
    pages = built[name]
    after = len(pages[NOTICE])  # the notice's last page (its blank and 版记 pages included)
    for file in ATTACHED:
        first = page_number(pages[file][0])
        assert first == after + 1, (file, first, after)
        numbers = [page_number(p) for p in pages[file]]
        assert numbers == list(range(after + 1, after + 1 + len(numbers))), (file, numbers)
        after += len(pages[file])


def test_the_attachment_label_and_title(built):
    """附件N at the top left, the title under it (GB/T 9704 chapter 8)."""
    for n, file in enumerate(ATTACHED, start=1):
        lines = [line for line in built["plain"][file][0].splitlines() if line.strip()]
        assert lines[0].replace(" ", "") == f"附件{n}"  # at the left: no indent in -layout text
        assert "清单" in lines[1]


def test_the_leader_s_checklist_keeps_its_own_numbers(built):
    """The 督办清单 is never a 附件: its pages are numbered from 1."""
    assert page_number(built["plain"]["05_督办清单.docx"][0]) in (None, 1)


def test_only_the_attachments_get_a_start(built):
    files = built["plain"]["_docx"]
    for file, data in files.items():  # type: ignore[union-attr]
        xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
        assert (b"w:pgNumType" in xml and b"w:start=" in xml) == (file in ATTACHED), file


def test_the_attachment_title_stands_on_the_third_line(tmp_path):
    """GB/T 9704 ch. 8: “附件N” at the top left, the title on the third line (one empty line between)."""
    from conftest import EXAMPLE
    from docx import Document

    (result,) = api.build_many([EXAMPLE], None, tmp_path / "out", sets=("整改方案",))
    assert not result.failed, result.message
    for n, name in enumerate(("08_整改方案附件1_问题清单.docx", "09_整改方案附件2_任务清单.docx"), start=1):
        texts = [p.text for p in Document(str(result.folder / name)).paragraphs]
        at = texts.index(f"附件{n}")
        assert texts[at + 1] == "" and "清单" in texts[at + 2], (name, texts[at : at + 3])
