"""Lengths the output formats limit, and names made safe for every file system.

Word's document properties (title, author) hold at most 255 characters; most file systems allow 255
bytes per file or folder name (UTF-8 on Linux: a CJK character takes 3 bytes, an astral one 4). A name
taken from the ledger is cut to fit; a property too long is an error at its cell, since cutting the
title would change what is printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.model import Ledger

DOC_PROPERTY_MAX = 255  # characters of a core document property (python-docx refuses more)
NAME_MAX_BYTES = 200  # UTF-8 bytes of a folder or file name we make (255 is the usual limit; room for "-N")
TITLE_BREAK_MAX = 300  # longer titles are broken at fixed width (the balanced layout search is quadratic)


def fit_bytes(name: str, max_bytes: int = NAME_MAX_BYTES) -> str:
    """`name` cut (at a character boundary) so that its UTF-8 form takes at most `max_bytes` bytes."""
    data = display_text(name).encode("utf-8")
    if len(data) <= max_bytes:
        return display_text(name)
    return data[:max_bytes].decode("utf-8", "ignore")


def display_text(text: str) -> str:
    """`text` with undecodable bytes of a file name (surrogate escapes) shown as U+FFFD, so it can be
    written as UTF-8 (manifest, --json) and printed."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace").encode(
            "utf-8", "replace").decode("utf-8")


def property_overflows(ledger: "Ledger") -> list[tuple[str, str, int]]:
    """(field key, what it becomes, length) for ledger values too long for a document property."""
    from pipeline.context import compose_title

    info = ledger.inspection
    found: list[tuple[str, str, int]] = []
    title = compose_title(ledger)
    if len(title) > DOC_PROPERTY_MAX:
        if info.title:
            key = "title"
        else:
            key = "issuer" if len(info.issuer) >= len(info.group) else "group"
        found.append((key, "通报标题", len(title)))
    if len(info.issuer) > DOC_PROPERTY_MAX and not any(k == "issuer" for k, _, _ in found):
        found.append(("issuer", "文档作者（发文机关）", len(info.issuer)))
    return found


def folder_name_cut(ledger: "Ledger") -> tuple[str, str] | None:
    """(field key, the folder name used) when the build folder's name had to be shortened, else None."""
    from pipeline.api import build_label
    from pipeline.archive import folder_name

    info = ledger.inspection
    label = build_label(ledger)
    issued = info.issued.isoformat()
    name = folder_name(issued, label)
    if len(name) >= len(f"{issued}_{label}"):
        return None
    return ("doc_number" if info.doc_number else "group", name)
