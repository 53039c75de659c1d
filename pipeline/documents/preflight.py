"""What the documents limit in the ledger (document property lengths), as findings before a build."""

from __future__ import annotations

from pipeline.findings import ERROR, Finding
from pipeline.ledger.assemble import field_finding
from pipeline.ledger.model import Ledger
from pipeline.notice.titles import compose_title

DOC_PROPERTY_MAX = 255  # characters of a core document property (python-docx refuses more)


def property_overflows(ledger: Ledger) -> list[tuple[str, str, int]]:
    """(field key, what it becomes, length) for ledger values too long for a document property."""
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


def findings(ledger: Ledger) -> list[Finding]:
    """Values longer than the documents can hold (Word's document properties take 255 characters)."""
    return [
        field_finding(
            ledger,
            ERROR,
            "too-long",
            key,
            f"〔{{header}}〕太长：{what}有 {length} 个字，超过 Word 文档属性的上限 {DOC_PROPERTY_MAX} 个字。"
            "请缩短（通报标题一般不超过 50 个字）。",
        )
        for key, what, length in property_overflows(ledger)
    ]
