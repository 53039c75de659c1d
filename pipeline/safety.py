"""Inspection of untrusted files before any library parses them: workbooks and Word templates.

Both are zip packages. Before openpyxl or python-docx sees one, the zip directory is checked against
size bounds (zip bombs: a small file that inflates to gigabytes), and a template's parts are checked for
what must never reach a generated document: external relationships (a linked template or picture
fetched from a server when the document opens), macros, embedded objects and fields that pull in
other files.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from dataclasses import dataclass
from typing import IO

from lxml import etree

MB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on a zip package's directory (sizes as declared, which zipfile enforces when reading)."""

    max_entries: int
    max_part: int  # uncompressed bytes of one part
    max_total: int  # uncompressed bytes of all parts
    max_ratio: int  # uncompressed / compressed, for parts larger than ratio_floor
    ratio_floor: int = 1 * MB
    max_xml_part: int | None = None  # uncompressed bytes of one XML part, when lower than max_part
    big_xml: str = r"$^"  # XML parts (regex on the name) allowed max_part instead of max_xml_part


# A ledger of thousands of measures has sheets of a few MB that compress 10–30 times (written with inline
# strings, as openpyxl and some exporters do, 30,000 measures make a 34 MB sheet). Sheets are streamed,
# never held whole, and MAX_CELLS bounds what is kept of them; these bounds keep a build well under a
# gigabyte.
# Styles, comments, drawings: openpyxl builds objects for each entry too (21 MB of styles took 540 MB), and
# even Excel's maximum of 64,000 cell formats fits in 10 MB; only sheets and shared strings grow with data.
WORKBOOK_LIMITS = ZipLimits(max_entries=5000, max_part=64 * MB, max_total=160 * MB, max_ratio=200,
                            max_xml_part=10 * MB, big_xml=r"^xl/(worksheets/[^/]+|sharedStrings)\.xml$")
# The reader keeps every cell's value (about 150 bytes each with its address): this bounds it near 200 MB.
MAX_CELLS = 1_200_000
# Merged ranges covering whole rows or columns: no ledger has them (openpyxl, building an object for every
# covered cell, took 2 GB for one range A1:Z400000).
MAX_MERGED_CELLS = 1_000_000
# Cells and rows (a row with a height but no cells is an object too).
_CELL_TAG_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:c|row)[\s/>]")
_MERGE_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?ref=[\"']\$?([A-Za-z]{1,3})\$?(\d{1,7})"
                       rb"(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?")


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _merged_area(m: re.Match[bytes]) -> int:
    if not m.group(3):
        return 1
    rows = abs(int(m.group(4)) - int(m.group(2))) + 1
    cols = abs(_col(m.group(3)) - _col(m.group(1))) + 1
    return rows * cols
# A template is a few hundred KB; pictures in a red header may make it a few MB.
# Its XML is parsed and compiled as one Jinja template: a few MB at most for any real document.
TEMPLATE_LIMITS = ZipLimits(max_entries=1000, max_part=50 * MB, max_total=100 * MB, max_ratio=200,
                            max_xml_part=10 * MB)


def _mb(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n} 字节"


def zip_problem(zf: zipfile.ZipFile, limits: ZipLimits) -> str | None:
    """A Chinese description of the first bound the package breaks (naming the part), or None."""
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        return f"文件包含 {len(infos)} 个部件，超过上限 {limits.max_entries} 个"
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > limits.max_part:
            return f"其中的部件“{info.filename}”解压后有 {_mb(size)}，超过单个部件的上限 {_mb(limits.max_part)}"
        if limits.max_xml_part and info.filename.endswith((".xml", ".rels")) and size > limits.max_xml_part \
                and not re.match(limits.big_xml, info.filename):
            return (f"其中的部件“{info.filename}”解压后有 {_mb(size)}，超过 XML 部件的上限 "
                    f"{_mb(limits.max_xml_part)}")
        if size > limits.ratio_floor and size > limits.max_ratio * max(info.compress_size, 1):
            ratio = size // max(info.compress_size, 1)
            return (f"其中的部件“{info.filename}”压缩比异常（解压后放大 {ratio} 倍，上限 {limits.max_ratio} 倍），"
                    "可能是恶意构造的“压缩炸弹”")
        if total > limits.max_total:
            return f"解压后总大小超过上限 {_mb(limits.max_total)}"
    return None


def cell_problem(zf: zipfile.ZipFile, max_cells: int = MAX_CELLS, max_merged: int = MAX_MERGED_CELLS) -> str | None:
    """A Chinese description when the worksheets hold more cells (or merged-range cells) than openpyxl
    should build, or None.

    Counted by streaming each worksheet part through the decompressor, before openpyxl builds objects.
    """
    cells = merged = 0
    for info in zf.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        tail = b""
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(1 << 20)
                data = tail + chunk
                # Count the tags before the last "<" (they are whole); the rest waits for the next chunk.
                cut = len(data) if not chunk else max(data.rfind(b"<"), 0)
                cells += len(_CELL_TAG_RE.findall(data, 0, cut))
                merged += sum(_merged_area(m) for m in _MERGE_RE.finditer(data, 0, cut))
                tail = data[cut:]
                if cells > max_cells:
                    return (f"工作表中的单元格超过 {max_cells} 个（在部件“{info.filename}”处已超出），"
                            "远多于任何台账所需")
                if merged > max_merged:
                    return (f"合并单元格覆盖的范围过大（超过 {max_merged} 个单元格，在部件“{info.filename}”处已超出），"
                            "可能合并了整行或整列。请取消这些合并")
                if not chunk:
                    break
    return None


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


# ---------------------------------------------------------------------------------------------
# Word packages

_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# Content types and part names that carry code or foreign objects.
_MACRO_RE = re.compile(r"vbaProject|vbaData|macroEnabled|keyMapCustomizations|wordVbaData", re.IGNORECASE)
_EMBED_RE = re.compile(r"oleObject|activeX|embeddings/|/embeddings|package$|afchunk|aFChunk|\.bin$", re.IGNORECASE)
_EMBED_REL_RE = re.compile(r"/(oleObject|package|activeXControl|control|aFChunk|attachedTemplate|subDocument"
                           r"|frame)$", re.IGNORECASE)
# Fields that fetch or run something when the document is opened or updated.
_FIELD_RE = re.compile(r"\b(INCLUDETEXT|INCLUDEPICTURE|INCLUDE|DDE|DDEAUTO|LINK|IMPORT|MACROBUTTON|AUTOTEXTLIST"
                       r"|DATABASE)\b")


@dataclass(frozen=True)
class PackageProblem:
    """One thing a Word package must not carry: `code` (stable), `part`, a Chinese `what`."""

    code: str
    part: str
    what: str


class Members:
    """The parts of a package not yet zipped, read as a ZipFile's are (each part's bytes, or its bytes
    in pieces), so that a document is checked before it is compressed, not inflated again after."""

    def __init__(self, members: dict[str, bytes | list[bytes]]) -> None:
        self.members = members

    def namelist(self) -> list[str]:
        return list(self.members)

    def read(self, name: str) -> bytes:
        data = self.members[name]
        return data if isinstance(data, bytes) else b"".join(data)


_INSTR_TEXT_RE = re.compile(rb"<w:instrText[^>]*>([^<]*)<")
_INSTR_ATTR_RE = re.compile(rb'w:instr="([^"]*)"')


def docx_problems(zf: zipfile.ZipFile | Members) -> list[PackageProblem]:
    """External relationships, macros, embedded objects and fetching fields in a Word package."""
    found: list[PackageProblem] = []
    names = zf.namelist()
    for name in names:
        lower = name.lower()
        if _MACRO_RE.search(name):
            found.append(PackageProblem("template-macro", name, f"含有宏（VBA）部件“{name}”"))
        elif lower.startswith("word/") and _EMBED_RE.search(lower) and "printersettings" not in lower:
            found.append(PackageProblem("template-embedded", name, f"含有嵌入对象部件“{name}”"))
    if "[Content_Types].xml" in names:
        root = _parse(zf, "[Content_Types].xml")
        for el in root.iter() if root is not None else ():
            ctype = el.get("ContentType") or ""
            if _MACRO_RE.search(ctype):
                found.append(PackageProblem("template-macro", "[Content_Types].xml", f"声明了宏内容类型“{ctype}”"))
            elif re.search(r"oleObject|activeX|vnd\.ms-office\.vbaProject", ctype, re.IGNORECASE):
                found.append(PackageProblem("template-embedded", "[Content_Types].xml",
                                            f"声明了嵌入对象内容类型“{ctype}”"))
    for name in names:
        if name.endswith(".rels"):
            root = _parse(zf, name)
            for rel in root.iter(f"{_REL_NS}Relationship") if root is not None else ():
                rtype = (rel.get("Type") or "").rsplit("/", 1)[-1]
                target = rel.get("Target") or ""
                if (rel.get("TargetMode") or "").strip().lower() == "external":
                    found.append(PackageProblem("template-external", name,
                                                f"含有外部链接（{rtype}：{target[:120]}）"))
                elif _EMBED_REL_RE.search(rel.get("Type") or ""):
                    found.append(PackageProblem("template-embedded", name, f"含有嵌入对象（{rtype}：{target[:120]}）"))
        elif name.startswith("word/") and name.endswith(".xml"):
            data = zf.read(name)  # searched as bytes: a large document is not decoded for it
            instr = b" ".join(_INSTR_TEXT_RE.findall(data) + _INSTR_ATTR_RE.findall(data)).decode("utf-8", "replace")
            m = _FIELD_RE.search(instr.upper())
            if m:
                found.append(PackageProblem("template-external", name, f"含有会读取外部内容的域“{m.group(1)}”"))
            if b"<w:altChunk" in data:
                found.append(PackageProblem("template-embedded", name, "含有嵌入的外部文档（altChunk）"))
    return list({(p.code, p.part, p.what): p for p in found}.values())


def _parse(zf: zipfile.ZipFile | Members, name: str) -> etree._Element | None:
    try:
        return etree.fromstring(zf.read(name), _SAFE_PARSER)
    except etree.XMLSyntaxError:
        return None


__all__ = ["ZipLimits", "WORKBOOK_LIMITS", "TEMPLATE_LIMITS", "zip_problem", "open_regular", "NotRegularFile",
           "PackageProblem", "Members", "docx_problems"]
