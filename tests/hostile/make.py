"""Generators of hostile inputs: ledgers, raw zip edits, templates. Everything is made at run time."""

from __future__ import annotations

import copy
import io
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any, Callable

from conftest import BASE, TEMPLATES, fill_workbook

from pipeline.ledger.blank import blank_workbook

Parts = dict[str, bytes]


def ledger(path: Path, change: Callable[[dict[str, Any]], None] | None = None,
           edit: Callable[[Any], None] | None = None) -> Path:
    """A valid small ledger (conftest.BASE), changed by `change(data)` then `edit(workbook)`."""
    data = copy.deepcopy(BASE)
    if change:
        change(data)
    wb = _blank()
    fill_workbook(wb, data)
    if edit:
        edit(wb)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _blank() -> Any:
    """A blank ledger without example rows (newer blank ledgers carry an example row per sheet)."""
    import inspect
    if "examples" in inspect.signature(blank_workbook).parameters:
        return blank_workbook(examples=False)
    return blank_workbook()


def read_parts(path: Path) -> Parts:
    """Every part of a zip package, by name."""
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_parts(path: Path, parts: Parts) -> Path:
    """Write parts as a zip package."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def rezip(path: Path, edit: Callable[[Parts], None]) -> Path:
    """Edit a package's parts in place."""
    parts = read_parts(path)
    edit(parts)
    return write_parts(path, parts)


def sub(parts: Parts, name: str, old: str, new: str, count: int = 1) -> None:
    """Replace text inside one XML part (the text must be there)."""
    text = parts[name].decode("utf-8")
    assert old in text, (old, name)
    parts[name] = text.replace(old, new, count).encode("utf-8")


def sheet_part(path: Path, title: str) -> str:
    """The zip part name of the sheet called `title`."""
    parts = read_parts(path)
    book = parts["xl/workbook.xml"].decode("utf-8")
    rid = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="([^"]+)"', book)
    assert rid, title
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    target = re.search(rf'<Relationship [^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or \
        re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def templates(folder: Path, name: str | None = None, edit: Callable[[Parts], None] | None = None) -> Path:
    """A copy of the shipped templates, with `edit` applied to the parts of `name`."""
    shutil.copytree(TEMPLATES, folder)
    if name and edit:
        rezip(folder / name, edit)
    return folder


def tag_in_body(tag: str, name: str = "通报.docx", anchor: str | None = None) -> Callable[[Parts], None]:
    """An edit that puts `tag` into a template's body in place of one existing tag."""
    old = anchor or "{{ title }}"  # the one tag every template has, whatever its layout

    def edit(parts: Parts) -> None:
        sub(parts, "word/document.xml", old, tag.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    return edit


def add_relationship(rels_part: str, rel_type: str, target: str, external: bool = True,
                     owner_rels_missing_ok: bool = True) -> Callable[[Parts], None]:
    """An edit that adds one relationship to a .rels part (creating the part if needed)."""
    def edit(parts: Parts) -> None:
        mode = ' TargetMode="External"' if external else ""
        rel = f'<Relationship Id="rIdHostile" Type="{rel_type}" Target="{target}"{mode}/>'
        if rels_part in parts:
            sub(parts, rels_part, "</Relationships>", rel + "</Relationships>")
        else:
            parts[rels_part] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                + rel + "</Relationships>").encode("utf-8")
    return edit


def big_zero_part(size: int) -> bytes:
    """`size` bytes that compress to almost nothing."""
    return b"\0" * size


def stream_big_sheet(path: Path, part: str, rows: int) -> None:
    """Replace a sheet part by one with `rows` rows of repeated cells, written in chunks (a zip bomb)."""
    parts = read_parts(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in parts.items():
            if name != part:
                zf.writestr(name, data)
        with zf.open(part, "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main"><sheetData>')
            row = b"".join(b'<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(20))
            chunk = b"".join(b"<row>" + row + b"</row>" for _ in range(1000))
            for _ in range(rows // 1000):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")


def many_cells_sheet(path: Path, part: str, cells: int) -> None:
    """Replace a sheet part by one with `cells` numeric cells of random digits (compresses only ~3 times)."""
    import random
    parts = read_parts(path)
    rng = random.Random(8)
    digits = bytes(range(48, 58))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in parts.items():
            if name != part:
                zf.writestr(name, data)
        with zf.open(part, "w", force_zip64=True) as fh:
            fh.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            per_row = 10
            for _ in range(cells // per_row):
                noise = rng.randbytes(per_row * 6).translate(bytes(digits[b % 10] for b in range(256)))
                fh.write(b"<row>" + b"".join(b"<c><v>" + noise[i * 6:(i + 1) * 6] + b"</v></c>"
                                             for i in range(per_row)) + b"</row>")
            fh.write(b"</sheetData></worksheet>")


def docx_bytes_of(folder: Path) -> dict[str, bytes]:
    """The .docx files of a build folder."""
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.docx"))}


__all__ = ["ledger", "read_parts", "write_parts", "rezip", "sub", "sheet_part", "templates", "tag_in_body",
           "add_relationship", "big_zero_part", "stream_big_sheet", "many_cells_sheet", "docx_bytes_of", "io"]


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A compound file ([MS-CFB] version 3, 512-byte sectors) holding `streams` (each at least 4096 bytes,
    so none goes to the mini stream) in order, its directory in the last sector: after a large stream it
    sits far from the start, as in a large encrypted workbook."""
    import struct
    size = 512
    data_sectors: list[bytes] = []
    starts = []
    for content in streams.values():
        assert len(content) >= 4096
        starts.append(len(data_sectors))
        padded = content + b"\0" * (-len(content) % size)
        data_sectors += [padded[i:i + size] for i in range(0, len(padded), size)]
    n_data = len(data_sectors) + 1  # the directory sector last
    fats = 1
    while fats * 128 < fats + n_data:
        fats += 1
    assert fats <= 109
    fat = [0xFFFFFFFD] * fats  # FAT sectors first
    for (name, content), start in zip(streams.items(), starts):
        count = -(-len(content) // size)
        fat += [fats + start + i + 1 for i in range(count - 1)] + [0xFFFFFFFE]
    directory_sector = len(fat)
    fat.append(0xFFFFFFFE)
    fat += [0xFFFFFFFF] * (fats * 128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, length: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", 0xFFFFFFFF, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start, length))

    names = list(streams)
    entries = entry("Root Entry", 5, 1, 0xFFFFFFFF, 0xFFFFFFFE, 0)
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else 0xFFFFFFFF
        entries += entry(name, 2, 0xFFFFFFFF, right, fats + starts[i], len(streams[name]))
    entries = entries.ljust(size, b"\0")
    difat = [*range(fats)] + [0xFFFFFFFF] * (109 - fats)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<9I", 0, fats, directory_sector, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
              + struct.pack("<109I", *difat))
    assert len(header) == 512
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    return header + fat_bytes + b"".join(data_sectors) + entries
