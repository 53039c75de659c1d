"""The ledger as frozen dataclasses, with derived counts computed (never stored twice)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Mapping

from pipeline.ledger import schema
from pipeline.text.dates import LooseDate


@dataclass(frozen=True)
class Inspection:
    """The facts of the 基本信息 sheet."""

    issuer: str
    unit: str
    deployer: str
    group: str
    round: str
    start: date
    end: date
    feedback: date
    issued: date
    doc_number: str = ""
    title: str = ""
    phone: str = ""
    email: str = ""
    cc: str = ""
    printer: str = ""
    printed: date | None = None
    declared_problems: int | None = None
    declared_measures: int | None = None
    declared_documents: int | None = None
    red_header: str | None = None  # 是: print the 版头 (red header)
    issuer_mark: str = ""  # the 版头's 发文机关标志; empty: 发文机关 + 文件
    attachments: str | None = None  # 是: the checklists are labelled 附件1/2/3
    sealed: str | None = None  # 否: the 落款 without seal (GB/T 9704 7.3.5.2); else sealed (7.3.5.1)
    addressee: str = ""  # 主送机关 of the 整改方案 and 整改情况报告; "" = 部署机关 + 巡察办
    head: str = ""  # 主要负责人 (post and name), the signature of the head's report
    secret: str = ""  # 密级 printed on the 党内通报
    copy_no: str = ""  # 份号 printed on the 党内通报
    kind: str = schema.XUNCHA  # 巡察 or 巡视
    opening: str = ""  # the office's own 导语 (with placeholders); "" = composed
    numbering: str = ""  # 编号方式: a scheme name or pattern; "" = 标准
    title_basic: str = ""
    title_progress: str = ""
    title_plans: str = ""
    title_closing: str = ""
    show_status: bool = False
    own_status_words: bool = False  # 状态照写: print a status as the clerk wrote it (基本完成), not the fixed word
    declared_aspects: int | None = None
    declared_done: int | None = None
    declared_staged: int | None = None
    declared_ongoing: int | None = None
    declared_long_term: int | None = None
    # Issue 20's wording choices ("" / None = as before; see schema.INFO for each row)
    runin_basic: str = ""  # run-in marker of 基本情况's 小标题: one of schema.RUNIN_MARKERS
    runin_plans: str = ""
    status_position: str = ""  # 进展前 / 进展后 ("" = after)
    status_label: str = ""  # "" = 整改状态：; 无 = none
    status_stop: str | None = None  # 否: no full stop after the status line
    status_words: str = ""  # "已完成=已整改到位；…": the office's word per status, in the status line
    pattern_aspect: str = ""  # "在“{方面}”方面"
    pattern_problem: str = ""
    pattern_item: str = ""
    progress_label: str = ""  # "整改情况：" before each specific problem's progress
    rate_digits: int | None = None  # decimals of {问题完成率} {措施完成率}
    period_years: str | None = None  # 是: {巡察时间} prints the end date's year even when it repeats
    # The dates as written when only a month or part of one is known (2022年8月下旬); None = the exact
    # day above. `start`, `end`, `feedback` then hold the period's last day.
    start_as_written: LooseDate | None = None
    end_as_written: LooseDate | None = None
    feedback_as_written: LooseDate | None = None
    # Where each filled field stands (key -> sheet title, cell), for findings of later stages.
    cells: Mapping[str, tuple[str, str]] = field(default_factory=dict, compare=False, repr=False)

    def when(self, key: str) -> LooseDate:
        """One of start / end / feedback as written (a whole day unless a vaguer form was given)."""
        written = getattr(self, f"{key}_as_written")
        return written if written is not None else LooseDate.of(getattr(self, key))

    @property
    def declared_by_status(self) -> Mapping[str, int] | None:
        """Problems per status as declared in 基本信息, or None when none is declared."""
        values = (self.declared_done, self.declared_staged, self.declared_ongoing, self.declared_long_term)
        if all(v is None for v in values):
            return None
        return {s: v or 0 for s, v in zip(schema.STATUSES, values)}


@dataclass(frozen=True)
class Problem:
    """One specific problem (one row of the 问题 sheet)."""

    id: str
    aspect: str
    heading: str
    item: str
    progress: tuple[str, ...]
    status: str
    public: bool
    row: int = 0
    status_text: str = ""  # the status as written when it was a usual word (基本完成), else ""

    def shown_status(self, own_words: bool) -> str:
        """The status as the documents print it: the clerk's own word when 状态照写 is chosen."""
        return self.status_text if own_words and self.status_text else self.status


@dataclass(frozen=True)
class Measure:
    """One rectification measure (one row of the 措施 sheet)."""

    id: str
    problem_id: str
    action: str
    target: str
    leader: str
    department: str
    partner: str
    deadline: date | None  # None means a standing measure (长期坚持)
    result: str
    status: str
    row: int = 0
    deadline_text: str = ""  # a deadline written in words (2024年12月底前, 立行立改), printed as written
    status_text: str = ""  # the status as written when it was a usual word (推进中), else ""

    def shown_status(self, own_words: bool) -> str:
        """The status as the documents print it: the clerk's own word when 状态照写 is chosen."""
        return self.status_text if own_words and self.status_text else self.status


@dataclass(frozen=True)
class Paragraph:
    """One narrative paragraph of the 正文 sheet."""

    section: str
    heading: str
    text: str
    row: int = 0


@dataclass(frozen=True)
class Document:
    """One rule or document made or revised during rectification."""

    name: str
    kind: str
    date: date | None
    problem_ids: tuple[str, ...]
    row: int = 0


@dataclass(frozen=True)
class Ledger:
    """The whole ledger workbook, read and typed."""

    inspection: Inspection
    problems: tuple[Problem, ...]
    measures: tuple[Measure, ...]
    narrative: tuple[Paragraph, ...]
    documents: tuple[Document, ...]
    as_of: date | None = None  # the day the 督办清单 counts from (build --as-of); None: the 成文日期

    @property
    def due_date(self) -> date:
        """The day overdue and due-soon measures are counted from: --as-of, else the 成文日期."""
        return self.as_of or self.inspection.issued

    @property
    def aspects(self) -> tuple[str, ...]:
        """Aspects in first-appearance order (a blank 方面, allowed when the scheme has no 方面 level, is none)."""
        return tuple(dict.fromkeys(p.aspect for p in self.problems if p.aspect))

    @property
    def public_problems(self) -> tuple[Problem, ...]:
        """Problems printed in the published notice."""
        return tuple(p for p in self.problems if p.public)

    def measures_of(self, problem_id: str) -> tuple[Measure, ...]:
        """Measures belonging to one problem, in sheet order."""
        return self._measures_by_problem.get(problem_id, ())

    @cached_property
    def _measures_by_problem(self) -> dict[str, tuple[Measure, ...]]:
        """Measures indexed by problem id, built once (a scan per problem is quadratic on big ledgers)."""
        index: dict[str, list[Measure]] = {}
        for m in self.measures:
            index.setdefault(m.problem_id, []).append(m)
        return {k: tuple(v) for k, v in index.items()}

    @property
    def status_counts(self) -> Mapping[str, int]:
        """Number of problems per 整改状态 (every status present, zero included)."""
        counts = Counter(p.status for p in self.problems)
        return {s: counts.get(s, 0) for s in schema.STATUSES}

    @property
    def measure_status_counts(self) -> Mapping[str, int]:
        """Number of measures per 状态 (every status present, zero included)."""
        counts = Counter(m.status for m in self.measures)
        return {s: counts.get(s, 0) for s in schema.STATUSES}

    @cached_property
    def counts(self) -> "Counts":
        """Counted and declared totals (computed once: every placeholder reads them)."""
        return Counts.of(self)


@dataclass(frozen=True)
class Counts:
    """The figures printed in the notice: declared totals where given, else counted rows."""

    aspects_counted: int
    problems_counted: int
    measures_counted: int
    documents_counted: int
    problems_declared: int | None
    measures_declared: int | None
    documents_declared: int | None
    by_status: Mapping[str, int] = field(default_factory=dict)
    by_status_declared: Mapping[str, int] | None = None
    aspects_declared: int | None = None
    measures_by_status: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, ledger: Ledger) -> "Counts":
        """Count a ledger."""
        info = ledger.inspection
        return cls(
            aspects_counted=len(ledger.aspects),
            aspects_declared=info.declared_aspects,
            problems_counted=len(ledger.problems),
            measures_counted=len(ledger.measures),
            documents_counted=len(ledger.documents),
            problems_declared=info.declared_problems,
            measures_declared=info.declared_measures,
            documents_declared=info.declared_documents,
            by_status=dict(ledger.status_counts),
            by_status_declared=info.declared_by_status,
            measures_by_status=dict(ledger.measure_status_counts),
        )

    @property
    def status(self) -> Mapping[str, int]:
        """Problems per status as printed: the declared counts when given, else the ledger's rows."""
        return self.by_status_declared if self.by_status_declared is not None else self.by_status

    @property
    def aspects(self) -> int:
        """Aspects as printed: the declared number when given."""
        return self.aspects_declared if self.aspects_declared is not None else self.aspects_counted

    @property
    def problems(self) -> int:
        """Problems as printed: the declared total when given."""
        return self.problems_declared if self.problems_declared is not None else self.problems_counted

    @property
    def measures(self) -> int:
        """Measures as printed: the declared total when given."""
        return self.measures_declared if self.measures_declared is not None else self.measures_counted

    @property
    def documents(self) -> int:
        """Documents as printed: the declared total when given."""
        return self.documents_declared if self.documents_declared is not None else self.documents_counted

    def as_dict(self) -> dict[str, object]:
        """Plain dict for JSON output and the manifest."""
        return {
            "方面数": self.aspects,
            "问题数": self.problems,
            "措施数": self.measures,
            "制度文件数": self.documents,
            "问题表行数": self.problems_counted,
            "措施表行数": self.measures_counted,
            "制度文件表行数": self.documents_counted,
            "按整改状态": dict(self.by_status),
            **({"按整改状态（填写）": dict(self.by_status_declared)} if self.by_status_declared else {}),
            "措施按状态": dict(self.measures_by_status),
        }
