"""The library calls behind each command. They return result objects; the CLI only prints them."""

from __future__ import annotations

import errno
import re
from datetime import date, datetime
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from pipeline.archive import manifest as archive_manifest
from pipeline.archive import naming
from pipeline.archive import store
from pipeline import __version__
from pipeline.findings import CheckResult, Finding
from pipeline.ledger.assemble import check_workbook
from pipeline.documents.registry import DOCUMENTS, DOCUMENTS_BY_TEMPLATE, TEMPLATE_NAMES
from pipeline.notice.titles import compose_title
from pipeline.errors import PipelineError, UsageError
from pipeline.ledger.model import Ledger
from pipeline.fsutil import NotRegularFile, open_regular
from pipeline.text.names import safe_filename
from pipeline.ledger.reader import read_workbook
from pipeline.ledger.blank import write_blank_ledger
from pipeline.documents.render import first_section_on_page_one
from pipeline.notice.titles import build_label

if TYPE_CHECKING:
    from pipeline.notice.diff import LedgerDiff
    from pipeline.notice.overdue import DueMeasure

DEFAULT_INPUT = Path("input")
DEFAULT_OUTPUT = Path("output")
DEFAULT_TEMPLATES = Path("templates")
# Output names sort in reading order and say what they are.
OUTPUT_NAMES = {d.template: d.output for d in DOCUMENTS}


def init_ledger(path: Path, kind: str = "巡察") -> Path:
    """Write a blank ledger workbook (refusing to overwrite), worded for a 巡察 or a 巡视."""
    return write_blank_ledger(Path(path), kind)


def check_file(path: Path) -> CheckResult:
    """Read and check one workbook."""
    return check_workbook(read_workbook(Path(path)))


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
    return f"系统无法读取（{err.strerror or err}）"


def find_workbooks(paths: Iterable[Path], command: str = "build") -> list[Path]:
    """The workbooks named, or every workbook in input/ when none is named (lock files skipped).

    `command` is the rectify command being run ("check", "build"); error messages suggest it.
    """
    paths = [Path(p) for p in paths]
    if paths:
        found: list[Path] = []
        for p in paths:
            if _is_dir(p):
                inside = _workbooks_in(p)
                if not inside:
                    raise UsageError(f"文件夹“{p}”中没有 .xlsx 台账（Excel 的 ~$ 临时文件不算）。"
                                     "请指定台账文件，或换一个放有台账的文件夹。")
                found.extend(inside)
            else:
                found.append(p)
        return found
    if not DEFAULT_INPUT.is_dir():
        raise UsageError("没有指定工作簿，当前目录下也没有 input 文件夹。请指定台账文件，"
                         f"如：rectify {command} 台账.xlsx；或用 rectify init 台账.xlsx 新建空白台账。")
    found = _workbooks_in(DEFAULT_INPUT)
    if not found:
        raise UsageError(f"“{DEFAULT_INPUT}”文件夹中没有 .xlsx 台账。请把台账放进去，或直接指定文件。")
    return found


def _is_dir(path: Path) -> bool:
    """Path.is_dir that answers False (the reader then says why) when the path cannot be examined."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _workbooks_in(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir()
                      if p.is_file() and p.suffix.lower() in (".xlsx", ".xlsm") and not p.name.startswith("~$"))
    except OSError as err:
        raise UsageError(f"无法读取文件夹“{folder}”：{read_error_reason(err)}。请确认文件夹存在且有读取权限。") from err


def template_folder(directory: Path | None = None) -> Path | None:
    """The template folder a command uses: the one given, else ./templates, else None (the built-in defaults).

    A folder given that does not exist (or is not a folder) is one usage error, not four missing templates.
    """
    if directory is None:
        return DEFAULT_TEMPLATES if DEFAULT_TEMPLATES.is_dir() else None
    directory = Path(directory)
    if not directory.exists():
        raise UsageError(f"模板文件夹“{directory}”不存在。请检查文件夹名；如需在该处生成默认模板，"
                         f"请运行 rectify templates init {command_arg(directory)}。")
    if not directory.is_dir():
        raise UsageError(f"“{directory}”不是文件夹。模板位置（--templates）应是放有四个模板（.docx）的文件夹。")
    return directory


class TemplateSet:
    """The templates a build uses: the folder given, ./templates, or the built-in defaults. An optional
    document's template missing from the folder (a folder made before the document existed) is taken from
    the built-in defaults."""

    def __init__(self, directory: Path | None = None) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._defaults: Path | None = None
        directory = template_folder(directory)
        if directory is None:
            directory = self.defaults()
        self.directory = Path(directory)

    def defaults(self) -> Path:
        """A temporary folder holding the built-in default templates (written once, when first needed)."""
        if self._defaults is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="rectify-templates-")
            self._defaults = Path(self._tmp.name)
            from pipeline.documents.builder.build import build_templates
            build_templates(self._defaults)
        return self._defaults

    def builtin(self, name: str) -> bool:
        """True when an optional template is missing from the folder and the built-in default stands in."""
        spec = DOCUMENTS_BY_TEMPLATE.get(name)
        return (spec is not None and spec.optional and self.directory != self._defaults
                and not (self.directory / name).exists())

    def path(self, name: str) -> Path:
        """Path of one template (the built-in default for an optional one the folder lacks)."""
        return self.defaults() / name if self.builtin(name) else self.directory / name

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
    previous: Path | None = None  # the newest earlier build of the same ledger
    changes: str = ""  # what changed since it, in one line
    warnings_as_before: bool = False  # the same warnings as that build's (summarised unless --verbose)

    @property
    def failed(self) -> bool:
        """True when nothing was built."""
        return self.status == "failed"


def render_documents(ledger: Ledger, tset: TemplateSet) -> dict[str, bytes]:
    """Render every registered document for a checked ledger, keyed by output file name."""
    from pipeline.documents import lint as templates
    from pipeline.documents.render import DocProperties

    info = ledger.inspection
    out = {}
    for spec in DOCUMENTS:
        # each document's own title in its properties, without the title's line breaks
        props = DocProperties(title=spec.title(ledger).replace("\n", ""), author=info.issuer, when=info.issued)
        rendered = templates.render_checked(tset.path(spec.template), spec.context(ledger), props)
        out[spec.output] = first_section_on_page_one(rendered)
    return out


def manifest(ledger: Ledger, check: CheckResult, workbook: Path, workbook_bytes: bytes,
             tset: TemplateSet, files: dict[str, bytes]) -> dict[str, object]:
    """The manifest describing one build (no clock time: identical builds give identical bytes)."""
    return {
        "工具": "rectify",
        "版本": __version__,
        "成文日期": ledger.inspection.issued.isoformat(),
        "标题": compose_title(ledger),
        "输入": {"文件名": workbook.name, "大小": len(workbook_bytes), "sha256": archive_manifest.sha256(workbook_bytes)},
        "模板": {name: archive_manifest.sha256(tset.path(name).read_bytes()) for name in TEMPLATE_NAMES},
        "输出": [{"文件名": n, "大小": len(d), "sha256": archive_manifest.sha256(d)} for n, d in files.items()],
        "统计": ledger.counts.as_dict(),
        "警告": [f.as_dict() for f in check.warnings],
    }


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file; a file swapped for a named pipe meanwhile raises instead of blocking."""
    try:
        with open_regular(path) as fh:
            return fh.read()
    except NotRegularFile as err:
        raise UsageError(f"“{path.name}”不是普通文件（是{err.kind}），无法作为台账读取。") from err
    except OSError as err:
        raise UsageError(f"无法读取“{path.name}”：{read_error_reason(err)}。"
                         "请确认文件存在、有读取权限且没有被其他程序独占打开。") from err


def build_workbook(workbook: Path, tset: TemplateSet, output: Path = DEFAULT_OUTPUT,
                   force: bool = False, pdf: bool = False, protected: set[Path] | None = None) -> BuildResult:
    """Check one workbook and, when it has no errors, write its build folder.

    `protected` holds the folders this run has already reported; --force never replaces them, and the
    folder this build reports is added to it.
    """
    workbook = Path(workbook)
    try:
        workbook_bytes = _read_regular(workbook) if workbook.is_file() else b""
        check = check_file(workbook)
    except PipelineError as err:
        return BuildResult(workbook=workbook, status="failed", message=err.message)
    except OSError as err:
        return BuildResult(workbook=workbook, status="failed",
                           message=f"无法读取“{workbook.name}”：{read_error_reason(err)}。"
                                   "请确认文件存在、有读取权限且没有被其他程序独占打开。")
    if check.ledger is None:
        return BuildResult(workbook=workbook, status="failed", check=check,
                           message=f"有 {len(check.errors)} 个错误，没有生成任何文件。")
    ledger = check.ledger
    try:
        # The archived copy must be the workbook that was checked: refuse when it changed meanwhile.
        if _read_regular(workbook) != workbook_bytes:
            raise UsageError(f"“{workbook.name}”在检查期间被修改了。请保存并关闭台账后重新运行。")
        docs = render_documents(ledger, tset)
        files = dict(docs)
        files[safe_filename(workbook.name)] = workbook_bytes
        record = manifest(ledger, check, workbook, workbook_bytes, tset, docs)
        previous = previous_build(output, workbook.name, ledger)
        if previous is not None:
            record[archive_manifest.CHANGES_KEY] = {"文件夹": previous[0].name, "摘要": previous[1].summary(),
                                           **previous[1].as_dict()}
        files[archive_manifest.MANIFEST] = archive_manifest.manifest_bytes(record)
        name = naming.folder_name(ledger.inspection.issued.isoformat(), build_label(ledger))
        result = store.write_build(output, name, files, force=force, pdf=pdf,
                                     pdf_sources=tuple(docs), protected=protected)
    except PipelineError as err:
        return BuildResult(workbook=workbook, status="failed", check=check, message=err.message)
    if protected is not None:
        protected.add(result.folder)
    changes = previous[1].summary() if previous is not None else ""
    if result.status in ("written", "replaced"):
        try:
            archive_manifest.append_index(output, result.folder, workbook.name, ledger.inspection.issued.isoformat(),
                                 STATUS_WORDS[result.status], changes or "（首次生成）",
                                 datetime.now().isoformat(sep=" ", timespec="seconds"))
        except OSError as err:
            result.pdf_messages.append(f"生成记录（{archive_manifest.INDEX}）没有写入：{read_error_reason(err)}。"
                                       "生成的文件不受影响。")
    earlier = archive_manifest.manifest_of(previous[0]) if previous is not None else None
    same_warnings = bool(check.warnings) and earlier is not None and earlier.get("警告") == record["警告"]
    return BuildResult(workbook=workbook, status=result.status, folder=result.folder, check=check,
                       notes=result.pdf_messages, previous=previous[0] if previous else None, changes=changes,
                       warnings_as_before=same_warnings)


# How the archive's index names what a build did.
STATUS_WORDS = {"written": "新建", "replaced": "替换"}


def previous_build(output: Path, input_name: str, ledger: Ledger) -> "tuple[Path, LedgerDiff] | None":
    """The newest earlier build of the ledger file `input_name` in `output`, and what changed since."""
    from pipeline.notice.diff import compare

    for folder in reversed(archive_manifest.builds_of(output, input_name)):
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


def build_many(workbooks: list[Path], templates_dir: Path | None = None, output: Path = DEFAULT_OUTPUT,
               force: bool = False, pdf: bool = False,
               progress: Callable[[Path], None] | None = None) -> list[BuildResult]:
    """Build every workbook; one failing does not stop the others. Templates are checked first."""
    from pipeline.documents import lint as templates

    with TemplateSet(templates_dir) as tset:
        templates.require_valid(tset.directory)
        results = []
        reported: set[Path] = set()  # folders of this run: a later workbook never replaces them
        for wb in workbooks:
            results.append(build_workbook(wb, tset, output, force=force, pdf=pdf, protected=reported))
            if progress:
                progress(wb)
        return results


def check_templates(directory: Path | None = None) -> list[Finding]:
    """Lint the four templates: syntax, unknown variables, unreadable tags."""
    from pipeline.documents import lint as templates

    with TemplateSet(directory) as tset:
        return templates.lint(tset.directory)


DUE_SOON_DAYS = 30


def due_measures(ledger: Ledger, as_of: date) -> list["DueMeasure"]:
    """Measures not done that are overdue or due within DUE_SOON_DAYS days of `as_of`."""
    from pipeline.notice.overdue import due_measures as due

    return due(ledger, as_of, DUE_SOON_DAYS)


def ledger_for_diff(path: Path) -> Ledger:
    """The checked ledger of a workbook, or of a build folder's archived input copy."""
    path = Path(path)
    source = path
    if path.is_dir():
        found = archive_manifest.archived_input(path)
        if found is None:
            raise UsageError(f"“{path}”不是 rectify 生成的文件夹（没有 manifest.json 或其中记录的台账副本）。"
                             "请指定台账文件（.xlsx）或 output 中的生成文件夹。")
        source = found
    result = check_file(source)
    if result.ledger is None:
        raise UsageError(f"“{source.name}”有 {len(result.errors)} 个错误，无法比较。"
                         f"请先运行 rectify check {command_arg(source)} 查看并修改。")
    return result.ledger


def diff_ledgers(old: Path, new: Path) -> "LedgerDiff":
    """What changed between two ledgers (workbooks or build folders)."""
    from pipeline.notice.diff import compare

    return compare(ledger_for_diff(old), ledger_for_diff(new))


def write_default_templates(directory: Path) -> list[Path]:
    """Write the default templates into `directory` (refusing to overwrite existing ones)."""
    directory = Path(directory)
    existing = [directory / n for n in TEMPLATE_NAMES if (directory / n).exists()]
    if existing:
        raise UsageError("以下模板已存在，不会覆盖：" + "、".join(str(p) for p in existing)
                         + "。请换一个文件夹，或先移走这些文件。")
    directory.mkdir(parents=True, exist_ok=True)
    from pipeline.documents.builder.build import build_templates
    return build_templates(directory)


__all__ = ["init_ledger", "check_file", "diff_ledgers", "find_workbooks", "template_folder", "build_many", "build_workbook",
           "check_templates", "write_default_templates", "BuildResult", "TemplateSet"]
