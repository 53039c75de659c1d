"""The template variable contract: every variable a template may use, once, with its Chinese help."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    """One template variable: its name, what it holds (Chinese, for the clerk), the version that added it,
    and whether only templates made before the notice became a list of blocks use it."""

    name: str
    help: str
    since: str = "0.1.0"
    legacy: bool = False


# The template variable contract: every variable a template may use, with its meaning. The contexts
# produce exactly these keys (a test holds them to it), `rectify templates check` refuses any other
# and lists these, and README's table is generated from here (a test fails when it is stale).
# Variables are only ever added: an office's edited template keeps working across releases.
NOTICE_VARIABLES_SPEC: tuple[Variable, ...] = (
    Variable("title", "标题（长标题已按词断行，行间为换行符）"),
    Variable("doc_number", "发文字号（印在版头中）"),
    Variable("red_header", "是否印版头（基本信息〔版头〕为“是”时为真）"),
    Variable("issuer_mark", "版头中的红色发文机关标志（不印版头时为空）"),
    Variable("issuer", "发文机关"),
    Variable("kind", "“巡察”或“巡视”"),
    Variable("blocks", "正文各段，从导语到结束语，每段一项（字段见 BLOCK_FIELDS）"),
    Variable("intro", "导语（旧模板用）", legacy=True),
    Variable(
        "headings", "三个部分的标题 basic/progress/plans，含序号；不印标题或不印的部分为空（旧模板用）", legacy=True
    ),
    Variable("basic", "“基本情况”各段 [{label 段首标题, text 内容}]（旧模板用）", legacy=True),
    Variable(
        "aspects",
        "整改落实进展 [{heading, problems [{heading, items [{heading, paragraphs, status}]}]}]（旧模板用）",
        legacy=True,
    ),
    Variable("plans", "“今后打算”各段 [{label, text}]（旧模板用）", legacy=True),
    Variable("closing", "结束语和联系方式（旧模板用）", legacy=True),
    Variable(
        "attachment_notes",
        "附件说明的各行（“附件：1.……”“2.……”），三个清单作为附件时才有，否则为空列表",
    ),
    Variable("sealed", "是否加盖印章（基本信息〔加盖印章〕不是“否”时为真）：决定落款的位置"),
    Variable("signature", "落款（发文机关）"),
    Variable("date", "成文日期，如 2024年12月20日"),
    Variable("cc", "版记中的抄送（以。结尾），没有时为空"),
    Variable("printer", "版记中的印发机关"),
    Variable("printed", "版记中的印发日期，如 2024年12月20日印发"),
)
NOTICE_VARIABLES: dict[str, str] = {v.name: v.help for v in NOTICE_VARIABLES_SPEC}
BLOCK_FIELDS_SPEC: tuple[Variable, ...] = (
    Variable("section", "所在部分：intro 导语、basic 基本情况、progress 整改落实进展、plans 今后打算、closing 结束语"),
    Variable("kind", "heading 单独成行的标题，paragraph 正文段落"),
    Variable("level", "层级：0 导语，1 部分标题，2 以下逐级加深"),
    Variable("label", "标题的序号，如 一、 （一） 1. （1） 一是"),
    Variable("text", "标题文字（不含序号）或段落内容"),
    Variable("style", "标题的段落样式：h1 黑体、h2 楷体、h3 仿宋加粗、h4 仿宋、line 正文行"),
    Variable("lead_label", "段首标题的序号"),
    Variable("lead", "段首标题文字（以。结尾）"),
    Variable("lead_style", "段首标题的字体：kai 楷体、bold 仿宋加粗、hei 黑体、plain 仿宋"),
    Variable("status", "所属具体问题的整改状态（整改落实进展部分）"),
    Variable(
        "role",
        "段落的作用：intro、section、narrative、narrative-heading、aspect、problem、item、progress、status、closing",
    ),
    Variable("full_text", "整段文字（序号、段首标题和内容连在一起）"),
)
BLOCK_FIELDS: dict[str, str] = {v.name: v.help for v in BLOCK_FIELDS_SPEC}
CHECKLIST_VARIABLES_SPEC: tuple[Variable, ...] = (
    Variable("title", "清单标题"),
    Variable("attachment", "附件标注，如“附件1”（基本信息〔清单作为附件〕为“是”时），否则为空"),
    Variable("note", "表格前的一句说明（督办清单：截至成文日期逾期和即将到期的项数，没有时说明没有），其他清单为空"),
    Variable("pages", "按页切分的表格行 [{rows}]，每页一个表格，跨页的分组在新页重印标签"),
    Variable("issuer", "发文机关"),
    Variable("date", "成文日期"),
    Variable("rows", "全部表格行（字段见 checklist_rows；供只有一个表格的模板使用）"),
)
CHECKLIST_VARIABLES: dict[str, str] = {v.name: v.help for v in CHECKLIST_VARIABLES_SPEC}
# The GB/T 9704 parts the other official documents (党内通报, 整改方案, 整改情况报告, 主要负责人报告) add to
# the notice's.
OFFICIAL_EXTRA_SPEC: tuple[Variable, ...] = (
    Variable("addressee", "主送机关（整改方案、整改情况报告；不印时为空）", since="0.2.0"),
    Variable("secret", "密级和保密期限（党内通报，基本信息〔密级〕），没有时为空", since="0.2.0"),
    Variable("copy_no", "份号（党内通报，基本信息〔份号〕），没有时为空", since="0.2.0"),
)
# 整改方案, 整改情况报告, 主要负责人报告: the notice's variables but the legacy ones, and the extras.
OFFICIAL_VARIABLES_SPEC: tuple[Variable, ...] = (
    *(v for v in NOTICE_VARIABLES_SPEC if not v.legacy),
    *OFFICIAL_EXTRA_SPEC,
)
OFFICIAL_VARIABLES: dict[str, str] = {v.name: v.help for v in OFFICIAL_VARIABLES_SPEC}
# 党内通报: the notice's, legacy ones included (an office's notice template copied under the new name
# works), and the extras.
PARTY_NOTICE_VARIABLES: dict[str, str] = {v.name: v.help for v in (*NOTICE_VARIABLES_SPEC, *OFFICIAL_EXTRA_SPEC)}
CLOSEOUT_VARIABLES_SPEC: tuple[Variable, ...] = (
    Variable("title", "销号表标题", since="0.2.0"),
    Variable("issuer", "填报单位（发文机关）", since="0.2.0"),
    Variable("date", "填报日期（成文日期）", since="0.2.0"),
    Variable(
        "forms",
        "每个问题一页 [{id 问题编号, aspect 方面, problem 问题, measures 整改措施（每条一行）, leaders 责任领导, "
        "departments 责任部门, deadline 完成时限, result 完成情况, status 整改状态, evidence 佐证材料, apply 申请销号}]",
        since="0.2.0",
    ),
)
CLOSEOUT_VARIABLES: dict[str, str] = {v.name: v.help for v in CLOSEOUT_VARIABLES_SPEC}
SUMMARY_VARIABLES_SPEC: tuple[Variable, ...] = (
    Variable("title", "汇总表标题", since="0.2.0"),
    Variable("issuer", "发文机关", since="0.2.0"),
    Variable("date", "统计截止日期（成文日期）", since="0.2.0"),
    Variable("note", "表格前的一句说明：问题数、措施数和完成率", since="0.2.0"),
    Variable("marks_note", "措施表前的一句说明：红、黄、绿标识各多少项", since="0.2.0"),
    Variable(
        "aspects",
        "按方面统计 [{aspect, problems, done, staged, ongoing, long_term, problem_rate, measures, measures_done, "
        "measure_rate}]",
        since="0.2.0",
    ),
    Variable("total", "合计行（字段同 aspects，aspect 为“合计”）", since="0.2.0"),
    Variable(
        "measures",
        "每条措施 [{no, problem_id, action, leader, department, deadline, status, mark}]，"
        "mark 为 red 逾期、yellow 30天内到期、green 已完成，其余为空",
        since="0.2.0",
    ),
)
SUMMARY_VARIABLES: dict[str, str] = {v.name: v.help for v in SUMMARY_VARIABLES_SPEC}

README_BEGIN = "<!-- variables: generated by `python -m pipeline.documents.variables`; do not edit -->"
README_END = "<!-- variables: end -->"


def markdown() -> str:
    """The README's table of template variables, from the contract."""
    out = [README_BEGIN, "", "| 模板 | 变量 | 含义 | 始于 |", "| --- | --- | --- | --- |"]
    groups = (
        ("通报", NOTICE_VARIABLES_SPEC),
        ("通报 blocks 的每一段", BLOCK_FIELDS_SPEC),
        ("各清单", CHECKLIST_VARIABLES_SPEC),
        ("党内通报、整改方案、整改情况报告、主要负责人报告（另有通报的变量）", OFFICIAL_EXTRA_SPEC),
        ("销号表", CLOSEOUT_VARIABLES_SPEC),
        ("整改台账汇总表", SUMMARY_VARIABLES_SPEC),
    )
    for where, spec in groups:
        for v in spec:
            help_text = v.help.replace("|", "／") + (
                "（旧模板用，仍然提供）" if v.legacy and "旧模板" not in v.help else ""
            )
            out.append(f"| {where} | `{v.name}` | {help_text} | {v.since} |")
    out += ["", README_END]
    return "\n".join(out)


def update_readme(path: str) -> bool:
    """Rewrite the table between the markers in the README at `path`; True when it changed."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    start, end = text.index(README_BEGIN), text.index(README_END) + len(README_END)
    new = text[:start] + markdown() + text[end:]
    if new != text:
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(new)
    return new != text


if __name__ == "__main__":
    import sys

    print(
        "README.md updated"
        if update_readme(sys.argv[1] if len(sys.argv) > 1 else "README.md")
        else "README.md up to date"
    )
