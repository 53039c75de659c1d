"""Fields and parts that fetch or run something, written the way Word really writes them."""

from __future__ import annotations

import pytest

from pipeline.documents.package import Members, docx_problems, field_instructions

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _runs(*pieces: str, prefix: str = "w") -> str:
    """A complex field whose instruction is split over one run per piece."""
    runs = [f'<{prefix}:r><{prefix}:fldChar {prefix}:fldCharType="begin"/></{prefix}:r>']
    runs += [f'<{prefix}:r><{prefix}:instrText xml:space="preserve">{p}</{prefix}:instrText></{prefix}:r>'
             for p in pieces]
    runs += [f'<{prefix}:r><{prefix}:fldChar {prefix}:fldCharType="separate"/></{prefix}:r>',
             f'<{prefix}:r><{prefix}:t>shown</{prefix}:t></{prefix}:r>',
             f'<{prefix}:r><{prefix}:fldChar {prefix}:fldCharType="end"/></{prefix}:r>']
    return f'<{prefix}:p>{"".join(runs)}</{prefix}:p>'


def _part(body: str, root: str = "document", prefix: str = "w") -> bytes:
    ns = W.replace("xmlns:w", f"xmlns:{prefix}")
    return f'<{prefix}:{root} {ns}><{prefix}:body>{body}</{prefix}:body></{prefix}:{root}>'.encode()


HOSTILE = {
    "includepicture-split": ("word/document.xml", _part(_runs(" INCLUDEPIC", 'TURE "http://evil.example/x.png" \\d'))),
    "ddeauto-split": ("word/header1.xml", _part(_runs(" DD", "EAUTO c:\\\\windows\\\\system32\\\\cmd.exe x"), "hdr")),
    "char-reference-in-footnote": ("word/footnotes.xml",
                                   _part(_runs(" &#73;NCLUDETEXT &quot;\\\\\\\\srv\\\\s\\\\a.docx&quot;"), "footnotes")),
    "hex-reference": ("word/endnotes.xml", _part(_runs(" &#x4c;INK Excel.Sheet.12 x.xlsx"), "endnotes")),
    "hyperlink-field": ("word/comments.xml", _part(_runs(' HYPERLINK "http://evil.example/"'), "comments")),
    "other-prefix": ("word/footer1.xml", _part(_runs(" INCLUDEPICTURE http://e/x.png", prefix="x"), "ftr", "x")),
    "fldsimple-reference": ("word/document.xml",
                            _part('<w:p><w:fldSimple w:instr=" &#68;DE x y"/></w:p>')),
    "mail-merge": ("word/settings.xml", f'<w:settings {W}><w:mailMerge><w:mainDocumentType w:val="formLetters"/>'
                                        '<w:dataSource r:id="rId9"/></w:mailMerge></w:settings>'.encode()),
    "address-without-target-mode": ("word/_rels/document.xml.rels",
                                    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                    b'relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.'
                                    b'org/officeDocument/2006/relationships/image" Target="file://srv/s/x.png"/>'
                                    b'</Relationships>'),
}


@pytest.mark.parametrize("part,data", HOSTILE.values(), ids=HOSTILE.keys())
def test_fetching_content_is_found_however_it_is_spelled(part, data):
    problems = docx_problems(Members({part: data}))
    assert [p.part for p in problems] == [part], problems
    assert problems[0].code == "template-external"


HARMLESS = {
    "page-number": _part(_runs(" PAGE ", "\\* MERGEFORMAT ")),
    "bookmark-link": _part(_runs(' HYPERLINK \\l "_Toc1"')),
    "result-text-naming-a-field": _part(_runs(" PAGE ").replace("shown", "INCLUDEPICTURE")),
    "plain-text": _part("<w:p><w:r><w:t>DDEAUTO INCLUDEPICTURE 在正文中只是文字</w:t></w:r></w:p>"),
}


@pytest.mark.parametrize("data", HARMLESS.values(), ids=HARMLESS.keys())
def test_harmless_fields_and_text_pass(data):
    assert docx_problems(Members({"word/document.xml": data})) == []


def test_instructions_are_joined_per_field_not_across_fields():
    data = _part(_runs(" PAGE ") + _runs(" NUMPAGES ") + _runs(" LINK"))
    assert [t.strip() for t in field_instructions(data)] == ["PAGE", "NUMPAGES", "LINK"]
