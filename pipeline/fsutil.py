"""File-system helpers shared by every stage: regular files only, the umask, atomic writes, the user cache folder."""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO, Callable

from pipeline.errors import OutputExistsError, UsageError


def cache_dir() -> Path:
    """Where the record lives: $RECTIFY_CACHE_DIR, else the platform's user cache folder. OSError when
    there is none (no HOME, a user the system does not know): callers then work without a cache."""
    if os.environ.get("RECTIFY_CACHE_DIR"):
        return Path(os.environ["RECTIFY_CACHE_DIR"])
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "rectify"
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError, OSError) as err:  # no HOME and a user unknown to the system
            raise FileNotFoundError(errno.ENOENT, "no home folder for the cache") from err
    return Path(base) / "rectify"


# Why a file operation failed, in Chinese, for the errors a clerk's machine gives.
_OS_ERRORS = {
    "ENOENT": "文件或文件夹不存在",
    "EACCES": "没有权限",
    "EPERM": "没有权限（操作不被允许）",
    "EISDIR": "这是一个文件夹，不是文件",
    "ENOTDIR": "路径中的某一级不是文件夹",
    "ENAMETOOLONG": "路径或文件名太长（超过了文件系统允许的长度）",
    "ELOOP": "路径中的符号链接太多或构成了循环",
    "ENOSPC": "磁盘空间不足",
    "EDQUOT": "超出了磁盘配额",
    "EFBIG": "文件太大",
    "EROFS": "磁盘是只读的",
    "EBUSY": "文件正被占用",
    "ETXTBSY": "文件正被占用",
    "EEXIST": "同名的文件或文件夹已存在",
    "ENOTEMPTY": "文件夹不是空的",
    "EXDEV": "不能跨磁盘移动",
    "EMFILE": "同时打开的文件太多",
    "ENFILE": "系统同时打开的文件太多",
    "EIO": "磁盘读写出错（可能是设备或网络盘故障）",
    "ENXIO": "设备不存在或没有连接",
    "ENODEV": "设备不存在",
    "EINVAL": "名称或参数无效（可能含有系统不允许的字符）",
    "EPIPE": "输出已被关闭",
    "ETIMEDOUT": "访问超时（可能是网络盘断开）",
    "EHOSTDOWN": "网络盘所在的主机不可用",
    "ESTALE": "网络盘上的文件已失效，请重新打开",
}


def os_error_reason(err: OSError) -> str:
    """Why `err` happened, in Chinese; the system's own (often English) text only for an unknown code."""
    if isinstance(err, PermissionError) and err.errno not in (errno.EACCES, errno.EPERM):
        return "没有权限"
    code = getattr(err, "errno", None)
    for name, reason in _OS_ERRORS.items():
        if code is not None and code == getattr(errno, name, None):
            return reason
    return f"系统错误（代码 {code}：{err.strerror or err}）" if code is not None else f"系统错误（{err}）"


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


def _no_follow_fd(path: os.PathLike[str] | str, flags: int, mode: int = 0o666) -> int:
    """os.open without following a symbolic link at `path` (O_NOFOLLOW; on Windows a link or junction is
    refused before opening), never blocking on a named pipe; the descriptor is checked to be a regular
    file with one name (a hard link would write into another file)."""
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    nonblock = getattr(os, "O_NONBLOCK", 0)
    if not nofollow and (os.path.islink(path) or _is_junction(path)):
        raise NotRegularFile("符号链接")
    try:
        fd = os.open(path, flags | nofollow | nonblock | getattr(os, "O_BINARY", 0), mode)
    except OSError as err:
        if err.errno == errno.ELOOP or (err.errno == errno.EMLINK and nofollow):  # the link itself (BSD: EMLINK)
            raise NotRegularFile("符号链接") from err
        if err.errno == errno.ENXIO and flags & os.O_WRONLY:  # a named pipe nobody reads
            raise NotRegularFile("命名管道") from err
        if err.errno == errno.EISDIR:
            raise NotRegularFile("文件夹") from err
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(_kind(info.st_mode))
        if info.st_nlink > 1:
            raise NotRegularFile("硬链接（与其他文件共用内容）")
        if nonblock:
            os.set_blocking(fd, True)
        return fd
    except BaseException:
        os.close(fd)
        raise


def _is_junction(path: os.PathLike[str] | str) -> bool:
    is_junction = getattr(os.path, "isjunction", None)  # Python 3.12+
    return bool(is_junction(path)) if is_junction is not None else False


def read_plain(path: os.PathLike[str] | str, limit: int, own: bool = False) -> bytes:
    """The bytes of `path` when it is a regular file of at most `limit` bytes, not reached through a
    symbolic link (a file in the output folder, which anyone may have replaced); with `own`, only a file
    of this user (a cache entry). Raises NotRegularFile or OSError (EFBIG when it is larger)."""
    fd = _no_follow_fd(path, os.O_RDONLY)
    getuid = getattr(os, "getuid", None)
    if own and getuid is not None and os.fstat(fd).st_uid != getuid():
        os.close(fd)
        raise NotRegularFile("其他用户的文件")
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, "too large", str(path))
    return data


def open_append_plain(path: os.PathLike[str] | str) -> IO[bytes]:
    """Open `path` for appending, created when missing, only when it is a regular file of its own: never
    through a symbolic link, never a pipe or device (NotRegularFile says what it is)."""
    fd = _no_follow_fd(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    return os.fdopen(fd, "ab")


class NotRegularFile(ValueError):
    """Raised by open_regular when the path is a folder, pipe, device or socket."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "符号链接"
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
