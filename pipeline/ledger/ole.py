"""The stream names of an OLE compound file (old .xls, or an encrypted .xlsx), read from its directory.

An encrypted .xlsx is a compound file holding the streams EncryptionInfo and EncryptedPackage; an old
.xls holds Workbook (or Book). The directory may sit anywhere in the file (after a large encrypted
package, at its end), so it is found the way the format says ([MS-CFB]): the header names the first
directory sector and the FAT sectors, and the FAT chains the directory's sectors. Every step is bounded
by the file's own number of sectors; a damaged file gives what could be read.
"""

from __future__ import annotations

import struct

_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADER_DIFAT = 109  # FAT sector numbers held in the header
_LAST_SECTOR = 0xFFFFFFFA  # larger numbers are markers (free, end of chain, FAT, DIFAT)
_ENTRY = 128  # bytes of one directory entry
_MAX_ENTRIES = 100_000  # directory entries read at most (a ledger's compound file has a handful)


def stream_names(data: bytes) -> set[str]:
    """The names in the directory of the compound file `data` (empty when it cannot be read)."""
    if len(data) < 512 or not data.startswith(_MAGIC):
        return set()
    shift = struct.unpack_from("<H", data, 30)[0]
    if shift not in (9, 12):  # 512-byte sectors (version 3) or 4096 (version 4)
        return set()
    size = 1 << shift
    sectors = max(len(data) - 1, 0) // size  # the header takes sector -1; a last partial sector counts

    def sector(i: int) -> bytes:
        start = size + i * size  # sector 0 follows the header, which takes one sector
        return data[start : start + size]

    per_sector = size // 4
    fat_sectors = [n for n in struct.unpack_from(f"<{_HEADER_DIFAT}I", data, 76) if n < sectors]
    difat, difat_count = struct.unpack_from("<II", data, 68)
    seen: set[int] = set()
    while difat < sectors and difat not in seen and len(seen) < min(difat_count, sectors):
        seen.add(difat)
        entries = struct.unpack_from(f"<{per_sector}I", sector(difat))
        fat_sectors += [n for n in entries[:-1] if n < sectors]
        difat = entries[-1]

    def next_sector(i: int) -> int:
        k = i // per_sector
        if k >= len(fat_sectors):
            return 0xFFFFFFFE
        return struct.unpack_from("<I", sector(fat_sectors[k]), (i % per_sector) * 4)[0]

    names: set[str] = set()
    current = struct.unpack_from("<I", data, 48)[0]
    visited: set[int] = set()
    while current < min(sectors, _LAST_SECTOR) and current not in visited and len(names) < _MAX_ENTRIES:
        visited.add(current)
        block = sector(current)
        for offset in range(0, len(block) - _ENTRY + 1, _ENTRY):
            length, kind = struct.unpack_from("<HB", block, offset + 64)
            if kind in (1, 2, 5) and 2 <= length <= 64 and length % 2 == 0:
                names.add(block[offset : offset + length - 2].decode("utf-16-le", "replace"))
        current = next_sector(current)
    return names
