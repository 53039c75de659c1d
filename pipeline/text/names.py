"""Names made safe for every file system and display: Windows-safe file names, byte limits, 发文字号 spelling."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

import re
import unicodedata

NAME_MAX_BYTES = 200  # UTF-8 bytes of a folder or file name we make (255 is the usual limit; room for "-N")


def fit_bytes(name: str, max_bytes: int = NAME_MAX_BYTES) -> str:
    """`name` cut (at a character boundary) so that its UTF-8 form takes at most `max_bytes` bytes."""
    data = display_text(name).encode("utf-8")
    if len(data) <= max_bytes:
        return display_text(name)
    return data[:max_bytes].decode("utf-8", "ignore")


def display_text(text: str) -> str:
    """`text` with undecodable bytes of a file name (surrogate escapes) shown as U+FFFD, so it can be
    written as UTF-8 (manifest, --json) and printed."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return (
            text.encode("utf-8", "surrogateescape")
            .decode("utf-8", "replace")
            .encode("utf-8", "replace")
            .decode("utf-8")
        )


# ---------------------------------------------------------------------------
# File names

_FORBIDDEN_NAME_CHARS = frozenset('<>:"/\\|?*')
_RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"] + [f"{dev}{i}" for dev in ("COM", "LPT") for i in "123456789¹²³"]
)


def _is_reserved(name: str) -> bool:
    """Return True when Windows maps name to a device: CON, con.txt, "NUL .tar.gz", COM¹ …"""
    return name.partition(".")[0].rstrip(" ").upper() in _RESERVED_NAMES


def _name_char_ok(ch: str) -> bool:
    # Cc covers C0, DEL and C1 controls; Cs lone surrogates cannot be encoded as a file name at all.
    return ch not in _FORBIDDEN_NAME_CHARS and unicodedata.category(ch) not in ("Cc", "Cs")


def safe_filename(name: str, max_len: int = 80) -> str:
    """Return name made safe as a Windows file or folder name of at most max_len characters."""
    if max_len < 1:
        raise ValueError(f"max_len must be at least 1, got {max_len}")
    # Replacing "/" and "\\" leaves no separators, so ".." can only be the whole name — and the
    # dot-stripping below turns that into "" and then "_".
    text = "".join(ch if _name_char_ok(ch) else "_" for ch in name)
    # Windows drops trailing dots and spaces itself; leading ones hide the file or look like "..".
    text = text.strip(". ")[:max_len].rstrip(". ")
    if not text:
        return "_"
    if _is_reserved(text):
        device_len = len(text.partition(".")[0].rstrip(" "))
        fixed = text[:device_len] + "_" + text[device_len:]
        if len(fixed) > max_len:
            # No room for the whole name plus "_": cut the tail after the "_" (con_.t), or, when even the
            # device name fills max_len, overwrite its last character (con → co_).
            fixed = fixed[:max_len] if max_len > device_len else text[: max_len - 1] + "_"
        text = fixed.rstrip(". ")
    return text


# 发文字号: 机关代字, the year in 六角括号 〔〕, the number without 第 and without leading zeros, 号.
# Brackets typed instead of 〔〕: [] 【】 () （） ［］ ﹝﹞ 「」 and a 〔 paired with another closing one.
_DOC_NUMBER_RE = re.compile(
    r"^(?P<prefix>.*?)\s*[〔\[【(（［﹝「]\s*(?P<year>\d{4})\s*[〕\]】)）］﹞」]\s*第?\s*(?P<number>\d+)\s*号$"
)


def correct_doc_number(text: str) -> str | None:
    """The standard form of a 发文字号 (GB/T 9704 7.2.4: 东工党〔2024〕12号), or None when `text` is not
    recognisably one (then nothing can be suggested). Returns `text` itself when it is already right."""
    text = text.strip()
    m = _DOC_NUMBER_RE.match(text)
    if m is None:
        return None
    return f"{m.group('prefix').strip()}〔{m.group('year')}〕{int(m.group('number'))}号"
