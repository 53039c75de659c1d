"""Render a docxtpl template with a context and save it deterministically.

Templates may use everything docxtpl offers plus one tag of ours, `{% vmerge EXPR %}`, placed in a
table cell inside a `{%tr for %}` loop: the cell starts a vertical merge on rows where EXPR is true
and continues the merge above it on the others. docxtpl's own `{% vm %}` merges the whole loop; the
checklists need one merge per group (the aspect over its problems, the problem over its measures)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx.oxml.ns import nsmap
from docx.oxml.parser import element_class_lookup
from docxtpl import DocxTemplate
from jinja2 import Template
from jinja2.exceptions import TemplateError as JinjaTemplateError
from lxml import etree

from pipeline.documents.builtin import is_builtin_bytes
from pipeline.documents.package import Members, docx_problems
from pipeline.documents.pagination import may_hold_record_section, notice_pages, place_record
from pipeline.documents.placement import fit_issuer_mark, place_closing
from pipeline.documents.preflight import DOC_PROPERTY_MAX
from pipeline.documents.sandbox import RenderSandbox, check_source
from pipeline.documents.sandbox import render_budget as render_budget  # for api: one budget per build
from pipeline.errors import TemplateError

if TYPE_CHECKING:
    pass

# `{% vmerge EXPR %}` inside one cell: the whole <w:tc> holding the tag.
_VMERGE_CELL_RE = re.compile(r"<w:tc[ >](?:(?!<w:tc[ >]).)*?{%\s*vmerge\s+(?:(?!%}).)+%}.*?</w:tc>", re.DOTALL)
# The text run holding the tag: everything in that <w:t> before and after it.
_VMERGE_TEXT_RE = re.compile(r"(<w:t(?: [^>]*)?>)([^<]*?){%\s*vmerge\s+((?:(?!%}).)+?)\s*%}(.*?)(</w:t>)", re.DOTALL)
VMERGE_TAG_RE = re.compile(r"{%\s*vmerge\s+((?:(?!%}).)+?)\s*%}")
# Children of <w:tcPr> that the schema (CT_TcPr) puts before <w:vMerge>; the rest come after it.
_TCPR_BEFORE_VMERGE_RE = re.compile(
    r"^(<w:tcPr>)((?:<w:(?:cnfStyle|tcW|gridSpan|hMerge)\b[^>]*?(?:/>|>.*?</w:(?:cnfStyle|tcW|gridSpan|hMerge)>))*)",
    re.DOTALL,
)


def _patch_vmerge_cell(match: re.Match[str]) -> str:
    """Turn one cell holding `{% vmerge EXPR %}` into a conditional vertical merge.

    The cell's text shows only on the row that starts the merge; <w:vMerge> goes where the schema
    wants it inside <w:tcPr> (Word rejects it after <w:vAlign> or <w:tcBorders>).
    """
    cell = match.group(0)
    tag = VMERGE_TAG_RE.search(cell)
    assert tag is not None
    expr = tag.group(1)
    cell = _VMERGE_TEXT_RE.sub(
        lambda m: m.group(1) + f"{{% if {expr} %}}" + m.group(2) + m.group(4) + "{% endif %}" + m.group(5),
        cell,
        count=1,
    )
    # Later text of the same cell (other runs or paragraphs) shows only where the merge starts, too.
    vmerge = f'<w:vMerge w:val="{{% if {expr} %}}restart{{% else %}}continue{{% endif %}}"/>'
    cell = re.sub(r"<w:vMerge\b[^>]*/>", "", cell)
    if "<w:tcPr/>" in cell:
        return cell.replace("<w:tcPr/>", f"<w:tcPr>{vmerge}</w:tcPr>", 1)
    start = cell.find("<w:tcPr>")
    if start < 0:
        head_end = cell.index(">") + 1
        return cell[:head_end] + f"<w:tcPr>{vmerge}</w:tcPr>" + cell[head_end:]
    end = cell.index("</w:tcPr>", start) + len("</w:tcPr>")
    tcpr = cell[start:end]
    m = _TCPR_BEFORE_VMERGE_RE.match(tcpr)
    assert m is not None
    tcpr = tcpr[: m.end()] + vmerge + tcpr[m.end() :]
    return cell[:start] + tcpr + cell[end:]


# Characters docxtpl's resolve_listing turns into tabs, paragraphs, line and page breaks.
_LISTING_CHARS = ("\t", "\a", "\n", "\f")
_PARAGRAPH_RE = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)


_DOCPR_XPATH = etree.XPath("//wp:docPr", namespaces=nsmap)


def _document_parser() -> etree.XMLParser:
    """docxtpl's parser for the rendered body (recovering), making python-docx's element classes."""
    parser = etree.XMLParser(recover=True)
    parser.set_element_class_lookup(element_class_lookup)
    return parser


@dataclass(frozen=True)
class _BodyXml:
    """The rendered body kept as text (see GroupMergeTemplate.fix_tables)."""

    xml: bytes  # UTF-8, as it goes into the package


def _columns_spanned(cells: list[Any], ns: str) -> int:
    """How many grid columns a row's cells cover (a cell with <w:gridSpan w:val="n"/> covers n)."""
    total = 0
    for cell in cells:
        props = cell.find(ns + "tcPr")
        merge = None if props is None else props.find(ns + "gridSpan")
        total += 1 if merge is None else int(merge.get(ns + "val"))
    return total


class _NoTree:
    """A parser target that builds nothing: parsing with it only checks that the XML is well-formed."""

    def close(self) -> bool:
        return True


_W_MAIN = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# The WordprocessingML namespace bound to a prefix other than w (or as the default namespace).
_OTHER_W_PREFIX_RE = re.compile(rb'xmlns(?::(?!w=)[\w.-]+)?="' + re.escape(_W_MAIN) + rb'"')
# The tags that decide a table's grid: tables, rows, cells (not tblGrid, trPr, tcPr: \b stops there),
# grid columns and a cell's gridSpan with its value.
_GRID_TOKEN_RE = re.compile(rb"<(/?)w:(tbl|tr|tc|gridCol|gridSpan)\b([^>]*)>")
_VAL_RE = re.compile(rb'w:val="\s*([0-9]+)\s*"')


def _grids_consistent(xml: bytes) -> bool:
    """True when docxtpl's fix_tables would change nothing: no table has a row with more cells than its
    grid has columns, nor a grid with more columns than its widest row spans (docxtpl counts a nested
    table's rows in each table around it too).

    The XML is checked well-formed by libxml2 without building a tree, and the tables are counted
    from their tags; False (the recovering tree path takes it) when it does not parse or binds the
    WordprocessingML namespace to another prefix."""
    if _OTHER_W_PREFIX_RE.search(xml) or b"<!--" in xml or b"<![CDATA[" in xml:
        return False
    try:
        etree.fromstring(
            xml, etree.XMLParser(target=_NoTree(), huge_tree=True, resolve_entities=False, no_network=True)
        )
    except (etree.XMLSyntaxError, ValueError, TypeError):
        return False
    # per open table (outermost first): [grid columns, most cells in a row, most columns a row spans];
    # per open row: [cells, columns spanned]
    tables: list[list[int]] = []
    rows: list[list[int]] = []
    for m in _GRID_TOKEN_RE.finditer(xml):
        closing, tag, rest = m.group(1), m.group(2), m.group(3)
        selfclosing = rest.endswith(b"/")
        if tag == b"tbl":
            if closing:
                if not tables:
                    return False
                columns, cells, spanned = tables.pop()
                if cells > columns or columns > spanned:
                    return False
            elif not selfclosing:
                tables.append([0, 0, 0])
        elif tag == b"tr":
            if closing or selfclosing:
                if not rows or not tables:
                    return False
                cells, spanned = rows.pop() if closing else (0, 0)
                for t in tables:
                    t[1] = max(t[1], cells)
                    t[2] = max(t[2], spanned)
            else:
                rows.append([0, 0])
        elif closing:
            continue
        elif tag == b"tc":
            if rows:
                rows[-1][0] += 1
                rows[-1][1] += 1
        elif tag == b"gridCol":
            if tables:
                tables[-1][0] += 1
        elif rows:  # gridSpan: the cell it is in covers that many columns
            val = _VAL_RE.search(rest)
            if val is None:
                return False
            rows[-1][1] += int(val.group(1)) - 1
    return not tables and not rows


# Errors a template's own expression can raise on some data (a division by zero, a missing key, a
# number added to text): reported against the template and its tag, like a Jinja error.
DATA_ERRORS: tuple[type[Exception], ...] = (ArithmeticError, LookupError, TypeError, ValueError)
_RENDER_ERRORS: tuple[type[Exception], ...] = (JinjaTemplateError, *DATA_ERRORS)


class GroupMergeTemplate(DocxTemplate):
    """DocxTemplate that also understands `{% vmerge EXPR %}` (per-group vertical merges).

    It also replaces three of docxtpl's passes over the rendered document that grow faster than the
    document on large checklists, with the same result:
    - resolve_listing rewrites only the paragraphs holding a tab, line or page break character (it ran
      three regexes per paragraph and run over every paragraph);
    - the rendered body is parsed inside the template's own document element, with python-docx's
      element classes, and that element replaces the part's (docxtpl parsed the body alone and moved
      it into the template's tree: lxml's move reconciles namespaces node by node, superlinear for
      large bodies of elements carrying xml:space);
    - fix_tables counts each row's cells in one pass.
    """

    builtin = False  # the template is one of this version's built-in ones (pipeline.builtin)

    def patch_xml(self, src_xml: str) -> str:  # noqa: D102 - docxtpl hook
        check_source(src_xml)  # before docxtpl's rewrites: a part too large to compile is refused unread
        src_xml = super().patch_xml(src_xml)
        return _VMERGE_CELL_RE.sub(_patch_vmerge_cell, src_xml)

    def resolve_listing(self, xml: str) -> str:  # noqa: D102 - docxtpl hook
        if not any(c in xml for c in _LISTING_CHARS):
            return xml
        resolve = super().resolve_listing
        # docxtpl's own rewrite, on each paragraph that has something to rewrite (the others it leaves as they are)
        return _PARAGRAPH_RE.sub(
            lambda m: resolve(m.group(0)) if any(c in m.group(0) for c in _LISTING_CHARS) else m.group(0), xml
        )

    def render_xml_part(self, src_xml: str, part: Any, context: dict[str, Any], jinja_env: Any = None) -> str:
        """docxtpl's render_xml_part, without its line per paragraph unless a render fails.

        docxtpl puts a line break before every paragraph so that an error's line number names its
        paragraph, and takes the breaks out of the result: on a 10,000-row checklist that is two copies
        of 26 MB. Here the part is rendered as it is; when that fails it is rendered again the docxtpl
        way, in a fresh environment, and that error (with its line) is raised."""
        self.current_rendering_part = part
        try:
            template = jinja_env.from_string(src_xml) if jinja_env else Template(src_xml)
            dst_xml = template.render(context)
        except _RENDER_ERRORS as first:
            self._raise_with_lines(src_xml, context, jinja_env, first)
        if "{_" in dst_xml or "_}" in dst_xml:
            dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return self.resolve_listing(dst_xml)

    @staticmethod
    def _raise_with_lines(src_xml: str, context: dict[str, Any], jinja_env: Any, first: Exception) -> None:
        """Render `src_xml` again with a line per paragraph, to raise the error with docxtpl's line number
        and surrounding text (what `rectify` names in its message); `first` if that render succeeds."""
        if getattr(first, "timed_out", False):
            raise first  # out of time: rendering again would double the wait for the message
        lined = src_xml.replace("<w:p ", "\n<w:p ").replace("<w:p>", "\n<w:p>")
        env = None
        if jinja_env is not None:
            env = type(jinja_env)()  # a fresh budget of loops, within the time the first render had
            env.autoescape = jinja_env.autoescape
            if hasattr(jinja_env, "deadline"):
                env.deadline = jinja_env.deadline
                env.budget_bound = getattr(jinja_env, "budget_bound", False)
        try:
            template = env.from_string(lined) if env else Template(lined)
            template.render(context)
        except _RENDER_ERRORS as exc:
            lineno = getattr(exc, "lineno", None)
            if lineno is not None:
                line_number = max(lineno - 4, 0)
                # docxtpl's own attribute on the error: the text around the failing line
                setattr(
                    exc,
                    "docx_context",
                    [re.sub(r"<[^>]+>", "", x) for x in lined.splitlines()[line_number : line_number + 7]],
                )
            raise exc from None
        raise first

    def fix_tables(self, xml: str) -> Any:  # noqa: D102 - docxtpl hook
        # Nothing for the tree passes to change (no table grid to fix, no drawing ids to renumber; the
        # checklists): the rendered body stays a string and goes into the package as it is. Its tree
        # would cost some 20 kB a table row (300 MB for a 10,000-row checklist).
        if "docPr" not in xml:
            data = xml.encode("utf-8")
            # a built-in template's grids are known to be consistent and its output well-formed: values
            # are escaped, and characters XML cannot hold are refused at their cell by the checks
            if self.builtin or _grids_consistent(data):
                return _BodyXml(data)
            del data
        whole = etree.tostring(self.docx._element, encoding="unicode")
        start, end = whole.find("<w:body"), whole.rfind("</w:body>")
        if start < 0 or end < 0 or not xml.startswith("<w:body"):
            return super().fix_tables(xml)
        root = etree.fromstring(whole[:start] + xml + whole[end + len("</w:body>") :], parser=_document_parser())
        if root is None or root.find(f"{{{root.nsmap.get('w', '')}}}body") is None:
            return super().fix_tables(xml)
        _fix_table_grids(root)
        return root

    def fix_docpr_ids(self, tree: Any) -> None:  # noqa: D102 - docxtpl hook
        if isinstance(tree, _BodyXml):
            return  # it has no drawings
        # docxtpl's renumbering, through an XPath object (python-docx's elements take no `namespaces`)
        for elt in _DOCPR_XPATH(tree):
            self.docx_ids_index += 1
            elt.attrib["id"] = str(self.docx_ids_index)

    def map_tree(self, tree: Any) -> None:  # noqa: D102 - docxtpl hook
        if isinstance(tree, _BodyXml):
            self.body_xml = tree.xml  # written in place of the template's body when saved (_members)
            return
        if tree.tag != self.docx._element.tag:
            super().map_tree(tree)
            return
        # The new document element replaces the template's: python-docx's document and part both hold it.
        self.docx._part._element = tree
        self.docx._element = tree


def _fix_table_grids(tree: Any) -> None:
    """docxtpl's fix_tables on a parsed document: a table whose rows have more cells than grid columns
    gets columns (the old ones scaled to keep the width); one whose widest row spans fewer loses the
    extra columns (their width shared by the others)."""
    ns = "{" + tree.nsmap["w"] + "}"
    tc, span, grid_col, width = ns + "tc", ns + "gridSpan", ns + "gridCol", ns + "w"
    count_cells = etree.XPath("count(w:tc)", namespaces={"w": tree.nsmap["w"]})
    for t in tree.iter(ns + "tbl"):
        grid = t.find(ns + "tblGrid")
        columns = grid.findall(grid_col)
        most_cells = most_spanned = 0
        spans = t.find(f".//{span}") is not None
        if not spans:  # (the checklists) a row spans as many columns as it has cells: count them in XPath
            for r in t.iter(ns + "tr"):
                most_cells = max(most_cells, int(count_cells(r)))
            most_spanned = most_cells
        for r in t.iter(ns + "tr") if spans else ():
            cells = r.findall(tc)
            spanned = _columns_spanned(cells, ns)
            most_cells = max(most_cells, len(cells))
            most_spanned = max(most_spanned, spanned)
        to_add = max(0, most_cells - len(columns))
        if to_add:
            total = sum(float(c.get(width)) for c in columns if c.get(width) is not None)
            if total > 0:
                old_average = total / len(columns)
                new_average = total / (len(columns) + to_add)
                for c in columns:
                    c.set(width, str(int(float(c.get(width)) * new_average / old_average)))
                for _ in range(to_add):
                    etree.SubElement(grid, grid_col, {width: str(int(new_average))})
            columns = grid.findall(grid_col)
        to_remove = len(columns) - most_spanned
        if to_remove > 0:
            removed = 0.0
            for c in columns[-to_remove:]:
                removed += float(c.get(width))
                grid.remove(c)
            left = grid.findall(grid_col)
            extra = int(removed / len(left)) if left else 0
            for c in left:
                c.set(width, str(int(float(c.get(width)) + extra)))


def jinja_env() -> RenderSandbox:
    """A fresh Jinja environment for one render: the bounded sandbox, autoescape, strict undefined."""
    return RenderSandbox()


@dataclass(frozen=True)
class DocProperties:
    """Document properties written into docProps/core.xml (never taken from the clock)."""

    title: str
    author: str
    when: date


# Zip entries get this timestamp; the DOS zip format cannot store dates before 1980.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def render_docx(template: Path, context: dict[str, Any], props: DocProperties, data: bytes | None = None) -> bytes:
    """Render `template` (its bytes `data` when the caller has read them) with `context` and return the
    .docx bytes, identical for identical input."""
    if data is None:
        data = Path(template).read_bytes()  # once: the bytes recognised as built-in are the bytes rendered
    tpl = GroupMergeTemplate(io.BytesIO(data))
    tpl.builtin = is_builtin_bytes(data)
    tpl.render(context, jinja_env=jinja_env(), autoescape=True)
    core = tpl.docx.core_properties
    stamp = datetime(props.when.year, props.when.month, props.when.day)
    # The checks refuse longer values at their cell; the cut only keeps python-docx from raising.
    core.title = props.title[:DOC_PROPERTY_MAX]
    core.author = props.author[:DOC_PROPERTY_MAX]
    core.last_modified_by = props.author[:DOC_PROPERTY_MAX]
    core.created = stamp
    core.modified = stamp
    core.last_printed = stamp
    core.revision = 1
    core.comments = ""
    core.subject = ""
    core.keywords = ""
    core.category = ""
    members = _members(tpl)
    # Belt and braces: whatever the template check missed, nothing external or executable leaves here
    # (a built-in template has none, and escaped values cannot add any).
    problems = [] if tpl.builtin else docx_problems(Members(members))
    if problems:
        raise TemplateError(
            f"模板“{template.name}”生成的文档{problems[0].what}（位置：{problems[0].part}），"
            "出于安全没有保存。请运行 rectify templates check 检查模板。"
        )
    return _zip_members(members)


class _PartCollector:
    """Stands in for python-docx's zip writer: keeps each member's bytes instead of compressing them."""

    def __init__(self) -> None:
        self.members: dict[str, bytes | list[bytes]] = {}

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.members[pack_uri.membername] = blob


def _members(tpl: GroupMergeTemplate) -> dict[str, bytes | list[bytes]]:
    """The rendered package's parts, to be compressed once (saving with python-docx and then normalising
    compressed every part twice)."""
    if tpl.crc_to_new_media or tpl.crc_to_new_embedded or tpl.zipname_to_replace:
        buf = io.BytesIO()
        tpl.save(buf)
        with zipfile.ZipFile(buf) as zf:
            members: dict[str, bytes | list[bytes]] = {name: zf.read(name) for name in zf.namelist()}
    else:
        from docx.opc.pkgwriter import PackageWriter

        tpl.pre_processing()
        package = tpl.docx.part.package
        for part in package.parts:
            part.before_marshal()
        collector = _PartCollector()
        writer: Any = collector  # duck-types python-docx's PhysPkgWriter (its `write`)
        PackageWriter._write_content_types_stream(writer, package.parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, package.parts)
        tpl.is_saved = True
        members = collector.members
    body = getattr(tpl, "body_xml", None)
    if body is not None:
        # the template's document part, its body replaced by the rendered one
        name = tpl.docx.part.partname.membername
        whole = members[name]
        assert isinstance(whole, bytes)  # the collector holds each part whole until here
        start, end = whole.find(b"<w:body"), whole.rfind(b"</w:body>")
        end = end + len(b"</w:body>") if end >= 0 else whole.find(b"/>", start) + 2
        if start < 0 or end < 2:
            raise TemplateError("模板的正文部分无法识别。请运行 rectify templates check 检查模板。")
        members[name] = [whole[:start], body, whole[end:]]  # written piece by piece, never joined
    return members


def _zip_members(members: dict[str, bytes | list[bytes]]) -> bytes:
    """A zip of `members` (each its bytes, or its bytes in pieces) with fixed entry timestamps and a
    stable entry order."""
    # [Content_Types].xml first (some readers expect it), then the rest in a stable order.
    ordered = sorted(members, key=lambda n: (n != "[Content_Types].xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            data = members[name]
            if isinstance(data, bytes):
                dst.writestr(info, data)
                continue
            info.file_size = sum(len(piece) for piece in data)
            with dst.open(info, "w") as member:
                for piece in data:
                    member.write(piece)
    return out.getvalue()


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry timestamps and a stable entry order."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return _zip_members({name: src.read(name) for name in src.namelist()})


_SECT_PR_RE = re.compile(rb"<w:sectPr[ >]")
_PARITY_BREAK_RE = re.compile(rb'<w:type w:val="(?:evenPage|oddPage)"/>')


def first_section_on_page_one(docx: bytes) -> bytes:
    """A document of one section starts on page 1, whatever its section type says.

    The notice's last section (the 版记) starts on an even page. Without a 版记 that section's
    properties are the only ones and govern the whole document, and LibreOffice then puts a blank
    page before page 1 to start it on page 2: the type is made a plain new page there."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx)) as src:
        xml = src.read("word/document.xml")
        if len(_SECT_PR_RE.findall(xml)) != 1 or not _PARITY_BREAK_RE.search(xml):
            return docx
        parts = {n: src.read(n) for n in src.namelist()}
    parts["word/document.xml"] = _PARITY_BREAK_RE.sub(b'<w:type w:val="nextPage"/>', xml)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    return normalize_zip(out.getvalue())


def place_parts(docx: bytes, sealed: bool) -> bytes:
    """The red 发文机关标志 fitted to one line, the 落款 placed for a sealed or an unsealed document
    (pipeline.documents.placement) and the 版记 placed by where the body ends (pipeline.documents.pagination);
    a document with none of them is returned as it is."""
    with zipfile.ZipFile(io.BytesIO(docx)) as src:
        xml = src.read("word/document.xml")
        closed = place_closing(fit_issuer_mark(xml), sealed)
        if closed == xml and not may_hold_record_section(xml):
            return docx
        parts = {n: src.read(n) for n in src.namelist()}
    placed = dict(parts)
    placed["word/document.xml"] = closed
    placed = place_record(placed)
    if placed == parts:
        return docx
    return _zip_members(dict(placed))


def page_count(docx: bytes, sealed: bool) -> int | None:
    """The notice's page count once place_parts has placed its parts (estimated, see
    pipeline.documents.pagination); None when the notice is not the template's construction."""
    with zipfile.ZipFile(io.BytesIO(docx)) as src:
        xml = src.read("word/document.xml")
        parts = {n: src.read(n) for n in src.namelist()}
    parts["word/document.xml"] = place_closing(fit_issuer_mark(xml), sealed)
    return notice_pages(parts)


_WML = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# What follows w:pgNumType in a w:sectPr (ISO 29500 17.6.17, CT_SectPr's sequence)
_AFTER_PG_NUM_TYPE = {
    f"{{{_WML}}}{name}"
    for name in (
        "cols",
        "formProt",
        "vAlign",
        "noEndnote",
        "titlePg",
        "textDirection",
        "bidi",
        "rtlGutter",
        "docGrid",
        "printerSettings",
        "sectPrChange",
    )
}


def number_from(docx: bytes, start: int) -> bytes:
    """The document's pages numbered from `start` (a 附件 bound with the notice is numbered on from it,
    GB/T 9704-2012 chapter 8): w:pgNumType w:start on its first section."""
    with zipfile.ZipFile(io.BytesIO(docx)) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    sect = next(root.iter(f"{{{_WML}}}sectPr"), None)
    if sect is None:
        return docx
    numbering = sect.find(f"{{{_WML}}}pgNumType")
    if numbering is None:
        numbering = etree.Element(f"{{{_WML}}}pgNumType")
        after = next((c for c in sect if c.tag in _AFTER_PG_NUM_TYPE), None)
        if after is None:
            sect.append(numbering)
        else:
            after.addprevious(numbering)
    numbering.set(f"{{{_WML}}}start", str(start))
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _zip_members(dict(parts))
