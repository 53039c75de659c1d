"""The notice's template context: outline blocks, header, contacts and the legacy keys offices' templates use."""

from __future__ import annotations

from typing import Any

from pipeline.documents import layout
from pipeline.documents.checklists import _sentence, checklist_title
from pipeline.ledger import schema
from pipeline.ledger.model import Ledger
from pipeline.ledger.numbering import NumberingScheme
from pipeline.ledger.numbering import label as outline_label
from pipeline.notice.outline import build_outline, clean, grouped, sentence, settings_of
from pipeline.notice.titles import break_title, compose_title
from pipeline.text.dates import format_date


def contacts(ledger: Ledger) -> str:
    """The contact sentence appended to the closing paragraph."""
    info = ledger.inspection
    phone, email = clean(info.phone), info.email.strip()
    if phone and email:
        return f"联系方式：电话{phone}；电子邮箱{email}。"
    if phone:
        return f"联系电话：{phone}。"
    if email:
        return f"电子邮箱：{email}。"
    return ""


def _legacy_aspects(ledger: Ledger, scheme: NumberingScheme) -> list[dict[str, Any]]:
    """The nested `aspects` key of templates written before blocks existed (numbered by the scheme)."""
    aspects = []
    problem_no = 0
    for a_no, (aspect, headings) in enumerate(grouped(ledger.public_problems).items(), start=1):
        problems = []
        if scheme.aspect.shown:
            problem_no = 0
        for heading, rows in headings.items():
            problem_no += 1
            items = []
            i_no = 0
            for p in rows:
                item = ""
                if p.item:
                    i_no += 1
                    item = outline_label(scheme.item.marker, i_no) + sentence(p.item)
                items.append(
                    {"heading": item, "paragraphs": [clean(t) for t in p.progress if clean(t)], "status": p.status}
                )
            problems.append(
                {"heading": outline_label(scheme.problem.marker, problem_no) + clean(heading), "items": items}
            )
        aspects.append({"heading": outline_label(scheme.aspect.marker, a_no) + clean(aspect), "problems": problems})
    return aspects


def notice_context(ledger: Ledger) -> dict[str, Any]:
    """The context of 通报.docx: `blocks` (the body as data, see pipeline.notice.outline) plus the facts around
    it; the older keys (intro, headings, basic, aspects, plans, closing) stay for offices' own templates."""
    info = ledger.inspection
    settings = settings_of(ledger)
    blocks = build_outline(ledger, settings, contacts=contacts)

    def run_ins(section: str) -> list[dict[str, str]]:
        return [
            {"label": b.lead_label + b.lead, "text": b.text}
            for b in blocks
            if b.section == section and b.kind == "paragraph"
        ]

    headings = {key: "" for key in ("basic", "progress", "plans")}
    for b in blocks:
        if b.role == "section" and b.section in headings:
            headings[b.section] = b.full_text
    closing = "".join(b.text for b in blocks if b.section == "closing" and b.kind == "paragraph")
    title = compose_title(ledger)
    protected = (info.issuer, info.group, info.unit, info.deployer)
    return {
        "title": break_title(title, protected),
        "doc_number": clean(info.doc_number),
        "issuer": clean(info.issuer),
        "kind": info.kind,
        "blocks": [b.as_dict() for b in blocks],
        "intro": next((b.text for b in blocks if b.section == "intro"), ""),
        "headings": headings,
        "basic": run_ins("basic"),
        "aspects": _legacy_aspects(ledger, settings.scheme),
        "plans": run_ins("plans"),
        "closing": closing,
        "attachment_notes": attachment_notes(ledger),
        "sealed": info.sealed != schema.NO,
        "signature": clean(info.issuer),
        "date": format_date(info.issued),
        "cc": _sentence(info.cc) if info.cc else "",
        "printer": clean(info.printer),
        "printed": format_date(info.printed) + "印发" if info.printed else "",
        **header_context(ledger),
    }


def attachment_notes(ledger: Ledger) -> list[str]:
    """The 附件说明 (GB/T 9704 7.3.4) when the checklists go out as the notice's 附件 (基本信息〔清单作为
    附件〕是): "附件：1.…" then "2.…", one line each, no punctuation after a name; empty otherwise."""
    if ledger.inspection.attachments != schema.YES:
        return []
    numbered = sorted((c.attachment, c.file_name) for c in layout.CHECKLISTS if c.attachment)
    if len(numbered) == 1:
        return ["附件：" + checklist_title(ledger, numbered[0][1])]
    notes = [f"{n}.{checklist_title(ledger, name)}" for n, name in numbered]
    return ["附件：" + notes[0], *notes[1:]]


def header_context(ledger: Ledger) -> dict[str, Any]:
    """The notice's 版头 (GB/T 9704 7.2), printed when 基本信息 says 版头 是: the red 发文机关标志
    (the ledger's, else 发文机关 + 文件) and the 发文字号 (as typed; the checks warn about its form)."""
    info = ledger.inspection
    on = info.red_header == schema.YES
    return {
        "red_header": on,
        "issuer_mark": (clean(info.issuer_mark) or clean(info.issuer) + "文件") if on else "",
        "doc_number": clean(info.doc_number),
    }
