"""The library calls behind each command and the page. They return result objects and assume no working
folder: the shells (cli, web) say where the ledgers, templates and output are.

One build is a straight line: the ledger's bytes are read once (checked, rendered from and archived as
the same bytes), each template's bytes once, and the stages are called in order — reader, checks (with
the preflight findings of the documents and the archive), contexts and render, archive.

The package defers one group of imports, here and nowhere else: the documents stage's renderer, template
lint and template builder import docxtpl and python-docx (about 0.1 s), which `check`, `init` and `diff`
never need. `_render_stage()` imports them when a command first renders."""

from __future__ import annotations

import errno
import re
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterable

from pipeline import __version__
from pipeline.archive import manifest as archive_manifest
from pipeline.archive import naming, store
from pipeline.archive import pdf as archive_pdf
from pipeline.documents import preflight
from pipeline.documents.checklists import task_numbers as _task_numbers
from pipeline.documents.layout import CHECKLISTS_BY_NAME
from pipeline.documents.registry import (
    ALL_SETS_WORD,
    DEFAULT_SET,
    DOCUMENT_SETS,
    DOCUMENTS,
    DOCUMENTS_BY_TEMPLATE,
    SET_ALIASES,
    TEMPLATE_NAMES,
    DocumentSpec,
    documents_of,
    parse_sets,
)
from pipeline.errors import PipelineError, UsageError
from pipeline.findings import ERROR, Finding
from pipeline.fsutil import NotRegularFile, os_error_reason
from pipeline.invocation import command_name
from pipeline.ledger import exporter, importer, schema, sniff
from pipeline.ledger.assemble import CheckResult, check_workbook
from pipeline.ledger.blank import write_blank_ledger
from pipeline.ledger.exporter import ExportResult
from pipeline.ledger.importer import ImportResult
from pipeline.ledger.importrecord import read_record
from pipeline.ledger.model import Ledger
from pipeline.ledger.reader import read_workbook
from pipeline.ledger.rules import SKELETON_PENDING
from pipeline.notice.diff import LedgerDiff, compare
from pipeline.notice.overdue import DUE_SOON_DAYS, DueMeasure
from pipeline.notice.overdue import due_measures as _due_measures
from pipeline.notice.titles import build_label, compose_title
from pipeline.text.names import safe_filename

# What the shells show of the ledger's structure and the documents: sheet names in reading order, the kinds
# of inspection, the documents a build writes (from the registry).
SHEET_ORDER = tuple(spec.name for spec in schema.SHEETS)
KINDS = schema.KINDS
DOCUMENT_NAMES = tuple(Path(d.template).stem for d in DOCUMENTS)
# Output names sort in reading order and say what they are.
OUTPUT_NAMES = {d.template: d.output for d in DOCUMENTS}


def init_ledger(path: Path, kind: str = "巡察") -> Path:
    """Write a blank ledger workbook (refusing to overwrite), worded for a 巡察 or a 巡视."""
    return write_blank_ledger(Path(path), kind)


def check_file(path: Path) -> CheckResult:
    """Read and check one workbook."""
    path = Path(path)
    return check_bytes(path, sniff.workbook_bytes(path))


def check_bytes(path: Path, data: bytes) -> CheckResult:
    """Check a workbook's bytes (read by `sniff.workbook_bytes`), with the later stages' preflight findings:
    what the documents and the archive cannot hold, located at the ledger's cells."""
    result = check_workbook(read_workbook(Path(path), data))
    if result.ledger is None:
        return result
    return result.with_findings([*preflight.findings(result.ledger), *naming.preflight(result.ledger)])


def _render_stage() -> tuple[ModuleType, ModuleType, ModuleType]:
    """The documents stage's render, lint and builder modules (see the module's docstring)."""
    from pipeline.documents import lint, render
    from pipeline.documents.builder import build

    return render, lint, build


def command_arg(path: Path | str) -> str:
    """`path` as one argument of a command to type (quoted when it holds spaces or shell characters)."""
    text = str(path)
    return f'"{text}"' if re.search(r"[\s\"'&|;<>()$`]", text) or not text else text


def read_error_reason(err: OSError) -> str:
    """Why a file or folder could not be read, in Chinese (the system's own text only in parentheses)."""
    if isinstance(err, PermissionError):
        return "没有读取权限"
    code = getattr(err, "errno", None)
    if code == errno.ENOENT:
        return "文件或文件夹不存在"
    if code == errno.EISDIR:
        return "这是一个文件夹，不是文件"
    if code == errno.ENOTDIR:
        return "路径中的某一级不是文件夹"
    if code == errno.ENAMETOOLONG:
        return "路径太长"
    return os_error_reason(err)


def find_workbooks(paths: Iterable[Path], default_folder: Path, command: str = "build") -> list[Path]:
    """The workbooks named, or every workbook in `default_folder` when none is named (lock files skipped).

    `command` is the rectify command being run ("check", "build"); error messages suggest it.
    """
    paths = [Path(p) for p in paths]
    if paths:
        found: list[Path] = []
        for p in paths:
            if _is_dir(p):
                inside = _workbooks_in(p)
                if not inside:
                    raise UsageError(
                        f"文件夹“{p}”中没有 .xlsx 台账（Excel 的 ~$ 临时文件不算）。"
                        "请指定台账文件，或换一个放有台账的文件夹。"
                    )
                found.extend(inside)
            else:
                found.append(_with_extension(p))
        return found
    if not default_folder.is_dir():
        raise UsageError(
            "没有指定工作簿，当前目录下也没有 input 文件夹。请指定台账文件，"
            f"如：{command_name()} {command} 台账.xlsx；或用 {command_name()} init 台账.xlsx 新建空白台账。"
        )
    found = _workbooks_in(default_folder)
    if not found:
        raise UsageError(f"“{default_folder}”文件夹中没有 .xlsx 台账。请把台账放进去，或直接指定文件。")
    return found


def _with_extension(path: Path) -> Path:
    """The workbook a name without its extension means (Explorer hides .xlsx): 台账 → 台账.xlsx when only
    that exists."""
    try:
        if path.exists() or path.suffix.lower() in (".xlsx", ".xlsm"):
            return path
        for ext in (".xlsx", ".xlsm"):
            candidate = path.with_name(path.name + ext)
            if candidate.is_file():
                return candidate
    except (OSError, ValueError):
        pass
    return path


def _is_dir(path: Path) -> bool:
    """Path.is_dir that answers False (the reader then says why) when the path cannot be examined."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _workbooks_in(folder: Path) -> list[Path]:
    try:
        return sorted(
            p
            for p in folder.iterdir()
            if p.is_file() and p.suffix.lower() in (".xlsx", ".xlsm") and not p.name.startswith("~$")
        )
    except OSError as err:
        raise UsageError(f"无法读取文件夹“{folder}”：{read_error_reason(err)}。请确认文件夹存在且有读取权限。") from err


def template_folder(directory: Path | None = None) -> Path | None:
    """The template folder a command uses: the one given, else None (the built-in defaults).

    A folder given that does not exist (or is not a folder) is one usage error, not five missing templates.
    """
    if directory is None:
        return None
    directory = Path(directory)
    if not directory.exists():
        raise UsageError(
            f"模板文件夹“{directory}”不存在。请检查文件夹名；如需在该处生成默认模板，"
            f"请运行 {command_name()} templates init {command_arg(directory)}。"
        )
    if not directory.is_dir():
        raise UsageError(f"“{directory}”不是文件夹。模板位置（--templates）应是放有模板（.docx）的文件夹。")
    return directory


class TemplateSet:
    """The templates a build uses: the folder given or the built-in defaults. An optional document's
    template missing from the folder (a folder made before the document existed) is taken from the
    built-in defaults. Each template's bytes are read once (`data`)."""

    def __init__(self, directory: Path | None = None) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._defaults: Path | None = None
        self._data: dict[str, bytes] = {}
        directory = template_folder(directory)
        if directory is None:
            directory = self.defaults()
        self.directory = Path(directory)

    def defaults(self) -> Path:
        """A temporary folder holding the built-in default templates (written once, when first needed)."""
        if self._defaults is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="rectify-templates-")
            self._defaults = Path(self._tmp.name)
            _render_stage()[2].build_templates(self._defaults)
        return self._defaults

    def builtin(self, name: str) -> bool:
        """True when an optional template is missing from the folder and the built-in default stands in."""
        spec = DOCUMENTS_BY_TEMPLATE.get(name)
        return (
            spec is not None
            and spec.optional
            and self.directory != self._defaults
            and not (self.directory / name).exists()
        )

    def path(self, name: str) -> Path:
        """Path of one template (the built-in default for an optional one the folder lacks)."""
        return self.defaults() / name if self.builtin(name) else self.directory / name

    def data(self, name: str) -> bytes:
        """The bytes of one template, read once."""
        if name not in self._data:
            self._data[name] = self.path(name).read_bytes()
        return self._data[name]

    def close(self) -> None:
        """Remove the temporary defaults, if any."""
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> "TemplateSet":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class BuildResult:
    """The outcome of building one workbook."""

    workbook: Path
    status: str  # "written" | "replaced" | "unchanged" | "failed"
    folder: Path | None = None
    check: CheckResult | None = None
    message: str = ""
    notes: list[str] = field(default_factory=list)
    previous: Path | None = None  # the newest earlier build of the same inspection (whatever the file is called)
    newest: Path | None = None  # the newest build of the same inspection after this one (None: this one)
    builds: int = 0  # how many builds of the same inspection the output folder holds
    changes: str = ""  # what changed since it, in one line
    warnings_as_before: bool = False  # the same warnings as that build's (summarised unless --verbose)

    @property
    def failed(self) -> bool:
        """True when nothing was built."""
        return self.status == "failed"


def document_sets(text: str | None) -> tuple[str, ...]:
    """The document sets a clerk named (`--docs 整改方案,销号`, 全部 for all; the default set when none),
    or a UsageError listing the names there are."""
    sets = parse_sets(text)
    if isinstance(sets, list):
        known = "、".join(f"{name}（{what}）" for name, what in DOCUMENT_SETS.items())
        raise UsageError(
            f"没有名为“{'、'.join(sets)}”的文档。可以选择：{known}；“{ALL_SETS_WORD}”为以上全部。"
            "多个名称之间用逗号或顿号隔开，如：--docs 整改方案,整改情况报告。"
        )
    return sets


def set_label(sets: tuple[str, ...]) -> str:
    """How a build's folder and history name its sets: "" for the default set, else 全部 or the names."""
    if sets == (DEFAULT_SET,):
        return ""
    return ALL_SETS_WORD if sets == tuple(DOCUMENT_SETS) else "、".join(sets)


def render_documents(
    ledger: Ledger,
    tset: TemplateSet,
    documents: tuple[DocumentSpec, ...] = DOCUMENTS,
    problem_ids: tuple[str, ...] = (),
) -> dict[str, bytes]:
    """Render the documents (the default set unless told) for a checked ledger, keyed by output file name;
    a per-problem document (销号表) for the problems `problem_ids` names (all when empty)."""
    render, lint, _ = _render_stage()
    with render.render_budget():  # one time budget for all the documents, each render still bounded
        return _render_each(ledger, tset, render, lint, documents, problem_ids)


def _render_each(
    ledger: Ledger,
    tset: TemplateSet,
    render: ModuleType,
    lint: ModuleType,
    documents: tuple[DocumentSpec, ...],
    problem_ids: tuple[str, ...],
) -> dict[str, bytes]:
    info = ledger.inspection
    out = {}
    notice: bytes | None = None
    for spec in documents:
        # each document's own title in its properties, without the title's line breaks
        props = render.DocProperties(title=spec.title(ledger).replace("\n", ""), author=info.issuer, when=info.issued)
        rendered = lint.render_checked(
            tset.path(spec.template), spec.context_for(ledger, problem_ids), props, data=tset.data(spec.template)
        )
        out[spec.output] = render.place_parts(
            render.first_section_on_page_one(rendered), sealed=info.sealed != schema.NO
        )
        if spec.template == _NOTICE_TEMPLATE:
            notice = render.first_section_on_page_one(rendered)
    if info.attachments == schema.YES and notice is not None:
        _number_attachments(ledger, render, documents, out, render.page_count(notice, info.sealed != schema.NO))
    return out


_NOTICE_TEMPLATE = DOCUMENTS[0].template  # 通报.docx: the registry's first document


def _number_attachments(
    ledger: Ledger,
    render: ModuleType,
    documents: tuple[DocumentSpec, ...],
    out: dict[str, bytes],
    notice_pages: int | None,
) -> None:
    """The checklists that go as 附件 numbered on from the notice (GB/T 9704-2012 chapter 8: 附件 bound
    with the document are numbered with it): 附件N's first page is the notice's last page, plus the pages
    of 附件1 … 附件N-1, plus one. The checklists' pages are known exactly (one table a page, cut by
    layout.paginate); the notice's are estimated (pipeline.documents.pagination). When the notice is
    not estimated (an office's template of another construction) the 附件 keep their own numbers."""
    if notice_pages is None:
        return
    attached = sorted(
        (
            spec
            for spec in documents
            if spec.template in CHECKLISTS_BY_NAME and CHECKLISTS_BY_NAME[spec.template].attachment
        ),
        key=lambda spec: CHECKLISTS_BY_NAME[spec.template].attachment,
    )
    after = notice_pages
    for spec in attached:
        out[spec.output] = render.number_from(out[spec.output], after + 1)
        after += max(1, len(spec.context_for(ledger)["pages"]))


def manifest(
    ledger: Ledger,
    check: CheckResult,
    workbook: Path,
    workbook_bytes: bytes,
    tset: TemplateSet,
    files: dict[str, bytes],
    sets: tuple[str, ...] = (DEFAULT_SET,),
    problem_ids: tuple[str, ...] = (),
) -> dict[str, object]:
    """The manifest describing one build (no clock time: identical builds give identical bytes). A build of
    other sets than the default names them (文档) and the problems its 销号 forms cover (销号问题)."""
    used = dict.fromkeys(d.template for d in documents_of(sets))
    chosen: dict[str, object] = {}
    if sets != (DEFAULT_SET,):
        chosen["文档"] = list(sets)
        if problem_ids:
            chosen["销号问题"] = list(problem_ids)
    return {
        "工具": "rectify",
        "版本": __version__,
        "成文日期": ledger.inspection.issued.isoformat(),
        "标题": compose_title(ledger),
        **chosen,
        "输入": {
            "文件名": workbook.name,
            "大小": len(workbook_bytes),
            "sha256": archive_manifest.sha256(workbook_bytes),
        },
        "模板": {name: archive_manifest.sha256(tset.data(name)) for name in used},
        "输出": [{"文件名": n, "大小": len(d), "sha256": archive_manifest.sha256(d)} for n, d in files.items()],
        archive_manifest.INSPECTION_KEY: dict(zip(archive_manifest.INSPECTION_FIELDS, inspection_key(ledger))),
        "统计": ledger.counts.as_dict(),
        "警告": [f.as_dict() for f in check.warnings],
    }


def inspection_key(ledger: Ledger) -> tuple[str, str, str]:
    """What identifies an inspection across ledger files: (被巡察单位, 巡察组, 巡察轮次)."""
    info = ledger.inspection
    return (info.unit, info.group, info.round)


def build_workbook(
    workbook: Path,
    tset: TemplateSet,
    output: Path,
    force: bool = False,
    pdf: bool = False,
    protected: set[Path] | None = None,
    sets: tuple[str, ...] = (DEFAULT_SET,),
    problem_ids: tuple[str, ...] = (),
    replace_edited: bool = False,
    as_of: date | None = None,
) -> BuildResult:
    """Check one workbook and, when it has no errors, write its build folder with the documents of `sets`
    (the 销号 forms for `problem_ids` only, when given).

    `protected` holds the folders this run has already reported; --force never replaces them, and the
    folder this build reports is added to it.
    """
    workbook = Path(workbook)
    try:
        # Read once: the bytes checked are the bytes rendered from and archived.
        workbook_bytes = sniff.workbook_bytes(workbook)
        check = check_bytes(workbook, workbook_bytes)
    except PipelineError as err:
        return BuildResult(workbook=workbook, status="failed", message=err.message)
    except OSError as err:
        return BuildResult(
            workbook=workbook,
            status="failed",
            message=f"无法读取“{workbook.name}”：{read_error_reason(err)}。"
            "请确认文件存在、有读取权限且没有被其他程序独占打开。",
        )
    if check.ledger is None:
        return BuildResult(
            workbook=workbook,
            status="failed",
            check=check,
            message=f"有 {len(check.errors)} 个错误，没有生成任何文件。",
        )
    ledger = check.ledger if as_of is None else replace(check.ledger, as_of=as_of)
    documents = documents_of(sets)
    refused = _not_ready(ledger, check, documents, problem_ids)
    if refused:
        # the skeleton warnings become the errors they are for these documents, in their place
        turned = {(f.sheet, f.cell) for f in refused if f.code == "skeleton-text"}
        kept = [f for f in check.findings if not (f.code == SKELETON_PENDING and (f.sheet, f.cell) in turned)]
        return BuildResult(
            workbook=workbook,
            status="failed",
            check=CheckResult(ledger=None, findings=(*kept, *refused)),
            message=f"有 {len(refused)} 个错误妨碍生成所选的文档，没有生成任何文件。",
        )
    try:
        docs = render_documents(ledger, tset, documents, problem_ids)
        files = dict(docs)
        files[safe_filename(workbook.name)] = workbook_bytes
        record = manifest(ledger, check, workbook, workbook_bytes, tset, docs, sets, problem_ids)
        if as_of is not None:
            record["督办截至"] = as_of.isoformat()  # the 督办清单 counts from this day, not the 成文日期
        previous = previous_build(output, workbook.name, ledger)
        if previous is not None:
            record[archive_manifest.CHANGES_KEY] = {
                "文件夹": previous[0].name,
                "摘要": previous[1].summary(),
                **previous[1].as_dict(),
            }
        files[archive_manifest.MANIFEST] = archive_manifest.manifest_bytes(record)
        label = set_label(sets)
        name = naming.folder_name(
            ledger.inspection.issued.isoformat(), build_label(ledger) + (f"_{label}" if label else "")
        )
        result = store.write_build(
            output,
            name,
            files,
            force=force or replace_edited,
            pdf=pdf,
            pdf_sources=tuple(docs),
            protected=protected,
            replace_edited=replace_edited,
        )
    except PipelineError as err:
        return BuildResult(workbook=workbook, status="failed", check=check, message=err.message)
    if protected is not None:
        protected.add(result.folder)
    changes = previous[1].summary() if previous is not None else ""
    if result.status in ("written", "replaced"):
        try:
            archive_manifest.append_index(
                output,
                result.folder,
                workbook.name,
                ledger.inspection.issued.isoformat(),
                STATUS_WORDS[result.status],
                changes or "（首次生成）",
                datetime.now().isoformat(sep=" ", timespec="seconds"),
                " ".join(inspection_key(ledger)),
                previous[0].name if previous is not None else "",
                "、".join(sets),
            )
        except NotRegularFile as err:
            result.pdf_messages.append(
                f"生成记录“{output / archive_manifest.INDEX}”是{err.kind}，不是普通文件，出于安全没有写入。"
                "请移走它（下次生成会新建记录）。生成的文件不受影响。"
            )
        except OSError as err:
            result.pdf_messages.append(
                f"生成记录（{archive_manifest.INDEX}）没有写入：{read_error_reason(err)}。生成的文件不受影响。"
            )
    history = archive_manifest.builds_of_inspection(output, inspection_key(ledger), workbook.name)
    newest = history[-1] if history and history[-1] != result.folder else None
    earlier = archive_manifest.manifest_of(previous[0]) if previous is not None else None
    same_warnings = bool(check.warnings) and earlier is not None and earlier.get("警告") == record["警告"]
    return BuildResult(
        workbook=workbook,
        status=result.status,
        folder=result.folder,
        check=check,
        notes=result.pdf_messages,
        previous=previous[0] if previous else None,
        changes=changes,
        warnings_as_before=same_warnings,
        newest=newest,
        builds=len(history),
    )


def _not_ready(
    ledger: Ledger, check: CheckResult, documents: tuple[DocumentSpec, ...], problem_ids: tuple[str, ...]
) -> list[Finding]:
    """Why the chosen documents cannot be built although the ledger checks: skeleton text left in a 正文 part
    one of them prints (a warning for the notice alone, an error here, at its cell), 销号 problems the ledger
    does not have."""
    sections = {s for d in documents for s in d.sections}
    rows = {p.row for p in ledger.narrative if p.section in sections}
    found = [
        Finding(ERROR, "skeleton-text", f.sheet, f.cell, f.message, f.header)
        for f in check.warnings
        if f.code == SKELETON_PENDING and _row_of(f.cell) in rows
    ]
    if problem_ids and any(d.per_problem for d in documents):
        known = {p.id for p in ledger.problems}
        missing = [i for i in problem_ids if i not in known]
        if missing:
            found.append(
                Finding(
                    ERROR,
                    "closeout-unknown-problem",
                    schema.PROBLEMS.name,
                    "",
                    f"“问题”表中没有编号为“{'、'.join(missing)}”的问题，无法生成它们的销号表。"
                    "请核对 --problems 后的编号（与“问题”表〔编号〕列一致）。",
                    "编号",
                )
            )
    return found


def _row_of(cell: str) -> int:
    digits = "".join(c for c in cell if c.isdigit())
    return int(digits) if digits else 0


# How the archive's index names what a build did.
STATUS_WORDS = {"written": "新建", "replaced": "替换"}


def previous_build(output: Path, input_name: str, ledger: Ledger) -> tuple[Path, LedgerDiff] | None:
    """The newest earlier build of the same inspection in `output` (a build of before the inspection was
    recorded: of the ledger file `input_name`), and what changed since."""
    for folder in reversed(archive_manifest.builds_of_inspection(output, inspection_key(ledger), input_name)):
        copy = archive_manifest.archived_input(folder)
        if copy is None:
            continue
        try:
            earlier = check_file(copy).ledger
        except (PipelineError, OSError):
            continue
        if earlier is not None:
            return folder, compare(earlier, ledger)
    return None


def build_many(
    workbooks: list[Path],
    templates_dir: Path | None,
    output: Path,
    force: bool = False,
    pdf: bool = False,
    progress: Callable[[Path], None] | None = None,
    sets: tuple[str, ...] = (DEFAULT_SET,),
    problem_ids: tuple[str, ...] = (),
    replace_edited: bool = False,
    as_of: date | None = None,
) -> list[BuildResult]:
    """Build every workbook (the documents of `sets`); one failing does not stop the others. Templates are
    checked first."""
    render, lint, _ = _render_stage()
    # One render time budget for the run: the templates' trial render and every document of every workbook.
    with render.render_budget(), TemplateSet(templates_dir) as tset:
        lint.require_valid(tset.directory, {name: tset.data(name) for name in TEMPLATE_NAMES if not tset.builtin(name)})
        results = []
        reported: set[Path] = set()  # folders of this run: a later workbook never replaces them
        for wb in workbooks:
            results.append(
                build_workbook(
                    wb,
                    tset,
                    output,
                    force=force,
                    pdf=pdf,
                    protected=reported,
                    sets=sets,
                    problem_ids=problem_ids,
                    replace_edited=replace_edited,
                    as_of=as_of,
                )
            )
            if progress:
                progress(wb)
        return results


def check_templates(directory: Path | None = None) -> list[Finding]:
    """Lint every registered template: syntax, unknown variables, unreadable tags, unsafe content."""
    render, lint, _ = _render_stage()
    with render.render_budget(), TemplateSet(directory) as tset:
        return lint.lint(tset.directory)


def task_numbers(ledger: Ledger) -> dict[str, int]:
    """Each measure's 序号 in the 任务清单, by measure 编号."""
    return _task_numbers(ledger)


def due_measures(ledger: Ledger, as_of: date) -> list[DueMeasure]:
    """Measures not done that are overdue or due within DUE_SOON_DAYS days of `as_of`."""
    return _due_measures(ledger, as_of, DUE_SOON_DAYS)


def ledger_for_diff(path: Path) -> Ledger:
    """The checked ledger of a workbook, or of a build folder's archived input copy."""
    path = Path(path)
    source = path
    if path.is_dir():
        found = archive_manifest.archived_input(path)
        if found is None:
            raise UsageError(
                f"“{path}”不是 rectify 生成的文件夹（没有 manifest.json 或其中记录的台账副本）。"
                "请指定台账文件（.xlsx）或 output 中的生成文件夹。"
            )
        source = found
    result = check_file(source)
    if result.ledger is None:
        raise UsageError(
            f"“{source.name}”有 {len(result.errors)} 个错误，无法比较。"
            f"请先运行 {command_name()} check {command_arg(source)} 查看并修改。"
        )
    return result.ledger


def diff_ledgers(old: Path, new: Path) -> LedgerDiff:
    """What changed between two ledgers (workbooks or build folders)."""
    return compare(ledger_for_diff(old), ledger_for_diff(new))


def write_default_templates(directory: Path) -> list[Path]:
    """Write the default templates into `directory` (refusing to overwrite existing ones)."""
    directory = Path(directory)
    existing = [directory / n for n in TEMPLATE_NAMES if (directory / n).exists() or (directory / n).is_symlink()]
    if existing:
        raise UsageError(
            "以下模板已存在，不会覆盖：" + "、".join(str(p) for p in existing) + "。请换一个文件夹，或先移走这些文件。"
        )
    directory.mkdir(parents=True, exist_ok=True)
    return _render_stage()[2].build_templates(directory)


def import_ledger(source: Path, output: Path | None = None, sheet: str | None = None) -> ImportResult:
    """Convert an office's one-sheet 整改台账 (.xlsx/.xls/.et/.ods) into a new ledger; the source is not written."""
    return importer.import_ledger(Path(source), Path(output) if output is not None else None, sheet)


def export_ledger(ledger: Path, output: Path | None = None, source: Path | None = None) -> ExportResult:
    """Write an imported ledger's statuses, progress and new measures back into a copy of the original layout."""
    return exporter.export_ledger(
        Path(ledger), Path(output) if output is not None else None, Path(source) if source is not None else None
    )


# -- what the page (pipeline.web) needs beyond the commands -------------------------------------------------------


def imported_from(ledger: Path) -> str | None:
    """The file name of the office's ledger that `ledger` was imported from (its import record), or None when
    it was not made by an import (the page says so before asking for the original). WorkbookError when
    `ledger` cannot be read as a workbook."""
    ledger = Path(ledger)
    data = sniff.workbook_bytes(ledger)
    record = read_record(sniff.load_whole(data, ledger.name))
    source = record.get("source") if record else None
    return source if isinstance(source, str) and source else None


# The largest workbook file the reader opens: the page refuses a bigger upload before reading its body.
MAX_FILE_BYTES = sniff.MAX_FILE_BYTES


@dataclass(frozen=True)
class BuildRecord:
    """One earlier build of a ledger, as output/生成记录.csv records it (the page's 历史)."""

    folder: Path
    when: str
    issued: str
    status: str
    changes: str
    documents: str = DEFAULT_SET  # the document sets it wrote, as 生成记录.csv's 文档 names them ("、" between)


def _documents_of_build(folder: Path, row: dict[str, str]) -> str:
    """The sets a build wrote: the index's 文档, else its manifest's, else the default (a build before sets)."""
    if row.get("文档"):
        return row["文档"]
    manifest = archive_manifest.manifest_of(folder) or {}
    sets = manifest.get("文档")
    if isinstance(sets, list) and sets and all(isinstance(s, str) for s in sets):
        return "、".join(sets)
    return DEFAULT_SET


def build_history(output: Path, input_name: str) -> list[BuildRecord]:
    """Earlier builds of the ledger file `input_name` in `output`, newest first: each folder whose manifest
    names that file, with the latest line 生成记录.csv holds for it (empty fields when it holds none)."""
    output = Path(output)
    rows = archive_manifest.index_rows(output)
    records = []
    for folder in reversed(archive_manifest.builds_of(output, input_name)):
        row = rows.get(folder.name, {})
        records.append(
            BuildRecord(
                folder=folder,
                when=row.get("生成时间", ""),
                issued=row.get("成文日期", ""),
                status=row.get("结果", ""),
                changes=row.get("与上次相比", ""),
                documents=_documents_of_build(folder, row),
            )
        )
    return records


def open_templates(directory: Path | None = None) -> TemplateSet:
    """The templates of `directory` (None: the built-in ones), each read once and checked as `build_many` checks
    them (raises TemplateError): build_workbook with it builds as `build` does. The caller closes it; a caller
    that builds many times (the page) keeps the built-in set and opens a folder's afresh for each build, so that
    a template edited meanwhile is checked and used."""
    tset = TemplateSet(directory)
    try:
        _, lint, _ = _render_stage()
        lint.require_valid(tset.directory, {name: tset.data(name) for name in TEMPLATE_NAMES if not tset.builtin(name)})
    except BaseException:
        tset.close()
        raise
    return tset


def find_soffice() -> str | None:
    """The LibreOffice command, when it is installed (the archive's own search)."""
    return archive_pdf.find_soffice()


def convert_pdfs(folder: Path, names: Iterable[str]) -> list[str]:
    """PDFs of the documents `names` in `folder`, written beside them by one-shot LibreOffice processes as
    `build --pdf` makes them; Chinese messages for what failed (LibreOffice missing, a time-out)."""
    return archive_pdf.convert_pdfs(Path(folder), tuple(names))


__all__ = [
    "init_ledger",
    "check_file",
    "check_bytes",
    "diff_ledgers",
    "find_workbooks",
    "template_folder",
    "build_many",
    "build_workbook",
    "check_templates",
    "due_measures",
    "write_default_templates",
    "import_ledger",
    "export_ledger",
    "BuildResult",
    "CheckResult",
    "Finding",
    "LedgerDiff",
    "DueMeasure",
    "TemplateSet",
    "document_sets",
    "set_label",
    "DOCUMENT_SETS",
    "DEFAULT_SET",
    "ALL_SETS_WORD",
    "SET_ALIASES",
    "ImportResult",
    "ExportResult",
    "DUE_SOON_DAYS",
    "SHEET_ORDER",
    "KINDS",
    "MAX_FILE_BYTES",
    "BuildRecord",
    "build_history",
    "imported_from",
    "open_templates",
    "find_soffice",
    "convert_pdfs",
]
