"""Ledger → the context each template renders with. Numbering, dates and figures are made here.

Every string that reaches a template has passed through `clean`: line breaks unified, control
characters dropped, ASCII punctuation beside Chinese made full-width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, partial
from operator import itemgetter
from typing import Any, Callable, Iterable, Mapping

from pipeline import checklist_layout as layout
from pipeline import schema
from pipeline.model import Ledger, Measure
from pipeline.overdue import DUE_SOON_DAYS, due_measures
from pipeline.overdue import counts as due_counts
from pipeline.outline import NumberingScheme, build_outline, clean, grouped, sentence, settings_of
from pipeline.outline import label as outline_label
from pipeline.text import format_date
from pipeline.limits import TITLE_BREAK_MAX

# The 督办清单 (measures to press on); the registry of all documents is DOCUMENTS, at the end.
OVERDUE = "督办清单.docx"
# A 2号 (22 pt) title line holds 20 characters in the 156 mm text block.
TITLE_LINE_CHARS = 20
# Words a title line break must never split, besides the ledger's own names.
_TITLE_WORDS = ("关于", "反馈意见", "集中", "整改", "进展情况", "落实", "情况", "巡察", "巡视", "工作", "通报",
                "问题", "清单", "意见", "专项")


_sentence = sentence

# The template variable contract: every variable a template may use, with its meaning. The contexts
# below produce exactly these keys (a test holds them to it), `rectify templates check` names them,
# and README documents them from here. Variables are only ever added: an office's edited template keeps
# working across releases.
NOTICE_VARIABLES: dict[str, str] = {
    "title": "标题（长标题已按词断行，行间为换行符）",
    "doc_number": "发文字号（印在版头中）",
    "red_header": "是否印版头（基本信息〔版头〕为“是”时为真）",
    "issuer_mark": "版头中的红色发文机关标志（不印版头时为空）",
    "issuer": "发文机关",
    "kind": "“巡察”或“巡视”",
    "blocks": "正文各段，从导语到结束语，每段一项（字段见 BLOCK_FIELDS）",
    "intro": "导语（旧模板用）",
    "headings": "三个部分的标题 basic/progress/plans，含序号；不印标题或不印的部分为空（旧模板用）",
    "basic": "“基本情况”各段 [{label 段首标题, text 内容}]（旧模板用）",
    "aspects": "整改落实进展 [{heading, problems [{heading, items [{heading, paragraphs, status}]}]}]（旧模板用）",
    "plans": "“今后打算”各段 [{label, text}]（旧模板用）",
    "closing": "结束语和联系方式（旧模板用）",
    "signature": "落款（发文机关）",
    "date": "成文日期，如 2024年12月20日",
    "cc": "版记中的抄送（以。结尾），没有时为空",
    "printer": "版记中的印发机关",
    "printed": "版记中的印发日期，如 2024年12月20日印发",
}
BLOCK_FIELDS: dict[str, str] = {
    "section": "所在部分：intro 导语、basic 基本情况、progress 整改落实进展、plans 今后打算、closing 结束语",
    "kind": "heading 单独成行的标题，paragraph 正文段落",
    "level": "层级：0 导语，1 部分标题，2 以下逐级加深",
    "label": "标题的序号，如 一、 （一） 1. （1） 一是",
    "text": "标题文字（不含序号）或段落内容",
    "style": "标题的段落样式：h1 黑体、h2 楷体、h3 仿宋加粗、h4 仿宋、line 正文行",
    "lead_label": "段首标题的序号",
    "lead": "段首标题文字（以。结尾）",
    "lead_style": "段首标题的字体：kai 楷体、bold 仿宋加粗、hei 黑体、plain 仿宋",
    "status": "所属具体问题的整改状态（整改落实进展部分）",
    "role": "段落的作用：intro、section、narrative、narrative-heading、aspect、problem、item、progress、status、closing",
    "full_text": "整段文字（序号、段首标题和内容连在一起）",
}
CHECKLIST_VARIABLES: dict[str, str] = {
    "title": "清单标题",
    "attachment": "附件标注，如“附件1”（基本信息〔清单作为附件〕为“是”时），否则为空",
    "note": "表格前的一句说明（督办清单：截至成文日期逾期和即将到期的项数，没有时说明没有），其他清单为空",
    "pages": "按页切分的表格行 [{rows}]，每页一个表格，跨页的分组在新页重印标签",
    "issuer": "发文机关",
    "date": "成文日期",
    "rows": "全部表格行（字段见 checklist_rows；供只有一个表格的模板使用）",
}


def compose_title(ledger: Ledger) -> str:
    """The notice title: the ledger's override, or the usual composed form."""
    info = ledger.inspection
    if info.title:
        return clean(info.title)
    return clean(f"{info.issuer}关于{info.group}反馈意见集中整改进展情况的通报")


def break_title(title: str, protected: Iterable[str] = (), width: int = TITLE_LINE_CHARS) -> str:
    """Insert "\\n" where a long title breaks: whole words only, as few lines as possible, lines as
    even as possible, an upper line not longer than the one below where that can be had (a trapezoid)."""
    title = title.replace("\n", "")
    n = len(title)
    if n <= width:
        return title
    if n > TITLE_BREAK_MAX:  # the balanced search below is quadratic; the checks refuse such titles anyway
        return "\n".join(title[i:i + width] for i in range(0, n, width))
    blocked: set[int] = set()  # break positions inside a word
    for word in {w for w in (*protected, *_TITLE_WORDS) if w}:
        for m in re.finditer(re.escape(word), title):
            blocked.update(range(m.start() + 1, m.end()))
    for allowed in ([i for i in range(1, n) if i not in blocked], list(range(1, n))):
        cuts = _best_cuts(n, allowed, width)
        if cuts is not None:
            bounds = (0, *cuts, n)
            return "\n".join(title[a:b] for a, b in zip(bounds, bounds[1:]))
    return title  # unreachable: fixed-width cuts always exist


def _best_cuts(n: int, allowed: list[int], width: int) -> tuple[int, ...] | None:
    """Cut positions for the fewest lines of at most `width` that `allowed` permits, or None."""
    from functools import lru_cache

    positions = sorted(set(allowed))
    for lines in range(-(-n // width), min(n, -(-n // width) + 3) + 1):
        ideal = n / lines

        @lru_cache(maxsize=None)
        def best(start: int, left: int, prev: int) -> tuple[float, tuple[int, ...]] | None:
            # Cost of laying out title[start:] in `left` lines after a line of length `prev`.
            if left == 1:
                rest = n - start
                if rest > width:
                    return None
                return ((rest - ideal) ** 2 + (0.5 if prev > rest else 0.0), ())
            found: tuple[float, tuple[int, ...]] | None = None
            for cut in positions:
                if cut <= start:
                    continue
                if cut > start + width:
                    break
                length = cut - start
                tail = best(cut, left - 1, length)
                if tail is None:
                    continue
                cost = (length - ideal) ** 2 + (0.5 if prev > length else 0.0) + tail[0]
                if found is None or cost < found[0]:
                    found = (cost, (cut, *tail[1]))
            return found

        result = best(0, lines, 0)
        if result is not None:
            return result[1]
    return None


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
                items.append({"heading": item, "paragraphs": [clean(t) for t in p.progress if clean(t)],
                              "status": p.status})
            problems.append({"heading": outline_label(scheme.problem.marker, problem_no) + clean(heading),
                             "items": items})
        aspects.append({"heading": outline_label(scheme.aspect.marker, a_no) + clean(aspect),
                        "problems": problems})
    return aspects


def notice_context(ledger: Ledger) -> dict[str, Any]:
    """The context of 通报.docx: `blocks` (the body as data, see pipeline.outline) plus the facts around
    it; the older keys (intro, headings, basic, aspects, plans, closing) stay for offices' own templates."""
    info = ledger.inspection
    settings = settings_of(ledger)
    blocks = build_outline(ledger, settings, contacts=contacts)

    def run_ins(section: str) -> list[dict[str, str]]:
        return [{"label": b.lead_label + b.lead, "text": b.text}
                for b in blocks if b.section == section and b.kind == "paragraph"]

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
        "signature": clean(info.issuer),
        "date": format_date(info.issued),
        "cc": _sentence(info.cc) if info.cc else "",
        "printer": clean(info.printer),
        "printed": format_date(info.printed) + "印发" if info.printed else "",
        **header_context(ledger),
    }


def _deadline(m: Measure) -> str:
    return format_date(m.deadline) if m.deadline else schema.STATUS_LONG_TERM


# Where a fixed-form value that is too wide for its column breaks: between words, never inside one.
_NAME_SEPARATORS = re.compile(r"(?<=[、，,／/；;\s])|(?=[（(])")
_STATUS_LINES = {schema.STATUS_STAGED: "取得\n阶段性成效"}


@lru_cache(maxsize=1 << 14)
def wrap_name(text: str, per_line: int) -> str:
    """A short name (leader, department, status) with line breaks between its words when it does not
    fit on one line of `per_line` characters: after 、，/ and before （, so that "党组成员、纪检组长"
    never becomes "党组成员、纪检组" / "长". A word longer than a line is cut before the word that ends
    it (工作部, 组长 …) or into even pieces."""
    text = clean(text)
    if len(text) <= per_line or per_line < 2:
        return text
    if text in _STATUS_LINES:
        return _STATUS_LINES[text]
    words = [w for w in _NAME_SEPARATORS.split(text) if w]
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + len(word) <= per_line:
            lines[-1] += word
            continue
        lines.extend(_cut_word(word, per_line))
    return "\n".join(line.strip() for line in lines)


# Words that end organ and post names: a name too long for a line is cut before one of them
# ("劳动和经济" / "工作部", "纪检" / "组长"), else into even pieces.
_NAME_ENDINGS = ("工作部", "办公室", "委员会", "中心", "组长", "主任", "主席", "书记", "部长", "局长",
                 "处长", "科长", "部", "室", "办", "处", "科", "局", "委", "会", "组", "队", "站", "所", "院")


def _cut_word(word: str, per_line: int) -> list[str]:
    if len(word) <= per_line:
        return [word]
    for ending in _NAME_ENDINGS:
        cut = word.rfind(ending)
        if 0 < cut and len(word) - cut <= per_line and cut >= 2:
            return [*_cut_word(word[:cut], per_line), word[cut:]]
    pieces = -(-len(word) // per_line)
    size, longer = divmod(len(word), pieces)  # even pieces: the first `longer` one character longer
    bounds = [0]
    for i in range(pieces):
        bounds.append(bounds[-1] + size + (1 if i < longer else 0))
    return [word[a:b] for a, b in zip(bounds, bounds[1:])]


# The group levels rows can be merged over: level → the row keys whose values make one group.
GROUP_KEYS = {
    "aspect": ("aspect",),
    "heading": ("aspect", "heading"),
    "item": ("aspect", "heading", "problem_id"),
    "leader": ("leader",),
    "department": ("leader", "department"),
    "unit": ("department",),
}


def checklist_rows(ledger: Ledger, template_name: str) -> list[dict[str, Any]]:
    """Rows of a checklist in print order: one per problem (问题清单) or one per measure (任务清单, by
    problem; 责任清单, by 责任领导 then 责任部室（单位）, each in the order it first appears). Every row
    carries a `<level>_first` flag for each of GROUP_KEYS (the row starts a group of that level)."""
    checklist = layout.CHECKLISTS_BY_NAME[template_name]
    width = {c.field: layout.chars_per_line(c) for c in checklist.columns}
    if template_name == OVERDUE:
        return _due_rows(ledger, width)
    rows: list[dict[str, Any]] = []
    for aspect, headings in grouped(ledger.problems).items():
        for heading, problems in headings.items():
            for p in problems:
                measures: list[Measure | None] = list(ledger.measures_of(p.id)) if checklist.per_measure else [None]
                for m in measures:
                    rows.append({
                        "aspect": clean(aspect),
                        "heading": clean(heading),
                        "item": clean(p.item),
                        "item_text": clean(p.item) or clean(heading),
                        "problem_id": p.id,
                        "status": wrap_name(p.status, width.get("status", 99)),
                        "public": schema.YES if p.public else schema.NO,
                        "action": clean(m.action) if m else "",
                        "target": clean(m.target) if m else "",
                        "leader": wrap_name(m.leader, width.get("leader", 99)) if m else "",
                        "department": wrap_name(m.department, width.get("department", 99)) if m else "",
                        "partner": wrap_name(m.partner, width.get("partner", 99)) if m else "",
                        "deadline": _deadline(m) if m else "",
                        "result": clean(m.result) if m else "",
                        "measure_status": wrap_name(m.status, width.get("measure_status", 99)) if m else "",
                    })
    if template_name == "责任清单.docx":
        # each leader and department in the order it first appears (indexed: a list's .index per row
        # is quadratic when names are many)
        leaders = {name: i for i, name in enumerate(dict.fromkeys(r["leader"] for r in rows))}
        departments = {name: i for i, name in enumerate(dict.fromkeys(r["department"] for r in rows))}
        rows.sort(key=lambda r: (leaders[r["leader"]], departments[r["department"]]))
    for no, row in enumerate(rows, start=1):
        row["no"] = no
    _mark_groups(rows)
    return rows


def _due_rows(ledger: Ledger, width: dict[str, int]) -> list[dict[str, Any]]:
    """Rows of the 督办清单: measures overdue or due soon as of the 成文日期, by 责任部室（单位）."""
    rows = []
    for no, d in enumerate(due_measures(ledger, ledger.inspection.issued), start=1):
        m, p = d.measure, d.problem
        rows.append({
            "no": no,
            "department": wrap_name(m.department, width.get("department", 99)),
            "leader": wrap_name(m.leader, width.get("leader", 99)),
            "action": clean(m.action),
            "item_text": (clean(p.item) or clean(p.heading)) if p else "",
            "problem_id": m.problem_id,
            "deadline": _deadline(m),
            "measure_status": m.status,
            "state": d.state,
            "days": d.days,
        })
    _mark_groups(rows)
    return rows


def due_note(ledger: Ledger) -> str:
    """The 督办清单's sentence above its table: how many measures are overdue and due soon, or none."""
    items = due_measures(ledger, ledger.inspection.issued)
    late, soon = due_counts(items)
    when = format_date(ledger.inspection.issued)
    if not items:
        return f"截至{when}，没有逾期未完成或{DUE_SOON_DAYS}天内到期的整改措施。"
    return f"截至{when}，逾期未完成的整改措施{late}项，{DUE_SOON_DAYS}天内到期的{soon}项，按责任部室（单位）列出如下。"


def _mark_groups(rows: list[dict[str, Any]]) -> None:
    """Set the `<level>_first` flags: the first row, and every row whose group key differs from the
    row before it (levels whose keys the rows do not have are left out; a checklist's rows all have
    the same keys)."""
    if not rows:
        return
    levels = [(f"{level}_first", itemgetter(*keys)) for level, keys in GROUP_KEYS.items()
              if all(k in rows[0] for k in keys)]
    before: dict[str, Any] | None = None
    for row in rows:
        for flag, key in levels:
            row[flag] = before is None or key(row) != key(before)
        before = row


# Checklist file → its name in titles, and its number as an attachment of the notice.
CHECKLISTS = {
    "问题清单.docx": ("问题清单", 1),
    "任务清单.docx": ("任务清单", 2),
    "责任清单.docx": ("责任清单", 3),
    OVERDUE: ("督办清单", 0),  # for the leader, never an attachment of the notice
}


def checklist_title(ledger: Ledger, template_name: str) -> str:
    """The checklist's title (also its document title)."""
    return clean(f"{ledger.inspection.group}反馈意见整改{CHECKLISTS[template_name][0]}")


def checklist_context(ledger: Ledger, template_name: str) -> dict[str, Any]:
    """The context of one checklist template: its rows, and the same rows cut into pages (one table a
    page; every group that continues on a new page starts again there, with its label)."""
    info = ledger.inspection
    kind, number = CHECKLISTS[template_name]
    attachment = f"附件{number}" if number and info.attachments == schema.YES else ""
    issuer, date = clean(info.issuer), format_date(info.issued)
    rows = checklist_rows(ledger, template_name)
    checklist = layout.CHECKLISTS_BY_NAME[template_name]
    note = due_note(ledger) if template_name == OVERDUE else ""
    extra = layout.first_page_extra(bool(issuer or date), bool(attachment), bool(note))
    # No table at all for a 督办清单 with nothing to press on (its note says so).
    pages = [[dict(r) for r in page] for page in layout.paginate(checklist, rows, extra)] if rows or not note else []
    for page in pages:
        _mark_groups(page)  # every group starts again at the top of a page
    return {
        "title": checklist_title(ledger, template_name),
        "note": note,
        "attachment": attachment,
        "issuer": issuer,
        "date": date,
        "rows": rows,  # all rows, groups flagged over the whole list (templates with one table)
        "pages": [{"rows": page} for page in pages],
    }


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


@dataclass(frozen=True)
class DocumentSpec:
    """One document a build writes: its template, output file name, context builder, title (its document
    property) and variable contract. An optional document may be missing from an office's template folder
    (made before it existed): the built-in default template is used for it."""

    template: str
    output: str
    context: Callable[[Ledger], dict[str, Any]]
    title: Callable[[Ledger], str]
    variables: Mapping[str, str]
    optional: bool = False


# The registry of documents, in output order: a new document is one entry here (and its template in
# template_builder / checklist_layout).
DOCUMENTS: tuple[DocumentSpec, ...] = (
    DocumentSpec("通报.docx", "01_通报.docx", notice_context, compose_title, NOTICE_VARIABLES),
    *(DocumentSpec(name, f"{i:02d}_{name}", partial(checklist_context, template_name=name),
                   partial(checklist_title, template_name=name), CHECKLIST_VARIABLES)
      for i, name in enumerate(("问题清单.docx", "任务清单.docx", "责任清单.docx"), start=2)),
    DocumentSpec(OVERDUE, "05_督办清单.docx", partial(checklist_context, template_name=OVERDUE),
                 partial(checklist_title, template_name=OVERDUE), CHECKLIST_VARIABLES, optional=True),
)
DOCUMENTS_BY_TEMPLATE: dict[str, DocumentSpec] = {d.template: d for d in DOCUMENTS}
TEMPLATE_NAMES = tuple(d.template for d in DOCUMENTS)


def document_context(ledger: Ledger, template_name: str) -> dict[str, Any]:
    """The context for any registered template, by file name."""
    return DOCUMENTS_BY_TEMPLATE[template_name].context(ledger)
