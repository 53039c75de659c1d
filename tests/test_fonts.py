"""The Linux font mapping (pipeline/fonts.conf) and the fonts of rendered PDFs.

fontconfig refuses a malformed config file with a message on stderr only, and LibreOffice then falls
back to one Japanese sans face for everything: these tests read what fontconfig and the PDFs say.
Skipped without fontconfig / LibreOffice / poppler, except in CI (RECTIFY_REQUIRE_TOOLS=1).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from conftest import EXAMPLE, TEMPLATES, tool_or_skip
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from pipeline import api
from pipeline.archive.pdf import convert_pdfs, find_soffice

FONTS_CONF = Path(__file__).resolve().parent.parent / "pipeline" / "fonts.conf"


def fc_match(name: str, config: Path = FONTS_CONF) -> tuple[str, str, str]:
    """(family, file, stderr) of fontconfig's best match for `name` in Chinese text under `config`."""
    exe = tool_or_skip(shutil.which("fc-match"), "fontconfig (fc-match)")
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    out = subprocess.run([exe, "-f", "%{family[0]}\t%{file}", f"{name}:lang=zh-cn"], env=env,
                         capture_output=True, text=True, check=True)
    family, _, file = out.stdout.partition("\t")
    return family, file, out.stderr


def test_fontconfig_loads_the_mapping_without_complaint():
    _, _, stderr = fc_match("仿宋_GB2312")
    assert stderr == "", stderr


@pytest.mark.parametrize("requested, kind", [
    ("仿宋_GB2312", "serif"), ("仿宋", "serif"), ("FangSong", "serif"), ("方正小标宋简体", "serif"),
    ("宋体", "serif"), ("楷体_GB2312", "kai"), ("楷体", "kai"), ("KaiTi", "kai"),
    ("黑体", "sans"), ("SimHei", "sans"),
])
def test_windows_names_map_to_simplified_chinese_faces(requested, kind):
    family, _, stderr = fc_match(requested)
    assert stderr == ""
    assert face_kind(family) == kind, (requested, family)
    # Simplified-Chinese faces only (Noto … SC, AR PL … CN, Fandol, WenQuanYi): never JP/KR/TC/HK.
    assert re.search(r"\b(SC|CN)$|^Fandol|^WenQuanYi", family), family


def face_kind(family: str) -> str:
    """serif / kai / sans / other, from a font family or PDF font name."""
    if re.search(r"Kai", family, re.I):
        return "kai"
    if re.search(r"Sans|Hei", family, re.I):
        return "sans"
    if re.search(r"Serif|Song|Fang|Ming", family, re.I):
        return "serif"
    return "other"


@pytest.mark.parametrize("installed, requested", [
    ("仿宋_GB2312", "仿宋_GB2312"),
    ("仿宋", "仿宋_GB2312"),  # Windows 10+: 仿宋 but no 仿宋_GB2312
    ("楷体", "楷体_GB2312"),
    ("黑体", "黑体"),
    ("方正小标宋简体", "方正小标宋简体"),
])
def test_a_real_installed_font_wins_over_the_stand_in(tmp_path, installed, requested):
    """A font folder holding a face renamed (at scan time) to a Windows name: it must be chosen."""
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    _, donor, _ = fc_match("serif")  # any installed font file stands for the office's real font
    (fonts / "real.ttf").symlink_to(donor)
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>'
        f"<include>{FONTS_CONF}</include><dir>{fonts}</dir><cachedir>{tmp_path / 'cache'}</cachedir>"
        f'<match target="scan"><test name="file" compare="contains"><string>{fonts}/</string></test>'
        f'<edit name="family" mode="assign_replace"><string>{installed}</string></edit></match>'
        "</fontconfig>", encoding="utf-8")
    family, file, stderr = fc_match(requested, config)
    assert stderr == ""
    assert file == str(fonts / "real.ttf"), (family, file)


# --------------------------------------------------------------------------------------------------
# Rendered PDFs: the font of each element
# --------------------------------------------------------------------------------------------------

TEXT_RE = re.compile(r'<text top="(\d+)" left="(\d+)" width="(\d+)" height="(\d+)" font="(\d+)">(.*?)</text>')
FONTSPEC_RE = re.compile(r'<fontspec id="(\d+)" size="([\d.]+)" family="([^"]+)"')


def pdf_runs(pdf: Path) -> list[tuple[int, int, str, str]]:
    """(page, top, font family, text) of every text run, read back with pdftohtml."""
    exe = tool_or_skip(shutil.which("pdftohtml"), "poppler-utils (pdftohtml)")
    xml = subprocess.run([exe, "-xml", "-i", "-stdout", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    runs = []
    for number, page in re.findall(r'<page number="(\d+)"(.*?)</page>', xml, re.S):
        fonts = {i: fam.split("+", 1)[-1] for i, _, fam in FONTSPEC_RE.findall(xml)}
        for top, _, _, _, font, text in TEXT_RE.findall(page):
            runs.append((int(number), int(top), fonts[font], unescape(re.sub(r"<[^>]+>", "", text))))
    return runs


def lines_of(runs, pattern: str) -> list[list[str]]:
    """The CJK fonts of each line whose text (runs of one page and top joined) matches `pattern`."""
    lines: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for page, top, family, text in runs:
        lines.setdefault((page, top), []).append((family, text))
    found = []
    for parts in lines.values():
        if re.search(pattern, "".join(t for _, t in parts)):
            found.append([f for f, t in parts if re.search(r"[\u4e00-\u9fff]", t)])
    return found


@pytest.fixture(scope="module")
def example_pdfs(tmp_path_factory) -> Path:
    tool_or_skip(find_soffice(), "LibreOffice")
    (r,) = api.build_many([EXAMPLE], TEMPLATES, tmp_path_factory.mktemp("fonts"), pdf=True)
    assert r.status == "written" and not r.notes, r.notes
    return r.folder


@pytest.fixture(scope="module")
def notice_runs(example_pdfs):
    return pdf_runs(example_pdfs / "01_通报.pdf")


def test_notice_title_and_body_are_serif(notice_runs):
    title = lines_of(notice_runs, r"^中共东营市总工会党组关于")
    body = lines_of(notice_runs, r"^根据市委统一部署")
    assert title and body
    assert {face_kind(f) for f in title[0] + body[0]} == {"serif"}, (title, body)


def test_notice_level_1_headings_are_sans(notice_runs):
    headings = lines_of(notice_runs, r"^[一二三]、")
    assert len(headings) >= 3
    for fonts in headings:
        assert {face_kind(f) for f in fonts} == {"sans"}, headings


def test_notice_level_2_headings_are_kai(notice_runs):
    # （一）… headings: the run-in ones of 一、 and the headings of 二、's aspects.
    headings = lines_of(notice_runs, r"^（[一二三四]）")
    assert len(headings) >= 4
    for fonts in headings:
        assert face_kind(fonts[0]) == "kai", headings


def test_checklist_header_is_sans_and_body_serif(example_pdfs):
    runs = pdf_runs(example_pdfs / "03_任务清单.pdf")
    header = lines_of(runs, r"整改措施.*整改目标")
    assert header and {face_kind(f) for f in header[0]} == {"sans"}, header
    body = [f for page, _, f, t in runs if page == 1 and re.search(r"[\u4e00-\u9fff]{6}", t)
            and "整改措施" not in t and "清单" not in t]
    assert body and {face_kind(f) for f in body} <= {"serif"}, set(body)


@pytest.mark.parametrize("name", ["01_通报.pdf", "02_问题清单.pdf", "03_任务清单.pdf", "04_责任清单.pdf"])
def test_no_font_outside_the_mapping(example_pdfs, name):
    """Every CJK text is in one of the mapped faces (a failed mapping shows one sans face for all)."""
    families = {f for _, _, f, t in pdf_runs(example_pdfs / name) if re.search(r"[\u4e00-\u9fff]", t)}
    assert families and all(face_kind(f) in ("serif", "sans", "kai") for f in families), families
    assert any(face_kind(f) == "serif" for f in families), families


# --------------------------------------------------------------------------------------------------
# Glyph forms: the Noto CJK font files hold the JP, SC, TC… faces over one shared outline table named
# "NotoSerifCJKjp", so a PDF's font name cannot tell SC from JP. The glyphs can: the same text set in
# the Windows names, in the SC faces and in the JP faces, rendered to pixels.
# --------------------------------------------------------------------------------------------------

SAMPLE = "骨直角写真说进画"  # characters whose mainland and Japanese forms differ


def _sample_docx(path: Path, fonts: tuple[tuple[str, bool], ...]) -> None:
    doc = Document()
    for font, bold in fonts:
        run = doc.add_paragraph().add_run(SAMPLE)
        rpr = run._r.get_or_add_rPr()
        rpr.append(parse_xml(f'<w:rFonts {nsdecls("w")} w:eastAsia="{font}"/>'))
        if bold:
            rpr.append(parse_xml(f'<w:b {nsdecls("w")}/>'))
        rpr.append(parse_xml(f'<w:sz {nsdecls("w")} w:val="48"/>'))
        rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:eastAsia="zh-CN"/>'))
    doc.save(path)


def _pixels(pdf: Path) -> bytes:
    exe = tool_or_skip(shutil.which("pdftoppm"), "poppler-utils (pdftoppm)")
    return subprocess.run([exe, "-gray", "-r", "40", "-f", "1", "-l", "1", str(pdf)], capture_output=True,
                          check=True).stdout


def test_cjk_text_has_simplified_chinese_glyph_forms(tmp_path):
    tool_or_skip(find_soffice(), "LibreOffice")
    # 方正小标宋简体's stand-in is the bold serif face (fonts.conf): the references ask for bold there.
    variants = {
        "ours": (("仿宋_GB2312", False), ("黑体", False), ("楷体_GB2312", False), ("方正小标宋简体", False)),
        "sc": (("Noto Serif CJK SC", False), ("Noto Sans CJK SC", False), ("AR PL UKai CN", False),
               ("Noto Serif CJK SC", True)),
        "jp": (("Noto Serif CJK JP", False), ("Noto Sans CJK JP", False), ("AR PL UKai TW", False),
               ("Noto Serif CJK JP", True)),
    }
    for name, fonts in variants.items():
        _sample_docx(tmp_path / f"{name}.docx", fonts)
    assert convert_pdfs(tmp_path, tuple(f"{n}.docx" for n in variants)) == []
    ours, sc, jp = (_pixels(tmp_path / f"{n}.pdf") for n in variants)
    assert sc != jp  # the sample does tell the two apart
    assert ours == sc, "the Windows font names are not drawn with the Simplified-Chinese faces"
