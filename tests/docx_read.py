"""Reading generated documents back: paragraphs, runs, fonts, tables (python-docx + lxml)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph


def paragraphs(path: Path) -> list[Paragraph]:
    """Body paragraphs in order (tables excluded)."""
    return list(Document(str(path)).paragraphs)


def texts(path: Path) -> list[str]:
    """Non-empty body paragraph texts in order (line breaks inside a paragraph kept as "\\n")."""
    return [p.text for p in paragraphs(path) if p.text.strip()]


def style_chain(paragraph: Paragraph) -> Iterator[object]:
    """The paragraph's style and its ancestors."""
    style = paragraph.style
    while style is not None:
        yield style
        style = style.base_style


def _rfonts_east_asia(element: object) -> str | None:
    rpr = element.find(qn("w:rPr")) if element is not None else None  # type: ignore[union-attr]
    if rpr is None:
        return None
    fonts = rpr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def east_asian_font(paragraph: Paragraph, run_index: int = 0) -> str | None:
    """The East Asian font a run resolves to: run, then character style, then paragraph style chain, then defaults."""
    runs = [r for r in paragraph.runs if r.text]
    if runs:
        run = runs[run_index]
        found = _rfonts_east_asia(run._r)
        if found:
            return found
        if run.style is not None and run.style.element is not None:
            found = _rfonts_east_asia(run.style.element)
            if found:
                return found
    for style in style_chain(paragraph):
        found = _rfonts_east_asia(style.element)  # type: ignore[attr-defined]
        if found:
            return found
    return None


def font_size_pt(paragraph: Paragraph, run_index: int = 0) -> float | None:
    """The size a run resolves to, in points."""
    runs = [r for r in paragraph.runs if r.text]
    if runs and runs[run_index].font.size is not None:
        return runs[run_index].font.size.pt
    for style in style_chain(paragraph):
        if style.font.size is not None:  # type: ignore[attr-defined]
            return style.font.size.pt  # type: ignore[attr-defined]
    return None
