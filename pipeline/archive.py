"""Archive-grade output: one folder per build, manifest, atomic move, no silent overwrite, PDFs."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import loprofile
from pipeline.errors import ArchiveError
from pipeline.limits import NAME_MAX_BYTES, display_text, fit_bytes
from pipeline.text import safe_filename

TMP_PREFIX = ".rectify-tmp-"
OLD_PREFIX = ".rectify-old-"
MANIFEST = "manifest.json"
FOLDER_MAX = 80
PDF_TIMEOUT = 180  # seconds for LibreOffice to convert all documents of one build


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as stable, readable JSON (sorted keys, UTF-8, trailing newline)."""
    # A file name that is not valid UTF-8 (surrogate escapes) is shown with U+FFFD rather than crashing.
    return display_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def folder_name(issued: str, label: str) -> str:
    """The build folder's name: date and label, safe on Windows, never a path, within NAME_MAX_BYTES."""
    return _fit(safe_filename(f"{issued}_{label}", FOLDER_MAX))


def _fit(name: str) -> str:
    """`name` within the byte limit of a folder name (astral characters take 4 bytes each in UTF-8)."""
    return safe_filename(fit_bytes(name, NAME_MAX_BYTES), FOLDER_MAX)


@dataclass
class ArchiveResult:
    """Where a build went and what happened to it."""

    folder: Path
    status: str  # "written" | "unchanged" | "replaced"
    pdf_messages: list[str] = field(default_factory=list)


PDF_KEY = "PDF"  # the manifest's list of PDFs; left out when comparing builds (PDF bytes are not reproducible)
# What changed since the previous build of the same ledger: depends on which builds exist, not on the
# ledger, so it is left out when comparing builds too (an unchanged ledger stays "unchanged").
CHANGES_KEY = "与上次相比"
# The archive's index, one row per build written, readable in Excel (UTF-8 with BOM).
INDEX = "生成记录.csv"
INDEX_HEADER = ("生成时间", "文件夹", "台账", "成文日期", "结果", "与上次相比")


def _load_manifest(data: bytes) -> dict[str, Any] | None:
    try:
        loaded = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def _manifest_sans_pdf(data: bytes) -> dict[str, Any] | None:
    """The manifest without what does not describe the build's content (PDFs, the comparison)."""
    loaded = _load_manifest(data)
    if loaded is not None:
        loaded.pop(PDF_KEY, None)
        loaded.pop(CHANGES_KEY, None)
    return loaded


def _index_times(output: Path) -> dict[str, str]:
    """Folder name → the latest time the index records for it ("" when the index is missing or unreadable)."""
    import csv

    path = Path(output) / INDEX
    times: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                folder, when = row.get("文件夹") or "", row.get("生成时间") or ""
                if folder and when >= times.get(folder, ""):
                    times[folder] = when
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    return times


def builds_of(output: Path, input_name: str, within: list[Path] | None = None) -> list[Path]:
    """Build folders whose manifest names the input file `input_name`, oldest first: by the time the index
    records, else by when their manifest was written (`within`: only these folders)."""
    output = Path(output)
    try:
        candidates = within if within is not None else [p for p in output.iterdir() if p.is_dir()]
    except OSError:
        return []
    times = _index_times(output)
    found: list[tuple[str, float, Path]] = []
    for folder in candidates:
        manifest = folder / MANIFEST
        try:
            if not manifest.is_file() or _input_name(_load_manifest(manifest.read_bytes())) != input_name:
                continue
            mtime = manifest.stat().st_mtime
        except OSError:
            continue
        found.append((times.get(folder.name, ""), mtime, folder))
    return [f for _, _, f in sorted(found, key=lambda t: (t[0], t[1]))]


def append_index(output: Path, folder: Path, workbook: str, issued: str, status: str, changes: str,
                 when: str) -> None:
    """Add one build to output/生成记录.csv (created with its header, UTF-8 with BOM so Excel reads it).

    One append of one line: a build running at the same time adds its own line, never rewrites this one."""
    import csv
    import io

    path = Path(output) / INDEX
    line = io.StringIO()
    from pipeline.limits import display_text

    csv.writer(line).writerow([when, display_text(folder.name), display_text(workbook), issued, status, changes])
    data = line.getvalue().encode("utf-8")
    with open(path, "ab") as fh:
        if fh.tell() == 0:
            head = io.StringIO()
            csv.writer(head).writerow(INDEX_HEADER)
            data = b"\xef\xbb\xbf" + head.getvalue().encode("utf-8") + data
        fh.write(data)


def manifest_of(folder: Path) -> dict[str, Any] | None:
    """A build folder's manifest, or None when it has none (or it cannot be read)."""
    try:
        return _load_manifest((Path(folder) / MANIFEST).read_bytes())
    except OSError:
        return None


def archived_input(folder: Path) -> Path | None:
    """The copy of the input workbook a build folder holds (named in its manifest), or None."""
    path = Path(folder) / MANIFEST
    try:
        name = _input_name(_load_manifest(path.read_bytes())) if path.is_file() else None
    except OSError:
        return None
    if name is None:
        return None
    from pipeline.text import safe_filename

    copy = Path(folder) / safe_filename(name)
    return copy if copy.is_file() else None


def _input_name(manifest: dict[str, Any] | None) -> str | None:
    """The input workbook's file name a manifest records (输入.文件名)."""
    entry = manifest.get("输入") if isinstance(manifest, dict) else None
    name = entry.get("文件名") if isinstance(entry, dict) else None
    return name if isinstance(name, str) else None


def _same_content(folder: Path, files: dict[str, bytes]) -> bool:
    """True when `folder` already holds exactly these files with these bytes, PDFs and their manifest entries aside."""
    try:
        present = {p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() != ".pdf"}
        if present != set(files):
            return False
        for name, data in files.items():
            existing = (folder / name).read_bytes()
            if name == MANIFEST:
                if existing != data and _manifest_sans_pdf(existing) != _manifest_sans_pdf(data):
                    return False
            elif existing != data:
                return False
        return True
    except OSError:
        return False


def _pdf_names(sources: tuple[str, ...]) -> list[str]:
    return [Path(s).with_suffix(".pdf").name for s in sources]


def _has_pdfs(folder: Path, sources: tuple[str, ...]) -> bool:
    return all((folder / n).is_file() for n in _pdf_names(sources))


def _suffixed(name: str, n: int) -> str:
    """`name-n`, shortened so that it stays within FOLDER_MAX characters."""
    suffix = f"-{n}"
    return fit_bytes(name[: FOLDER_MAX - len(suffix)], NAME_MAX_BYTES - len(suffix)).rstrip(" .") + suffix


def _builds_named(output: Path, name: str) -> list[Path]:
    """The existing folders `name`, `name-2`, `name-3` … in output/, in that order."""
    found: list[tuple[int, Path]] = []
    for p in output.iterdir():
        if p.name == name:
            n = 1
        else:
            head, sep, tail = p.name.rpartition("-")
            if not (sep and head and tail.isdigit() and tail.isascii()):
                continue
            n = int(tail)
            if n < 2 or _suffixed(name, n) != p.name:
                continue
        if p.is_dir():
            found.append((n, p))
    return [p for _, p in sorted(found)]


def _next_free(output: Path, name: str, existing: list[Path]) -> Path:
    """output/name when free, else the suffix after the highest one in use."""
    if not (output / name).exists() and not (output / name).is_symlink():
        return output / name
    n = 2
    for p in existing:
        tail = p.name.rpartition("-")[2]
        if p.name != name and tail.isdigit():
            n = max(n, int(tail) + 1)
    while (output / _suffixed(name, n)).exists() or (output / _suffixed(name, n)).is_symlink():
        n += 1
    return output / _suffixed(name, n)


def current_umask() -> int:
    """The process's umask (read without changing it where /proc allows)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _open_permissions(folder: Path) -> None:
    """Give the finished folder the usual permissions (mkdtemp makes it 0700): 0777/0666 less the umask."""
    if os.name == "nt":
        return
    mask = current_umask()
    for p in folder.iterdir():
        if p.is_file() and not p.is_symlink():
            os.chmod(p, 0o666 & ~mask)
    os.chmod(folder, 0o777 & ~mask)


def _add_pdfs_to_manifest(folder: Path, sources: tuple[str, ...]) -> None:
    """Record the PDFs LibreOffice wrote (name, size, SHA-256) in folder's manifest.json."""
    entries = []
    for name in _pdf_names(sources):
        path = folder / name
        if path.is_file():
            data = path.read_bytes()
            entries.append({"文件名": name, "大小": len(data), "sha256": sha256(data)})
    manifest_path = folder / MANIFEST
    loaded = _load_manifest(manifest_path.read_bytes()) if manifest_path.is_file() else None
    if not entries or loaded is None:
        return
    loaded[PDF_KEY] = entries
    with open(manifest_path, "wb") as fh:
        fh.write(manifest_bytes(loaded))
        fh.flush()
        os.fsync(fh.fileno())


def _hide(folder: Path, hidden: bool = True) -> None:
    """Mark a temporary folder hidden on Windows (the leading dot already hides it elsewhere); the
    finished folder is unhidden before it is renamed into place, since the attribute would move with it."""
    if os.name != "nt":
        return
    import ctypes

    attribute = 0x2 if hidden else 0x80  # FILE_ATTRIBUTE_HIDDEN / FILE_ATTRIBUTE_NORMAL
    try:
        ctypes.windll.kernel32.SetFileAttributesW(str(folder), attribute)  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        pass  # cosmetic only


def _pid_alive(pid: int) -> bool:
    """Whether the process that made a temporary folder may still be running."""
    if pid == os.getpid():
        return True
    if os.name == "nt":
        # os.kill(pid, 0) would terminate the process on Windows; callers fall back to the folder's age.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


# On Windows a temporary folder is taken as abandoned once it is this old (no safe liveness test).
STALE_AFTER = 6 * 3600


# Inside a .rectify-old-… folder: the previous build being replaced, and the name it had in output/.
OLD_BUILD = "build"
OLD_TARGET = "target-name.txt"


def clean_stale(output: Path) -> list[Path]:
    """Clean up after builds that were killed (their process is gone); return the builds restored.

    A killed build's temporary folder is removed. A killed `--force` replacement may have left the
    previous build in its .rectify-old-… folder with nothing in its place: that build is moved back,
    never deleted. A previous build whose place is taken (the replacement finished) is removed.
    """
    restored: list[Path] = []
    if not output.is_dir():
        return restored
    for p in output.iterdir():
        if p.is_dir() and (p.name.startswith(TMP_PREFIX) or p.name.startswith(OLD_PREFIX)):
            try:
                pid = int(p.name.split("-")[2])
            except (IndexError, ValueError):
                continue
            try:
                age = time.time() - p.stat().st_mtime
            except OSError:
                continue
            if not _pid_alive(pid) or (os.name == "nt" and pid != os.getpid() and age > STALE_AFTER):
                if p.name.startswith(OLD_PREFIX):
                    back = _restore_old(p, output)
                    if back is not None:
                        restored.append(back)
                    if (p / OLD_BUILD).exists():
                        continue  # a build we cannot place: never delete it
                shutil.rmtree(p, ignore_errors=True)
    return restored


def _restore_old(old: Path, output: Path) -> Path | None:
    """Move the build kept in `old` back to its name when that place is empty; the path, or None."""
    build = old / OLD_BUILD
    try:
        name = (old / OLD_TARGET).read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not build.is_dir() or Path(name).name != name or name in ("", ".", ".."):
        return None
    target = output / name
    if target.exists() or target.is_symlink():
        shutil.rmtree(build, ignore_errors=True)  # the replacement finished: the old build is obsolete
        return None
    try:
        os.replace(build, target)
    except OSError:
        return None
    return target


def _not_a_folder(where: Path) -> Path:
    """The first of `where` and its parents that exists but is not a folder (else `where` itself)."""
    for p in (where, *where.parents):
        if p.exists() and not p.is_dir():
            return p
    return where


def _describe_os_error(err: OSError, where: Path) -> str:
    """A Chinese explanation of why `where` cannot be written; the system's own text only as a detail."""
    code = getattr(err, "errno", None)
    if isinstance(err, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return f"没有权限写入“{where}”。请换一个有写入权限的输出文件夹（--output），或请管理员开放权限。"
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"磁盘空间不足，无法写入“{where}”。请清理磁盘后重试。"
    if code == errno.EFBIG:
        return f"文件太大，超出了“{where}”所在位置允许的文件大小（或磁盘配额），无法写入。请换一个输出位置（--output）。"
    if code in (errno.EEXIST, errno.ENOTDIR):
        return (f"“{_not_a_folder(where)}”已存在但不是文件夹，无法在其中写入。"
                "请换一个输出位置（--output），或移走这个同名文件。")
    if code == errno.ENOENT:
        return (f"无法写入“{where}”：该位置或它所在的文件夹不存在（可能刚被移动或删除，或网络盘已断开）。"
                "请确认输出位置后重试。")
    if code == errno.EROFS:
        return f"“{where}”所在的磁盘是只读的，无法写入。请换一个可写的输出位置（--output）。"
    if code == errno.ENAMETOOLONG:
        return f"路径“{where}”太长，无法写入。请换一个路径较短的输出位置（--output）。"
    return f"无法写入“{where}”（系统提示：{err.strerror or err}）。请检查该位置是否可写，或换一个输出位置（--output）。"


def _describe_move_error(err: OSError, target: Path) -> str:
    if isinstance(err, PermissionError):
        return (f"无法把生成结果放到“{target}”：该文件夹或其中的文档可能正被其他程序（Word、WPS、资源管理器）打开，"
                "也可能没有写入权限。请关闭已打开的文档或文件夹后重试。")
    return _describe_os_error(err, target.parent)


def write_build(output: Path, name: str, files: dict[str, bytes], force: bool = False,
                pdf: bool = False, pdf_sources: tuple[str, ...] = (),
                protected: set[Path] | None = None) -> ArchiveResult:
    """Write `files` into output/name atomically; never overwrite a different build silently.

    An existing build with the same content (output/name or any output/name-N) is reported "unchanged".
    Otherwise a new folder is written (output/name, or the next free name-N); with `force`, the first
    existing folder whose manifest names the same input file is replaced instead, unless it is in
    `protected` (the folders this run has already reported).
    """
    output = Path(output)
    # A ledger can never steer the folder outside output/: the name is one safe component.
    if Path(name).name != name or name in ("", ".", ".."):
        raise ArchiveError(f"输出文件夹名“{name}”不安全。")
    protected = set() if protected is None else protected
    try:
        output.mkdir(parents=True, exist_ok=True)
        restored = clean_stale(output)
        existing = _builds_named(output, name)
    except OSError as err:
        raise ArchiveError(_describe_os_error(err, output)) from err
    restore_notes = [f"上次用 --force 替换“{p}”时程序被中断，已恢复原来的生成结果。" for p in restored]

    # Same content already built (ignoring PDFs): nothing to write, unless --pdf wants PDFs it lacks.
    lacks_pdfs: Path | None = None
    for folder in existing:
        if _same_content(folder, files):
            if not pdf or _has_pdfs(folder, pdf_sources):
                return ArchiveResult(folder=folder, status="unchanged", pdf_messages=restore_notes)
            lacks_pdfs = lacks_pdfs or folder

    status = "written"
    target: Path | None = None
    dropped_pdfs: list[str] = []
    if force:
        wanted = _input_name(_load_manifest(files.get(MANIFEST, b"")))
        same_ledger = builds_of(output, wanted, [f for f in existing if f not in protected]) if wanted else []
        if same_ledger:
            target, status = same_ledger[-1], "replaced"  # the newest build of this ledger
            if not pdf:
                try:
                    dropped_pdfs = sorted(p.name for p in target.iterdir() if p.suffix.lower() == ".pdf")
                except OSError:
                    dropped_pdfs = []
    if target is None:
        target = _next_free(output, name, existing)

    tmp: Path | None = None
    try:
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=output))
            _hide(tmp)
            for fname, data in files.items():
                with open(tmp / fname, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
            messages: list[str] = []
            if pdf:
                messages = convert_pdfs(tmp, pdf_sources)
                _add_pdfs_to_manifest(tmp, pdf_sources)
                if lacks_pdfs is not None:
                    have = {n for n in _pdf_names(pdf_sources) if (lacks_pdfs / n).is_file()}
                    made = {n for n in _pdf_names(pdf_sources) if (tmp / n).is_file()}
                    if made <= have:  # no PDF gained (LibreOffice missing or failing): keep the existing build
                        return ArchiveResult(folder=lacks_pdfs, status="unchanged", pdf_messages=messages)
                    # Say why a second folder with the same documents appears.
                    if target == lacks_pdfs:
                        why = f"已有相同内容的生成结果“{lacks_pdfs}”（没有 PDF），已替换为带 PDF 的结果。"
                    else:
                        why = f"已有相同内容的生成结果“{lacks_pdfs}”（没有 PDF），为生成 PDF 新建了文件夹“{target}”。"
                    messages.insert(0, why)
            _open_permissions(tmp)
        except OSError as err:
            raise ArchiveError(_describe_os_error(err, output)) from err
        messages[:0] = restore_notes
        if dropped_pdfs:
            messages.append(f"被替换的“{target}”原有 PDF（{'、'.join(dropped_pdfs)}）；本次没有加 --pdf，"
                            "新的生成结果中没有 PDF。需要时请加 --pdf 重新生成。")
        _hide(tmp, hidden=False)
        for attempt in range(_MOVE_ATTEMPTS):
            try:
                _move_into_place(tmp, target, output, replace=status == "replaced")
                break
            except _Vanished:
                # Another forced build of this ledger is between its two renames: the folder to replace
                # is away for a moment. Ours goes in as a new build (or beside theirs, below).
                status = "written"
                continue
            except OSError as err:
                if status == "replaced" or not _taken(err, target) or attempt == _MOVE_ATTEMPTS - 1:
                    raise ArchiveError(_describe_move_error(err, target)) from err
            # Another build of the same ledger (rectify started twice) took the name meanwhile.
            if _same_content(target, files) and (not pdf or _has_pdfs(target, pdf_sources)):
                return ArchiveResult(folder=target, status="unchanged", pdf_messages=messages)
            target = _next_free(output, name, _builds_named(output, name))
        tmp = None
        return ArchiveResult(folder=target, status=status, pdf_messages=messages)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


_MOVE_ATTEMPTS = 20


class _Vanished(Exception):
    """The build folder to replace disappeared before it could be moved aside (a concurrent replacement)."""


def _taken(err: OSError, target: Path) -> bool:
    """True when a rename failed because `target` exists now (another build put it there)."""
    return (isinstance(err, FileExistsError) or err.errno in (errno.EEXIST, errno.ENOTEMPTY)) and target.exists()


def _move_into_place(tmp: Path, target: Path, output: Path, replace: bool) -> None:
    """Rename the finished temporary folder to `target`; when replacing, the old build is restored on failure.

    Replacing takes two renames. Between them the previous build sits in a .rectify-old-… folder
    together with the name it came from, so that if the process is killed there, the next run's
    clean_stale moves it back instead of deleting it.
    """
    if not replace:
        if target.exists() or target.is_symlink():  # os.rename replaces an empty folder on POSIX
            raise FileExistsError(errno.EEXIST, "exists", str(target))
        os.rename(tmp, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f"{OLD_PREFIX}{os.getpid()}-", dir=output))
    try:
        with open(old / OLD_TARGET, "w", encoding="utf-8") as fh:
            fh.write(target.name)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(target, old / OLD_BUILD)
    except FileNotFoundError as err:
        shutil.rmtree(old, ignore_errors=True)
        if not target.exists():
            raise _Vanished() from err
        raise
    except OSError:
        shutil.rmtree(old, ignore_errors=True)
        raise
    try:
        os.replace(tmp, target)
    except OSError:
        try:
            os.replace(old / OLD_BUILD, target)  # put the previous build back
        except OSError:
            pass  # it stays in the hidden folder; the next run's clean_stale moves it back
        else:
            shutil.rmtree(old, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def find_soffice() -> str | None:
    """The LibreOffice command, when installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (Path(r"C:\Program Files\LibreOffice\program\soffice.exe"),
                      Path(r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"),
                      Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")):
        if candidate.exists():
            return str(candidate)
    return None


# PDF/A-2b export through LibreOffice's writer_pdf_Export filter options.
_PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


def _convert_cmd(soffice: str, profile: Path, folder: Path, names: list[str]) -> list[str]:
    """The LibreOffice command converting `names` in `folder` to PDF beside them, with its own profile."""
    return [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--convert-to", _PDF_FILTER, "--outdir", str(folder), *[str(folder / s) for s in names]]


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    if os.name == "nt":
        try:
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30, check=False)
        except (OSError, subprocess.SubprocessError):
            pass
        proc.kill()
    else:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            proc.kill()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


# LibreOffice processes converting at once at most (each holds a few hundred MB while laying out).
PDF_PROCESSES_MAX = 4


def pdf_processes(count: int) -> int:
    """How many LibreOffice processes convert `count` documents: one a core the build may use, at most
    PDF_PROCESSES_MAX (one LibreOffice lays out its documents one after the other, on one core)."""
    try:
        cores = len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, count, PDF_PROCESSES_MAX))


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


def _run_all_in_own_groups(cmds: list[list[str]], env: dict[str, str], timeout: float,
                           pass_fds: list[list[int]] | None = None) -> None:
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
    try:
        for i, cmd in enumerate(cmds):
            fds = tuple(pass_fds[i]) if pass_fds and pass_fds[i] else ()
            procs.append(subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, env=env, **kwargs,
                                          **({"pass_fds": fds} if fds else {})))
        for proc in procs:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except BaseException:  # timeout, Ctrl-C, a process that cannot start: no LibreOffice may outlive the build
        for proc in procs:
            _kill_group(proc)
        raise
    finally:
        for proc in procs:
            if proc.poll() is None:
                _kill_group(proc)


def convert_pdfs(folder: Path, sources: tuple[str, ...]) -> list[str]:
    """Convert documents in `folder` to PDF beside them; return messages for what failed.

    With more than one core the documents are shared among LibreOffice processes running at once, each
    with its own profile (one profile admits one process), kept between builds (pipeline.loprofile)."""
    soffice = find_soffice()
    if soffice is None:
        return ["未找到 LibreOffice，已生成 Word 文档但没有生成 PDF。如需 PDF，请安装 LibreOffice"
                "（Windows 可从 libreoffice.org 下载；Debian/Ubuntu：sudo apt-get install libreoffice-writer-nogui）。"]
    env = dict(os.environ)
    fonts = Path(__file__).with_name("fonts.conf")
    if fonts.exists() and os.name != "nt" and "FONTCONFIG_FILE" not in env:
        env["FONTCONFIG_FILE"] = str(fonts)  # map the Windows font names to installed CJK fonts
    batches = _pdf_batches(folder, sources, pdf_processes(len(sources)))

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
            return [f"LibreOffice 转换超时（{PDF_TIMEOUT} 秒），以下文档没有生成 PDF：{'、'.join(pdf_missing(sources))}。"
                    "Word 文档已生成，可以在 Word 中另存为 PDF。"]
        except OSError as err:
            return [f"无法启动 LibreOffice（{err}），没有生成 PDF。Word 文档已生成，可以在 Word 中另存为 PDF。"]
        # A LibreOffice that converted nothing with a kept profile may have failed on the profile: its
        # documents once more, with a new one (a document that fails on its own is not tried twice).
        failed = [(profile, batch) for profile, batch in zip(kept.paths, batches)
                  if profile in kept.locks and len(pdf_missing(batch)) == len(batch)]
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
