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
    r"|DATABASE|RD|PRINT)\b"
)
# A HYPERLINK field to an address outside the document (a bookmark, \l, stays inside).
_FIELD_LINK_RE = re.compile(r"\bHYPERLINK\b(?![^\\]*\\l\b).*?(://|\\\\|\bmailto:|\bfile:)", re.IGNORECASE)
# A relationship target that is an address, whatever its TargetMode says.
_ADDRESS_RE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|\\\\|//)", re.IGNORECASE)
_FIELD_NAMES = (b"instrText", b"fldChar", b"instr=", b"fldSimple")
_ENTITY_RE = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


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


def _unescape(text: str) -> str:
    """XML character and entity references resolved (&#73; is I to Word)."""

    def one(m: re.Match[str]) -> str:
        ref = m.group(1)
        if ref.startswith("#x"):
            code = int(ref[2:], 16)
        elif ref.startswith("#"):
            code = int(ref[1:])
        else:
            return _NAMED[ref]
        return chr(code) if 0 < code <= 0x10FFFF else ""

    return _ENTITY_RE.sub(one, text)


# One event of a field as Word reads it: its start, a piece of its instruction, its result, its end.
_FIELD_TOKEN_RE = re.compile(
    rb"<(?:[\w.-]+:)?(instrText)(?:\s[^>]*)?>([^<]*)<"
    rb"|<(?:[\w.-]+:)?fldChar\b[^>]*?(?:[\w.-]+:)?fldCharType\s*=\s*[\"'](begin|separate|end)[\"']"
    rb"|<(?:[\w.-]+:)?fldSimple\b[^>]*?(?:[\w.-]+:)?instr\s*=\s*(?:\"([^\"]*)\"|'([^']*)')"
)


def field_instructions(data: bytes) -> list[str]:
    """The instruction of every field in one XML part, as Word means it: the pieces of a complex field
    joined across runs (nested fields apart), character references resolved, any namespace prefix.
    An instruction still open at the end of the part (a field continued in the next) is returned too."""
    done: list[str] = []
    stack: list[list[str]] = []  # the instructions being read, innermost last
    for m in _FIELD_TOKEN_RE.finditer(data):
        if m.group(1) is not None:
            if stack:
                stack[-1].append(m.group(2).decode("utf-8", "replace"))
            else:  # an instruction outside any begin: Word ignores it, the check does not
                done.append(m.group(2).decode("utf-8", "replace"))
        elif m.group(3) is not None:
            kind = m.group(3)
            if kind == b"begin":
                stack.append([])
            elif stack:
                done.append("".join(stack.pop()))
                if kind == b"separate":
                    stack.append([])  # the result: what follows until the end is not instruction text
                    stack[-1].append("")
        else:
            raw = m.group(4) if m.group(4) is not None else m.group(5)
            done.append(raw.decode("utf-8", "replace"))
    done.extend("".join(pieces) for pieces in stack)
    return [_unescape(text) for text in done if text]


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
                if (rel.get("TargetMode") or "").strip().lower() == "external" or _ADDRESS_RE.match(target):
                    found.append(PackageProblem("template-external", name, f"含有外部链接（{rtype}：{target[:120]}）"))
                elif _EMBED_REL_RE.search(rel.get("Type") or ""):
                    found.append(PackageProblem("template-embedded", name, f"含有嵌入对象（{rtype}：{target[:120]}）"))
        elif name.startswith("word/") and name.endswith(".xml"):
            data = zf.read(name)  # searched as bytes: a large document is not decoded for it
            if any(key in data for key in _FIELD_NAMES):
                for instr in field_instructions(data):
                    m = _FIELD_RE.search(instr.upper())
                    if m:
                        what = f"含有会读取外部内容的域“{m.group(1)}”"
                    elif _FIELD_LINK_RE.search(instr):
                        what = "含有指向外部地址的超链接域（HYPERLINK）"
                    else:
                        continue
                    found.append(PackageProblem("template-external", name, what))
            if b"mailMerge" in data and re.search(rb"<(?:[\w.-]+:)?mailMerge\b", data):
                found.append(PackageProblem("template-external", name, "含有邮件合并的数据源设置（mailMerge）"))
            if b"<w:altChunk" in data:
                found.append(PackageProblem("template-embedded", name, "含有嵌入的外部文档（altChunk）"))
    return list({(p.code, p.part, p.what): p for p in found}.values())


def _parse(zf: zipfile.ZipFile | Members, name: str) -> etree._Element | None:
    try:
        return etree.fromstring(zf.read(name), _SAFE_PARSER)
    except etree.XMLSyntaxError:
        return None
