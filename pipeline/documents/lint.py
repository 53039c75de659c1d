"""Template checks (`rectify templates check`) and rendering that names the template on failure."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from jinja2 import TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.exceptions import TemplateError as JinjaError

from pipeline.documents import checkcache
from pipeline.documents.package import TEMPLATE_LIMITS, docx_problems
from pipeline.documents.registry import DOCUMENTS_BY_TEMPLATE, TEMPLATE_NAMES, document_context
from pipeline.documents.render import DATA_ERRORS, DocProperties, GroupMergeTemplate, jinja_env, render_docx
from pipeline.documents.sandbox import TemplateLimitError
from pipeline.errors import TemplateError
from pipeline.findings import ERROR, WARNING, Finding
from pipeline.ledger import schema
from pipeline.ledger.model import Document, Inspection, Ledger, Measure, Paragraph, Problem
from pipeline.notice.outline import Block, build_outline
from pipeline.zipsafe import zip_problem

# Tags typed with a full-width brace or percent sign (Chinese input methods do this): docxtpl cannot read them.
_FULLWIDTH_TAG_RE = re.compile(
    r"[｛{][｛{％%#＃][^{}｛｝]{0,80}?[％%#＃}｝][}｝]"  # a whole tag
    r"|[｛{][｛{％%#＃]|[％%#＃}｝][}｝]"  # or a lone opening / closing mark
)
_TAG_STRIP_RE = re.compile(r"<[^>]+>")
_JINJA_TAG_RE = re.compile(r"{{.*?}}|{%.*?%}", re.DOTALL)
_SAFETY_NOTE = "出于安全，模板只能使用程序提供的数据，不能访问程序内部或调用程序代码。"


def sample_ledger() -> Ledger:
    """A small ledger that exercises every template feature (used to trial-render templates)."""
    info = Inspection(
        issuer="中共示例单位党组",
        unit="示例单位党组",
        deployer="市委",
        group="市委第一巡察组",
        round="七届市委第五轮巡察",
        start=date(2024, 3, 25),
        end=date(2024, 6, 7),
        feedback=date(2024, 8, 27),
        issued=date(2024, 12, 20),
        doc_number="示党〔2024〕1号",
        phone="1234567",
        email="a@example.cn",
        cc="市委巡察办",
        printer="示例单位办公室",
        printed=date(2024, 12, 20),
    )
    problems = (
        Problem("1", "关于甲方面", "甲问题", "具体问题一", ("进展一。", "进展二。"), schema.STATUS_DONE, True),
        Problem("2", "关于甲方面", "甲问题", "具体问题二", ("进展。",), schema.STATUS_STAGED, True),
        Problem("3", "关于乙方面", "乙问题", "", ("进展。",), schema.STATUS_ONGOING, True),
        Problem("4", "关于乙方面", "丙问题", "内部问题", ("进展。",), schema.STATUS_DONE, False),
    )
    measures = tuple(
        Measure(
            str(i),
            pid,
            f"措施{i}",
            "目标",
            "分管副主席",
            "办公室",
            "",
            date(2024, 12, 31) if i % 2 else None,
            "已完成",
            schema.STATUS_DONE,
        )
        for i, pid in enumerate(("1", "1", "2", "3", "4"), start=1)
    )
    narrative = (
        Paragraph(schema.SECTION_BASIC, "", "共指出{方面数}个方面、{问题数}个具体问题。"),
        Paragraph(schema.SECTION_BASIC, "加强领导", "{整改状态句}。"),
        Paragraph(schema.SECTION_PLANS, "", "下一步打算。"),
        Paragraph(schema.SECTION_PLANS, "持续整改", "内容。"),
        Paragraph(schema.SECTION_CLOSING, "", "欢迎监督。"),
    )
    return Ledger(info, problems, measures, narrative, (Document("《制度》", schema.DOC_MADE, None, ("1",)),))


def explain_jinja_error(e: Exception) -> str:
    """A Chinese explanation of a Jinja error, with Jinja's own (English) message kept in parentheses."""
    detail = re.sub(r"\s+", " ", str(getattr(e, "message", None) or e)).strip()
    if isinstance(e, TemplateLimitError):
        return f"{e.chinese}，已停止生成。请删除模板中相应的标签"  # the English detail is the sandbox's own
    if isinstance(e, SecurityError):
        what = f"模板访问了不允许的属性或函数。{_SAFETY_NOTE}"
    elif isinstance(e, RecursionError):
        return "模板中的宏或循环无限嵌套（自己调用自己），已停止生成。请删除相应的标签"
    elif isinstance(e, UndefinedError):
        what = "模板用到了程序不提供的变量或属性（可能是变量名拼错）"
    elif isinstance(e, TemplateSyntaxError) and re.search(r"\bNo (filter|test) named\b", detail):
        what = "模板用了不存在的过滤器或测试（“|”后面的名字）"
    elif isinstance(e, TemplateSyntaxError) and re.search(r"\bend of template\b|\bunknown tag\b", detail):
        what = "标签不成对或无法识别（如 if/for 缺少对应的 endif/endfor）"
    elif isinstance(e, TemplateSyntaxError):
        what = "标签的写法有误"
    else:
        what = "模板无法按数据生成"
    return f"{what}（Jinja 的原始说明：{detail}）"


def unsafe_accesses(parsed: nodes.Template, xml: str) -> list[tuple[str, str]]:
    """(names, tag) for each tag naming private attributes (`x.__init__`, `x['_y']`, `x|attr('_y')`).

    The sandbox refuses them when rendering anyway; found statically, they are reported even in a
    branch the trial render does not take.
    """
    names: list[str] = []
    for node in parsed.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem):
            name = node.arg.value if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str) else ""
        else:
            assert isinstance(node, nodes.Filter)
            first = node.args[0] if node.name == "attr" and node.args else None
            name = first.value if isinstance(first, nodes.Const) and isinstance(first.value, str) else ""
        if name.startswith("_") and name not in names:
            names.append(name)
    plain = _text_of(xml)
    by_tag: dict[str, list[str]] = {}
    for name in reversed(names):  # innermost (first written) attribute first
        tag = next((m.group(0) for m in _JINJA_TAG_RE.finditer(plain) if name in m.group(0)), name)
        by_tag.setdefault(tag[:200], []).append(name)
    return [("、".join(f"“{n}”" for n in attrs), tag) for tag, attrs in by_tag.items()]


_FORBIDDEN_NODES = (
    (
        (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends),
        "引用了其他模板文件（include、import、extends）：模板必须是独立的一个文件",
    ),
)


def forbidden_tags(parsed: nodes.Template, xml: str) -> list[tuple[str, str]]:
    """(what, tag) for tags a template may not use: references to other files, and `|safe`, which would
    let ledger text through as raw Word XML (fields, links) instead of printed text."""
    plain = _text_of(xml)
    tags = [m.group(0) for m in _JINJA_TAG_RE.finditer(plain)]
    found: list[tuple[str, str]] = []
    for kinds, what in _FORBIDDEN_NODES:
        if any(True for _ in parsed.find_all(kinds)):
            words = ("include", "import", "extends")
            tag = next((t for t in tags if any(w in t for w in words)), "{% include %}")
            found.append((what, tag[:200]))
    if any(f.name == "safe" for f in parsed.find_all(nodes.Filter)):
        tag = next((t for t in tags if re.search(r"\|\s*safe\b", t)), "|safe")
        found.append(("用了“|safe”：它会让台账中的文字不经转义直接成为 Word 的内部代码（可插入域、链接）", tag[:200]))
    return found


def failing_tag(e: BaseException, xml: str) -> str:
    """The first tag on the template line where a render error was raised, or "" when unknown.

    Jinja adds a "<template>" frame with the template's line to the traceback; docxtpl starts a line at
    each paragraph, so the line is the paragraph (of the body, which `xml` begins with).
    """
    line = None
    tb = e.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    if not line:
        return ""
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml).split("\n")
    if line > len(lines):
        return ""
    m = _JINJA_TAG_RE.search(_text_of(lines[line - 1]))
    return m.group(0)[:200] if m else ""


def _text_of(xml: str) -> str:
    return _TAG_STRIP_RE.sub("", xml)


def _parts_xml(tpl: GroupMergeTemplate) -> str:
    """The template's body, headers and footers as docxtpl prepares them for Jinja."""
    tpl.init_docx()
    xml = tpl.patch_xml(tpl.get_xml())
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            xml += tpl.patch_xml(tpl.get_part_xml(part))
    return xml


def _surrounding(xml: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = xml.splitlines()
    chunk = " ".join(_text_of(ln) for ln in lines[max(lineno - 2, 0) : lineno + 1])
    return re.sub(r"\s+", " ", chunk).strip()[:120]


def lint_one(path: Path, context: dict[str, Any], data: bytes | None = None) -> list[Finding]:
    """Findings for one template: missing, unreadable, syntax, unknown variables, full-width tags.
    `data`: the template's bytes when the caller has read them (read here once otherwise)."""
    name = path.name
    found: list[Finding] = []

    def err(code: str, message: str) -> None:
        found.append(Finding(ERROR, code, name, "", message))

    if not path.is_file():
        err(
            "template-missing",
            f"找不到模板“{path}”。请从备份中恢复它，或运行“rectify templates init 新文件夹”"
            f"生成一套默认模板，再把其中的“{name}”复制到“{path.parent}”。",
        )
        return found
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as e:
            err(
                "template-unreadable",
                f"模板无法读取（{e.strerror or type(e).__name__}）。请确认文件没有被其他程序占用。",
            )
            return found
    package = package_findings(path, data)
    if package:
        return package
    try:
        tpl = GroupMergeTemplate(io.BytesIO(data))
        xml = _parts_xml(tpl)
    except TemplateLimitError as e:  # too large to compile: refused before any work
        err("template-too-large", f"{e.chinese}，没有读取。请删减模板中的标签，或把它拆成几个文档。")
        return found
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        err(
            "template-unreadable",
            f"模板无法打开（{type(e).__name__}），可能不是 Word 文档（.docx）或已损坏。"
            "请在 Word 中另存为 .docx，或重新生成默认模板。",
        )
        return found
    except Exception as e:  # noqa: BLE001 - python-docx raises assorted errors on odd packages
        err("template-unreadable", f"模板无法打开（{type(e).__name__}）。请在 Word 中另存为 .docx。")
        return found
    plain = _text_of(xml)
    for m in _FULLWIDTH_TAG_RE.finditer(plain):
        tag = m.group(0)
        if any(ord(ch) > 0xFF for ch in tag[:2] + tag[-2:]):  # the delimiters, not the tag's content
            around = plain[max(m.start() - 15, 0) : m.end() + 15].replace("\n", " ")
            err(
                "template-fullwidth-tag",
                f"标签用了全角符号“{m.group(0)}”（附近文字：“{around}”）。"
                "请把 ｛ ｝ ％ 改为半角 { } %（切换到英文输入法输入）。",
            )
    env = jinja_env()
    syntax_advice = "。请检查 {{ }} 与 {% %} 是否成对、if/for 是否有对应的 endif/endfor、过滤器名是否写对。"

    def unreadable(e: Exception) -> list[Finding]:
        if isinstance(e, JinjaError):
            near = _surrounding(xml, getattr(e, "lineno", None))
            err(
                "template-syntax",
                f"模板语法错误：{explain_jinja_error(e)}" + (f"（附近文字：“{near}”）" if near else "") + syntax_advice,
            )
        else:
            err(
                "template-syntax", f"模板的标签或括号嵌套层数太多，无法读取（{type(e).__name__}）。请简化模板中的标签。"
            )
        return found

    try:
        parsed = env.parse(xml)
    except (JinjaError, RecursionError, MemoryError, SyntaxError) as e:
        return unreadable(e)
    # Checked on the tree before anything is compiled or run.
    for attr, tag in unsafe_accesses(parsed, xml):
        err(
            "template-unsafe",
            f"标签“{tag}”访问了不允许的属性{attr}。{_SAFETY_NOTE}"
            "请删除这个标签；如果模板来自他人，请改用默认模板（rectify templates init）。",
        )
    for what, tag in forbidden_tags(parsed, xml):
        err("template-unsafe", f"标签“{tag}”{what}。请删除这个标签。")
    if found:
        return found
    try:
        # Analysis compiles the template: an unknown filter or test only shows up here.
        spec = DOCUMENTS_BY_TEMPLATE.get(path.name)
        allowed = set(spec.variables) if spec is not None else set(context)  # the variable contract
        unknown = sorted(meta.find_undeclared_variables(parsed) - allowed)
    except (JinjaError, RecursionError, MemoryError, SyntaxError) as e:
        return unreadable(e)
    for var in unknown:
        err(
            "template-unknown-variable",
            f"模板使用了程序不提供的变量“{var}”。可用的变量：{'、'.join(sorted(allowed))}（含义见 README 的模板变量表）。",
        )
    if not found:
        try:
            render_docx(path, context, DocProperties("检查", "rectify", date(2024, 1, 1)), data)
        except SecurityError as e:
            tag = failing_tag(e, xml)
            err(
                "template-unsafe",
                (f"标签“{tag}”" if tag else "") + f"用示例数据试生成时被拦截：{explain_jinja_error(e)}。",
            )
        except (UndefinedError, JinjaError, RecursionError) as e:
            err("template-render", f"用示例数据试生成时出错：{explain_jinja_error(e)}。请检查模板中的变量名和标签。")
        except Exception as e:  # noqa: BLE001 - docxtpl post-processing errors on odd XML
            err("template-render", f"用示例数据试生成时出错（{type(e).__name__}：{e}）。")
    return found


_PACKAGE_ADVICE = {
    "template-external": "外部链接在打开文档时会访问其他文件或网站。",
    "template-macro": "宏是可以运行的程序代码。",
    "template-embedded": "嵌入对象可能含有程序或其他文件。",
}


def package_findings(path: Path, data: bytes | None = None) -> list[Finding]:
    """Findings for what a template's package must not carry: size bombs, external links, macros, objects.

    None of these is ever copied into a generated document: a template that has one is refused.
    """
    name = path.name
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as zf:
            bound = zip_problem(zf, TEMPLATE_LIMITS)
            if bound:
                return [
                    Finding(
                        ERROR,
                        "template-too-large",
                        name,
                        "",
                        f"模板无法使用：{bound}。请在 Word 中另存为 .docx，或重新生成默认模板（rectify templates init）。",
                    )
                ]
            problems = docx_problems(zf)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
        return []  # reported as unreadable when opened
    return [
        Finding(
            ERROR,
            p.code,
            name,
            "",
            f"模板{p.what}（位置：{p.part}）。{_PACKAGE_ADVICE[p.code]}出于安全，程序不使用这样的模板。"
            "请在 Word 中删除它（或把文档另存为不含宏的 .docx），或改用默认模板（rectify templates init）。",
        )
        for p in problems
    ]


def trial_contexts() -> dict[str, dict[str, Any]]:
    """The contexts templates are trial-rendered with: the sample ledger's, with the notice's blocks covering
    every paragraph kind and style a template may branch on (a tag in a branch the trial never takes would
    only fail on a real build)."""
    from dataclasses import replace

    ledger = sample_ledger()
    contexts = {name: document_context(ledger, name) for name in TEMPLATE_NAMES}
    other = replace(
        ledger, inspection=replace(ledger.inspection, numbering="一、/（一）/（1）/①段首", show_status=True)
    )
    extra = [b.as_dict() for b in build_outline(other)]
    extra.append(
        Block(
            "basic", "paragraph", 2, "内容。", lead_label="一、", lead="段首标题。", lead_style="hei", role="narrative"
        ).as_dict()
    )
    contexts["通报.docx"]["blocks"] = contexts["通报.docx"]["blocks"] + extra
    return contexts


def lint(directory: Path, contents: Mapping[str, bytes] | None = None) -> list[Finding]:
    """Lint every registered template in `directory` against the trial contexts. An optional document's
    template the folder lacks (made before that document existed) is a warning: the built-in one is used."""
    contexts = trial_contexts()
    findings: list[Finding] = []
    for name in TEMPLATE_NAMES:
        path = Path(directory) / name
        if DOCUMENTS_BY_TEMPLATE[name].optional and not path.exists():
            findings.append(
                Finding(
                    WARNING,
                    "template-optional-missing",
                    name,
                    "",
                    f"模板文件夹中没有“{name}”（它是新版本增加的文档），生成时使用内置的默认模板。"
                    f"如需按本单位格式修改，请运行“rectify templates init 新文件夹”取得它，"
                    f"改好后复制到“{Path(directory)}”。",
                )
            )
            continue
        findings.extend(lint_one(path, contexts[name], (contents or {}).get(name)))
    return findings


def require_valid(directory: Path, contents: Mapping[str, bytes] | None = None) -> None:
    """Raise TemplateError listing every problem when a template cannot be used (warnings do not stop it).

    Templates that passed before, byte for byte and with this same program, are not trial-rendered
    again (pipeline.checkcache); `lint`, behind `rectify templates check`, always renders."""

    key = checkcache.templates_key(directory, TEMPLATE_NAMES, contents)
    if checkcache.is_checked(key):
        return
    findings = [f for f in lint(directory, contents) if f.level == ERROR]
    if findings:
        lines = "\n".join(f"  模板“{f.sheet}”：{f.message}" for f in findings)
        raise TemplateError(f"模板有 {len(findings)} 个问题，没有生成任何文件：\n{lines}")
    checkcache.remember(key)


def render_checked(path: Path, context: dict[str, Any], props: DocProperties, data: bytes | None = None) -> bytes:
    """render_docx, with failures reported against the template's name."""
    try:
        return render_docx(path, context, props, data)
    except (UndefinedError, JinjaError, RecursionError) as e:
        raise TemplateError(
            f"模板“{path.name}”无法生成：{explain_jinja_error(e)}。请运行 rectify templates check 检查模板。"
        ) from e
    except DATA_ERRORS as e:
        raise TemplateError(
            f"模板“{path.name}”{_data_error_place(e, path, data)}按本台账的数据无法生成"
            f"（{type(e).__name__}：{e}）。请检查这个标签中的计算（如除以零、取不存在的项），或运行 rectify templates check。"
        ) from e


def _data_error_place(e: Exception, path: Path, data: bytes | None) -> str:
    """“的标签“…”” naming the tag a data-dependent error came from, or "" when it is not found."""
    try:
        raw = data if data is not None else path.read_bytes()
        tag = failing_tag(e, _parts_xml(GroupMergeTemplate(io.BytesIO(raw))))
    except Exception:  # noqa: BLE001 - naming the tag is a courtesy; the error itself is reported
        tag = ""
    return f"的标签“{tag}”" if tag else ""
