"""The document registry: one entry per document (template, output name, title, context, optional)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Mapping

from pipeline.documents import cycle
from pipeline.documents.checklists import checklist_context, checklist_title
from pipeline.documents.layout import CHECKLISTS, CHECKLISTS_BY_NAME
from pipeline.documents.notice import notice_context
from pipeline.documents.variables import (
    CHECKLIST_VARIABLES,
    CLOSEOUT_VARIABLES,
    NOTICE_VARIABLES,
    OFFICIAL_VARIABLES,
    PARTY_NOTICE_VARIABLES,
    SUMMARY_VARIABLES,
)
from pipeline.ledger import schema
from pipeline.ledger.model import Ledger
from pipeline.notice.titles import compose_title


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
    group: str = "通报"  # the document set it belongs to (DOCUMENT_SETS); a build writes the sets chosen
    sections: tuple[str, ...] = ()  # the 正文 部分 it prints that only it uses (skeleton text refused)
    per_problem: bool = False  # its context takes problem_ids: the problems to print (all when empty)

    def context_for(self, ledger: Ledger, problem_ids: tuple[str, ...] = ()) -> dict[str, Any]:
        """The context, for the chosen problems when the document prints per problem."""
        if self.per_problem and problem_ids:
            return self.context(ledger, problem_ids)  # type: ignore[call-arg]
        return self.context(ledger)


# The registry of documents, in output order: the notice, then every checklist of the layout (which
# describes each one: file, columns, groups, title word, attachment number), then the rest of the
# rectification cycle. A new document is one entry here (and its template in documents/builder).
# Output names sort in reading order and say what they are; a document keeps its number whatever set a
# build writes. The templates of the cycle's documents are optional: an office's template folder made
# before they existed builds them with the built-in defaults.
_NOTICE_SET: tuple[DocumentSpec, ...] = (
    DocumentSpec("通报.docx", "01_通报.docx", notice_context, compose_title, NOTICE_VARIABLES),
    *(
        DocumentSpec(
            c.file_name,
            f"{i:02d}_{c.file_name}",
            partial(checklist_context, template_name=c.file_name),
            partial(checklist_title, template_name=c.file_name),
            CHECKLIST_VARIABLES,
            optional=c.optional,
        )
        for i, c in enumerate(CHECKLISTS, start=2)
    ),
)
_n = len(_NOTICE_SET)
_CYCLE: tuple[DocumentSpec, ...] = (
    DocumentSpec(
        "党内通报.docx",
        f"{_n + 1:02d}_党内通报.docx",
        cycle.party_notice_context,
        cycle.party_notice_title,
        PARTY_NOTICE_VARIABLES,
        optional=True,
        group="党内通报",
    ),
    DocumentSpec(
        "整改方案.docx",
        f"{_n + 2:02d}_整改方案.docx",
        cycle.plan_context,
        cycle.plan_title,
        OFFICIAL_VARIABLES,
        optional=True,
        group="整改方案",
        sections=(schema.SECTION_PLAN_AIMS, schema.SECTION_PLAN_LEADERSHIP, schema.SECTION_PLAN_REQUIREMENTS),
    ),
    # the plan's 附件1–3: the checklists, labelled as attachments, from their own templates
    *(
        DocumentSpec(
            name,
            f"{_n + 2 + k:02d}_整改方案附件{CHECKLISTS_BY_NAME[name].attachment}_{name}",
            partial(cycle.plan_attachment_context, template_name=name),
            partial(cycle.attachment_title, template_name=name),
            CHECKLIST_VARIABLES,
            optional=CHECKLISTS_BY_NAME[name].optional,
            group="整改方案",
        )
        for k, name in enumerate(cycle.PLAN_ATTACHMENTS, start=1)
    ),
    DocumentSpec(
        "整改情况报告.docx",
        f"{_n + 3 + len(cycle.PLAN_ATTACHMENTS):02d}_整改情况报告.docx",
        cycle.report_context,
        cycle.report_title,
        OFFICIAL_VARIABLES,
        optional=True,
        group="整改情况报告",
        sections=(schema.SECTION_REPORT_OPEN,),
    ),
    DocumentSpec(
        "主要负责人报告.docx",
        f"{_n + 4 + len(cycle.PLAN_ATTACHMENTS):02d}_主要负责人组织落实整改情况报告.docx",
        cycle.head_report_context,
        cycle.head_report_title,
        OFFICIAL_VARIABLES,
        optional=True,
        group="整改情况报告",
        sections=(schema.SECTION_HEAD_REPORT,),
    ),
    DocumentSpec(
        "销号表.docx",
        f"{_n + 5 + len(cycle.PLAN_ATTACHMENTS):02d}_销号表.docx",
        cycle.closeout_context,
        cycle.closeout_title,
        CLOSEOUT_VARIABLES,
        optional=True,
        group="销号",
        per_problem=True,
    ),
    DocumentSpec(
        "整改台账汇总表.docx",
        f"{_n + 6 + len(cycle.PLAN_ATTACHMENTS):02d}_整改台账汇总表.docx",
        cycle.summary_context,
        cycle.summary_title,
        SUMMARY_VARIABLES,
        optional=True,
        group="汇总",
    ),
)
ALL_DOCUMENTS: tuple[DocumentSpec, ...] = (*_NOTICE_SET, *_CYCLE)

# Document sets, by the Chinese name a clerk chooses them with (`rectify build --docs 整改方案,销号`), in
# output order; each with the one sentence the help shows. The default set is today's notice set.
DEFAULT_SET = "通报"
ALL_SETS_WORD = "全部"
DOCUMENT_SETS: dict[str, str] = {
    "通报": "公开的整改进展通报（不含不公开的问题）和问题、任务、责任、督办四个清单（默认）",
    "党内通报": "党内通报：含全部问题，可印密级和份号",
    "整改方案": "整改方案，附件1—3为问题清单、任务清单、责任清单（反馈后约一个月内报送）",
    "整改情况报告": "整改情况报告和主要负责人组织落实整改情况报告（反馈后两个月内报送）",
    "销号": "销号申请表，每个问题一页，供签字",
    "汇总": "整改台账汇总表：按方面统计各整改状态的问题数和完成率，每条措施标红、黄、绿",
}
# Other words a clerk may write for a set.
SET_ALIASES = {"公开通报": "通报", "方案": "整改方案", "报告": "整改情况报告", "销号表": "销号", "汇总表": "汇总"}
assert {d.group for d in ALL_DOCUMENTS} == set(DOCUMENT_SETS)

# The default build's documents (what a build wrote before sets existed).
DOCUMENTS: tuple[DocumentSpec, ...] = tuple(d for d in ALL_DOCUMENTS if d.group == DEFAULT_SET)


def documents_of(sets: tuple[str, ...]) -> tuple[DocumentSpec, ...]:
    """The documents of the chosen sets (canonical names, see parse_sets), in output order."""
    return tuple(d for d in ALL_DOCUMENTS if d.group in sets)


def parse_sets(text: str | None) -> tuple[str, ...] | list[str]:
    """The sets named in `text` ("整改方案,销号", "全部"; comma, 、, ， or space between names), canonical and in
    registry order; the default set when `text` is empty. A list of the unknown names when there are any
    (the caller reports them)."""
    if not text or not text.strip():
        return (DEFAULT_SET,)
    import re

    names = [n for n in re.split(r"[,，、;；\s]+", text.strip()) if n]
    unknown = [n for n in names if n != ALL_SETS_WORD and n not in DOCUMENT_SETS and n not in SET_ALIASES]
    if unknown:
        return unknown
    if ALL_SETS_WORD in names:
        return tuple(DOCUMENT_SETS)
    chosen = {SET_ALIASES.get(n, n) for n in names}
    return tuple(s for s in DOCUMENT_SETS if s in chosen)


# Each template by file name (the first document using it: the plan's attachments share the checklists').
DOCUMENTS_BY_TEMPLATE: dict[str, DocumentSpec] = {}
for _d in ALL_DOCUMENTS:
    DOCUMENTS_BY_TEMPLATE.setdefault(_d.template, _d)
TEMPLATE_NAMES = tuple(DOCUMENTS_BY_TEMPLATE)


def document_context(ledger: Ledger, template_name: str) -> dict[str, Any]:
    """The context for any registered template, by file name."""
    return DOCUMENTS_BY_TEMPLATE[template_name].context(ledger)
