"""The template variable contract: every variable a template may use, once, with its Chinese help."""

from __future__ import annotations



# The template variable contract: every variable a template may use, with its meaning. The contexts
# below produce exactly these keys (a test holds them to it), `rectify templates check` names them,
# and README documents them from here. Variables are only ever added: an office's edited template keeps
# working across releases.
NOTICE_VARIABLES: dict[str, str] = {
    "title": "标题（长标题已按词断行，行间为换行符）",
    "doc_number": "发文字号（印在版头中）",
    "red_header": "是否印版头（基本信息〔版头〕为“是”时为真）",
    "issuer_mark": "版头中的红色发文机关标志（不印版头时为空）",
    "issuer": "发文机关",
    "kind": "“巡察”或“巡视”",
    "blocks": "正文各段，从导语到结束语，每段一项（字段见 BLOCK_FIELDS）",
    "intro": "导语（旧模板用）",
    "headings": "三个部分的标题 basic/progress/plans，含序号；不印标题或不印的部分为空（旧模板用）",
    "basic": "“基本情况”各段 [{label 段首标题, text 内容}]（旧模板用）",
    "aspects": "整改落实进展 [{heading, problems [{heading, items [{heading, paragraphs, status}]}]}]（旧模板用）",
    "plans": "“今后打算”各段 [{label, text}]（旧模板用）",
    "closing": "结束语和联系方式（旧模板用）",
    "signature": "落款（发文机关）",
    "date": "成文日期，如 2024年12月20日",
    "cc": "版记中的抄送（以。结尾），没有时为空",
    "printer": "版记中的印发机关",
    "printed": "版记中的印发日期，如 2024年12月20日印发",
}
BLOCK_FIELDS: dict[str, str] = {
    "section": "所在部分：intro 导语、basic 基本情况、progress 整改落实进展、plans 今后打算、closing 结束语",
    "kind": "heading 单独成行的标题，paragraph 正文段落",
    "level": "层级：0 导语，1 部分标题，2 以下逐级加深",
    "label": "标题的序号，如 一、 （一） 1. （1） 一是",
    "text": "标题文字（不含序号）或段落内容",
    "style": "标题的段落样式：h1 黑体、h2 楷体、h3 仿宋加粗、h4 仿宋、line 正文行",
    "lead_label": "段首标题的序号",
    "lead": "段首标题文字（以。结尾）",
    "lead_style": "段首标题的字体：kai 楷体、bold 仿宋加粗、hei 黑体、plain 仿宋",
    "status": "所属具体问题的整改状态（整改落实进展部分）",
    "role": "段落的作用：intro、section、narrative、narrative-heading、aspect、problem、item、progress、status、closing",
    "full_text": "整段文字（序号、段首标题和内容连在一起）",
}
CHECKLIST_VARIABLES: dict[str, str] = {
    "title": "清单标题",
    "attachment": "附件标注，如“附件1”（基本信息〔清单作为附件〕为“是”时），否则为空",
    "note": "表格前的一句说明（督办清单：截至成文日期逾期和即将到期的项数，没有时说明没有），其他清单为空",
    "pages": "按页切分的表格行 [{rows}]，每页一个表格，跨页的分组在新页重印标签",
    "issuer": "发文机关",
    "date": "成文日期",
    "rows": "全部表格行（字段见 checklist_rows；供只有一个表格的模板使用）",
}
