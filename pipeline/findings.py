"""Finding: what every stage reports about the ledger or a template, located as Excel shows it."""

from __future__ import annotations

from dataclasses import dataclass

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
        return {
            "level": self.level,
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "header": self.header,
            "message": self.message,
        }


class Collector:
    """Gathers findings while values are converted."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, level: str, code: str, sheet: str, cell: str, message: str, header: str = "") -> None:
        self.findings.append(Finding(level, code, sheet, cell, message, header))

    def error(self, code: str, sheet: str, cell: str, message: str, header: str = "") -> None:
        self.add(ERROR, code, sheet, cell, message, header)

    def warn(self, code: str, sheet: str, cell: str, message: str, header: str = "") -> None:
        self.add(WARNING, code, sheet, cell, message, header)
