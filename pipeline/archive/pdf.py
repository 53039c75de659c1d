"""PDF conversion through LibreOffice: finding soffice, batches, process groups, time limits."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from pipeline.archive import loprofile
from pipeline.procs import kill_group

PDF_TIMEOUT = 180  # seconds for LibreOffice to convert all documents of one build


def _pdf_names(sources: tuple[str, ...]) -> list[str]:
    return [Path(s).with_suffix(".pdf").name for s in sources]


def _has_pdfs(folder: Path, sources: tuple[str, ...]) -> bool:
    return all((folder / n).is_file() for n in _pdf_names(sources))


def find_soffice() -> str | None:
    """The LibreOffice command, when installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (
        Path(r"C:\Program Files\LibreOffice\program\soffice.exe"),
        Path(r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"),
        Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
    ):
        if candidate.exists():
            return str(candidate)
    return None


# PDF/A-2b export through LibreOffice's writer_pdf_Export filter options.
_PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


def _convert_cmd(soffice: str, profile: Path, folder: Path, names: list[str]) -> list[str]:
    """The LibreOffice command converting `names` in `folder` to PDF beside them, with its own profile."""
    return [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        _PDF_FILTER,
        "--outdir",
        str(folder),
        *[str(folder / s) for s in names],
    ]


# LibreOffice processes converting at once at most (each holds a few hundred MB while laying out).
PDF_PROCESSES_MAX = 4


def pdf_processes(count: int) -> int:
    """How many LibreOffice processes convert `count` documents: one a core the build may use, at most
    PDF_PROCESSES_MAX (one LibreOffice lays out its documents one after the other, on one core)."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux only
    try:
        cores = len(affinity(0)) if affinity is not None else os.cpu_count() or 1
    except OSError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, count, PDF_PROCESSES_MAX))


# Documents of fewer bytes than this, all together, are converted by one LibreOffice: starting a second
# costs more than it saves while layout is short. Measured on 2 cores (medians, one process against two
# split by size): the example's five documents (92 KB) 2.8 s against 3.0 s (and 3.4 s against 4.5 s in the
# research), a 100-measure ledger's (96 KB) 4.1 s against 3.9 s, a 300-measure one's (152 KB) 8.9 s against
# 7.7 s, a 1,000-measure one's (353 KB) 25.4 s against 17.5 s. Tests set it to 0 to force parallel.
PDF_ONE_PROCESS_BYTES = 100 * 1024


def _processes_for(folder: Path, sources: tuple[str, ...]) -> int:
    """How many LibreOffice processes convert `sources`: one when they are small together, else pdf_processes."""
    total = 0
    for name in sources:
        try:
            total += (folder / name).stat().st_size
        except OSError:
            pass
    if total < PDF_ONE_PROCESS_BYTES:
        return 1
    return pdf_processes(len(sources))


def _pdf_batches(folder: Path, sources: tuple[str, ...], processes: int) -> list[list[str]]:
    """`sources` shared among `processes` batches of about equal work (a document's size stands for its
    layout time: the big checklists take nearly all of it), each batch in the given order."""

    def size(name: str) -> int:
        try:
            return (folder / name).stat().st_size
        except OSError:
            return 0

    batches: list[list[str]] = [[] for _ in range(processes)]
    loads = [0] * processes
    for name in sorted(sources, key=size, reverse=True):
        i = loads.index(min(loads))
        batches[i].append(name)
        loads[i] += size(name)
    order = {name: i for i, name in enumerate(sources)}
    return [sorted(b, key=order.__getitem__) for b in batches if b]


def _run_all_in_own_groups(
    cmds: list[list[str]], env: dict[str, str], timeout: float, pass_fds: list[list[int]] | None = None
) -> None:
    """Run `cmds` at once, each in its own session / process group, within `timeout` seconds for all
    (`pass_fds[i]`: file descriptors the i-th inherits); on timeout (or Ctrl-C) kill every group, then
    re-raise. (soffice starts helper processes, oosplash → soffice.bin: killing only the direct child
    would leave them running and holding the profile and output folder.)"""
    kwargs: dict[str, Any] = {}
    if os.name == "nt":
        kwargs["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    else:
        kwargs["start_new_session"] = True
    procs: list[subprocess.Popen[bytes]] = []
    deadline = time.monotonic() + timeout
    restore = _terminate_as_interrupt()
    try:
        for i, cmd in enumerate(cmds):
            fds = tuple(pass_fds[i]) if pass_fds and pass_fds[i] else ()
            if fds:
                kwargs["pass_fds"] = fds
            else:
                kwargs.pop("pass_fds", None)
            procs.append(
                subprocess.Popen(
                    cmd,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=env,
                    **kwargs,
                )
            )
        for proc in procs:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except BaseException:  # timeout, Ctrl-C, a process that cannot start: no LibreOffice may outlive the build
        for proc in procs:
            kill_group(proc)
        raise
    finally:
        for proc in procs:
            if proc.poll() is None:
                kill_group(proc)
        restore()


class Terminated(KeyboardInterrupt):
    """SIGTERM while LibreOffice runs: handled as Ctrl-C is (its process groups killed, nothing half-written)."""


def _terminate_as_interrupt() -> Any:
    """Make SIGTERM raise Terminated while LibreOffice runs (its default would end this process at once and
    leave LibreOffice running); returns what puts the previous handler back. Main thread, POSIX only."""
    import threading

    if os.name == "nt" or threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: Any) -> None:
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):
        return lambda: None
    return lambda: signal.signal(signal.SIGTERM, previous)


_PAGE_RE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_COUNT_RE = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+([0-9]+)|/Count\s+([0-9]+)[^>]*?/Type\s*/Pages\b")


def pdf_problem(data: bytes) -> str | None:
    """What is wrong with a PDF LibreOffice wrote, in Chinese, or None: it must be a whole PDF (header,
    cross-reference, end marker: a full disk or a killed converter cuts it short) with at least one page."""
    if not data.startswith(b"%PDF-"):
        return "不是 PDF 文件"
    tail = data[-2048:]
    if b"%%EOF" not in tail or (b"startxref" not in tail):
        return "文件不完整（可能是磁盘已满或转换被中断）"
    counts = [int(a or b) for a, b in _COUNT_RE.findall(data)]
    if not _PAGE_RE.search(data) and not any(counts):
        return "没有任何页面"
    if counts and max(counts) == 0:
        return "没有任何页面"
    return None


def convert_pdfs(folder: Path, sources: tuple[str, ...]) -> list[str]:
    """Convert documents in `folder` to PDF beside them and check each PDF; return messages for what
    failed. A damaged PDF is deleted (never archived or recorded) and said."""
    messages = _convert_pdfs(folder, sources)
    for name in _pdf_names(sources):
        path = folder / name
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            continue
        except OSError as err:
            data = b""
            problem: str | None = f"无法读取（{err.strerror or err}）"
        else:
            problem = pdf_problem(data)
        if problem:
            path.unlink(missing_ok=True)
            messages.append(
                f"LibreOffice 生成的“{name}”{problem}，已删除，没有存档。Word 文档已生成，可以重新运行或在 Word 中另存为 PDF。"
            )
    return messages


def _convert_pdfs(folder: Path, sources: tuple[str, ...]) -> list[str]:
    """Convert documents in `folder` to PDF beside them; return messages for what failed.

    With more than one core and documents large enough (PDF_ONE_PROCESS_BYTES) the documents are shared
    among LibreOffice processes running at once, each
    with its own profile (one profile admits one process), kept between builds (pipeline.loprofile)."""
    soffice = find_soffice()
    if soffice is None:
        return [
            "未找到 LibreOffice，已生成 Word 文档但没有生成 PDF。如需 PDF，请安装 LibreOffice"
            "（Windows 可从 libreoffice.org 下载；Debian/Ubuntu：sudo apt-get install libreoffice-writer-nogui）。"
        ]
    env = dict(os.environ)
    fonts = Path(__file__).resolve().parents[1] / "fonts.conf"
    if fonts.exists() and os.name != "nt" and "FONTCONFIG_FILE" not in env:
        env["FONTCONFIG_FILE"] = str(fonts)  # map the Windows font names to installed CJK fonts
    batches = _pdf_batches(folder, sources, _processes_for(folder, sources))

    def pdf_missing(names: list[str] | tuple[str, ...]) -> list[str]:
        return [s for s in names if not (folder / Path(s).with_suffix(".pdf").name).exists()]

    with loprofile.profiles(len(batches)) as kept:
        cmds = [_convert_cmd(soffice, profile, folder, batch) for profile, batch in zip(kept.paths, batches)]
        try:
            # (POSIX) each LibreOffice holds its kept profile's lock for as long as it runs
            fds = [[kept.locks[p]] if p in kept.locks and os.name != "nt" else [] for p in kept.paths]
            _run_all_in_own_groups(cmds, env, PDF_TIMEOUT, fds)
        except subprocess.TimeoutExpired:
            for profile in kept.paths:
                kept.discard(profile)  # a profile LibreOffice hung on is set up afresh next time
            return [
                f"LibreOffice 转换超时（{PDF_TIMEOUT} 秒），以下文档没有生成 PDF：{'、'.join(pdf_missing(sources))}。"
                "Word 文档已生成，可以在 Word 中另存为 PDF。"
            ]
        except OSError as err:
            return [f"无法启动 LibreOffice（{err}），没有生成 PDF。Word 文档已生成，可以在 Word 中另存为 PDF。"]
        # A LibreOffice that converted nothing with a kept profile may have failed on the profile: its
        # documents once more, with a new one (a document that fails on its own is not tried twice).
        failed = [
            (profile, batch)
            for profile, batch in zip(kept.paths, batches)
            if profile in kept.locks and len(pdf_missing(batch)) == len(batch)
        ]
        retry = [s for _, batch in failed for s in batch]
        for profile, _ in failed:
            kept.discard(profile)
    if retry:
        with loprofile.profiles(1, keep=False) as fresh:
            try:
                _run_all_in_own_groups([_convert_cmd(soffice, fresh.paths[0], folder, retry)], env, PDF_TIMEOUT)
            except (subprocess.TimeoutExpired, OSError):
                pass
    missing = pdf_missing(sources)
    if missing:
        return [f"LibreOffice 没有成功转换：{'、'.join(missing)}。Word 文档已生成，可以在 Word 中另存为 PDF。"]
    return []
