"""The document registry: one entry per document (template, output name, title, context, optional)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Mapping

from pipeline.documents.checklists import checklist_context, checklist_title
from pipeline.documents.layout import CHECKLISTS
from pipeline.documents.notice import notice_context
from pipeline.documents.variables import CHECKLIST_VARIABLES, NOTICE_VARIABLES
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


# The registry of documents, in output order: the notice, then every checklist of the layout (which
# describes each one: file, columns, groups, title word, attachment number). A new document is one entry
# here (and its template in documents/builder). Output names sort in reading order and say what they are.
DOCUMENTS: tuple[DocumentSpec, ...] = (
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
DOCUMENTS_BY_TEMPLATE: dict[str, DocumentSpec] = {d.template: d for d in DOCUMENTS}
TEMPLATE_NAMES = tuple(d.template for d in DOCUMENTS)


def document_context(ledger: Ledger, template_name: str) -> dict[str, Any]:
    """The context for any registered template, by file name."""
    return DOCUMENTS_BY_TEMPLATE[template_name].context(ledger)
