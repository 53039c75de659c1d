"""Package safety of a .docx: macros, embedded objects, external relationships and fields."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from pipeline.zipsafe import MB, ZipLimits

# A template is a few hundred KB; pictures in a red header may make it a few MB.
# Its XML is parsed and compiled as one Jinja template: a few MB at most for any real document.
TEMPLATE_LIMITS = ZipLimits(max_entries=1000, max_part=50 * MB, max_total=100 * MB, max_ratio=200, max_xml_part=10 * MB)


# ---------------------------------------------------------------------------------------------
# Word packages

_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# Content types and part names that carry code or foreign objects.
_MACRO_RE = re.compile(r"vbaProject|vbaData|macroEnabled|keyMapCustomizations|wordVbaData", re.IGNORECASE)
_EMBED_RE = re.compile(r"oleObject|activeX|embeddings/|/embeddings|package$|afchunk|aFChunk|\.bin$", re.IGNORECASE)
_EMBED_REL_RE = re.compile(
    r"/(oleObject|package|activeXControl|control|aFChunk|attachedTemplate|subDocument"
    r"|frame)$",
    re.IGNORECASE,
)
# Fields that fetch or run something when the document is opened or updated.
_FIELD_RE = re.compile(
    r"\b(INCLUDETEXT|INCLUDEPICTURE|INCLUDE|DDE|DDEAUTO|LINK|IMPORT|MACROBUTTON|AUTOTEXTLIST"
    r"|DATABASE)\b"
)


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
                found.append(
                    PackageProblem("template-embedded", "[Content_Types].xml", f"声明了嵌入对象内容类型“{ctype}”")
                )
    for name in names:
        if name.endswith(".rels"):
            root = _parse(zf, name)
            for rel in root.iter(f"{_REL_NS}Relationship") if root is not None else ():
                rtype = (rel.get("Type") or "").rsplit("/", 1)[-1]
                target = rel.get("Target") or ""
                if (rel.get("TargetMode") or "").strip().lower() == "external":
                    found.append(PackageProblem("template-external", name, f"含有外部链接（{rtype}：{target[:120]}）"))
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
