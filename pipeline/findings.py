"""Finding and CheckResult: what every stage reports about the ledger or a template."""

from __future__ import annotations

from dataclasses import dataclass


from pipeline.ledger.model import Ledger

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem with the user's input, located as Excel shows it."""

    level: str
    code: str
    sheet: str
    cell: str
    message: str
    header: str = ""

    @property
    def location(self) -> str:
        """Sheet!Cell, or the sheet alone when no cell applies."""
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def as_dict(self) -> dict[str, str]:
        """Plain dict for `--json` and the manifest."""
        return {"level": self.level, "code": self.code, "sheet": self.sheet, "cell": self.cell,
                "header": self.header, "message": self.message}


@dataclass(frozen=True)
class CheckResult:
    """The typed ledger (None when errors prevent building it) and every finding."""

    ledger: Ledger | None
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        """Findings that stop a build."""
        return tuple(f for f in self.findings if f.level == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """Findings that are reported but do not stop a build."""
        return tuple(f for f in self.findings if f.level == WARNING)

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not self.errors


class _Collector:
    """Gathers findings while values are converted."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, level: str, code: str, sheet: str, cell: str, message: str, header: str = "") -> None:
        self.findings.append(Finding(level, code, sheet, cell, message, header))

    def error(self, code: str, sheet: str, cell: str, message: str, header: str = "") -> None:
        self.add(ERROR, code, sheet, cell, message, header)

    def warn(self, code: str, sheet: str, cell: str, message: str, header: str = "") -> None:
        self.add(WARNING, code, sheet, cell, message, header)
