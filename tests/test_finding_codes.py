"""Every finding code the package can emit is asserted by code somewhere in the suite.

Emitted codes are found by reading pipeline/**/*.py with ast: a finding is made through a function or a
dataclass with a parameter or field named `code` (Collector.error/warn/add, Finding, ReaderNote, PackageProblem,
field_finding, lint's err, …; found by that name, so a new one is picked up), and the code is the string literal
passed there. A code passed on as a variable must be a forwarder (`code` or `x.code`), else the scan fails.

A code counts as asserted when its literal, in a tests/test_*.py module, stands
  - inside an `assert` statement,
  - in a comparison with a finding's code (`f.code == "…"`, `f.code in (…)`, `d["code"] == "…"`), whose result
    the test then asserts on (e.g. `(f,) = [f for f in result.findings if f.code == "…"]`), or
  - in a `pytest.mark.parametrize` table (inline, or a module-level name the decorator uses) of a test that
    asserts the code it is given.
A code only named in a message, a comment or a docstring does not count.

The tests after the scan cover the codes nothing else asserted: each builds its input from scratch and checks
the code, sheet, cell and Chinese message.
"""

from __future__ import annotations

import ast
import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, TEMPLATES, col_letter, info_cell

from pipeline import api
from pipeline.findings import ERROR, WARNING

PACKAGE = ROOT / "pipeline"
TESTS = ROOT / "tests"
CODE_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")


# -- the codes the package emits -------------------------------------------------------------------------------

def _trees(folder: Path, pattern: str) -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"), str(p))) for p in sorted(folder.rglob(pattern))]


def _called_name(call: ast.Call) -> str | None:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


@lru_cache(maxsize=None)
def _emitters() -> dict[str, tuple[int, int]]:
    """name → (position of `code` among the positional arguments, how many positional arguments it needs)."""
    found: dict[str, tuple[int, int]] = {}
    for _, tree in _trees(PACKAGE, "*.py"):
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if names and names[0] in ("self", "cls"):
                    names = names[1:]
                if "code" in names:
                    required = len(names) - len(node.args.defaults)
                    found[node.name] = (names.index("code"), required)
            elif isinstance(node, ast.ClassDef):
                fields = [(s.target.id, s.value is not None) for s in node.body
                          if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
                names = [n for n, _ in fields]
                if "code" in names:
                    found[node.name] = (names.index("code"), sum(1 for _, has_default in fields if not has_default))
    return found


@lru_cache(maxsize=None)
def _scan_package() -> tuple[dict[str, list[str]], list[str]]:
    """(code → where it is emitted, code arguments that are neither a literal nor a forwarded code)."""
    emitters = _emitters()
    codes: dict[str, list[str]] = {}
    unseen: list[str] = []
    for path, tree in _trees(PACKAGE, "*.py"):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called_name(node)
            if name not in emitters:
                continue
            index, required = emitters[name]
            keywords = {k.arg: k.value for k in node.keywords}
            if len(node.args) + len(keywords) < required:
                continue  # another function of the same name (set.add, a validation's add, …)
            arg = node.args[index] if len(node.args) > index else keywords.get("code")
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                codes.setdefault(arg.value, []).append(where)
            elif not (isinstance(arg, ast.Name) and arg.id == "code"
                      or isinstance(arg, ast.Attribute) and arg.attr == "code"):
                unseen.append(f"{where}: {name}(… {ast.unparse(arg) if arg else '?'} …)")
    return codes, unseen


def emitted_codes() -> dict[str, list[str]]:
    return _scan_package()[0]


# -- the codes the tests assert --------------------------------------------------------------------------------

def _literals(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _is_code_of(node: ast.AST) -> bool:
    """`x.code` or `x["code"]`."""
    if isinstance(node, ast.Attribute):
        return node.attr == "code"
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "code"
    return False


def _is_parametrize(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _called_name(node) == "parametrize"


def asserted_literals(tree: ast.Module) -> set[str]:
    """The string literals a test module asserts (by the rule in this module's docstring)."""
    literals: set[str] = set()
    tables: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            literals |= _literals(node.test)
        elif isinstance(node, ast.Compare) and any(_is_code_of(n) for n in [node.left, *node.comparators]):
            literals |= _literals(node)
        elif _is_parametrize(node):
            for arg in node.args[1:]:  # the first argument names the parameters
                literals |= _literals(arg)
                tables |= {n.id for n in ast.walk(arg) if isinstance(n, ast.Name)}
    for node in tree.body:  # module-level tables a parametrize decorator uses
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in tables for t in targets):
                literals |= _literals(node.value)
    return literals


def asserted_codes() -> dict[str, set[str]]:
    """code-like literal → the test modules that assert it."""
    found: dict[str, set[str]] = {}
    for path, tree in _trees(TESTS, "test_*.py"):
        for literal in asserted_literals(tree):
            if CODE_RE.match(literal):
                found.setdefault(literal, set()).add(path.name)
    return found


def test_the_scan_finds_the_package_codes():
    """The scan sees every way a finding is made, so a code emitted some new way is not missed silently."""
    codes, unseen = _scan_package()
    assert unseen == [], "finding codes the scan cannot read (pass a literal, or forward `code`):\n" + "\n".join(unseen)
    assert {"Finding", "ReaderNote", "error", "warn", "add", "field_finding", "PackageProblem"} <= set(_emitters())
    # one code per way of emitting, as a check on the scan itself
    for code in ("bad-date", "deadline-passed", "hidden-rows", "folder-name-cut", "too-long",
                 "template-too-large", "template-macro", "template-syntax"):
        assert code in codes, code
    bad = sorted(c for c in codes if not CODE_RE.match(c))
    assert bad == [], f"finding codes not in the kebab-case form the suite scans for: {bad}"


def test_every_finding_code_is_asserted_by_some_test():
    emitted = emitted_codes()
    asserted = asserted_codes()
    never = {c: emitted[c] for c in sorted(set(emitted) - set(asserted))}
    assert not never, "finding codes no test asserts:\n" + "\n".join(f"  {c}  (emitted at {', '.join(w)})"
                                                                    for c, w in never.items())


def test_the_asserted_rule_ignores_messages_and_docstrings():
    """The rule itself: a code in a message, a docstring or an unused table is not asserted; in an assert, a code
    comparison or a parametrize table it is."""
    source = ('"""mentions bad-date."""\n'
              'UNUSED = ["no-problems"]\n'
              'TABLE = [("missing-item", 1)]\n'
              '@pytest.mark.parametrize("code, n", TABLE)\n'
              '@pytest.mark.parametrize("other", ["date-order"])\n'
              'def test_a(result, code, n, other):\n'
              '    print("bad-number")\n'
              '    (f,) = [f for f in result.findings if f.code == "bad-choice"]\n'
              '    assert "cell-error" in {g.code for g in result.findings}\n')
    assert {c for c in asserted_literals(ast.parse(source)) if CODE_RE.match(c)} == {
        "bad-choice", "cell-error", "missing-item", "date-order"}


# -- the codes nothing else asserted ---------------------------------------------------------------------------

def _only(result: Any, code: str) -> Any:
    (f,) = [f for f in result.findings if f.code == code]
    return f


def test_bad_boolean_at_its_cell(make_ledger):
    result = api.check_file(make_ledger(edit=lambda wb: wb["措施"].__setitem__("C3", True)))
    f = _only(result, "bad-boolean")
    assert (f.level, f.code, f.sheet, f.cell, f.header) == (
        ERROR, "bad-boolean", "措施", f"{col_letter('measures', 'action')}3", "整改措施")
    assert f.message == ("〔整改措施〕是逻辑值“TRUE”（Excel 的真/假值，常由公式或复选框产生），不是这一列要填的内容。"
                         "请直接输入文字、数字或日期。")
    assert not result.ok


def test_format_char_removed_with_a_warning(make_ledger):
    result = api.check_file(make_ledger(lambda d: d["problems"][1].update(progress="正在\u200b整改。")))
    f = _only(result, "format-char")
    assert (f.level, f.code, f.sheet, f.cell) == (
        WARNING, "format-char", "问题", f"{col_letter('problems', 'progress')}3")
    assert f.message == ("〔整改进展〕含有看不见的格式字符（U+200B，如零宽空格、文字方向控制符），已删除。"
                         "它们通常来自网页或聊天软件的复制粘贴；请确认删除后的内容无误。")
    assert result.ok and result.ledger.problems[1].progress == ("正在整改。",)


def test_hidden_rows_are_read_with_a_warning(make_ledger):
    def edit(wb: Any) -> None:
        wb["措施"].row_dimensions[3].hidden = True
    result = api.check_file(make_ledger(edit=edit))
    f = _only(result, "hidden-rows")
    assert (f.level, f.code, f.sheet, f.cell) == (WARNING, "hidden-rows", "措施", "3:3")
    assert f.message == ("第 3 行是隐藏行（共 1 行），其内容仍会读入并印入文档。"
                         "如果这些行已作废，请删除它们；否则请取消隐藏并核对。")
    assert result.ok and [m.id for m in result.ledger.measures] == ["1", "2", "3"]


def test_header_merged_into_the_first_row(make_ledger):
    def edit(wb: Any) -> None:
        ws = wb["正文"]
        ws["B2"] = None
        ws.merge_cells("B1:B2")
    result = api.check_file(make_ledger(edit=edit))
    f = _only(result, "header-merged")
    assert (f.level, f.code, f.sheet, f.cell, f.header) == (WARNING, "header-merged", "正文", "B1", "小标题")
    assert f.message == ("〔小标题〕的表头单元格向下合并到了第 2 行，第 2 行的这一列按空白处理（不把表头当作内容）。"
                         "请取消合并，在这些行中填写内容。")
    assert result.ok


def test_header_found_below_a_title_block(make_ledger):
    def edit(wb: Any) -> None:
        ws = wb["措施"]
        ws.insert_rows(1, 14)
        ws["A1"] = "某某单位巡察整改措施台账"
    result = api.check_file(make_ledger(edit=edit))
    f = _only(result, "header-low")
    assert (f.level, f.code, f.sheet, f.cell) == (WARNING, "header-low", "措施", "15:15")
    assert f.message == ("表头在第 15 行，上面的 14 行不是表头，已跳过、不会印入文档。"
                         "请确认这些行中没有需要的内容；删除它们可以去掉这条提示。")
    assert result.ok and result.ledger.counts.measures == 3


def test_hidden_sheet_is_not_read(make_ledger):
    def edit(wb: Any) -> None:
        wb["制度文件"].sheet_state = "hidden"
    result = api.check_file(make_ledger(edit=edit))
    f = _only(result, "hidden-sheet")
    assert (f.level, f.code, f.sheet, f.cell) == (ERROR, "hidden-sheet", "制度文件", "")
    assert f.message == ("工作表“制度文件”是隐藏的，没有读取。"
                         "如果它才是要用的“制度文件”表，请在 Excel 中取消隐藏；如果已作废，请删除它。")
    assert not result.ok


def test_two_sheets_that_both_look_like_one(make_ledger):
    def edit(wb: Any) -> None:
        wb.copy_worksheet(wb["措施"]).title = "措施清单"
    result = api.check_file(make_ledger(edit=edit))
    f = _only(result, "duplicate-sheet")
    assert (f.level, f.code, f.sheet, f.cell) == (ERROR, "duplicate-sheet", "措施清单", "")
    assert f.message == ("“措施”、“措施清单”都像是“措施”表，无法确定用哪一个。"
                         "请删除或改名多余的表（只保留一个“措施”表）。")
    assert not result.ok


def test_a_visible_copy_is_named_as_unread(make_ledger):
    def edit(wb: Any) -> None:
        wb.copy_worksheet(wb["问题"]).title = "问题（备份）"
    result = api.check_file(make_ledger(edit=edit))
    f = _only(result, "unread-sheet")
    assert (f.level, f.code, f.sheet, f.cell) == (WARNING, "unread-sheet", "问题（备份）", "")
    assert f.message == ("工作表“问题（备份）”的表头与“问题”表相同，但没有读取：文档只用“问题”表。"
                         "如果它是过时的副本，请删除它；如果内容应当使用，请把它并入“问题”表。")
    assert result.ok


def test_folder_name_cut_at_the_group(make_ledger, tmp_path):
    group = "市委第一巡察组" * 9  # 189 bytes: with the date, the folder name's 200 bytes hold the group alone
    ledger = make_ledger(lambda d: d["info"].update(group=group))
    result = api.check_file(ledger)
    f = _only(result, "folder-name-cut")
    assert (f.level, f.code, f.sheet, f.cell, f.header) == (
        WARNING, "folder-name-cut", "基本信息", info_cell("group"), "巡察组")
    assert f.message == (f"〔巡察组〕太长，输出文件夹名只能用前面一部分：“2024-12-20_{group}”（文件夹名最多 200 字节）。"
                         "不影响文档内容；如需完整的文件夹名，请缩短。")
    assert result.ok
    (built,) = api.build_many([ledger], TEMPLATES, tmp_path / "out")
    assert built.status == "written" and built.folder.name == f"2024-12-20_{group}"


def test_too_long_for_the_document_properties(make_ledger):
    issuer = "中共示例单位党组" * 40
    result = api.check_file(make_ledger(lambda d: d["info"].update(issuer=issuer)))
    f = _only(result, "too-long")
    assert (f.level, f.code, f.sheet, f.cell, f.header) == (ERROR, "too-long", "基本信息", info_cell("issuer"), "发文机关")
    assert f.message == ("〔发文机关〕太长：通报标题有 344 个字，超过 Word 文档属性的上限 255 个字。"
                         "请缩短（通报标题一般不超过 50 个字）。")
    assert not result.ok


def _templates_with(tmp_path, add: dict[str, bytes] | None = None, edit: Any = None, rels: Any = None) -> Path:
    """A copy of the shipped templates whose 通报.docx has parts added, or document.xml or its .rels edited."""
    import shutil

    folder = tmp_path / "tpl"
    shutil.copytree(TEMPLATES, folder)
    path = folder / "通报.docx"
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml" and edit:
                data = edit(data.decode("utf-8")).encode("utf-8")
            if item.filename == "word/_rels/document.xml.rels" and rels:
                data = rels(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    path.write_bytes(out.getvalue())
    return folder


_REFUSED = ("出于安全，程序不使用这样的模板。请在 Word 中删除它（或把文档另存为不含宏的 .docx），"
            "或改用默认模板（rectify templates init）。")
_EXTERNAL_REL = ('<Relationship Id="rId999" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 'relationships/hyperlink" Target="http://example.com/" TargetMode="External"/></Relationships>')


@pytest.mark.parametrize("code, change, message", [
    ("template-macro", {"add": {"word/vbaProject.bin": b"x"}},
     "模板含有宏（VBA）部件“word/vbaProject.bin”（位置：word/vbaProject.bin）。宏是可以运行的程序代码。" + _REFUSED),
    ("template-embedded", {"add": {"word/embeddings/oleObject1.bin": b"x"}},
     "模板含有嵌入对象部件“word/embeddings/oleObject1.bin”（位置：word/embeddings/oleObject1.bin）。"
     "嵌入对象可能含有程序或其他文件。" + _REFUSED),
    ("template-external", {"rels": lambda s: s.replace("</Relationships>", _EXTERNAL_REL)},
     "模板含有外部链接（hyperlink：http://example.com/）（位置：word/_rels/document.xml.rels）。"
     "外部链接在打开文档时会访问其他文件或网站。" + _REFUSED),
    ("template-too-large", {"add": {f"docProps/extra{i}.txt": b"" for i in range(1001)}},
     "模板无法使用：文件包含 1016 个部件，超过上限 1000 个。请在 Word 中另存为 .docx，或重新生成默认模板（rectify templates init）。"),
    ("template-unsafe", {"edit": lambda s: s.replace("{{ title }}", "{{ title.__class__ }}", 1)},
     "标签“{{ title.__class__ }}”访问了不允许的属性“__class__”。出于安全，模板只能使用程序提供的数据，"
     "不能访问程序内部或调用程序代码。请删除这个标签；如果模板来自他人，请改用默认模板（rectify templates init）。"),
], ids=lambda v: v if isinstance(v, str) and v.startswith("template-") else "")
def test_refused_template_packages(tmp_path, code, change, message):
    findings = api.check_templates(_templates_with(tmp_path, **change))
    assert [(f.level, f.code, f.sheet, f.cell, f.message) for f in findings] == [
        (ERROR, code, "通报.docx", "", message)]
