"""Measures to press on (督办): not done and past their deadline, or due within the next days.

As of a given day: a build uses its 成文日期 (so identical ledgers give identical documents); `rectify check`
uses today unless told otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipeline.ledger import schema
from pipeline.ledger.model import Ledger, Measure, Problem

# Measures due within this many days are listed as due soon.
DUE_SOON_DAYS = 30
# Measures in these states need no pressing.


@dataclass(frozen=True)
class DueMeasure:
    """One measure to press on, with how late (days > 0) or how soon (days <= 0) it is due."""

    measure: Measure
    problem: Problem | None
    days: int  # as_of - deadline: positive = overdue by that many days

    @property
    def overdue(self) -> bool:
        """True when the deadline has passed."""
        return self.days > 0

    @property
    def state(self) -> str:
        """逾期12天 / 今天到期 / 还有5天到期."""
        if self.days > 0:
            return f"逾期{self.days}天"
        if self.days == 0:
            return "今天到期"
        return f"还有{-self.days}天到期"


def due_measures(ledger: Ledger, as_of: date, window: int = DUE_SOON_DAYS) -> list[DueMeasure]:
    """Measures not done whose deadline has passed or falls within `window` days of `as_of`, grouped by
    责任部室（单位） (in order of first appearance), most overdue first within a group."""
    problems = {p.id: p for p in ledger.problems}
    found = [
        DueMeasure(m, problems.get(m.problem_id), (as_of - m.deadline).days)
        for m in ledger.measures
        if m.deadline is not None and m.status not in schema.FINISHED and (m.deadline - as_of).days <= window
    ]
    order = {d: i for i, d in enumerate(dict.fromkeys(m.department for m in ledger.measures))}
    return sorted(found, key=lambda d: (order[d.measure.department], -d.days, d.measure.row))


def counts(items: list[DueMeasure]) -> tuple[int, int]:
    """(overdue, due soon)."""
    late = sum(1 for d in items if d.overdue)
    return late, len(items) - late
