"""The notice as data: Ledger + numbering scheme → an ordered list of blocks.

A block is one paragraph of the notice body: a heading on its own line, or a body paragraph that may
open with a run-in heading ("（一）提高政治站位，加强组织领导。" then the text). Each block keeps its
level, its number label and its text apart, so a template is one loop with a paragraph style per block
style, and an office's template can print the parts its own way.

The numbering scheme says, for the four levels of the notice (section / 方面 / 问题 / 具体问题), which
number each level gets (一、 （一） 1. （1） 一是 ①, or none) and whether its heading stands on its own line
or runs in at the start of the next paragraph. Offices name a preset in 基本信息!编号方式 or write a
pattern such as "一、/无/1./一是"."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping

from pipeline.ledger import placeholders as figures
from pipeline.ledger import schema, wording
from pipeline.ledger.model import Ledger, Paragraph, Problem
from pipeline.ledger.numbering import (
    _END_PUNCT,
    HEADING_STYLE,
    LEAD_STYLE,
    NONE_WORD,
    NumberingScheme,
    below,
    label,
    title_choice,
)
from pipeline.text.punct import normalize_newlines, normalize_punct, split_paragraphs, strip_control_chars

# --------------------------------------------------------------------------------------------------
# Blocks


@dataclass(frozen=True)
class Block:
    """One paragraph of the notice body.

    kind "heading": `label` + `text` on a line of its own, in paragraph style `style` (h1…h4, line).
    kind "paragraph": body text; when `lead` is set it opens with the run-in heading `lead_label` +
    `lead` in character style `lead_style` (kai, bold, hei, plain).
    """

    section: str  # intro | basic | progress | plans | closing
    kind: str  # heading | paragraph
    level: int  # 0 intro/body text of a section, 1 section heading, 2.. deeper headings
    text: str
    label: str = ""
    style: str = "body"
    lead_label: str = ""
    lead: str = ""
    lead_style: str = ""
    status: str = ""  # the problem's 整改状态, on the blocks of one problem row
    role: str = ""  # what the block is: section, aspect, problem, item, progress, status, narrative, …

    @property
    def full_text(self) -> str:
        """The paragraph as printed."""
        if self.kind == "heading":
            return self.label + self.text
        return self.lead_label + self.lead + self.text

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for the template context (full_text included)."""
        # (fields are plain strings and ints: no deep copy needed, as asdict would make)
        d = {f: getattr(self, f) for f in _BLOCK_FIELDS}
        d["full_text"] = self.full_text
        return d


_BLOCK_FIELDS = tuple(f.name for f in fields(Block))


@dataclass(frozen=True)
class SectionSpec:
    """How one section of the notice prints: its title (or none), or left out entirely."""

    key: str
    title: str  # "" = printed without a heading
    printed: bool = True


@dataclass(frozen=True)
class NoticeSettings:
    """Everything about the notice's shape that comes from 基本信息 (or the defaults)."""

    scheme: NumberingScheme
    sections: tuple[SectionSpec, ...]
    show_status: bool
    opening: str  # with placeholders
    # The wording an office chooses (issue 20); the defaults print as before.
    runin: Mapping[str, str | None] = field(default_factory=dict)  # section key → marker ("" 无); None = scheme's
    status_before: bool = False  # the status line before the progress paragraphs
    status_label: str = wording.DEFAULT_STATUS_LABEL
    status_stop: bool = True  # a full stop after the status line
    status_words: Mapping[str, str] = field(default_factory=dict)  # fixed status → the office's word
    patterns: Mapping[str, str] = field(default_factory=dict)  # aspect / problem / item → "在“{方面}”方面"
    progress_label: str = ""  # before each specific problem's first progress paragraph

    def status_line(self, status: str) -> str:
        """The status line of one specific problem: 整改状态：已完成。 by default."""
        line = self.status_label + self.status_words.get(status, status)
        return line + "。" if self.status_stop else line


SECTION_KEYS = ("basic", "progress", "plans", "closing")
SECTION_TITLE_FIELD = {
    "basic": "title_basic",
    "progress": "title_progress",
    "plans": "title_plans",
    "closing": "title_closing",
}
# Default titles, with placeholders: they follow the ledger (巡察/巡视, 部署机关) like any other text.
DEFAULT_TITLES = {
    "basic": "整改工作基本情况",
    "progress": "{部署机关}{巡察}组反馈意见整改落实进展情况",
    "plans": "今后整改工作打算",
    "closing": "",
}
DEFAULT_OPENING = (
    "根据{部署机关}统一部署，{巡察时间}，{巡察组}对{被巡察单位}开展了{巡察轮次}，"
    "并于{反馈月日}反馈了{巡察}情况。按照{巡察}工作有关要求，现将{巡察}整改进展情况予以公布。"
)


def settings_of(ledger: Ledger) -> NoticeSettings:
    """The notice's shape for one ledger (the checks have already validated every value)."""
    info = ledger.inspection
    sections = []
    for key in SECTION_KEYS:
        printed, title = title_choice(getattr(info, SECTION_TITLE_FIELD[key]))
        sections.append(SectionSpec(key, DEFAULT_TITLES[key] if title is None else title, printed))
    runin_keys = {"basic": info.runin_basic, "plans": info.runin_plans}
    return NoticeSettings(
        scheme=NumberingScheme.parse(info.numbering),
        sections=tuple(sections),
        show_status=info.show_status,
        opening=info.opening or DEFAULT_OPENING,
        runin={k: (None if not v else "" if v == NONE_WORD else v) for k, v in runin_keys.items()},
        status_before=info.status_position == schema.STATUS_BEFORE,
        status_label=wording.status_label(info.status_label),
        status_stop=info.status_stop != schema.NO,
        status_words=wording.parse_status_words(info.status_words)[0],
        patterns={
            "aspect": info.pattern_aspect.strip(),
            "problem": info.pattern_problem.strip(),
            "item": info.pattern_item.strip(),
        },
        progress_label=wording.with_colon(info.progress_label),
    )


# Memoised: a checklist row repeats its problem's aspect, heading and item on every measure, and the
# same names (leaders, departments, statuses) recur on every row.
@lru_cache(maxsize=1 << 16)
def clean(text: str) -> str:
    """Text as it may be printed: unified line breaks, no control characters, full-width punctuation."""
    return normalize_punct(strip_control_chars(normalize_newlines(text or ""))).strip()


def sentence(text: str) -> str:
    """Text ending with a full stop (kept when it already ends with sentence punctuation)."""
    text = clean(text)
    return text if not text or text[-1] in _END_PUNCT else text + "。"


class _Writer:
    """Appends blocks, carrying a run-in heading until the next body paragraph takes it."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.pending: Block | None = None  # a run-in heading waiting for its paragraph

    def flush(self) -> None:
        """A pending run-in heading with no paragraph after it prints as a paragraph of its own."""
        if self.pending is not None:
            self.blocks.append(self.pending)
            self.pending = None

    def heading(
        self,
        section: str,
        level: int,
        lbl: str,
        marker: str,
        text: str,
        role: str,
        run_in: bool = False,
        status: str = "",
        as_sentence: bool = False,
    ) -> None:
        """A heading: on its own line, or run in at the start of the next paragraph."""
        self.flush()
        if run_in:
            self.pending = Block(
                section,
                "paragraph",
                level,
                "",
                lead_label=lbl,
                lead=sentence(text),
                lead_style=LEAD_STYLE[marker],
                status=status,
                role=role,
            )
            return
        shown = sentence(text) if as_sentence else clean(text)
        self.blocks.append(
            Block(section, "heading", level, shown, label=lbl, style=HEADING_STYLE[marker], status=status, role=role)
        )

    def paragraph(self, section: str, level: int, text: str, role: str, status: str = "") -> None:
        """A body paragraph, opening with the pending run-in heading if there is one."""
        text = clean(text)
        if not text:
            return
        if self.pending is not None:
            p = self.pending
            self.pending = None
            self.blocks.append(
                Block(
                    section,
                    "paragraph",
                    p.level,
                    text,
                    lead_label=p.lead_label,
                    lead=p.lead,
                    lead_style=p.lead_style,
                    status=p.status or status,
                    role=p.role,
                )
            )
            return
        self.blocks.append(Block(section, "paragraph", level, text, status=status, role=role))


def _narrative(
    w: _Writer,
    section: str,
    level: int,
    rows: Iterable[Paragraph],
    sub: str,
    runin: str,
    values: dict[str, str],
    restart: bool = False,
) -> None:
    """正文 rows of one section: standalone headings (小标题 without 内容) numbered `sub`; run-in headings
    numbered `runin` at first, then the level under `sub` once a standalone heading has opened. With
    `restart` (an office's own marker), the run-in numbers start again after a paragraph without 小标题."""
    standalone = 0
    run_ins = 0
    runin_marker = runin
    for p in rows:
        heading = figures.fill(p.heading, values) if p.heading else ""
        if heading and not p.text.strip():
            standalone += 1
            run_ins = 0
            runin_marker = below(sub) if runin == sub else runin
            w.heading(section, level + 1, label(sub, standalone), sub, heading, role="narrative-heading")
            continue
        paras = split_paragraphs(figures.fill(p.text, values))
        if restart and not heading and paras:
            run_ins = 0
        if heading:
            run_ins += 1
            w.heading(
                section,
                level + 2 if standalone else level + 1,
                label(runin_marker, run_ins),
                runin_marker,
                heading,
                role="narrative",
                run_in=True,
            )
        for text in paras:
            w.paragraph(section, level + 1, text, role="narrative")
        w.flush()


def grouped(problems: Iterable[Problem]) -> dict[str, dict[str, list[Problem]]]:
    """Problems grouped by aspect then heading, in first-appearance order."""
    groups: dict[str, dict[str, list[Problem]]] = {}
    for p in problems:
        groups.setdefault(p.aspect, {}).setdefault(p.heading, []).append(p)
    return groups


def _progress(w: _Writer, ledger: Ledger, settings: NoticeSettings, level: int) -> None:
    """The problems, numbered by the scheme: 方面 → 问题 → 具体问题 → progress paragraphs (→ status), each
    heading in the office's label pattern when it chose one."""
    scheme, show_status, patterns = settings.scheme, settings.show_status, settings.patterns
    problem_no = 0
    depth = level
    for a_no, (aspect, headings) in enumerate(grouped(ledger.public_problems).items(), start=1):
        a_level = depth + 1
        if scheme.aspect.shown:
            problem_no = 0  # numbering restarts under each aspect
            w.heading(
                "progress",
                a_level,
                label(scheme.aspect.marker, a_no),
                scheme.aspect.marker,
                wording.apply_pattern(patterns.get("aspect", ""), clean(aspect)),
                role="aspect",
                run_in=scheme.aspect.run_in,
            )
        else:
            a_level = depth
        for heading, rows in headings.items():
            problem_no += 1
            same = {p.status for p in rows}
            w.heading(
                "progress",
                a_level + 1,
                label(scheme.problem.marker, problem_no),
                scheme.problem.marker,
                wording.apply_pattern(patterns.get("problem", ""), clean(heading)),
                role="problem",
                run_in=scheme.problem.run_in,
                status=rows[0].status if len(same) == 1 else "",
            )
            item_no = 0
            for p in rows:
                if p.item:
                    item_no += 1
                    # A specific problem reads as a sentence: "一是学习计划执行不力。"
                    w.heading(
                        "progress",
                        a_level + 2,
                        label(scheme.item.marker, item_no),
                        scheme.item.marker,
                        wording.apply_pattern(patterns.get("item", ""), clean(p.item)),
                        role="item",
                        run_in=scheme.item.run_in,
                        status=p.status,
                        as_sentence=True,
                    )
                status_line = (
                    settings.status_line(p.shown_status(ledger.inspection.own_status_words)) if show_status else ""
                )
                if status_line and settings.status_before:
                    w.paragraph("progress", a_level + 2, status_line, role="status", status=p.status)
                for n, text in enumerate(t for t in p.progress if clean(t)):
                    shown = settings.progress_label + clean(text) if n == 0 else text
                    w.paragraph("progress", a_level + 2, shown, role="progress", status=p.status)
                if status_line and not settings.status_before:
                    w.paragraph("progress", a_level + 2, status_line, role="status", status=p.status)
                w.flush()


def build_outline(
    ledger: Ledger, settings: NoticeSettings | None = None, contacts: Callable[[Ledger], str] | None = None
) -> list[Block]:
    """The notice body (opening to closing) as blocks, numbered by the ledger's scheme."""
    settings = settings or settings_of(ledger)
    values = figures.values(ledger)
    scheme = settings.scheme
    w = _Writer()
    # A line break in the 导语 cell starts a new paragraph (the guide says 可换行分段), as in 正文.
    for text in split_paragraphs(figures.fill(settings.opening, values)):
        w.paragraph("intro", 0, text, role="intro")
    narrative = {s: [p for p in ledger.narrative if p.section == s] for s in schema.SECTIONS}
    number = 0
    for spec in settings.sections:
        if not spec.printed:
            continue
        titled = bool(spec.title)
        if titled:
            number += 1
            marker = scheme.section.marker or "一、"
            w.heading(spec.key, 1, label(marker, number), marker, figures.fill(spec.title, values), role="section")
        chosen = settings.runin.get(spec.key)
        if spec.key == "basic":
            runin = scheme.sub if chosen is None else chosen
            rows = narrative[schema.SECTION_BASIC]
            _narrative(w, "basic", 1, rows, scheme.sub, runin, values, restart=chosen is not None)
        elif spec.key == "progress":
            _progress(w, ledger, settings, 1)
        elif spec.key == "plans":
            runin = "一是" if chosen is None else chosen
            rows = narrative[schema.SECTION_PLANS]
            _narrative(w, "plans", 1, rows, scheme.sub, runin, values, restart=chosen is not None)
        elif spec.key == "closing":
            texts = [
                t for p in narrative[schema.SECTION_CLOSING] for t in split_paragraphs(figures.fill(p.text, values))
            ]
            tail = contacts(ledger) if contacts else ""
            if tail:
                texts = [*texts[:-1], (texts[-1] if texts else "") + tail]
            for text in texts:
                w.paragraph("closing", 1, text, role="closing")
        w.flush()
    return w.blocks
