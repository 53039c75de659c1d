"""The build manifest, the archive's index (生成记录.csv) and the history of a ledger's builds."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pipeline.fsutil import NotRegularFile, open_append_plain, read_plain
from pipeline.text.names import display_text, safe_filename

MANIFEST = "manifest.json"
# Files of the output folder read back (a manifest, the index): anyone may have replaced them, so they are
# read only as regular files, not through links, and only up to this size.
READ_LIMIT = 64 * 1024 * 1024


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as stable, readable JSON (sorted keys, UTF-8, trailing newline)."""
    # A file name that is not valid UTF-8 (surrogate escapes) is shown with U+FFFD rather than crashing.
    return display_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


PDF_KEY = "PDF"  # the manifest's list of PDFs; left out when comparing builds (PDF bytes are not reproducible)
# What changed since the previous build of the same ledger: depends on which builds exist, not on the
# ledger, so it is left out when comparing builds too (an unchanged ledger stays "unchanged").
CHANGES_KEY = "与上次相比"
# The archive's index, one row per build written, readable in Excel (UTF-8 with BOM).
INDEX = "生成记录.csv"
# 巡察: which inspection the build is of (被巡察单位 巡察组 巡察轮次); 取代: the build of the same inspection it
# follows — the newest build of an inspection is the one no later row names here.
# 文档: the document sets it wrote (issue 23).
INDEX_HEADER = ("生成时间", "文件夹", "台账", "成文日期", "结果", "与上次相比", "巡察", "取代", "文档")
# The manifest's record of the inspection a build is of: builds of one inspection are compared whatever the
# ledger file is called.
INSPECTION_KEY = "巡察"
INSPECTION_FIELDS = ("被巡察单位", "巡察组", "巡察轮次")


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


def index_rows(output: Path) -> dict[str, dict[str, str]]:
    """Folder name → the latest row output/生成记录.csv holds for it, keyed by INDEX_HEADER's names ({} when the
    index is missing or unreadable; a field a row lacks is "")."""
    import csv
    import io

    path = Path(output) / INDEX
    rows: dict[str, dict[str, str]] = {}
    try:
        text = read_plain(path, READ_LIMIT).decode("utf-8-sig")
        for raw in csv.DictReader(io.StringIO(text, newline="")):
            row = {k: v if isinstance(v, str) else "" for k, v in raw.items() if isinstance(k, str)}
            folder, when = _cell_value(row.get("文件夹", "")), row.get("生成时间", "")
            if folder and when >= rows.get(folder, {}).get("生成时间", ""):
                rows[folder] = row
    except (OSError, NotRegularFile, UnicodeDecodeError, csv.Error):
        return {}
    return rows


def _index_times(output: Path) -> dict[str, str]:
    """Folder name → the latest time the index records for it ("" when the index is missing or unreadable)."""
    return {folder: row.get("生成时间", "") for folder, row in index_rows(output).items()}


# A cell starting with one of these is a formula to Excel (and to WPS): the index writes it after an apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """`text` as an index cell Excel shows as text, never runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _cell_value(text: str) -> str:
    """The text a cell written by _cell stands for."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def builds_of(output: Path, input_name: str, within: list[Path] | None = None) -> list[Path]:
    """Build folders whose manifest names the input file `input_name`, oldest first: by the time the index
    records, else by when their manifest was written (`within`: only these folders)."""
    output = Path(output)
    try:
        candidates = (
            within if within is not None else [p for p in output.iterdir() if p.is_dir() and not p.is_symlink()]
        )
    except OSError:
        return []
    times = _index_times(output)
    found: list[tuple[str, float, Path]] = []
    for folder in candidates:
        manifest = folder / MANIFEST
        try:
            if _input_name(_load_manifest(read_plain(manifest, READ_LIMIT))) != input_name:
                continue
            mtime = manifest.stat().st_mtime
        except (OSError, NotRegularFile):
            continue
        found.append((times.get(folder.name, ""), mtime, folder))
    return [f for _, _, f in sorted(found, key=lambda t: (t[0], t[1]))]


def append_index(
    output: Path,
    folder: Path,
    workbook: str,
    issued: str,
    status: str,
    changes: str,
    when: str,
    inspection: str = "",
    follows: str = "",
    documents: str = "",
) -> None:
    """Add one build to output/生成记录.csv (created with its header, UTF-8 with BOM so Excel reads it);
    `documents` names the document sets it wrote (an index begun before a column existed gets it in its rows,
    not in its header).

    One append of one line: a build running at the same time adds its own line, never rewrites this one.
    The index is opened only as a regular file of its own (NotRegularFile for a link, pipe or device), and
    no cell starts with a formula character (a ledger named "=…" would be a formula in Excel)."""
    import csv
    import io

    path = Path(output) / INDEX
    line = io.StringIO()
    cells = [
        when,
        display_text(folder.name),
        display_text(workbook),
        issued,
        status,
        changes,
        inspection,
        follows,
        documents,
    ]
    csv.writer(line).writerow([_cell(c) for c in cells])
    data = line.getvalue().encode("utf-8")
    with open_append_plain(path) as fh:
        if fh.tell() == 0:
            head = io.StringIO()
            csv.writer(head).writerow(INDEX_HEADER)
            data = b"\xef\xbb\xbf" + head.getvalue().encode("utf-8") + data
        fh.write(data)


def manifest_of(folder: Path) -> dict[str, Any] | None:
    """A build folder's manifest, or None when it has none (or it cannot be read)."""
    try:
        return _load_manifest(read_plain(Path(folder) / MANIFEST, READ_LIMIT))
    except (OSError, NotRegularFile):
        return None


def archived_input(folder: Path) -> Path | None:
    """The copy of the input workbook a build folder holds (named in its manifest), or None."""
    name = _input_name(manifest_of(folder))
    if name is None:
        return None
    copy = Path(folder) / safe_filename(name)
    return copy if copy.is_file() and not copy.is_symlink() else None


def _input_name(manifest: dict[str, Any] | None) -> str | None:
    """The input workbook's file name a manifest records (输入.文件名)."""
    entry = manifest.get("输入") if isinstance(manifest, dict) else None
    name = entry.get("文件名") if isinstance(entry, dict) else None
    return name if isinstance(name, str) else None


def edited_files(folder: Path) -> list[str]:
    """Files in a build folder that differ from what its manifest recorded, or that it never recorded (hand
    edits, a document saved under a new name): what replacing the folder would lose. Word's ~$ lock files and
    the manifest itself are not counted."""
    folder = Path(folder)
    manifest = manifest_of(folder)
    if manifest is None:
        return []
    recorded: dict[str, str] = {}
    for key in ("输出", PDF_KEY):
        entries = manifest.get(key)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("文件名"), str):
                recorded[entry["文件名"]] = str(entry.get("sha256"))
    source = manifest.get("输入")
    name = _input_name(manifest)
    if name is not None and isinstance(source, dict):
        recorded[safe_filename(name)] = str(source.get("sha256"))
    edited = []
    try:
        for p in sorted(folder.iterdir()):
            if p.name == MANIFEST or p.name.startswith("~$") or not p.is_file():
                continue
            if recorded.get(p.name) != sha256(p.read_bytes()):
                edited.append(p.name)
    except OSError:
        return edited
    return edited


def inspection_of(manifest: dict[str, Any] | None) -> tuple[str, ...] | None:
    """The (被巡察单位, 巡察组, 巡察轮次) a manifest records, or None (a manifest written before they were)."""
    entry = manifest.get(INSPECTION_KEY) if isinstance(manifest, dict) else None
    if not isinstance(entry, dict):
        return None
    values = tuple(entry.get(k) for k in INSPECTION_FIELDS)
    return values if all(isinstance(v, str) for v in values) else None  # type: ignore[return-value]


def builds_of_inspection(output: Path, inspection: tuple[str, ...], input_name: str) -> list[Path]:
    """Build folders of the same inspection, oldest first (as builds_of orders them): their manifest records
    this inspection, or records none (an older build) and names the input file `input_name`."""
    output = Path(output)
    try:
        candidates = [p for p in output.iterdir() if p.is_dir()]
    except OSError:
        return []
    same = []
    for folder in candidates:
        manifest = manifest_of(folder)
        recorded = inspection_of(manifest)
        if recorded == inspection or (recorded is None and _input_name(manifest) == input_name):
            same.append(folder)
    return _in_build_order(output, same)


def _in_build_order(output: Path, folders: list[Path]) -> list[Path]:
    """Folders oldest first: by the time the index records, else by when their manifest was written."""
    times = _index_times(output)
    found: list[tuple[str, float, Path]] = []
    for folder in folders:
        try:
            mtime = (folder / MANIFEST).stat().st_mtime
        except OSError:
            continue
        found.append((times.get(folder.name, ""), mtime, folder))
    return [f for _, _, f in sorted(found, key=lambda t: (t[0], t[1]))]
