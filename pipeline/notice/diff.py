"""What changed between two ledgers: problems and measures added, removed or changed, matched by 编号.

Pure functions over two `Ledger`s; `rectify diff` and the build's manifest print what `compare` returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from typing import Any, Callable, Sequence

from pipeline.ledger import schema
from pipeline.ledger.model import Ledger, Measure, Problem
from pipeline.text.dates import format_date


@dataclass(frozen=True)
class Change:
    """One field of one row that differs."""

    id: str
    field: str  # the column header, as the clerk knows it
    old: str
    new: str

    def as_dict(self) -> dict[str, str]:
        """Plain dict for JSON."""
        return {"id": self.id, "field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class TableDiff:
    """Rows of one sheet added, removed and changed (by 编号)."""

    added: tuple[tuple[str, str], ...] = ()  # (编号, what the row is about)
    removed: tuple[tuple[str, str], ...] = ()
    changed: tuple[Change, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing differs."""
        return not (self.added or self.removed or self.changed)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return {
            "added": [{"id": i, "text": t} for i, t in self.added],
            "removed": [{"id": i, "text": t} for i, t in self.removed],
            "changed": [c.as_dict() for c in self.changed],
        }


@dataclass(frozen=True)
class LedgerDiff:
    """Problems and measures compared."""

    problems: TableDiff = field(default_factory=TableDiff)
    measures: TableDiff = field(default_factory=TableDiff)

    @property
    def empty(self) -> bool:
        """True when the two ledgers list the same problems and measures."""
        return self.problems.empty and self.measures.empty

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON and the manifest."""
        return {"problems": self.problems.as_dict(), "measures": self.measures.as_dict()}

    def summary(self) -> str:
        """One line, each row counted once: 问题：新增1个、2个有变化，其中1个已完成；措施：6项有变化，其中5项已完成
        ("问题和措施没有变化" when nothing differs)."""
        if self.empty:
            return "问题和措施没有变化"
        parts = []
        for name, unit, d in (("问题", "个", self.problems), ("措施", "项", self.measures)):
            if d.empty:
                continue
            done = len({c.id for c in d.changed if c.field in _STATUS_FIELDS and c.new == schema.STATUS_DONE})
            changed = len({c.id for c in d.changed})
            bits = [f"{label}{n}{unit}" for label, n in (("新增", len(d.added)), ("删除", len(d.removed))) if n]
            if changed:
                bits.append(f"{changed}{unit}有变化" + (f"，其中{done}{unit}已完成" if done else ""))
            parts.append(f"{name}：" + "、".join(bits))
        return "；".join(parts)

    def lines(self) -> list[str]:
        """Every difference, one line each, in Chinese."""
        out: list[str] = []
        for name, d in (("问题", self.problems), ("措施", self.measures)):
            out += [f"新增  {name} {i}：{t}" for i, t in d.added]
            out += [f"删除  {name} {i}：{t}" for i, t in d.removed]
            out += [f"变化  {name} {c.id} 〔{c.field}〕{_change(c.old, c.new)}" for c in d.changed]
        return out


_STATUS_FIELDS = ("整改状态", "状态")


def _short(text: str, width: int = 30) -> str:
    text = text.replace("\n", " ") or "（空）"
    return text if len(text) <= width else text[: width - 1] + "…"


def _change(old: str, new: str, width: int = 30, context: int = 8, most: int = 3) -> str:
    """old → new for short texts; for long ones the changed words with a little context on each side
    (…召开专题会议［3→5］次，形成…), so that a change deep in a long 整改进展 is visible."""
    if len(old) <= width and len(new) <= width:
        return f"{_short(old)} → {_short(new)}"
    a, b = old.replace("\n", " "), new.replace("\n", " ")
    ops = [op for op in SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if op[0] != "equal"]
    parts = []
    for _, i1, i2, j1, j2 in ops[:most]:
        before = a[max(0, i1 - context) : i1]
        after = a[i2 : i2 + context]
        lead = "…" if i1 - context > 0 else ""
        tail = "…" if i2 + context < len(a) else ""
        parts.append(f"{lead}{before}［{a[i1:i2] or '（无）'}→{b[j1:j2] or '（无）'}］{after}{tail}")
    if len(ops) > most:
        parts.append(f"另有 {len(ops) - most} 处改动")
    return "；".join(parts)


def _deadline(d: date | None) -> str:
    return format_date(d) if d else schema.STATUS_LONG_TERM


# (header, how to read the field) for the rows compared
_PROBLEM_FIELDS: tuple[tuple[str, Callable[[Problem], str]], ...] = (
    ("方面", lambda p: p.aspect),
    ("问题", lambda p: p.heading),
    ("具体问题", lambda p: p.item),
    ("整改状态", lambda p: p.status),
    ("是否公开", lambda p: schema.YES if p.public else schema.NO),
    ("整改进展", lambda p: "\n".join(p.progress)),
)
_MEASURE_FIELDS: tuple[tuple[str, Callable[[Measure], str]], ...] = (
    ("问题编号", lambda m: m.problem_id),
    ("整改措施", lambda m: m.action),
    ("整改目标", lambda m: m.target),
    ("责任领导", lambda m: m.leader),
    ("责任部室（单位）", lambda m: m.department),
    ("配合单位", lambda m: m.partner),
    ("完成时限", lambda m: m.deadline_text or _deadline(m.deadline)),
    ("完成情况", lambda m: m.result),
    ("状态", lambda m: m.status),
)


def _compare(
    old: Sequence[Any],
    new: Sequence[Any],
    fields: Sequence[tuple[str, Callable[[Any], str]]],
    about: Callable[[Any], str],
) -> TableDiff:
    before = {r.id: r for r in old}
    after = {r.id: r for r in new}
    changed = [
        Change(r.id, header, read(before[r.id]), read(r))
        for r in new
        if r.id in before
        for header, read in fields
        if read(before[r.id]) != read(r)
    ]
    return TableDiff(
        added=tuple((r.id, about(r)) for r in new if r.id not in before),
        removed=tuple((r.id, about(r)) for r in old if r.id not in after),
        changed=tuple(changed),
    )


def compare(old: Ledger, new: Ledger) -> LedgerDiff:
    """What changed from `old` to `new`, rows matched by 编号 (in the new ledger's order)."""
    return LedgerDiff(
        problems=_compare(old.problems, new.problems, _PROBLEM_FIELDS, lambda p: p.item or p.heading),
        measures=_compare(old.measures, new.measures, _MEASURE_FIELDS, lambda m: m.action),
    )
