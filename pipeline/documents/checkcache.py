"""Remembers template sets that passed the trial render, so that a build skips re-checking them.

A build trial-renders its templates before anything else (pipeline.documents.lint.require_valid): on the
example ledger that was a fifth of the build. A set that passed is recorded by a key made of every
template's bytes and of this program's own code, in a small file in the user's cache folder; a build
whose key is recorded skips the trial. A template edited, added or removed, or another version of
rectify, makes another key and the check runs again. `rectify templates check` never consults it.
The cache is best effort: a cache folder that cannot be read or written only means checking again."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from pipeline.fsutil import NotRegularFile, cache_dir, read_plain, write_atomic

# Keys kept: enough for an office's few template folders, small enough to read in no time.
MAX_KEYS = 32
FILE_NAME = "templates-checked.json"


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """Digest of this package's source and the docxtpl/Jinja versions: new checks or a new engine re-check."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for dist in ("docxtpl", "jinja2", "python-docx", "lxml"):
        try:
            h.update(f"{dist}={version(dist)}\0".encode())
        except PackageNotFoundError:
            h.update(f"{dist}=?\0".encode())
    return h.hexdigest()


def templates_key(directory: Path, names: Iterable[str], contents: Mapping[str, bytes] | None = None) -> str | None:
    """The key of the templates `names` in `directory` as they are now (None when one cannot be read);
    `contents` holds the bytes of those the caller has already read."""
    h = hashlib.sha256(_code_digest().encode())
    for name in names:
        path = Path(directory) / name
        try:
            if contents is not None and name in contents:
                data: bytes | None = contents[name]
            else:
                data = path.read_bytes() if path.exists() else None
        except OSError:
            return None
        h.update(name.encode() + b"\0")
        h.update(b"missing" if data is None else hashlib.sha256(data).digest())
    return h.hexdigest()


# The record holds MAX_KEYS hex digests: anything much larger is not ours.
_READ_LIMIT = 64 * 1024


def _read(path: Path) -> list[str]:
    """The keys recorded, or [] when the record is missing, unreadable, not a regular file of this user
    (a link, a pipe, someone else's file), larger than a record can be, or not a list of strings."""
    try:
        keys = json.loads(read_plain(path, _READ_LIMIT, own=True).decode("utf-8"))
    except (OSError, ValueError, NotRegularFile, RecursionError):
        return []
    return [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []


def is_checked(key: str | None) -> bool:
    """True when a template set with this key has passed the trial render before."""
    try:
        return key is not None and key in _read(cache_dir() / FILE_NAME)
    except OSError:  # no cache folder: check again
        return False


def remember(key: str | None) -> None:
    """Record that the template set with this key passed (most recent last, at most MAX_KEYS kept)."""
    if key is None:
        return
    try:
        folder = cache_dir()
        path = folder / FILE_NAME
        keys = [k for k in _read(path) if k != key][-(MAX_KEYS - 1) :] + [key]
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, lambda fh: fh.write(json.dumps(keys).encode("utf-8")))
    except OSError:
        pass
