"""Finding: what every stage reports about the ledger or a template, located as Excel shows it."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

# A value quoted in a message (“…”) longer than this is cut: one 32,767-character cell echoed by 60,000
# findings held 4 GB. The head shown is enough to find the cell; the cell itself is named.
QUOTE_MAX = 80
QUOTE_HEAD = 40
# A message longer than this after the cut (many long values, or a value holding quotation marks) keeps
# its beginning and its end (the advice).
MESSAGE_MAX = 1200


def cut_quotes(message: str) -> str:
    """`message` with every quoted value longer than QUOTE_MAX cut to its head and its length, and the
    whole bounded by MESSAGE_MAX characters."""
    if len(message) <= QUOTE_MAX:
        return message
    parts: list[str] = []
    pos = 0
    while (start := message.find("“", pos)) >= 0:
        end = message.find("”", start + 1)
        if end < 0:
            break
        inner = end - start - 1
        if inner > QUOTE_MAX and message.find("“", start + 1, end) < 0:
            parts.append(message[pos : start + 1 + QUOTE_HEAD])
            parts.append(f"……”（共 {inner} 个字符）")
        else:
            parts.append(message[pos : end + 1])
        pos = end + 1
    parts.append(message[pos:])
    message = "".join(parts)
    if len(message) > MESSAGE_MAX:
        tail = MESSAGE_MAX // 4
        message = (
            f"{message[: MESSAGE_MAX - tail]}……（中间省略 {len(message) - MESSAGE_MAX} 个字符）……{message[-tail:]}"
        )
    return message


@dataclass(frozen=True)
class Finding:
    """One problem with the user's input, located as Excel shows it."""

    level: str
    code: str
    sheet: str
    cell: str
    message: str
    header: str = ""

    def __post_init__(self) -> None:
        if len(self.message) > QUOTE_MAX:
            object.__setattr__(self, "message", cut_quotes(self.message))

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
