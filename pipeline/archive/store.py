"""Writing a build: a temporary folder moved into place, replacing, stale folders cleaned up."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.archive.manifest import (
    MANIFEST,
    PDF_KEY,
    READ_LIMIT,
    _input_name,
    _load_manifest,
    _manifest_sans_pdf,
    builds_of,
    edited_files,
    manifest_bytes,
    sha256,
)
from pipeline.archive.naming import _builds_named, _next_free
from pipeline.archive.pdf import _has_pdfs, _pdf_names, convert_pdfs
from pipeline.errors import ArchiveError
from pipeline.fsutil import NotRegularFile, current_umask, os_error_reason, read_plain

TMP_PREFIX = ".rectify-tmp-"
OLD_PREFIX = ".rectify-old-"


@dataclass
class ArchiveResult:
    """Where a build went and what happened to it."""

    folder: Path
    status: str  # "written" | "unchanged" | "replaced"
    pdf_messages: list[str] = field(default_factory=list)


def _same_content(folder: Path, files: dict[str, bytes]) -> bool:
    """True when `folder` already holds exactly these files with these bytes, PDFs and their manifest entries aside."""
    try:
        present = {p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() != ".pdf"}
        if present != set(files):
            return False
        for name, data in files.items():
            existing = read_plain(folder / name, len(data) + READ_LIMIT)  # never through a link, a pipe
            if name == MANIFEST:
                if existing != data and _manifest_sans_pdf(existing) != _manifest_sans_pdf(data):
                    return False
            elif existing != data:
                return False
        return True
    except (OSError, NotRegularFile):
        return False


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
        if p.is_symlink():  # never ours (mkdtemp makes folders): following it would act on what it points at
            if p.name.startswith((TMP_PREFIX, OLD_PREFIX)):
                p.unlink(missing_ok=True)  # the link itself, in our own namespace; never what it points at
            continue
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
        name = read_plain(old / OLD_TARGET, 4096).decode("utf-8").strip()
    except (OSError, NotRegularFile, UnicodeDecodeError):
        return None
    if build.is_symlink() or not build.is_dir() or Path(name).name != name or name in ("", ".", ".."):
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
        return (
            f"文件太大，超出了“{where}”所在位置允许的文件大小（或磁盘配额），无法写入。请换一个输出位置（--output）。"
        )
    if code in (errno.EEXIST, errno.ENOTDIR):
        return (
            f"“{_not_a_folder(where)}”已存在但不是文件夹，无法在其中写入。"
            "请换一个输出位置（--output），或移走这个同名文件。"
        )
    if code == errno.ENOENT:
        return (
            f"无法写入“{where}”：该位置或它所在的文件夹不存在（可能刚被移动或删除，或网络盘已断开）。"
            "请确认输出位置后重试。"
        )
    if code == errno.EROFS:
        return f"“{where}”所在的磁盘是只读的，无法写入。请换一个可写的输出位置（--output）。"
    if code == errno.ENAMETOOLONG:
        return f"路径“{where}”太长，无法写入。请换一个路径较短的输出位置（--output）。"
    return f"无法写入“{where}”：{os_error_reason(err)}。请检查该位置是否可写，或换一个输出位置（--output）。"


def _describe_move_error(err: OSError, target: Path) -> str:
    if isinstance(err, PermissionError):
        return (
            f"无法把生成结果放到“{target}”：该文件夹或其中的文档可能正被其他程序（Word、WPS、资源管理器）打开，"
            "也可能没有写入权限。请关闭已打开的文档或文件夹后重试。"
        )
    return _describe_os_error(err, target.parent)


def write_build(
    output: Path,
    name: str,
    files: dict[str, bytes],
    force: bool = False,
    pdf: bool = False,
    pdf_sources: tuple[str, ...] = (),
    protected: set[Path] | None = None,
    replace_edited: bool = False,
) -> ArchiveResult:
    """Write `files` into output/name atomically; never overwrite a different build silently.

    An existing build with the same content (output/name or any output/name-N) is reported "unchanged".
    Otherwise a new folder is written (output/name, or the next free name-N); with `force`, the first
    existing folder whose manifest names the same input file is replaced instead, unless it is in
    `protected` (the folders this run has already reported). A folder to replace whose files differ from its
    manifest (edited by hand) is refused, unless `replace_edited`: then the edited files are first copied
    aside into output/已修改的文件-<time>/<folder>/. A --pdf build whose documents equal an existing build
    that lacks PDFs adds them to that build (replacing it with the same documents and the PDFs).
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
    if target is None and lacks_pdfs is not None:
        target, status = lacks_pdfs, "replaced"  # the same documents: add the PDFs, no second folder
    if target is None:
        target = _next_free(output, name, existing)
    kept_aside = _keep_edited(output, target, replace_edited) if status == "replaced" else None

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
                        why = f"已有相同内容的生成结果“{lacks_pdfs}”（没有 PDF），已在其中加上 PDF。"
                    else:
                        why = f"已有相同内容的生成结果“{lacks_pdfs}”（没有 PDF），为生成 PDF 新建了文件夹“{target}”。"
                    messages.insert(0, why)
            _open_permissions(tmp)
        except OSError as err:
            raise ArchiveError(_describe_os_error(err, output)) from err
        messages[:0] = restore_notes
        if kept_aside is not None:
            messages.append(f"“{target}”中修改过的文件已先复制到“{kept_aside}”，替换后仍可在那里找到。")
        if dropped_pdfs:
            messages.append(
                f"被替换的“{target}”原有 PDF（{'、'.join(dropped_pdfs)}）；本次没有加 --pdf，"
                "新的生成结果中没有 PDF。需要时请加 --pdf 重新生成。"
            )
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
EDITED_PREFIX = "已修改的文件-"


def _keep_edited(output: Path, target: Path, replace_edited: bool) -> Path | None:
    """Refuse to replace a build whose files were edited by hand, or with `replace_edited` copy those files
    aside first; the folder they were copied to, or None when nothing was edited."""
    edited = edited_files(target)
    if not edited:
        return None
    names = "、".join(edited)
    if not replace_edited:
        raise ArchiveError(
            f"没有替换“{target}”：其中的 {names} 与生成时不同（可能在 Word 中修改过，或是另外放进去的文件），"
            "替换会丢失这些修改。请先把需要的文件复制到别处；确定要替换时加 --replace-edited"
            f"（修改过的文件会先复制到“{output / (EDITED_PREFIX + '时间')}”中）。不加 --force 时本次会另建新文件夹。"
        )
    aside = output / f"{EDITED_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}" / target.name
    try:
        aside.mkdir(parents=True, exist_ok=True)
        for fname in edited:
            shutil.copy2(target / fname, aside / fname)
    except OSError as err:
        raise ArchiveError(_describe_os_error(err, aside)) from err
    return aside


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
