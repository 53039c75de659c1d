"""The numbering scheme a ledger chooses (一、/（一）/1./一是 …) and section title choices."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipeline.ledger import schema
from pipeline.text.numerals import list_marker, run_in_ordinal

_END_PUNCT = "。！？；：…"
# Markers, in GB/T 9704's order of heading levels; 一是 and ① number run-in items.
HIERARCHY = ("一、", "（一）", "1.", "（1）")
MARKERS = (*HIERARCHY, "一是", "①")
# Paragraph style of a heading on its own line, by marker (see template_builder: h1 黑体, h2 楷体,
# h3 仿宋 bold, h4 仿宋; "line" is a body line, as the seed prints "一是学习计划执行不力。").
HEADING_STYLE = {"一、": "h1", "（一）": "h2", "1.": "h3", "（1）": "h4", "一是": "line", "①": "line", "": "line"}
# Character style of a run-in heading, by marker.
LEAD_STYLE = {"一、": "hei", "（一）": "kai", "1.": "bold", "（1）": "plain", "一是": "bold", "①": "plain", "": "bold"}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
RUN_IN_WORD = "段首"
NONE_WORD = "无"


def label(marker: str, n: int) -> str:
    """The n-th number of a marker kind: 一、 （二） 3. （4） 五是 ⑥; "" for no marker."""
    if marker in HIERARCHY:
        return list_marker(HIERARCHY.index(marker) + 1, n)
    if marker == "一是":
        return run_in_ordinal(n)
    if marker == "①":
        return _CIRCLED[n - 1] if n <= len(_CIRCLED) else f"（{n}）"
    return ""


def below(marker: str) -> str:
    """The marker of the heading level under `marker` (一、 → （一） → 1. → （1） → 一是)."""
    if marker in HIERARCHY[:-1]:
        return HIERARCHY[HIERARCHY.index(marker) + 1]
    return "一是"


@dataclass(frozen=True)
class Level:
    """One level of a numbering scheme: its marker ("" = the level is not printed) and its layout."""

    marker: str
    run_in: bool = False

    @property
    def shown(self) -> bool:
        """False for a level left out of the notice."""
        return bool(self.marker)

    def pattern(self) -> str:
        """As written in a pattern: 一、  1.段首  无."""
        return (self.marker or NONE_WORD) + (RUN_IN_WORD if self.run_in else "")


@dataclass(frozen=True)
class NumberingScheme:
    """How the notice numbers its four levels: section / 方面 / 问题 / 具体问题."""

    section: Level
    aspect: Level
    problem: Level
    item: Level
    name: str = ""

    @property
    def pattern(self) -> str:
        """The scheme as a pattern string: 一、/（一）/1./一是."""
        return "/".join(lv.pattern() for lv in (self.section, self.aspect, self.problem, self.item))

    @property
    def sub(self) -> str:
        """The marker of headings inside a narrative section (正文's 小标题): the level under the section's."""
        return below(self.section.marker or "一、")

    @classmethod
    def parse(cls, text: str) -> "NumberingScheme":
        """A preset by name or a pattern of four levels; ValueError (Chinese message) when neither."""
        raw = unicodedata.normalize("NFKC", text or "").strip()
        if not raw:
            return SCHEMES["标准"]
        for name, scheme in SCHEMES.items():
            if unicodedata.normalize("NFKC", name) == raw:
                return scheme
        parts = [p.strip() for p in re.split(r"[/／|｜]", raw)]
        if len(parts) != 4:
            raise ValueError(
                f"“{text}”既不是可选的编号方式（{'、'.join(SCHEMES)}），也不是“一、/（一）/1./一是”"
                "这样用“/”隔开的四级编号"
            )
        levels = []
        folded = {unicodedata.normalize("NFKC", m): m for m in MARKERS}
        for part, what in zip(parts, ("第一级（部分）", "第二级（方面）", "第三级（问题）", "第四级（具体问题）")):
            run_in = part.endswith(RUN_IN_WORD)
            part = part[: -len(RUN_IN_WORD)].strip() if run_in else part
            if part in (NONE_WORD, "", "-", "—"):
                levels.append(Level("", False))
                continue
            marker = folded.get(part.replace("．", ".").replace("。", "."))
            if marker is None:
                raise ValueError(
                    f"{what}的编号“{part}”无法识别。每级可以是：{'、'.join(MARKERS)}，或“无”"
                    f"（不印这一级）；后面加“{RUN_IN_WORD}”表示标题接在段首"
                )
            levels.append(Level(marker, run_in))
        if not levels[2].shown:
            raise ValueError("第三级（问题）不能为“无”：每个问题都要有自己的标题")
        section, aspect, problem, item = levels
        return cls(section, aspect, problem, item, name="")


def _scheme(pattern: str, name: str) -> NumberingScheme:
    s = NumberingScheme.parse(pattern)
    return NumberingScheme(s.section, s.aspect, s.problem, s.item, name=name)


# The presets offered in 编号方式, with the fill-in guide's explanation and example.
SCHEME_DOCS: dict[str, tuple[str, str, str]] = {
    "标准": (
        "一、/（一）/1./一是",
        "部分为一、二、三、，方面为（一）（二），问题为1. 2.，具体问题为单独一行的“一是……。”（示例台账即此方式）",
        "二、市委巡察组反馈意见整改落实进展情况 ⏎ （一）关于……方面 ⏎ 1.……问题 ⏎ 一是……。 ⏎ 整改进展……",
    ),
    "无方面": (
        "一、/无/1./一是",
        "不印方面一级：部分之下直接是问题1. 2. 3.（全篇连续编号），具体问题为“一是……。”；“方面”列可以留空",
        "二、整改落实进展情况 ⏎ 1.……问题 ⏎ 一是……。 ⏎ 整改进展……",
    ),
    "四级标题": (
        "一、/（一）/1./（1）",
        "具体问题为单独一行的（1）（2）标题，其余同“标准”",
        "（一）关于……方面 ⏎ 1.……问题 ⏎ （1）…… ⏎ 整改进展……",
    ),
    "（一）起首": (
        "（一）/无/1.段首/一是段首",
        "最高一级为（一）（二）（不用一、二、），问题为接在段首的“1.……。”，后接整改进展；"
        "具体问题为段首的“一是……。”；正文的小标题随之编为1. 2.",
        "（二）整改落实进展情况 ⏎ 1.……问题。一是……。整改进展……",
    ),
}
SCHEMES: dict[str, NumberingScheme] = {}
for _name, (_pattern, _help, _example) in SCHEME_DOCS.items():
    SCHEMES[_name] = _scheme(_pattern, _name)
assert tuple(SCHEMES) == schema.NUMBERING_NAMES


def title_choice(value: str) -> tuple[bool, str | None]:
    """(printed, title) for a 基本信息 "…标题" value: None = the default title, "" = no heading."""
    v = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or ""))
    if not v:
        return True, None
    if v in schema.TITLE_OMIT_WORDS:
        return False, None
    if v in schema.TITLE_NONE_WORDS or v in ("（无）", "(无)"):
        return True, ""
    return True, value.strip()
