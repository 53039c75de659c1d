"""File-system helpers shared by every stage: regular files only, the umask, atomic writes, the user cache folder."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO, Callable

from pipeline.errors import OutputExistsError, UsageError


def cache_dir() -> Path:
    """Where the record lives: $RECTIFY_CACHE_DIR, else the platform's user cache folder."""
    if os.environ.get("RECTIFY_CACHE_DIR"):
        return Path(os.environ["RECTIFY_CACHE_DIR"])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "rectify"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rectify"


def open_regular(path: os.PathLike[str] | str) -> IO[bytes]:
    """Open `path` for reading only when it is a regular file; never blocks on a named pipe or device.

    Raises NotRegularFile (naming what it is) for anything else, OSError when it cannot be opened.
    """
    nonblock = getattr(os, "O_NONBLOCK", 0)  # POSIX: opening a FIFO must not wait for a writer
    fd = os.open(path, os.O_RDONLY | nonblock | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(_kind(mode))
        if nonblock:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class NotRegularFile(ValueError):
    """Raised by open_regular when the path is a folder, pipe, device or socket."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "文件夹"
    if stat.S_ISFIFO(mode):
        return "命名管道"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "特殊文件"


def write_atomic(path: Path, write: Callable[[IO[bytes]], object], replace: bool = True) -> None:
    """Write `path` whole or not at all: `write` fills a temporary file in the same folder, which then takes
    the name in one rename (a reader never sees half a file; an interrupted write leaves no trace).
    Without `replace`, a file that appeared meanwhile is kept and OutputExistsError raised.

    The one way this package writes a file in place (the blank ledger, the template check record); a build
    is written the same way a folder at a time (archive.store)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=".rectify-", suffix=path.suffix, dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        if not replace and (path.exists() or path.is_symlink()):  # appeared while we were writing
            raise OutputExistsError(f"“{path}”已存在，不会覆盖。请换一个文件名，或先移走原文件。")
        # mkstemp makes the file readable by its owner only; a new file gets the mode the umask gives.
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_new_file(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write a file that must not exist yet (write_atomic, never replacing); `write` fills it."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise OutputExistsError(f"“{path}”已存在，不会覆盖。请换一个文件名，或先移走原文件。")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"文件夹“{folder}”不存在。请先创建它或换一个位置。")
    write_atomic(path, write, replace=False)


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
