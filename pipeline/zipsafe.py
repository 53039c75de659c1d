"""Bounds on a zip package (entries, part and total size, compression ratio) checked before anything is inflated."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

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


def _mb(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n} 字节"


def zip_problem(zf: zipfile.ZipFile, limits: ZipLimits) -> str | None:
    """A Chinese description of the first bound the package breaks (naming the part), or None."""
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        return f"文件包含 {len(infos)} 个部件，超过上限 {limits.max_entries} 个"
    total = 0
    seen: set[str] = set()
    for info in infos:
        key = info.filename.replace("\\", "/").lower()  # part names compare without case (OPC)
        if key in seen:
            return (
                f"其中的部件“{info.filename}”出现了不止一次（文件包内有同名部件），"
                "不同程序会读到不同的内容，可能是被篡改或损坏的文件"
            )
        seen.add(key)
        size = info.file_size
        total += size
        if size > limits.max_part:
            return f"其中的部件“{info.filename}”解压后有 {_mb(size)}，超过单个部件的上限 {_mb(limits.max_part)}"
        if (
            limits.max_xml_part
            and info.filename.endswith((".xml", ".rels"))
            and size > limits.max_xml_part
            and not re.match(limits.big_xml, info.filename)
        ):
            return f"其中的部件“{info.filename}”解压后有 {_mb(size)}，超过 XML 部件的上限 {_mb(limits.max_xml_part)}"
        if size > limits.ratio_floor and size > limits.max_ratio * max(info.compress_size, 1):
            ratio = size // max(info.compress_size, 1)
            return (
                f"其中的部件“{info.filename}”压缩比异常（解压后放大 {ratio} 倍，上限 {limits.max_ratio} 倍），"
                "可能是恶意构造的“压缩炸弹”"
            )
        if total > limits.max_total:
            return f"解压后总大小超过上限 {_mb(limits.max_total)}"
    return None
