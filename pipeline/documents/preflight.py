"""What the documents limit in the ledger (document property lengths), as findings before a build."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.ledger.model import Ledger

DOC_PROPERTY_MAX = 255  # characters of a core document property (python-docx refuses more)


def property_overflows(ledger: "Ledger") -> list[tuple[str, str, int]]:
    """(field key, what it becomes, length) for ledger values too long for a document property."""
    from pipeline.notice.titles import compose_title

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
