"""Writing every default template, and the digests of the built-in ones."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.documents.builder.checklist import _build_checklist
from pipeline.documents.builder.closeout import build_closeout
from pipeline.documents.builder.notice import _build_notice
from pipeline.documents.builder.official import OFFICIAL_TEMPLATES, build_official
from pipeline.documents.builder.summary import build_summary
from pipeline.documents.builtin import DIGESTS_FILE

# The checklists' columns and page layout live in checklist_layout (the context cuts pages with them);
# Column is re-exported for readers of this module.
from pipeline.documents.layout import CHECKLISTS
from pipeline.documents.registry import TEMPLATE_NAMES

# --------------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------------


def build_templates(directory: Path) -> list[Path]:
    """Write every registered template into `directory` (created if needed), in registry order; the same
    bytes on every run."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = [_build_notice(directory / TEMPLATE_NAMES[0])]
    for checklist in CHECKLISTS:
        paths.append(_build_checklist(checklist, directory / checklist.file_name))
    for name in OFFICIAL_TEMPLATES:
        paths.append(build_official(directory / name))
    paths.append(build_closeout(directory / "销号表.docx"))
    paths.append(build_summary(directory / "整改台账汇总表.docx"))
    order = {name: i for i, name in enumerate(TEMPLATE_NAMES)}
    assert sorted(p.name for p in paths) == sorted(TEMPLATE_NAMES)  # one template per registered name
    return sorted(paths, key=lambda p: order[p.name])


def default_directory() -> Path:
    """The repository's `templates/` folder."""
    return Path(__file__).resolve().parents[3] / "templates"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else default_directory()
    paths = build_templates(directory)
    for path in paths:
        print(path)
    if directory.resolve() == default_directory().resolve():
        print(write_builtin_digests(paths))
    return 0


def write_builtin_digests(paths: list[Path]) -> Path:
    """Record the built-in templates' digests in pipeline/documents/builtin.json (see builtin.py)."""
    import hashlib
    import json

    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    DIGESTS_FILE.write_text(json.dumps(digests, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return DIGESTS_FILE
