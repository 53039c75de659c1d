"""Near-duplicate names: one 方面, 问题, 责任领导 or 责任部室 written two ways becomes two groups in the documents.

Two names are reported when they differ by one character (a 方面 or 问题 of 4 characters or more, a department of
5, a leader of 6: short titles differ on purpose, 党委书记/纪委书记) or two (10 or more),
not counting numbers and 副/正 (第1类/第2类, 一组/二组, 党组书记/党组副书记 are meant to differ: names are
compared as their skeleton, without those characters);
and a leader written with and without the title (张明华 / 党组书记、局长张明华 / 张明华（党组书记、局长）).

Cost is bounded for big ledgers: candidate pairs come from a prefix filter on position-tagged character
bigrams (a pair within distance d shares all but 2d of its bigrams, so it shares one of each name's 2d+1
rarest), names with one skeleton are compared once, distances are computed only up to 2, and at most MAX_PAIRS
candidate pairs are compared per list.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from typing import Any, Iterable

from pipeline.findings import Collector
from pipeline.ledger.reader import RawRow, RawTable
from pipeline.text.punct import normalize_punct

MAX_PAIRS = 100_000
# Differences that make two names two different things.
_MEANINGFUL = set("0123456789０１２３４５６７８９一二三四五六七八九十百零〇两第副正甲乙丙丁")
_PUNCT_RE = re.compile(r"[\s、，,；;：:。.·．\-—（）()【】〔〕\[\]“”\"'‘’]")
_BRACKET_RE = re.compile(r"[（(]([^（）()]*)[）)]")
_TITLES = (
    "秘书长", "书记", "主席", "主任", "局长", "院长", "厅长", "部长", "组长", "委员", "成员", "经理", "处长",
    "科长", "县长", "市长", "区长", "镇长", "乡长", "校长", "所长", "站长", "队长", "行长", "社长", "馆长",
    "会长", "董事长", "总经理", "调研员", "主任科员", "检察长", "庭长", "审计长", "总监", "主管",
)  # fmt: skip
_NOT_IN_NAMES = set("副管务兼党纪")  # 分管副, 常务: part of a title, not of a name
_COUNT_WORDS = {1: "一", 2: "两"}


def bounded_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of a and b, or limit + 1 when it is larger (only a band of 2·limit+1 is computed)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    big = limit + 1
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        lo, hi = max(1, i - limit), min(len(b), i + limit)
        cur = [big] * (len(b) + 1)
        cur[0] = i if i <= limit else big
        best = cur[0]
        ca = a[i - 1]
        for j in range(lo, hi + 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != b[j - 1]))
            cur[j] = v if v < big else big
            best = min(best, cur[j])
        if best > limit:
            return big
        prev = cur
    return min(prev[len(b)], big)


# The shortest name compared, by column: short titles and departments differ by one character on purpose
# (党委书记/纪委书记, 人事科/人事处); a 方面 or 问题 is a phrase.
MIN_LENGTH = {"aspect": 4, "heading": 4, "leader": 6, "department": 5}


def allowed(a: str, b: str, shortest: int = 4) -> int:
    """How many differing characters still make a and b look like one name: 0 for short names."""
    n = min(len(a), len(b))
    return 2 if n >= 10 else 1 if n >= shortest else 0


def _tokens(name: str) -> list[tuple[str, int]]:
    """The name's character bigrams, each tagged with its occurrence number (so they form a set)."""
    seen: Counter[str] = Counter()
    out = []
    for i in range(len(name) - 1):
        g = name[i : i + 2]
        out.append((g, seen[g]))
        seen[g] += 1
    return out


def candidate_pairs(names: list[str]) -> Iterable[tuple[int, int]]:
    """Index pairs (i < j) that may lie within the allowed distance; at most MAX_PAIRS."""
    tokens = [_tokens(n) for n in names]
    freq: Counter[tuple[str, int]] = Counter(t for ts in tokens for t in ts)
    index: dict[tuple[str, int], list[int]] = {}
    seen: set[tuple[int, int]] = set()
    for i, ts in enumerate(tokens):
        d = 2 if len(names[i]) >= 10 else 1
        if len(names[i]) < 4:
            continue
        prefix = sorted(ts, key=lambda t: (freq[t], t))[: 2 * d + 1]
        for t in prefix:
            for j in index.setdefault(t, []):
                if (j, i) not in seen:
                    seen.add((j, i))
                    if len(seen) > MAX_PAIRS:
                        return sorted(seen)[:MAX_PAIRS]
            index[t].append(i)
    return sorted(seen)


def _differences(a: str, b: str) -> list[tuple[str, str]]:
    return [(a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b).get_opcodes() if op != "equal"]


def skeleton(name: str) -> str:
    """The name without numbers and 副/正: names with one skeleton differ only where they are meant to."""
    return "".join(ch for ch in name if ch not in _MEANINGFUL)


def describe(a: str, b: str) -> str:
    """The differences as a clerk reads them: “情况”/“的” (one side's characters, then the other's)."""
    parts = []
    for x, y in _differences(a, b):
        parts.append(f"“{x}”和“{y}”" if x and y else f"多一个“{x or y}”" if len(x or y) == 1 else f"多“{x or y}”")
    return "，".join(parts)


def similar(a: str, b: str, shortest: int = 4) -> int:
    """The number of differing characters when a and b look like one name written two ways, else 0: compared
    without numbers and 副/正, so that 第1类/第2类 and 党组书记/党组副书记 are never one name."""
    sa, sb = skeleton(a), skeleton(b)
    limit = allowed(sa, sb, shortest)
    if not limit or sa == sb:
        return 0
    d = bounded_distance(sa, sb, limit)
    return d if d <= limit else 0


def person(name: str) -> str:
    """The person's name in a leader entry written with a title, or "" (张明华（党组书记、局长）, 局长张明华)."""
    text = re.sub(r"\s", "", name)

    def is_name(s: str) -> bool:
        return (
            2 <= len(s) <= 3
            and not any(s.endswith(t[-1]) for t in _TITLES)
            and not _PUNCT_RE.search(s)
            and not set(s) & _NOT_IN_NAMES
        )

    if is_name(text):
        return text
    m = _BRACKET_RE.search(text)
    if m:
        outside = (text[: m.start()] + text[m.end() :]).strip()
        for part in (outside, m.group(1)):
            if is_name(part):
                return part
    last = re.split(r"[、，,；;：:\s]", text)[-1]
    for title in _TITLES:
        if last.startswith(title) and is_name(last[len(title) :]):
            return last[len(title) :]
        if last.endswith(title) and is_name(last[: -len(title)]):
            return last[: -len(title)]
    return ""


def _first_cells(rows: list[tuple[RawRow, dict[str, Any]]], key: str, scope: str | None) -> dict[str, dict[str, str]]:
    """Distinct non-empty values of `key` in first-seen order, each with the first cell holding it; grouped by
    the value of `scope` (names are compared within one group)."""
    groups: dict[str, dict[str, str]] = {}
    norm: dict[str, str] = {}  # the same few names recur on thousands of rows: normalise each once
    for row, v in rows:
        value = v.get(key)
        if not value:
            continue
        value = norm.get(value) or norm.setdefault(value, normalize_punct(str(value)))
        group = str(v.get(scope) or "") if scope else ""
        group = norm.get(group) or norm.setdefault(group, normalize_punct(group))
        cell = row.get(key)
        if cell is None:
            continue
        groups.setdefault(group, {}).setdefault(value, cell.origin or cell.coord)
    return groups


_WHAT = {"aspect": "方面", "heading": "问题", "leader": "领导", "department": "部室（单位）"}
_EFFECT = {
    "aspect": "通报和问题清单会把它们印成两个方面",
    "heading": "通报会把它们印成两个问题",
    "leader": "责任清单会把它们分成两组",
    "department": "责任清单和督办清单会把它们分成两组",
}


def check_similar(
    table: RawTable | None,
    rows: list[tuple[RawRow, dict[str, Any]]],
    key: str,
    out: Collector,
    scope: str | None = None,
) -> None:
    """Warn at each name that looks like an earlier one written differently."""
    if table is None or key not in table.columns:
        return
    header = table.spec.column(key).header
    for values in _first_cells(rows, key, scope).values():
        names = list(values)
        # Names differing only in numbers or 副/正 share a skeleton: compared once, as the skeleton's first name
        # (a ledger of 第1类…第900类问题 is one comparison, not 400,000).
        first_of: dict[str, str] = {}
        for n in names:
            first_of.setdefault(skeleton(n), n)
        firsts = list(first_of.values())
        found: set[int] = set()
        for i, j in candidate_pairs([skeleton(n) for n in firsts]):
            a, b = firsts[i], firsts[j]
            d = similar(a, b, MIN_LENGTH[key])
            if d and j not in found:
                found.add(j)
                out.warn(
                    "near-duplicate",
                    table.title,
                    values[b],
                    f"〔{header}〕“{b}”与 {values[a]} 的“{a}”只差{_COUNT_WORDS[d]}个字（{describe(a, b)}），"
                    f"是同一个{_WHAT[key]}吗？{_EFFECT[key]}。是同一个的话请改成一样的写法；不是的话可以不理会。",
                    header,
                )
        if key != "leader":
            continue
        by_person: dict[str, str] = {}
        for name in names:
            who = person(name)
            if not who:
                continue
            if who in by_person and by_person[who] != name:
                first = by_person[who]
                out.warn(
                    "near-duplicate",
                    table.title,
                    values[name],
                    f"〔{header}〕“{name}”与 {values[first]} 的“{first}”像是同一位领导（{who}）的两种写法，"
                    f"是同一个人吗？{_EFFECT[key]}。是同一个人的话请改成一样的写法；不是的话可以不理会。",
                    header,
                )
            by_person.setdefault(who, name)
