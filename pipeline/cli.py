"""Command line: `rectify init | check | build | templates`. A thin shell over pipeline.api."""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
import unicodedata
import warnings
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any, Sequence

import click

from pipeline import __version__, api
from pipeline.api import CheckResult, Finding
from pipeline.errors import PipelineError, UsageError
from pipeline.invocation import command_name
from pipeline.text.dates import format_date, parse_date_text
from pipeline.text.names import display_text
from pipeline.web import serve as serve_page

# Where the commands look when no folder is named: the working folder's input/, templates/ and output/
# (the library itself assumes no working folder).
DEFAULT_INPUT = Path("input")
DEFAULT_OUTPUT = Path("output")
DEFAULT_TEMPLATES = Path("templates")


# The -t/--templates option, the same wherever a command uses templates (build, serve).
_templates_option = click.option(
    "-t",
    "--templates",
    "templates_dir",
    metavar="文件夹",
    type=click.Path(path_type=Path),
    default=None,
    help="模板文件夹（默认：当前目录的 templates 文件夹，没有时用内置模板）。",
)


def _templates_or_default(directory: Path | None) -> Path | None:
    """The template folder named, else ./templates when there is one, else None (the built-in templates)."""
    if directory is None and DEFAULT_TEMPLATES.is_dir():
        return DEFAULT_TEMPLATES
    return directory


LEVEL_NAMES = {"error": "错误", "warning": "警告"}
STATUS_NAMES = {"written": "已生成", "replaced": "已替换", "unchanged": "未变化（已存在相同内容）", "failed": "失败"}

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
HELP_OPTION_HELP = "显示本帮助并退出。"
_CJK_LINE_BREAK = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\n(?=[^\s])")
HEADINGS = {"Usage": "用法", "Options": "选项", "Commands": "命令", "Arguments": "参数"}


class ChineseHelpFormatter(click.HelpFormatter):
    """Click's help layout with Chinese labels: "用法：", "选项：", "命令：", "参数："."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        # A line break after Chinese text joins the next line directly (click would put a space there);
        # indented lines (the \b example blocks) keep their breaks.
        super().write_text(_CJK_LINE_BREAK.sub("", text))


class ChineseContext(click.Context):
    """A context whose help is formatted by ChineseHelpFormatter."""

    formatter_class = ChineseHelpFormatter


class ChineseCommand(click.Command):
    """A command whose help (usage line, headings, -h/--help's own text) is all Chinese."""

    context_class = ChineseContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option


class ChineseGroup(ChineseCommand, click.Group):
    """A group of ChineseCommands (sub-groups are ChineseGroups too)."""

    command_class = ChineseCommand
    group_class = type

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: East Asian wide and full-width characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` terminal columns."""
    return text + " " * max(width - display_width(text), 0)


# Findings of one kind (code) listed per sheet; the rest are counted. 100,000 bad rows must not print 72 MB.
MAX_PER_CODE = 20
# Findings listed for one workbook in all, and the characters of their lines (each message is bounded by
# findings.MESSAGE_MAX): past either, the rest are counted in one line. 250 sheets each with their own
# findings, or a few hundred long messages, stay a screenful or two, not megabytes.
MAX_LINES = 200
MAX_CHARS = 40_000


def _print_findings(findings: Sequence[Finding], err: bool = False) -> None:
    """Findings grouped by sheet (or template), errors first within each; at most MAX_PER_CODE of a kind,
    MAX_LINES and MAX_CHARS in all."""
    by_sheet: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_sheet[f.sheet].append(f)
    order = {name: i for i, name in enumerate(api.SHEET_ORDER)}
    lines = chars = 0
    unlisted: list[Finding] = []
    for sheet, items in sorted(by_sheet.items(), key=lambda kv: order.get(kv[0], len(order))):
        if lines >= MAX_LINES or chars >= MAX_CHARS:
            unlisted.extend(items)
            continue
        click.echo(f"【{sheet}】", err=err)
        shown: dict[str, int] = defaultdict(int)
        hidden: dict[str, list[Finding]] = defaultdict(list)
        for f in sorted(items, key=_reading_order):
            if lines >= MAX_LINES or chars >= MAX_CHARS:
                unlisted.append(f)
                continue
            if shown[f.code] >= MAX_PER_CODE:
                hidden[f.code].append(f)
                continue
            shown[f.code] += 1
            line = f"  {LEVEL_NAMES[f.level]}  {f.location}  {f.message}"
            lines, chars = lines + 1, chars + len(line)
            click.echo(line, err=err)
        for code, rest in hidden.items():
            level = LEVEL_NAMES[rest[0].level]
            click.echo(
                f"  {level}  ……同类{level}（{code}）另有 {len(rest)} 个未列出（{rest[0].location} 至 "
                f"{rest[-1].location}）。请先改正上面列出的，再重新检查；用 --json 可列出全部。",
                err=err,
            )
    if unlisted:
        errors = sum(1 for f in unlisted if f.level == "error")
        kinds = "、".join(
            f"{n} 个{LEVEL_NAMES[level]}" for level, n in (("error", errors), ("warning", len(unlisted) - errors)) if n
        )
        click.echo(
            f"……另有 {kinds}未列出（已列出的超过 {MAX_LINES} 条或 {MAX_CHARS} 个字符）。"
            "请先改正上面列出的，再重新检查；用 --json 可列出全部。",
            err=err,
        )


def _reading_order(f: Finding) -> tuple[bool, int, int, str]:
    """Errors first, then top to bottom and left to right as the sheet reads."""
    m = re.match(r"([A-Z]+)(\d+)", f.cell)
    if not m:
        return (f.level != "error", 0, 0, f.cell)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return (f.level != "error", int(m.group(2)), col, f.cell)


def _summary(name: str, result: CheckResult) -> str:
    return f"{name}：{len(result.errors)} 个错误，{len(result.warnings)} 个警告"


@click.group(cls=ChineseGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(
    __version__, "-V", "--version", prog_name="rectify", message="%(prog)s %(version)s", help="显示版本号并退出。"
)
@click.option("--debug", is_flag=True, help="出错时显示程序内部的详细信息（供维护人员排查）。")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    ctx.obj = {"debug": debug}


cli.help = f"""巡察整改台账工具：由一个 Excel 整改台账生成 Word 文档（{"、".join(api.DOCUMENT_NAMES)}）。

    \b
    一般步骤：
      rectify init 台账.xlsx      新建空白台账
      rectify check 台账.xlsx     检查台账，列出所有问题
      rectify build 台账.xlsx     生成 {len(api.DOCUMENT_NAMES)} 个 Word 文档（不指定文件时处理 input 文件夹中的全部台账）
    """


@cli.command()
@click.argument("path", metavar="台账.xlsx", type=click.Path(path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(list(api.KINDS)),
    default="巡察",
    help="巡察（市、县党委开展，默认）或巡视（省委、中央开展）：台账中的项目名称和说明随之改变。",
)
def init(path: Path, kind: str) -> None:
    """新建空白台账（.xlsx），含示例行、下拉列表、日期校验、打印设置和“填写说明”表。已存在的文件不会被覆盖。"""
    written = api.init_ledger(path, kind)
    click.echo(f"已新建空白台账：{written}")
    click.echo(
        "请先阅读其中的“填写说明”表（各表第 2 行灰色斜体的是示例，读取时跳过；“正文”表预填了通报的常用段落，"
        "请按实际改写），填好后运行：" + command_name() + " check " + api.command_arg(written)
    )
    click.echo(
        "完整的填写样例见 input/示例台账.xlsx，其他结构（巡视、只公布总数、四级标题、无方面）见 examples 文件夹。"
    )


class DateParam(click.ParamType):
    """A date typed as 2024-12-20 or 2024年12月20日."""

    name = "日期"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        parsed = parse_date_text(str(value))
        if parsed is None:
            self.fail(f"“{value}”不是日期，请写作如 2024-12-20 或 2024年12月20日。", param, ctx)
        return parsed


# Terminal lines of the overdue list for one workbook, at most (the build's 督办清单 has them all).
DUE_LINES = 30


def _print_due(ledger: Any, as_of: date) -> None:
    """The counts of measures overdue and due soon as of a day, and the measures themselves."""
    items = api.due_measures(ledger, as_of)
    task_no = api.task_numbers(ledger)
    late = sum(1 for d in items if d.overdue)
    click.echo(
        f"督办（截至{format_date(as_of)}）：逾期未完成 {late} 项，{api.DUE_SOON_DAYS} 天内到期 {len(items) - late} 项。"
    )
    if as_of != ledger.inspection.issued:
        click.echo(
            f"  （生成的督办清单按成文日期{format_date(ledger.inspection.issued)}统计；要按这一天生成，"
            f"请运行 {command_name()} build --as-of {as_of.isoformat()}。）"
        )
    for d in items[:DUE_LINES]:
        m = d.measure
        deadline = format_date(m.deadline) if m.deadline is not None else "长期坚持"
        if m.deadline_text and m.deadline is not None:  # as written, and the day it is counted to
            deadline = f"{m.deadline_text}（{deadline}）"
        click.echo(
            f"  {d.state:<8}  措施 {m.id}（任务号 {task_no.get(m.id, '')}）  {m.department}（{m.leader}）  时限 {deadline}  {m.action[:30]}"
        )
    if len(items) > DUE_LINES:
        click.echo(f"  ……另有 {len(items) - DUE_LINES} 项，见生成的督办清单。")


@cli.command()
@click.argument("workbooks", nargs=-1, metavar="[台账]…", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出检查结果（供其他程序使用）。")
@click.option(
    "--as-of",
    "as_of",
    type=DateParam(),
    default=None,
    help="按这一天统计逾期和即将到期的措施（默认今天），如 --as-of 2024-12-20。",
)
def check(workbooks: tuple[Path, ...], as_json: bool, as_of: date | None) -> None:
    """检查台账，列出全部错误和警告（含表名和单元格），以及逾期、即将到期的措施。

    不指定文件时检查 input 文件夹中的全部台账。有错误时退出码为 1。
    """
    as_of = as_of or date.today()
    paths = api.find_workbooks(workbooks, DEFAULT_INPUT, command="check")
    failed = False
    stream = _JsonStream() if as_json else None
    for path in paths:
        try:
            result = api.check_file(path)
        except PipelineError as err:
            failed = True
            if stream:
                stream.report({"file": str(path), "ok": False, "fatal": err.message, "findings": []})
            else:
                click.echo(f"{path.name}：无法读取", err=True)
                click.echo(f"  错误  {err.message}", err=True)
            continue
        failed = failed or not result.ok
        if stream:
            due = api.due_measures(result.ledger, as_of) if result.ledger else []
            stream.report(
                {
                    "file": str(path),
                    "ok": result.ok,
                    "counts": result.ledger.counts.as_dict() if result.ledger else None,
                    "findings": result.findings,  # written one by one
                    "due": {
                        "as_of": as_of.isoformat(),
                        "measures": [
                            {
                                "id": d.measure.id,
                                "department": d.measure.department,
                                "leader": d.measure.leader,
                                "deadline": d.measure.deadline.isoformat() if d.measure.deadline else None,
                                "days_overdue": d.days,
                                "status": d.measure.status,
                            }
                            for d in due
                        ],
                    },
                }
            )
            continue
        click.echo(_summary(path.name, result))
        _print_findings(result.findings)
        if result.ledger is not None:
            c = result.ledger.counts
            click.echo(
                f"统计：{c.aspects} 个方面，问题表 {c.problems_counted} 行，措施表 {c.measures_counted} 行，"
                f"制度文件 {c.documents_counted} 个；通报中印：{c.problems} 个具体问题、{c.measures} 项措施、"
                f"{c.documents} 个制度文件。"
            )
            _print_due(result.ledger, as_of)
        if result.ok:
            click.echo(f"检查通过，可以运行 {command_name()} build 生成文档。")
        else:
            click.echo("请按上面的提示修改台账后重新检查。")
    if stream:
        stream.close()
    sys.exit(1 if failed else 0)


class _JsonStream:
    """`check --json` written as it goes: always a list of per-file reports (one shape for one file or many),
    always UTF-8, the same text as json.dumps(reports, ensure_ascii=False, indent=2), but each finding is
    encoded and written on its own: 250,000 findings never become one list of dicts and one string."""

    CHUNK = 1 << 16

    def __init__(self) -> None:
        self.pending: list[str] = []
        self.size = 0
        self.count = 0

    def _put(self, text: str) -> None:
        self.pending.append(text)
        self.size += len(text)
        if self.size >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            _write_utf8("".join(self.pending))
            self.pending, self.size = [], 0

    def report(self, report: dict[str, Any]) -> None:
        """Write one file's report; its "findings" may hold Finding objects."""
        self._put("[\n  {" if not self.count else ",\n  {")
        self.count += 1
        for i, (key, value) in enumerate(report.items()):
            self._put(("\n" if not i else ",\n") + "    " + json.dumps(key, ensure_ascii=False) + ": ")
            if key == "findings":
                self._findings(value)
            else:
                self._put(_indented(value, "    "))
        self._put("\n  }")

    def _findings(self, findings: Sequence[Any]) -> None:
        if not findings:
            self._put("[]")
            return
        self._put("[")
        for i, f in enumerate(findings):
            item = f.as_dict() if isinstance(f, Finding) else f
            self._put(("\n" if not i else ",\n") + "      " + _indented(item, "      "))
        self._put("\n    ]")

    def close(self) -> None:
        self._put("\n]\n" if self.count else "[]\n")
        self._flush()


def _indented(value: Any, pad: str) -> str:
    """`value` as json.dumps(indent=2) writes it nested `pad` deep (JSON strings hold no raw line breaks)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + pad)


def _write_utf8(text: str) -> None:
    """Write text to stdout as UTF-8 whatever the console's or redirection's encoding (for --json)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        click.echo(display_text(text), nl=False)
        return
    sys.stdout.flush()
    buffer.write(display_text(text).encode("utf-8"))
    buffer.flush()


@cli.command()
@click.argument("workbooks", nargs=-1, metavar="[台账]…", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    metavar="文件夹",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUTPUT,
    help=f"输出文件夹（默认：{DEFAULT_OUTPUT}）；每次生成在其中新建一个子文件夹。",
)
@_templates_option
@click.option("--force", is_flag=True, help="已有同名但内容不同的生成结果时直接替换（默认另建“-2”等新文件夹）。")
@click.option(
    "--replace-edited",
    is_flag=True,
    help="与 --force 相同，且被替换的文件夹中有修改过的文件时也替换（修改过的文件先复制到“已修改的文件-时间”文件夹）。",
)
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成 PDF（需已安装 LibreOffice）。")
@click.option(
    "--as-of",
    "as_of",
    type=DateParam(),
    default=None,
    help="督办清单按这一天统计逾期和即将到期的措施（默认成文日期），如 --as-of 2025-01-20。",
)
@click.option("-v", "--verbose", is_flag=True, help="列出全部警告（默认与上次生成相同的警告只给出数目）。")
@click.option(
    "--docs",
    "docs",
    metavar="文档",
    default=None,
    help="要生成的文档，多个用逗号隔开：" + "、".join(api.DOCUMENT_SETS) + "，或“全部”；不指定时生成通报和四个清单。",
)
@click.option(
    "--problems",
    "problems",
    metavar="编号",
    default=None,
    help="只为这些问题生成销号表（“问题”表的编号，多个用逗号隔开）；不指定时每个问题一页。",
)
def build(
    workbooks: tuple[Path, ...],
    output: Path,
    templates_dir: Path | None,
    force: bool,
    replace_edited: bool,
    pdf: bool,
    as_of: date | None,
    verbose: bool,
    docs: str | None,
    problems: str | None,
) -> None:
    """检查台账并生成文档（Word）。

    不指定文件时处理 input 文件夹中的全部台账（跳过 Excel 的 ~$ 临时文件）。
    默认生成通报和问题、任务、责任、督办四个清单；--docs 选择其他文档（整改方案、整改情况报告、党内通报、
    销号、汇总，或“全部”），生成的文件夹名写明所选文档。
    有错误的台账不生成任何文件；退出码为 1 表示至少一个台账失败。
    """
    sets = api.document_sets(docs)
    problem_ids = tuple(p for p in re.split(r"[,，、;；\s]+", problems or "") if p)
    if problem_ids and "销号" not in sets:
        raise UsageError("--problems 只用于销号表，请同时选择销号，如：--docs 销号 --problems 1,3。")
    paths = api.find_workbooks(workbooks, DEFAULT_INPUT, command="build")
    if len(paths) > 1:
        with click.progressbar(length=len(paths), label="生成中", file=sys.stderr) as bar:
            results = api.build_many(
                paths,
                _templates_or_default(templates_dir),
                output,
                force=force,
                pdf=pdf,
                progress=lambda _p: bar.update(1),
                sets=sets,
                problem_ids=problem_ids,
                replace_edited=replace_edited,
                as_of=as_of,
            )
    else:
        results = api.build_many(
            paths,
            _templates_or_default(templates_dir),
            output,
            force=force,
            pdf=pdf,
            sets=sets,
            problem_ids=problem_ids,
            replace_edited=replace_edited,
            as_of=as_of,
        )
    for r in results:
        _print_build(r, verbose)
    if len(results) > 1:
        click.echo("\n汇总：")
        name_width = max(display_width(r.workbook.name) for r in results)
        status_width = max(display_width(STATUS_NAMES[r.status]) for r in results)
        for r in results:
            where = str(r.folder.resolve()) if r.folder else r.message
            status = pad(STATUS_NAMES[r.status], status_width)
            click.echo(f"  {pad(r.workbook.name, name_width)}  {status}  {where}")
    sys.exit(1 if any(r.failed for r in results) else 0)


def _print_build(r: api.BuildResult, verbose: bool = False) -> None:
    if r.failed:
        click.echo(f"{r.workbook.name}：生成失败。{r.message}", err=True)
        if r.check is not None:
            _print_findings(r.check.findings, err=True)
        return
    assert r.check is not None
    warnings = r.check.warnings
    folder = r.folder.resolve() if r.folder else r.folder  # the full path: the clerk finds it in Explorer
    if r.status == "unchanged":
        click.echo(f"{r.workbook.name}：输出文件夹 {folder} 已存在且内容相同，没有写入任何文件。")
    else:
        verb = "已替换" if r.status == "replaced" else "已生成"
        click.echo(f"{r.workbook.name}：{verb} {folder}")
        if r.previous is not None:
            click.echo(f"  与上次生成（{r.previous.name}）相比：{r.changes}。")
    kind = r.check.ledger.inspection.kind if r.check.ledger is not None else "巡察"
    if r.newest is not None:
        click.echo(f"  注意：同一{kind}最新的生成结果是 {r.newest.resolve()}，不是这个文件夹。")
    elif r.builds > 1:
        click.echo(f"  这是同一{kind}的 {r.builds} 次生成中最新的一次（output 中较早的文件夹可以删去或移走）。")
    if warnings and r.warnings_as_before and not verbose:
        click.echo(f"  有 {len(warnings)} 个警告，与上次生成时相同（不影响生成；加 --verbose 列出）。")
    elif warnings:
        click.echo(f"  有 {len(warnings)} 个警告（不影响生成）：")
        _print_findings(warnings)
    for note in r.notes:
        click.echo(f"  注意：{note}")


@cli.command()
@click.argument("old", metavar="旧台账", type=click.Path(path_type=Path))
@click.argument("new", metavar="新台账", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出（供其他程序使用）。")
def diff(old: Path, new: Path, as_json: bool) -> None:
    """比较两个台账（或 output 中的两个生成文件夹）：问题和措施的新增、删除，状态、时限、责任等的变化（按编号对应）。"""
    result = api.diff_ledgers(old, new)
    if as_json:
        _write_utf8(
            json.dumps(
                {"old": str(old), "new": str(new), "summary": result.summary(), **result.as_dict()},
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
        return
    click.echo(f"{old} → {new}：{result.summary()}")
    for line in result.lines():
        click.echo(f"  {line}")


@cli.command("import")
@click.argument("source", metavar="原台账", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    metavar="台账.xlsx",
    type=click.Path(path_type=Path),
    default=None,
    help="导入得到的台账（默认：原台账旁边的“原名-台账.xlsx”）；不会覆盖已有文件。",
)
@click.option("--sheet", metavar="工作表", default=None, help="要导入的工作表（默认：第一个像台账的工作表）。")
def import_cmd(source: Path, output: Path | None, sheet: str | None) -> None:
    """把巡察办规定格式的单表整改台账（Excel 新旧格式、WPS 表格或 LibreOffice 表格）转换为本工具的台账，并列出每一列、每一行的去向。

    原台账不会被修改。导入后按提示补填“基本信息”，再运行 rectify check。
    """
    result = api.import_ledger(source, output, sheet)
    assert result.output is not None  # set when the ledger has been written
    for line in result.report():
        click.echo(line)
    click.echo(f"已导入：{result.output}（以上说明也写在其中的“填写说明”表末尾）")
    click.echo(f"下一步：补填后运行 {command_name()} check {api.command_arg(result.output)}")


@cli.command("export")
@click.argument("ledger", metavar="台账.xlsx", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    metavar="回报台账.xlsx",
    type=click.Path(path_type=Path),
    default=None,
    help="写出的回报台账（默认：台账旁边的“原台账名-回报.xlsx”）；不会覆盖已有文件。",
)
@click.option(
    "--source",
    metavar="原台账",
    type=click.Path(path_type=Path),
    default=None,
    help="导入时的原台账（默认：在台账旁边按导入时的文件名查找）。",
)
def export_cmd(ledger: Path, output: Path | None, source: Path | None) -> None:
    """把用 rectify import 导入的台账中的整改状态、进展和新增措施写回原台账的格式，供报送巡察办。"""
    result = api.export_ledger(ledger, output, source)
    click.echo(f"已按原台账“{result.source.name}”的格式写出：{result.output}")
    click.echo(f"写回 {len(result.changed)} 处改动，新增 {len(result.added)} 行。")
    for line in result.changed + result.added:
        click.echo(f"  {line}")
    for note in result.notes:
        click.echo(f"  注意：{note}")


@cli.group()
def templates() -> None:
    """模板相关命令：检查模板、生成默认模板。"""


@templates.command("check")
@click.argument("directory", required=False, metavar="[文件夹]", type=click.Path(path_type=Path))
def templates_check(directory: Path | None) -> None:
    """检查模板文件夹中的模板（默认：templates 文件夹，没有时检查内置模板）：语法、变量名、全角标签、不安全的内容。"""
    directory = _templates_or_default(directory)
    if api.template_folder(directory) is None:
        click.echo(f"未找到 {DEFAULT_TEMPLATES} 文件夹，已检查内置默认模板。")
    findings = api.check_templates(directory)
    _print_findings(findings)
    if any(f.level == "error" for f in findings):
        sys.exit(1)
    click.echo("模板检查通过。" if not findings else "模板可以使用（见上面的提示）。")


@templates.command("init")
@click.argument("directory", metavar="文件夹", type=click.Path(path_type=Path))
def templates_init(directory: Path) -> None:
    """在指定文件夹中生成全部默认模板，供修改版头、字体或措辞。不会覆盖已有文件。"""
    for path in api.write_default_templates(directory):
        click.echo(f"已生成模板：{path}")


# -- rectify serve: the page ------------------------------------------------------------------------------------

# The ledgers the page offers as examples: the working folder's input/ (what `build` builds by default) and
# examples/, as the repository and the offline bundle lay them out.
EXAMPLE_FOLDERS = (DEFAULT_INPUT, Path("examples"))


@cli.command()
@click.option(
    "-o",
    "--output",
    metavar="文件夹",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUTPUT,
    help=f"生成结果放在哪个文件夹（默认：{DEFAULT_OUTPUT}，与 rectify build 相同）。",
)
@_templates_option
@click.option("--port", metavar="端口", type=int, default=8765, help="端口号（默认：8765；0 表示任选一个空闲端口）。")
@click.option(
    "--host",
    metavar="地址",
    default="127.0.0.1",
    help="监听的地址（默认：127.0.0.1，只允许本机访问）；改为其他地址会让局域网中的电脑也能连接（仍需口令）。",
)
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器（地址会显示在窗口中）。")
def serve(output: Path, templates_dir: Path | None, port: int, host: str, no_browser: bool) -> None:
    """打开整改台账助手网页：新建台账、检查并标出问题、生成并逐页查看文档、历史、比较、督办。"""
    serve_page(
        output,
        api.template_folder(_templates_or_default(templates_dir)),
        examples=EXAMPLE_FOLDERS,
        host=host,
        port=port,
        open_browser=not no_browser,
        echo=click.echo,
    )


def _tolerant_streams() -> None:
    """Never crash on a character the output encoding lacks (GBK on Chinese Windows when redirected)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError, TypeError):
                pass


# click.Path's checks ("Path 'ro' is not readable."): what is wrong with the path, and what to do.
_PATH_PROBLEM_RE = re.compile(
    r"(?:File|Directory|Path) (['\"])(?P<path>.*)\1 (?P<problem>is not readable|is not writable|"
    r"does not exist|is a directory|is a file|is not executable)"
)
_PATH_PROBLEMS = {
    "is not readable": "没有权限读取“{path}”。请确认路径无误，或请管理员开放读取权限",
    "is not writable": "没有权限写入“{path}”。请换一个有写入权限的位置，或请管理员开放权限",
    "does not exist": "“{path}”不存在。请检查路径和文件名是否写对",
    "is a directory": "“{path}”是文件夹，这里需要一个文件。请指定文件",
    "is a file": "“{path}”是文件，这里需要一个文件夹。请指定文件夹",
    "is not executable": "“{path}”不能运行。请检查路径",
}


def _path_problem(e: click.UsageError) -> str | None:
    """A click.Path failure explained in Chinese, or None for other usage errors."""
    m = _PATH_PROBLEM_RE.search(e.message)
    if not isinstance(e, click.BadParameter) or m is None:
        return None
    return _PATH_PROBLEMS[m.group("problem")].format(path=m.group("path"))


_NO_SUCH_COMMAND_RE = re.compile(r"No such command '(?P<name>[^']*)'")
_EXTRA_ARGS_RE = re.compile(r"unexpected extra arguments? \((?P<args>.*)\)")


def _param_name(param: click.Parameter | None) -> str:
    """How a parameter is named to the clerk: 选项“--kind”, 参数“台账.xlsx” (an argument's Chinese metavar)."""
    if param is None:
        return "参数"
    if isinstance(param, click.Option):
        return f"选项“{max(param.opts, key=len)}”"
    return f"参数“{param.metavar or param.human_readable_name}”"


def _usage_message(e: click.UsageError) -> str:
    """Click's usage error in Chinese, with what was wrong and what to type instead."""
    path_problem = _path_problem(e)
    if path_problem is not None:
        return f"{path_problem}。"
    if isinstance(e, click.exceptions.NoSuchOption):
        what = f"没有选项“{e.option_name}”"
        if e.possibilities:
            what += "，是不是想输入 " + " 或 ".join(sorted(e.possibilities)) + "？"
    elif isinstance(e, click.exceptions.BadOptionUsage):
        what = f"选项“{e.option_name}”" + ("后面缺少值" if "requires an argument" in e.message else "的用法不对")
    elif isinstance(e, click.MissingParameter):
        what = f"缺少{_param_name(e.param)}".rstrip()
    elif isinstance(e, click.BadParameter):
        what = f"{_param_name(e.param)}的值不正确"
        if e.param is not None and isinstance(e.param.type, click.Choice):
            what += "，只能是：" + "、".join(map(str, e.param.type.choices))
        elif e.param is not None and isinstance(e.param.type, DateParam):
            what += "：" + e.message.rstrip("。")
    elif (no_such := _NO_SUCH_COMMAND_RE.search(e.message)) is not None:
        name = no_such.group("name")
        what = f"没有命令“{name}”"
        group = e.ctx.command if e.ctx is not None else None
        if isinstance(group, click.Group):
            import difflib

            close = difflib.get_close_matches(name, list(group.commands), n=2, cutoff=0.5)
            if close:
                what += "，是不是想输入 " + " 或 ".join(close) + "？"
    elif (extra := _EXTRA_ARGS_RE.search(e.message)) is not None:
        what = f"多了无法识别的参数：{extra.group('args')}"
    else:
        what = "参数不正确"
    command = e.ctx.command_path if e.ctx is not None else "rectify"
    if not command.startswith("rectify"):
        command = "rectify"
    end = "" if what.endswith(("？", "。")) else "。"
    return f"命令用法有误：{what}{end}运行 {command} --help 查看用法（rectify --help 列出全部命令）。"


def _route_library_warnings(debug: bool) -> None:
    """Libraries' warnings are English and name site-packages files: logged under --debug, else dropped."""
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
        logging.captureWarnings(True)
    else:
        warnings.simplefilter("ignore")


class _ForgivingStream:
    """stdout for the run: once a write fails (a full disk, a closed pipe), the rest is dropped, so that
    a build that succeeded still exits 0 (its results are the files written, not the lines printed)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.failed = False

    def write(self, text: str) -> int:
        if not self.failed:
            try:
                return int(self.inner.write(text))
            except OSError:
                self.failed = True
        return len(text)

    def flush(self) -> None:
        if not self.failed:
            try:
                self.inner.flush()
            except OSError:
                self.failed = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _settle_stdout(stream: _ForgivingStream) -> None:
    """Flush what is left; when stdout cannot take it, point it at the null device so that the
    interpreter's own flush at exit does not fail either (which would make the exit status 120)."""
    stream.flush()
    if not stream.failed:
        return
    import os

    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.inner.fileno())
        os.close(null)
        stream.inner.flush()
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI; user errors print their Chinese message, bugs a short notice."""
    _tolerant_streams()
    stdout = sys.stdout
    forgiving = _ForgivingStream(stdout)
    sys.stdout = forgiving
    try:
        _main(argv)
    finally:
        if sys.stdout is forgiving:
            sys.stdout = stdout
        _settle_stdout(forgiving)


def _main(argv: Sequence[str] | None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    _route_library_warnings(debug)
    try:
        cli.main(args=args, prog_name="rectify", standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.UsageError as e:
        if isinstance(e, getattr(click.exceptions, "NoArgsIsHelpError", ())):
            e.show()  # a bare group (`rectify`, `rectify templates`): its help
            sys.exit(e.exit_code)
        click.echo(_usage_message(e), err=True)
        # A file or folder that cannot be read is bad input (1), like every other; 2 is a mistyped command.
        sys.exit(1 if _path_problem(e) is not None else 2)
    except click.ClickException as e:
        click.echo(f"错误：{e.format_message()}", err=True)
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        click.echo("已中断。", err=True)
        sys.exit(130)
    except PipelineError as e:
        if debug:
            traceback.print_exc()
        click.echo(f"错误：{e.message}", err=True)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        click.echo("已中断，没有留下未完成的文件。", err=True)
        sys.exit(130)
    except OSError as e:  # a path the system refuses (too long, a device gone): said in Chinese, bad input
        if debug:
            traceback.print_exc()
        where = f"“{e.filename}”" if e.filename else "文件"
        click.echo(f"错误：无法访问{where}：{api.read_error_reason(e)}。请检查路径，或换一个位置。", err=True)
        sys.exit(1)
    except Exception:  # noqa: BLE001 - last line of defence: no traceback for users
        if debug:
            traceback.print_exc()
        else:
            click.echo("程序内部错误。请加 --debug 重新运行，并把显示的内容发给维护人员。", err=True)
        sys.exit(2)
