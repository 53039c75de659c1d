"""The clerk's page: a standard-library HTTP server over pipeline.api.

Routes answer JSON (or a file); no request names a path on disk: uploaded ledgers live in a private
temporary folder and every file is reached by an opaque id this server made. Every request first passes
the Guard (Host, Origin, token). Any failure is answered with a Chinese message and the server goes on.
"""

from __future__ import annotations

import json
import os
import queue
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import traceback
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import parse_qs, quote, unquote, urlsplit

from pipeline import __version__, api
from pipeline.errors import PipelineError
from pipeline.text.names import safe_filename
from pipeline.web.converter import WarmOffice
from pipeline.web.jobs import Job, Jobs
from pipeline.web.markup import marked_copy
from pipeline.web.pages import render_pages
from pipeline.web.security import Guard, is_loopback, new_token

STATIC = Path(__file__).with_name("static")
STATIC_FILES = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
IMPORT_SUFFIXES = (".xlsx", ".xls", ".et", ".ods")  # an office's own ledger (rectify import reads these)
UPLOAD_MAX = api.MAX_FILE_BYTES  # the reader's bound on a workbook file, as the CLI meets it
JSON_MAX = 64 * 1024
LEVEL_ORDER = {"error": 0, "warning": 1}
TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".json": "application/json",
    ".zip": "application/zip",
    ".csv": "text/csv",
}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)


class Refused(Exception):
    """A request answered with an HTTP error status and a Chinese message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Upload:
    """A ledger the clerk dropped on the page (a private copy)."""

    id: str
    name: str
    path: Path
    check: api.CheckResult
    marked: Path | None = None
    source: Path | None = None  # the office's ledger it was imported from on this page (export finds it)


@dataclass
class Build:
    """A build folder this server made or listed in 历史, and what the page made from it."""

    id: str
    folder: Path
    input_name: str
    files: dict[str, str] = field(default_factory=dict)  # output name → file id
    sets: str = ""  # the document sets it wrote, as 历史 names them ("" when not known)


def _new_id() -> str:
    return secrets.token_urlsafe(9)


def _reading_key(f: Any) -> tuple[int, int, int, str]:
    m = re.match(r"([A-Z]+)(\d+)", f.cell or "")
    if not m:
        return (LEVEL_ORDER.get(f.level, 2), 0, 0, f.cell)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return (LEVEL_ORDER.get(f.level, 2), int(m.group(2)), col, f.cell)


def split_message(message: str) -> tuple[str, str]:
    """(what is wrong, what to do): the library's messages say the second from "请…" on."""
    m = re.search(r"(?<=[。；])(?=请|如需|如)", message)
    if m:
        what = message[: m.start()]
        return (what[:-1] + "。" if what.endswith("；") else what), message[m.start() :]
    return message, ""


def findings_json(check: api.CheckResult) -> dict[str, Any]:
    """Findings grouped by sheet (in the workbook's order), errors first and in reading order within each."""
    order = {name: i for i, name in enumerate(api.SHEET_ORDER)}
    sheets: dict[str, list[Any]] = {}
    for f in check.findings:
        sheets.setdefault(f.sheet, []).append(f)
    groups = []
    for sheet, items in sorted(sheets.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])):
        rows = []
        for f in sorted(items, key=_reading_key):
            what, todo = split_message(f.message)
            rows.append(
                {
                    "level": f.level,
                    "code": f.code,
                    "sheet": f.sheet,
                    "cell": f.cell,
                    "location": f.location,
                    "header": f.header,
                    "message": what,
                    "todo": todo,
                }
            )
        groups.append(
            {
                "sheet": sheet,
                "errors": sum(1 for f in items if f.level == "error"),
                "warnings": sum(1 for f in items if f.level != "error"),
                "findings": rows,
            }
        )
    return {
        "errors": len(check.errors),
        "warnings": len(check.warnings),
        "groups": groups,
        "can_build": check.ledger is not None,
    }


class App:
    """The server's state: uploads, builds, files by id, jobs; the kept templates and LibreOffice."""

    def __init__(
        self,
        output: Path,
        templates: Path | None = None,
        office: WarmOffice | None = None,
        examples: Sequence[Path] = (),
    ) -> None:
        """`output`: where builds go; `templates`: their folder (None: the built-in templates); `examples`:
        folders whose ledgers the page offers to download (the shell says which, as it says the others)."""
        self.output = Path(output)
        self.templates_dir = templates
        self.tmp = Path(tempfile.mkdtemp(prefix="rectify-serve-"))  # mode 0700 (mkdtemp)
        self.uploads: dict[str, Upload] = {}
        self.builds: dict[str, Build] = {}
        self.files: dict[str, tuple[Path, str]] = {}  # id → (path, download name)
        self.jobs = Jobs()
        self.lock = threading.Lock()
        self.office = office if office is not None else WarmOffice()
        self._tset: api.TemplateSet | None = None
        self._tset_lock = threading.Lock()
        self.examples = self._find_examples(examples)

    # -- kept state -------------------------------------------------------------------------------

    @contextmanager
    def templates(self) -> Iterator[api.TemplateSet]:
        """The templates of one build, read and checked. The built-in ones are kept (they cannot change while
        the page runs); a folder's are opened afresh for each build, so that a template the office edits
        meanwhile is checked and then used (cheap when unchanged: the check is cached)."""
        if self.templates_dir is None:
            with self._tset_lock:
                if self._tset is None:
                    self._tset = api.open_templates(None)
            yield self._tset
            return
        with api.open_templates(self.templates_dir) as tset:
            yield tset

    def warm_up(self) -> None:
        """Templates checked and LibreOffice started, in the background after the server starts."""
        try:
            with self.templates():
                pass
        except PipelineError:
            pass  # said again, with its message, when the clerk builds
        self.office.warm_up()

    def close(self) -> None:
        """Stop LibreOffice, remove the private temporary folder and the kept templates."""
        self.office.stop()
        if self._tset is not None:
            self._tset.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _find_examples(self, folders: Sequence[Path]) -> list[tuple[str, Path]]:
        found: list[Path] = []
        for folder in folders:
            try:
                found += sorted(p for p in folder.iterdir() if p.suffix == ".xlsx" and not p.name.startswith("~$"))
            except OSError:
                continue
        return [(_new_id(), p) for p in found]

    def add_file(self, path: Path, name: str | None = None) -> str:
        """Register a file this server made or listed; its id is the only way to download it."""
        fid = _new_id()
        with self.lock:
            self.files[fid] = (path, name or path.name)
        return fid

    def private_dir(self, kind: str) -> Path:
        """A new folder inside the private temporary folder."""
        path = self.tmp / kind / _new_id()
        path.mkdir(parents=True, mode=0o700)
        return path

    def upload(self, uid: str) -> Upload:
        with self.lock:
            up = self.uploads.get(uid)
        if up is None:
            raise Refused(404, "找不到这个台账（本页重新启动后需要重新选择台账）。请重新选择台账文件。")
        return up

    def build(self, bid: str) -> Build:
        with self.lock:
            b = self.builds.get(bid)
        if b is None:
            raise Refused(404, "找不到这次生成的记录（本页重新启动后需要重新打开）。请在“历史”中重新选择。")
        return b

    # -- operations -------------------------------------------------------------------------------

    def receive(self, name: str, body: Callable[[int], bytes], length: int) -> dict[str, Any]:
        """Store an uploaded ledger privately and check it."""
        name = _upload_name(name)
        suffix = Path(name).suffix.lower()
        if suffix not in (".xlsx", ".xlsm"):
            hint = "；巡察办格式的台账请用上面的“导入巡察办格式的台账”" if suffix in IMPORT_SUFFIXES else ""
            raise Refused(
                400,
                f"“{name}”不是 Excel 台账（.xlsx）{hint}。请选择用 rectify 新建的台账，"
                "或在 Excel/WPS 中“另存为”.xlsx 格式后再选择。",
            )
        path = self._store(name, body, length, "uploads")
        return self._checked(name, path)

    def _store(self, name: str, body: Callable[[int], bytes], length: int, kind: str) -> Path:
        """An uploaded file's body in a new private folder, bounded as the reader bounds a workbook."""
        if length > UPLOAD_MAX:
            raise Refused(
                413,
                f"“{name}”太大（{length // (1024 * 1024)} MB），台账文件不能超过 "
                f"{UPLOAD_MAX // (1024 * 1024)} MB。请删除无关的工作表、图片后另存，或拆分台账。",
            )
        folder = self.private_dir(kind)
        # the suffix (checked by the caller) kept whatever the name's length; the stem short enough that a
        # name made from it (〈stem〉-台账.xlsx, cut at 70) differs and stays under 255 bytes
        path = folder / (safe_filename(Path(name).stem, 60) + Path(name).suffix.lower())
        with open(path, "wb") as fh:
            left = length
            while left > 0:
                chunk = body(min(left, 1 << 20))
                if not chunk:
                    break
                fh.write(chunk)
                left -= len(chunk)
        if left:
            raise Refused(400, f"“{name}”没有完整收到。请重新选择文件。")
        return path

    def _checked(self, name: str, path: Path, source: Path | None = None) -> dict[str, Any]:
        """Check a ledger in the private folder and keep it as an upload."""
        try:
            check = api.check_file(path)
        except PipelineError as err:
            raise Refused(400, err.message) from err
        up = Upload(id=_new_id(), name=name, path=path, check=check, source=source)
        with self.lock:
            self.uploads[up.id] = up
        return {"ledger": up.id, "name": name, **findings_json(up.check)}

    def import_office(self, name: str, body: Callable[[int], bytes], length: int) -> dict[str, Any]:
        """Import an office's one-sheet ledger into a new ledger (a download), with its mapping report, and
        check the new ledger as any uploaded one (the source stays beside it, for 导出回报台账)."""
        name = _upload_name(name)
        if Path(name).suffix.lower() not in IMPORT_SUFFIXES:
            raise Refused(
                400,
                f"“{name}”不是能导入的台账文件。请选择巡察办格式的台账（.xlsx、.xls、WPS 的 .et 或 .ods）；"
                "其他格式请先在 Excel/WPS 中“另存为”.xlsx。",
            )
        source = self._store(name, body, length, "imports")
        target = source.with_name(safe_filename(f"{source.stem}-台账", 70) + ".xlsx")  # a long name stays < 255 bytes
        try:
            result = api.import_ledger(source, target)
        except PipelineError as err:
            raise Refused(400, err.message) from err
        out = self._checked(target.name, target, source)
        out["import"] = {
            "source": name,
            "sheet": result.sheet,
            "problems": len(result.problems),
            "measures": len(result.measures),
            "report": result.report(),
            "questions": result.questions,
            "missing": list(result.missing_info),
            "file": self.add_file(target),
        }
        return out

    def export_office(self, up: Upload, name: str, body: Callable[[int], bytes], length: int) -> dict[str, Any]:
        """Write an imported ledger's statuses and progress back into a copy of the office's layout: from the
        original uploaded with the request, else the one imported on this page."""
        try:
            original = api.imported_from(up.path)
        except PipelineError as err:
            raise Refused(400, err.message) from err
        if original is None:
            raise Refused(
                400,
                f"“{up.name}”不是导入得到的台账（其中没有导入记录），不知道巡察办原台账的格式，不能导出回报台账。"
                "请先用“导入巡察办格式的台账”导入原台账，在导入得到的台账上更新后再选择它。",
            )
        source = up.source
        if length > 0:
            name = _upload_name(name)
            if Path(name).suffix.lower() not in IMPORT_SUFFIXES:
                raise Refused(400, f"“{name}”不是巡察办格式的台账文件。请选择导入时的原台账“{original}”。")
            source = self._store(name, body, length, "originals")
        if source is None:
            raise Refused(
                400,
                f"导出要用导入时的原台账“{original}”（把每一行写回原处）。请在“原台账”处选择这个文件，再点“导出回报台账”。",
            )
        target = self.private_dir("exports") / (safe_filename(f"{Path(original).stem}-回报", 70) + ".xlsx")
        try:
            result = api.export_ledger(up.path, target, source)
        except PipelineError as err:
            raise Refused(400, err.message) from err
        return {
            "name": target.name,
            "file": self.add_file(target),
            "changed": list(result.changed),
            "added": list(result.added),
            "notes": list(result.notes),
        }

    def marked(self, up: Upload) -> tuple[Path, str]:
        """The marked-up copy of an upload (made once)."""
        if up.marked is None:
            folder = self.private_dir("marked")
            target = folder / up.path.name
            marked_copy(up.path, up.check.findings, target)
            up.marked = target
        stem, suffix = Path(up.name).stem, Path(up.name).suffix
        return up.marked, f"{stem}（检查批注）{suffix}"

    def register_build(self, folder: Path, input_name: str) -> Build:
        """A build folder, its files registered for download."""
        b = Build(id=_new_id(), folder=folder, input_name=input_name)
        try:
            names = sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        except OSError:
            names = []
        for name in names:
            b.files[name] = self.add_file(folder / name)
        with self.lock:
            self.builds[b.id] = b
        return b

    def build_json(self, b: Build) -> dict[str, Any]:
        return {
            "build": b.id,
            "folder": b.folder.name,
            "path": str(b.folder.resolve()),
            "files": [{"name": n, "id": fid} for n, fid in b.files.items()],
        }

    def start_build(self, up: Upload, sets: tuple[str, ...] = (api.DEFAULT_SET,)) -> Job:
        """Build an uploaded ledger's documents of `sets` into the output folder exactly as `rectify build
        --docs` does, then their pages."""

        def work(job: Job) -> dict[str, Any]:
            lock = self.jobs.ledger_lock(up.name)
            if not lock.acquire(blocking=False):
                job.progress("同一台账正在生成，排队等候")
                lock.acquire()
            try:
                job.progress("检查模板")
                with self.templates() as tset:
                    job.progress("检查台账并生成 Word 文档")
                    # the archived copy and the index carry the clerk's own file name
                    result = api.build_workbook(up.path, tset, self.output, sets=sets)
            finally:
                lock.release()
            if result.failed:
                out: dict[str, Any] = {"status": "failed", "message": result.message}
                if result.check is not None:
                    out.update(findings_json(result.check))
                return out
            assert result.folder is not None
            b = self.register_build(result.folder, up.name)
            b.sets = api.set_label(sets) or api.DEFAULT_SET
            out = {
                "status": result.status,
                "message": "",
                "notes": list(result.notes),
                "previous": result.previous.name if result.previous else "",
                "changes": result.changes,
                "warnings": len(result.check.warnings) if result.check else 0,
                "sets": b.sets,
                **self.build_json(b),
            }
            out["documents"] = self.pages(b, job)
            return out

        return self.jobs.start(work)

    def start_pages(self, b: Build) -> Job:
        """Show the pages of a build again (历史)."""

        def work(job: Job) -> dict[str, Any]:
            return {
                "status": "reopened",
                "message": "",
                "notes": [],
                "previous": "",
                "changes": "",
                "warnings": 0,
                "sets": b.sets,
                **self.build_json(b),
                "documents": self.pages(b, job),
            }

        return self.jobs.start(work)

    def pages(self, b: Build, job: Job) -> dict[str, Any]:
        """Every page of every document of a build as images: PDFs converted by the warm LibreOffice in a
        private folder (the build folder stays as the CLI wrote it), each rendered while the next converts."""
        docs = [n for n in b.files if n.lower().endswith(".docx")]
        work = self.private_dir("pages")
        for n in docs:
            shutil.copyfile(b.folder / n, work / n)
        result: dict[str, Any] = {"office": self.office.available, "notes": [], "items": []}
        if not self.office.available:
            result["notes"] = self.office.convert(work, docs)
            result["items"] = [{"name": n, "docx": b.files[n], "pdf": None, "pages": []} for n in docs]
            return result
        ready: queue.Queue[str | None] = queue.Queue()
        rendered: dict[str, dict[str, Any]] = {}
        done = [0]
        job.progress("转换为 PDF 并生成页面图像", 0, len(docs))

        def renderer() -> None:
            while True:
                name = ready.get()
                if name is None:
                    return
                pdf = (work / name).with_suffix(".pdf")
                try:
                    pngs = render_pages(pdf, work, Path(name).stem)
                    rendered[name] = {"pdf": self.add_file(pdf), "pages": [self.add_file(p) for p in pngs]}
                except Exception:  # noqa: BLE001 - a PDF pdfium cannot read: that document shows no pages
                    traceback.print_exc()
                    rendered[name] = {"pdf": self.add_file(pdf), "pages": []}
                done[0] += 1
                job.progress(f"已生成 {done[0]} / {len(docs)} 个文档的页面图像", done[0], len(docs))

        thread = threading.Thread(target=renderer, daemon=True)
        thread.start()
        try:
            result["notes"] = self.office.convert(work, docs, on_pdf=ready.put)
        finally:
            ready.put(None)
            thread.join()
        for n in docs:
            r = rendered.get(n, {"pdf": None, "pages": []})
            result["items"].append({"name": n, "docx": b.files[n], **r})
        return result

    def history(self, up: Upload) -> list[dict[str, Any]]:
        out = []
        for rec in api.build_history(self.output, up.name):
            b = self.register_build(rec.folder, up.name)
            b.sets = api.ALL_SETS_WORD if rec.documents == "、".join(api.DOCUMENT_SETS) else rec.documents
            out.append(
                {
                    "build": b.id,
                    "folder": rec.folder.name,
                    "when": rec.when,
                    "issued": rec.issued,
                    "status": rec.status,
                    "changes": rec.changes,
                    "sets": b.sets,
                }
            )
        return out

    def source_of(self, ref: str) -> tuple[Path, str]:
        """A ledger or a build for 比较, by its id."""
        with self.lock:
            up = self.uploads.get(ref)
            b = self.builds.get(ref)
        if up is not None:
            return up.path, up.name
        if b is not None:
            return b.folder, b.folder.name
        raise Refused(404, "找不到要比较的台账或生成记录。请重新选择。")

    def diff(self, old: str, new: str) -> dict[str, Any]:
        old_path, old_name = self.source_of(old)
        new_path, new_name = self.source_of(new)
        try:
            d = api.diff_ledgers(old_path, new_path)
        except PipelineError as err:
            raise Refused(400, err.message) from err
        return {"old": old_name, "new": new_name, "summary": d.summary(), **d.as_dict()}

    def due(self, up: Upload, as_of: date) -> dict[str, Any]:
        if up.check.ledger is None:
            raise Refused(400, f"“{up.name}”有 {len(up.check.errors)} 个错误，无法列出督办事项。请先按检查结果修改。")
        items = api.due_measures(up.check.ledger, as_of)
        return {
            "as_of": as_of.isoformat(),
            "items": [
                {
                    "department": d.measure.department,
                    "leader": d.measure.leader,
                    "id": d.measure.id,
                    "action": d.measure.action,
                    "deadline": d.measure.deadline.isoformat() if d.measure.deadline else "",
                    "state": d.state,
                    "overdue": d.overdue,
                    "problem": d.problem.item or d.problem.heading if d.problem else "",
                }
                for d in items
            ],
        }

    def zip_of(self, b: Build) -> tuple[Path, str]:
        folder = self.private_dir("zips")
        target = folder / f"{b.folder.name}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in b.files:
                zf.write(b.folder / name, f"{b.folder.name}/{name}")
        return target, target.name

    def blank(self, kind: str) -> tuple[Path, str]:
        if kind not in api.KINDS:
            raise Refused(400, "台账类型只能是" + "或".join(f"“{k}”" for k in api.KINDS) + "。")
        folder = self.private_dir("blank")
        name = f"{kind}整改台账.xlsx"
        api.init_ledger(folder / name, kind)
        return folder / name, name


def _upload_name(name: str) -> str:
    """The file name an upload gives (never a path), or a refusal."""
    name = Path(name.replace("\\", "/")).name.strip()
    if not name or name.startswith("."):
        raise Refused(400, "没有收到文件名。请重新选择台账文件。")
    return name


def chosen_sets(value: Any) -> tuple[str, ...]:
    """The document sets a build request names (a list of names from the page's boxes; none: the default)."""
    if value is None or value == []:
        return (api.DEFAULT_SET,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Refused(400, "请求内容不对。请刷新本页后重试。")
    if api.ALL_SETS_WORD in value:
        return tuple(api.DOCUMENT_SETS)
    unknown = [v for v in value if v not in api.DOCUMENT_SETS]
    if unknown:
        raise Refused(
            400,
            f"没有名为“{'、'.join(unknown)}”的文档。请在“生成哪些文档”中从列出的文档里选择，或刷新本页。",
        )
    return tuple(n for n in api.DOCUMENT_SETS if n in value)


def open_folder(path: Path) -> None:
    """Show a folder in the file manager of this machine."""
    if os.name == "nt":
        os.startfile(str(path))  # type: ignore[attr-defined]
    elif sys.platform == "darwin":
        subprocess.Popen(
            ["open", str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    else:
        subprocess.Popen(
            ["xdg-open", str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )


def content_disposition(name: str, inline: bool) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name) or "file"
    return f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


class Handler(BaseHTTPRequestHandler):
    """One request: the guard, then the route."""

    server_version = "rectify"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    app: App
    guard: Guard

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal shows the address and errors, not every request

    # -- answers ----------------------------------------------------------------------------------

    def _headers(self, status: int, ctype: str, length: int, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Content-Security-Policy", CSP)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()

    def send_json(self, obj: Any, status: int = 200) -> None:
        data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self._headers(status, "application/json; charset=utf-8", len(data))
        self.wfile.write(data)

    def send_refusal(self, status: int, message: str) -> None:
        if self.path.startswith("/api/"):
            self.send_json({"error": message}, status)
            return
        page = (
            f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>无法访问</title><p>{message}</p></html>'
        ).encode("utf-8")
        self._headers(status, "text/html; charset=utf-8", len(page))
        self.wfile.write(page)

    def send_path(self, path: Path, name: str, inline: bool = False) -> None:
        try:
            size = path.stat().st_size
            fh = open(path, "rb")
        except OSError as err:
            raise Refused(404, f"文件“{name}”已不存在（可能被移动或删除）。请重新生成。") from err
        with fh:
            ctype = TYPES.get(path.suffix.lower(), "application/octet-stream")
            self._headers(200, ctype, size, {"Content-Disposition": content_disposition(name, inline)})
            shutil.copyfileobj(fh, self.wfile, 1 << 20)

    # -- dispatch ---------------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def _handle(self, method: str) -> None:
        try:
            host = self.headers.get("Host")
            if not self.guard.host_ok(host):
                raise Refused(403, "地址不对：请使用启动时终端窗口中显示的地址（http://127.0.0.1:端口/…）打开本页。")
            if not self.guard.origin_ok(self.headers.get("Origin"), host):
                raise Refused(403, "拒绝来自其他网站的请求。")
            token = self.guard.token_in(self.path, self.headers.get("Cookie"), self.headers.get("X-Rectify-Token"))
            if not self.guard.token_ok(token):
                raise Refused(
                    403,
                    "缺少访问口令。请使用启动时终端窗口中显示的完整地址（含 token=…）打开本页，"
                    "或关闭后重新运行 rectify serve。",
                )
            self._route(method)
        except Refused as r:
            self._drain()
            self.send_refusal(r.status, r.message)
        except PipelineError as err:
            self._drain()
            self.send_refusal(400, err.message)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception:  # noqa: BLE001 - the server keeps serving after any failure
            traceback.print_exc()
            self._drain()
            try:
                self.send_refusal(500, "处理请求时发生内部错误。请重试；如仍出错，请把终端窗口中的信息发给维护人员。")
            except OSError:
                pass

    def _drain(self) -> None:
        """Read (a bounded part of) an unread request body so the connection stays in step; past that
        the connection is closed."""
        left = getattr(self, "_body_left", None)
        if left is None:
            try:
                left = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                left = 0
        if left > JSON_MAX:
            self.close_connection = True
            return
        if left > 0:
            self.rfile.read(left)
        self._body_left = 0

    def _length(self) -> int:
        try:
            n = int(self.headers.get("Content-Length") or "")
        except ValueError as err:
            raise Refused(411, "请求缺少长度。请用本页上传文件。") from err
        if n < 0:
            raise Refused(400, "请求长度不对。")
        self._body_left = n
        return n

    def _read_body(self, size: int) -> bytes:
        """Up to `size` bytes of the request body, counted (what is left unread is drained on refusal)."""
        data = self.rfile.read(min(size, self._body_left))
        self._body_left -= len(data)
        return data

    def _json_body(self) -> dict[str, Any]:
        n = self._length()
        if n > JSON_MAX:
            raise Refused(413, "请求太大。")
        raw = self.rfile.read(n)
        self._body_left = 0
        try:
            data = json.loads(raw.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError) as err:
            raise Refused(400, "请求内容不对。请刷新本页后重试。") from err
        if not isinstance(data, dict):
            raise Refused(400, "请求内容不对。请刷新本页后重试。")
        return data

    def _route(self, method: str) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        app = self.app
        if method == "GET" and path == "/":
            if "token" in query:  # first visit: the token moves into a cookie and out of the address bar
                self._headers(303, "text/plain; charset=utf-8", 0, {"Location": "/", "Set-Cookie": self.guard.cookie()})
                return
            data = (STATIC / "index.html").read_bytes()
            self._headers(200, "text/html; charset=utf-8", len(data), {"Set-Cookie": self.guard.cookie()})
            self.wfile.write(data)
            return
        m = re.fullmatch(r"/static/([a-z]+\.[a-z]+)", path)
        if method == "GET" and m and m.group(1) in STATIC_FILES:
            data = (STATIC / m.group(1)).read_bytes()
            self._headers(200, STATIC_FILES[m.group(1)], len(data))
            self.wfile.write(data)
            return
        if method == "GET" and path == "/api/info":
            local = is_loopback(self.client_address[0])
            self.send_json(
                {
                    "version": __version__,
                    "office": app.office.available,
                    "local": local,
                    "output": str(app.output.resolve()),
                    "examples": [{"id": i, "name": p.name} for i, p in app.examples],
                    "sets": [{"name": n, "what": w} for n, w in api.DOCUMENT_SETS.items()],
                    "default_set": api.DEFAULT_SET,
                    "all_sets": api.ALL_SETS_WORD,
                }
            )
            return
        if method == "GET" and path == "/api/blank":
            p, name = app.blank((query.get("kind") or ["巡察"])[0])
            self.send_path(p, name)
            return
        m = re.fullmatch(r"/api/example/([\w-]+)", path)
        if method == "GET" and m:
            found = [p for i, p in app.examples if i == m.group(1)]
            if not found:
                raise Refused(404, "找不到这个示例。请刷新本页。")
            self.send_path(found[0], found[0].name)
            return
        if method == "POST" and path == "/api/upload":
            name = unquote(self.headers.get("X-File-Name") or "")
            n = self._length()
            result = app.receive(name, self._read_body, n)
            self.send_json(result)
            return
        if method == "POST" and path == "/api/import":
            name = unquote(self.headers.get("X-File-Name") or "")
            n = self._length()
            self.send_json(app.import_office(name, self._read_body, n))
            return
        m = re.fullmatch(r"/api/export/([\w-]+)", path)
        if method == "POST" and m:
            up = app.upload(m.group(1))
            name = unquote(self.headers.get("X-File-Name") or "")
            n = self._length()
            self.send_json(app.export_office(up, name, self._read_body, n))
            return
        m = re.fullmatch(r"/api/marked/([\w-]+)", path)
        if method == "GET" and m:
            p, name = app.marked(app.upload(m.group(1)))
            self.send_path(p, name)
            return
        if method == "POST" and path == "/api/build":
            body = self._json_body()
            up = app.upload(str(body.get("ledger", "")))
            sets = chosen_sets(body.get("sets"))
            if up.check.ledger is None:
                raise Refused(
                    400, f"“{up.name}”有 {len(up.check.errors)} 个错误，不能生成。请先按检查结果修改台账，再重新选择。"
                )
            self.send_json({"job": app.start_build(up, sets).id})
            return
        m = re.fullmatch(r"/api/job/([\w-]+)", path)
        if method == "GET" and m:
            job = app.jobs.get(m.group(1))
            if job is None:
                raise Refused(404, "找不到这项任务。请刷新本页。")
            self.send_json(job.as_dict())
            return
        m = re.fullmatch(r"/api/file/([\w-]+)", path)
        if method == "GET" and m:
            with app.lock:
                entry = app.files.get(m.group(1))
            if entry is None:
                raise Refused(404, "找不到这个文件。请重新生成或刷新本页。")
            self.send_path(entry[0], entry[1], inline=entry[0].suffix.lower() in (".png", ".pdf"))
            return
        m = re.fullmatch(r"/api/zip/([\w-]+)", path)
        if method == "GET" and m:
            p, name = app.zip_of(app.build(m.group(1)))
            self.send_path(p, name)
            return
        m = re.fullmatch(r"/api/open/([\w-]+)", path)
        if method == "POST" and m:
            self._json_body()
            b = app.build(m.group(1))
            if self.guard.open_to_lan or not is_loopback(self.client_address[0]):
                raise Refused(403, "只有在运行本程序的电脑上才能打开文件夹。请用“下载全部”取得文件。")
            open_folder(b.folder)
            self.send_json({"ok": True})
            return
        m = re.fullmatch(r"/api/history/([\w-]+)", path)
        if method == "GET" and m:
            self.send_json({"builds": app.history(app.upload(m.group(1)))})
            return
        m = re.fullmatch(r"/api/reopen/([\w-]+)", path)
        if method == "POST" and m:
            self._json_body()
            self.send_json({"job": app.start_pages(app.build(m.group(1))).id})
            return
        if method == "POST" and path == "/api/diff":
            body = self._json_body()
            self.send_json(app.diff(str(body.get("old", "")), str(body.get("new", ""))))
            return
        m = re.fullmatch(r"/api/due/([\w-]+)", path)
        if method == "GET" and m:
            text = (query.get("date") or [date.today().isoformat()])[0]
            try:
                as_of = date.fromisoformat(text)
            except ValueError as err:
                raise Refused(400, f"日期“{text}”不对。请选择一个日期。") from err
            self.send_json(app.due(app.upload(m.group(1)), as_of))
            return
        raise Refused(404, "没有这个页面。")


class Server(ThreadingHTTPServer):
    """The page's HTTP server (a thread a request)."""

    daemon_threads = True
    allow_reuse_address = False


def make_server(app: App, host: str = "127.0.0.1", port: int = 0, token: str | None = None) -> tuple[Server, str]:
    """A server bound to host:port (0: any free port) and the full address to open (with its token)."""
    token = token or new_token()

    class BoundHandler(Handler):
        """Handler of this server: its app, and its guard once the port is known."""

    BoundHandler.app = app
    httpd = Server((host, port), BoundHandler)
    actual = httpd.server_address[1]
    BoundHandler.guard = Guard(token, host, actual)
    shown = host if not is_loopback(host) and host not in ("0.0.0.0", "::") else "127.0.0.1"
    if ":" in shown:
        shown = f"[{shown}]"
    return httpd, f"http://{shown}:{actual}/?token={token}"


def run_in_thread(httpd: Server) -> threading.Thread:
    """Serve in a daemon thread (tests, the benchmark)."""
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    return thread


__all__ = ["App", "Server", "make_server", "run_in_thread", "findings_json", "split_message"]
