"""Build folder names: from the ledger, Windows-safe, within byte limits, numbered when taken."""

from __future__ import annotations

from pathlib import Path

from pipeline.findings import WARNING, Finding
from pipeline.ledger.assemble import field_finding
from pipeline.ledger.model import Ledger
from pipeline.notice.titles import build_label
from pipeline.text.names import NAME_MAX_BYTES, fit_bytes, safe_filename

FOLDER_MAX = 80


def folder_name_cut(ledger: Ledger) -> tuple[str, str] | None:
    """(field key, the folder name used) when the build folder's name had to be shortened, else None."""
    info = ledger.inspection
    label = build_label(ledger)
    issued = info.issued.isoformat()
    name = folder_name(issued, label)
    if len(name) >= len(f"{issued}_{label}"):
        return None
    return ("doc_number" if info.doc_number else "group", name)


def folder_name(issued: str, label: str) -> str:
    """The build folder's name: date and label, safe on Windows, never a path, within NAME_MAX_BYTES."""
    return _fit(safe_filename(f"{issued}_{label}", FOLDER_MAX))


def _fit(name: str) -> str:
    """`name` within the byte limit of a folder name (astral characters take 4 bytes each in UTF-8)."""
    return safe_filename(fit_bytes(name, NAME_MAX_BYTES), FOLDER_MAX)


def _suffixed(name: str, n: int) -> str:
    """`name-n`, shortened so that it stays within FOLDER_MAX characters."""
    suffix = f"-{n}"
    return fit_bytes(name[: FOLDER_MAX - len(suffix)], NAME_MAX_BYTES - len(suffix)).rstrip(" .") + suffix


def _builds_named(output: Path, name: str) -> list[Path]:
    """The existing folders `name`, `name-2`, `name-3` … in output/, in that order."""
    found: list[tuple[int, Path]] = []
    for p in output.iterdir():
        if p.name == name:
            n = 1
        else:
            head, sep, tail = p.name.rpartition("-")
            if not (sep and head and tail.isdigit() and tail.isascii()):
                continue
            n = int(tail)
            if n < 2 or _suffixed(name, n) != p.name:
                continue
        if p.is_dir():
            found.append((n, p))
    return [p for _, p in sorted(found)]


def _next_free(output: Path, name: str, existing: list[Path]) -> Path:
    """output/name when free, else the suffix after the highest one in use."""
    if not (output / name).exists() and not (output / name).is_symlink():
        return output / name
    n = 2
    for p in existing:
        tail = p.name.rpartition("-")[2]
        if p.name != name and tail.isdigit():
            n = max(n, int(tail) + 1)
    while (output / _suffixed(name, n)).exists() or (output / _suffixed(name, n)).is_symlink():
        n += 1
    return output / _suffixed(name, n)


def preflight(ledger: Ledger) -> list[Finding]:
    """A warning at the field that names the build folder when the name had to be shortened."""
    cut = folder_name_cut(ledger)
    if cut is None:
        return []
    key, name = cut
    return [
        field_finding(
            ledger,
            WARNING,
            "folder-name-cut",
            key,
            f"〔{{header}}〕太长，输出文件夹名只能用前面一部分：“{name}”（文件夹名最多 {NAME_MAX_BYTES} 字节）。"
            "不影响文档内容；如需完整的文件夹名，请缩短。",
        )
    ]
