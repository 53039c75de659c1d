"""Word sets “ ” ‘ ’ — … (General Punctuation) and other characters both Latin and East Asian fonts hold in
the run's hAnsi font (Times New Roman) unless the run's rFonts carries w:hint="eastAsia" (MS-OI29500
2.1.88). Every run of every generated document that holds such a character must carry the hint: read back
from the documents built from the example ledgers."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT
from helpers import build

# General Punctuation and the Latin-1, letter-like, number-form, arrow, mathematical and enclosed
# alphanumeric symbols: the characters whose font Word picks by the hint.
AMBIGUOUS = re.compile("[\u00a1-\u00ff\u2000-\u206f\u2100-\u22ff\u2460-\u24ff\u2500-\u26ff]")
RUN = re.compile(r"<w:r(?: [^>]*)?>(.*?)</w:r>", re.S)
TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
HINT = re.compile(r'<w:rPr>(?:<w:rStyle [^>]*/>)?<w:rFonts [^>]*w:hint="eastAsia"')


def unhinted(docx: Path) -> list[str]:
    """Texts of runs holding an ambiguous character without the eastAsia hint, in every story part."""
    bad = []
    with zipfile.ZipFile(docx) as z:
        for name in z.namelist():
            if not re.fullmatch(r"word/(document|footer\d+|header\d+)\.xml", name):
                continue
            for run in RUN.findall(z.read(name).decode("utf-8")):
                text = "".join(TEXT.findall(run))
                if AMBIGUOUS.search(text) and not HINT.match(run):
                    bad.append(f"{docx.name}:{name}: {text[:40]}")
    return bad


@pytest.mark.parametrize("workbook", [EXAMPLE, ROOT / "examples" / "四级标题.xlsx", ROOT / "examples" / "巡视整改通报.xlsx"],
                         ids=lambda p: p.stem)
def test_every_run_with_ambiguous_characters_has_the_east_asia_hint(workbook, tmp_path):
    result = build(workbook, tmp_path)
    docs = sorted(result.folder.glob("*.docx"))
    assert len(docs) == 5
    checked = 0
    for docx in docs:
        assert unhinted(docx) == []
        with zipfile.ZipFile(docx) as z:
            checked += len(AMBIGUOUS.findall(z.read("word/document.xml").decode("utf-8")))
    assert checked > 10  # the documents do hold such characters (“ ” — in the texts, the page numbers)


def test_the_check_sees_a_missing_hint(tmp_path):
    """The reader above fails a run without the hint (so the test cannot pass vacuously)."""
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", '<w:document><w:r><w:rPr><w:b/></w:rPr><w:t>“三重一大”</w:t></w:r>'
                   '<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t>“好”</w:t></w:r></w:document>')
    assert unhinted(path) == ["x.docx:word/document.xml: “三重一大”"]
