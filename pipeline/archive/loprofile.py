"""LibreOffice profiles kept between builds, one for each LibreOffice running at once.

LibreOffice sets up a new user profile (a folder of settings and caches) the first time it runs with
it; a build that gave every conversion a fresh temporary profile paid that set-up every time (close
to a second a process on a 2-core machine, more on Windows). The profiles now live in the user's cache
folder (pipeline.checkcache.cache_dir: RECTIFY_CACHE_DIR, %LOCALAPPDATA%\rectify or ~/.cache/rectify)
and are reused. Each is locked while a LibreOffice uses it (an operating-system lock, released when the
build ends however it ends), so two builds at once never share one: the second takes another slot, or
temporary profiles when all are in use or the cache folder cannot be written. A profile whose
conversion failed or timed out is deleted, to be set up afresh next time."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from pipeline.fsutil import cache_dir

# Kept profiles at most (builds at once × processes a build): a few hundred KB to a few MB each.
SLOTS = 8


def _lock(path: Path) -> IO[bytes] | None:
    """The lock file at `path`, opened and locked for this process; None when another holds it."""
    try:
        fh = open(path, "a+b")  # noqa: SIM115 - held open for as long as the lock is held
    except OSError:
        return None
    try:
        if os.name == "nt":
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        return None
    return fh


def _unlock(fh: IO[bytes]) -> None:
    try:
        if os.name == "nt":
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    except OSError:
        pass
    fh.close()  # (flock is released with the file)


class Profiles:
    """The profile folders of one conversion: `paths[i]` for the i-th LibreOffice; `locks` the lock file
    descriptor of each kept one (given to its LibreOffice, so that a LibreOffice outliving a killed
    build still holds the profile and the next build takes another)."""

    def __init__(self, paths: list[Path], locks: dict[Path, int]) -> None:
        self.paths = paths
        self.locks = locks

    @property
    def kept(self) -> set[Path]:
        """The kept (not temporary) profiles."""
        return set(self.locks)

    def discard(self, path: Path) -> None:
        """Delete a kept profile (its conversion failed): the next build sets it up afresh."""
        if path in self.locks:
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def profiles(count: int, root: Path | None = None, keep: bool = True) -> Iterator[Profiles]:
    """`count` profile folders for LibreOffice processes running at once: kept ones under `root`
    (default: the user's cache folder) where a slot is free, temporary ones for the rest (all of them
    temporary when not `keep`). LibreOffice itself copes with the lock file a killed LibreOffice left
    in a profile (same user and machine): it is left alone."""
    held: dict[Path, IO[bytes]] = {}
    try:
        try:
            if root is None:
                root = cache_dir() / "libreoffice"
            if keep:
                root.mkdir(parents=True, exist_ok=True)
            for slot in range(SLOTS if keep else 0):
                if len(held) == count:
                    break
                lock = _lock(root / f"p{slot}.lock")
                if lock is not None:
                    held[root / f"p{slot}"] = lock
        except OSError:
            pass  # no cache folder: temporary profiles
        paths = list(held)
        with tempfile.TemporaryDirectory(prefix="rectify-lo-", ignore_cleanup_errors=True) as tmp:
            paths += [Path(tmp) / f"p{i}" for i in range(count - len(paths))]
            yield Profiles(paths, {p: fh.fileno() for p, fh in held.items()})
    finally:
        for lock in held.values():
            _unlock(lock)
