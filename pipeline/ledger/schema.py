"""The ledger workbook's schema: every sheet, column, type, allowed value and help text.

This module is the single place where the workbook's Chinese header texts are written. The blank
workbook (`rectify init`), the reader, the checks and the fill-in guide all read it."""

from __future__ import annotations

from dataclasses import dataclass

# Kinds of value a column holds. The reader and the checks convert and validate by kind.
TEXT = "text"  # one line of text
LONGTEXT = "longtext"  # may hold several paragraphs (line breaks inside the cell)
INT = "int"  # a whole number (typed as a number or as text)
DATE = "date"  # an Excel date, a serial number or text such as 2024-09-30 / 2024年9月30日
LOOSE_DATE = "loosedate"  # a DATE, or a month or part of one as notices print it: 2024年6月, 2022年8月下旬
DEADLINE = "deadline"  # a date, or one of LONG_TERM_WORDS for standing measures
CHOICE = "choice"  # one of Column.choices
ID = "id"  # an identifier (number or text), compared as text

STATUS_DONE = "已完成"
STATUS_STAGED = "取得阶段性成效"
STATUS_ONGOING = "正在推进"
STATUS_LONG_TERM = "长期坚持"
STATUSES = (STATUS_DONE, STATUS_STAGED, STATUS_ONGOING, STATUS_LONG_TERM)
# Statuses that need no pressing: nothing is overdue once done, or when it is kept up for good.
FINISHED = (STATUS_DONE, STATUS_LONG_TERM)
# Words offices write for the same states; read as the fixed status (compared after NFKC, spaces removed).
STATUS_ALIASES: dict[str, str] = {
    "完成": STATUS_DONE,
    "已整改": STATUS_DONE,
    "整改完成": STATUS_DONE,
    "已整改完成": STATUS_DONE,
    "已办结": STATUS_DONE,
    "办结": STATUS_DONE,
    "已完成整改": STATUS_DONE,
    "阶段性完成": STATUS_STAGED,
    "阶段性成效": STATUS_STAGED,
    "取得阶段性进展": STATUS_STAGED,
    "基本完成": STATUS_STAGED,
    "阶段性整改": STATUS_STAGED,
    "已取得阶段性成效": STATUS_STAGED,
    "整改中": STATUS_ONGOING,
    "正在整改": STATUS_ONGOING,
    "推进中": STATUS_ONGOING,
    "进行中": STATUS_ONGOING,
    "未完成": STATUS_ONGOING,
    "持续推进": STATUS_ONGOING,
    "正在推进中": STATUS_ONGOING,
    "未整改": STATUS_ONGOING,
    "长期": STATUS_LONG_TERM,
    "持续整改": STATUS_LONG_TERM,
    "长期整改": STATUS_LONG_TERM,
    "长期推进": STATUS_LONG_TERM,
}

# The two kinds of inspection. 巡察 (by a city or county committee) is the default; every word the tool
# generates, and every label of the ledger, has a 巡视 form (by a province or the centre).
XUNCHA, XUNSHI = "巡察", "巡视"
KINDS = (XUNCHA, XUNSHI)


def for_kind(text: str, kind: str) -> str:
    """Text with 巡察 replaced by 巡视 for a 巡视 ledger (labels, messages, generated wording)."""
    return text.replace(XUNCHA, XUNSHI) if kind == XUNSHI else text


def example_for_kind(text: str, kind: str) -> str:
    """An example worded for the ledger's kind: a 巡视 is run by a province (省委第一巡视组, 十二届省委第五轮巡视)."""
    text = for_kind(text, kind)
    return text.replace("七届市委", "十二届省委").replace("市委", "省委") if kind == XUNSHI else text


YES, NO = "是", "否"
DOC_MADE, DOC_REVISED = "制定", "修订"

SECTION_BASIC = "基本情况"
SECTION_PLANS = "今后打算"
SECTION_CLOSING = "结束语"
SECTIONS = (SECTION_BASIC, SECTION_PLANS, SECTION_CLOSING)
# 正文 parts the other documents of the rectification cycle print (the notice ignores them): the 整改方案's
# 指导思想和总体要求, 组织领导 (the 整改工作领导小组) and 工作要求; the 整改情况报告's account of what is still
# open and why; the 主要负责人组织落实整改情况报告's text.
SECTION_PLAN_AIMS = "方案总体要求"
SECTION_PLAN_LEADERSHIP = "方案组织领导"
SECTION_PLAN_REQUIREMENTS = "方案工作要求"
SECTION_REPORT_OPEN = "报告未完成原因"
SECTION_HEAD_REPORT = "主要负责人报告"
CYCLE_SECTIONS = (
    SECTION_PLAN_AIMS,
    SECTION_PLAN_LEADERSHIP,
    SECTION_PLAN_REQUIREMENTS,
    SECTION_REPORT_OPEN,
    SECTION_HEAD_REPORT,
)
NARRATIVE_SECTIONS = SECTIONS + CYCLE_SECTIONS
# What a 基本信息 "…标题" row may say instead of a title.
TITLE_OMIT_WORDS = ("不印", "不印出", "省略", "删除", "不要")
TITLE_NONE_WORDS = ("无标题", "不要标题", "不加标题", "无")

# Numbering schemes a ledger may name in 编号方式 (pipeline.ledger.numbering defines them; named here for the
# dropdown). Each is a pattern of four levels: section / 方面 / 问题 / 具体问题.
NUMBERING_NAMES = ("标准", "无方面", "四级标题", "（一）起首")

# Run-in markers a 正文 part may choose (基本情况段首编号, 今后打算段首编号); 无 = the 小标题 without a number.
RUNIN_MARKERS = ("（一）", "一是", "1.", "（1）", "无")
# Where the status line goes (状态行位置), relative to the progress paragraphs.
STATUS_BEFORE, STATUS_AFTER = "进展前", "进展后"
STATUS_LINE_POSITIONS = (STATUS_BEFORE, STATUS_AFTER)

# Words accepted in a deadline cell instead of a date, for measures that never close (长期坚持 is read as the
# fixed word; the others, with 持续推进 and the like, are printed as written: pipeline.text.dates).
LONG_TERM_WORDS = ("长期坚持", "长期")


@dataclass(frozen=True)
class Column:
    """One column of a table sheet, or one row of the key/value sheet."""

    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    width: float = 16
    help: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()
    default: str | None = None

    @property
    def purpose(self) -> str:
        """What the column holds, in a few words: the help's first sentence without its advice on numbering
        (a "must fill" message never also says "need not fill")."""
        first = self.help.split("。")[0]
        return first.split("，序号")[0].split("；")[0].removeprefix("选填。").strip()

    @property
    def headers(self) -> tuple[str, ...]:
        """The header text and every accepted alias, with the 巡视 form of each that says 巡察."""
        names = (self.header, *self.aliases)
        return tuple(dict.fromkeys((*names, *(for_kind(n, XUNSHI) for n in names))))


@dataclass(frozen=True)
class Sheet:
    """One sheet of the ledger workbook."""

    key: str
    name: str
    columns: tuple[Column, ...]
    help: str
    keyvalue: bool = False
    aliases: tuple[str, ...] = ()
    freeze: str = "A2"

    @property
    def columns_by_key(self) -> dict[str, Column]:
        """Columns by key."""
        return {c.key: c for c in self.columns}

    def column(self, key: str) -> Column:
        """The column with this key."""
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def names(self) -> tuple[str, ...]:
        """The sheet name and every accepted alias."""
        return (self.name, *self.aliases)


INFO = Sheet(
    key="info",
    name="基本信息",
    keyvalue=True,
    aliases=("基本情况信息", "基本资料"),
    help="发文和巡察的基本事实。每行一项：A列为项目名称（不要修改），B列填写内容。",
    columns=(
        Column(
            "issuer",
            "发文机关",
            required=True,
            example="中共东营市总工会党组",
            help="通报的发文机关全称，也用于落款和文档属性中的作者。",
        ),
        Column(
            "unit",
            "被巡察单位",
            required=True,
            example="市总工会党组",
            help="被巡察党组织的简称，用于导语“……对××开展了……巡察”。",
        ),
        Column(
            "deployer",
            "部署机关",
            required=True,
            example="市委",
            help="统一部署巡察的机关，用于“根据××统一部署”和“××巡察组反馈意见”。",
        ),
        Column("group", "巡察组", required=True, example="市委第一巡察组", help="开展巡察的巡察组名称。"),
        Column("round", "巡察轮次", required=True, example="七届市委第五轮巡察", help="巡察轮次的完整说法。"),
        Column(
            "start",
            "巡察开始日期",
            LOOSE_DATE,
            required=True,
            example="2024-03-25",
            help="巡察进驻的开始日期。不知道具体日子时可以写到月或旬，如“2022年8月下旬”“2024年6月”，通报中照写。",
        ),
        Column(
            "end",
            "巡察结束日期",
            LOOSE_DATE,
            required=True,
            example="2024-06-07",
            help="巡察结束日期；可以写到月或旬（如“2024年9月底”）。",
        ),
        Column(
            "feedback",
            "反馈日期",
            LOOSE_DATE,
            required=True,
            example="2024-08-27",
            help="巡察组反馈巡察情况的日期，可以写到月或旬；整改措施的完成时限不能早于它。",
        ),
        Column(
            "issued",
            "成文日期",
            DATE,
            required=True,
            example="2024-12-20",
            help="通报的成文日期，用于落款、输出文件夹名和文档属性；判断“完成时限已过”也以它为准。",
        ),
        Column(
            "doc_number",
            "发文字号",
            example="东工党〔2024〕12号",
            help="选填。年份用六角括号〔〕，不加“第”，序号不编虚位。",
        ),
        Column("title", "标题", width=40, help="选填。不填时自动生成“××关于××反馈意见集中整改进展情况的通报”。"),
        Column("phone", "联系电话", example="8381897", help="选填。通报结尾的联系电话。"),
        Column("email", "电子邮箱", example="dy8381897@dy.shandong.cn", help="选填。通报结尾的电子邮箱。"),
        Column(
            "cc",
            "抄送",
            help="选填。版记中的抄送机关，多个机关之间用逗号隔开（GB/T 9704），如“市委巡察办，市纪委监委”。",
        ),
        Column("printer", "印发机关", help="选填。版记中的印发机关。"),
        Column("printed", "印发日期", DATE, help="选填。版记中的印发日期。"),
        Column(
            "declared_problems",
            "反馈问题数",
            INT,
            help="选填。巡察反馈意见中指出的具体问题总数；与“问题”表行数不一致时给出警告，通报中使用这里填写的数字。",
        ),
        Column(
            "declared_measures",
            "整改措施数",
            INT,
            help="选填。整改方案中的整改措施总数；与“措施”表行数不一致时给出警告，通报中使用这里的数字。",
        ),
        Column(
            "declared_documents",
            "制度文件数",
            INT,
            help="选填。制定或修订的制度文件总数；与“制度文件”表行数不一致时给出警告，通报中使用这里的数字。",
        ),
        # Optional rows added for offices that word and number their notices differently. Old ledgers
        # without them build as before.
        Column(
            "kind",
            "巡视巡察",
            CHOICE,
            choices=KINDS,
            width=10,
            example="巡察",
            help="选填。“巡察”（市、县党委开展）或“巡视”（省委、中央开展）。通报中自动生成的文字都随它改变；"
            "不填时按巡察组名称判断（含“巡视”即为巡视），否则为巡察。",
        ),
        Column(
            "opening",
            "导语",
            LONGTEXT,
            width=60,
            example="根据{部署机关}统一部署，{巡察时间}，{巡察组}对{被巡察单位}进行了巡察，"
            "并于{反馈日期}反馈了巡察意见。按照党务公开原则和巡察工作有关要求，现将整改进展情况予以公布：",
            help="选填。通报开头的一段话，可用占位符（见下方占位符表）；不填时自动生成“根据××统一部署，……"
            "现将巡察整改进展情况予以公布。”",
        ),
        Column(
            "numbering",
            "编号方式",
            TEXT,
            choices=NUMBERING_NAMES,
            width=14,
            example="标准",
            help="选填。通报各级标题的编号方式，从下拉列表选择（说明见“填写说明”表），不填为“标准”"
            "（一、/（一）/1./一是）；也可以按“一、/无/1./一是”的格式逐级填写。",
        ),
        Column(
            "title_basic",
            "基本情况标题",
            width=30,
            example="整改工作开展情况",
            help="选填。通报第一部分的标题，不填为“整改工作基本情况”；填“无标题”则只印内容不印标题，"
            "填“不印”则整个部分不印。序号自动生成，不要填写。",
        ),
        Column(
            "title_progress",
            "整改落实进展标题",
            width=30,
            example="{巡察组}反馈意见整改落实情况",
            help="选填。按“问题”表生成的部分的标题，不填为“××巡察组反馈意见整改落实进展情况”；"
            "可用占位符；填“无标题”或“不印”同上。",
        ),
        Column(
            "title_plans",
            "今后打算标题",
            width=30,
            example="下一步工作打算",
            help="选填。“今后打算”部分的标题，不填为“今后整改工作打算”；填“无标题”或“不印”同上。",
        ),
        Column(
            "title_closing",
            "结束语标题",
            width=30,
            help="选填。结束语（含联系方式）默认不加标题；填写文字则作为一个带序号的部分印出，"
            "填“不印”则不印结束语和联系方式。",
        ),
        Column(
            "show_status",
            "印出整改状态",
            CHOICE,
            choices=(YES, NO),
            width=10,
            default=NO,
            help="选填。选“是”时，通报中每个具体问题的整改进展后另起一行印“整改状态：已完成。”；不填为“否”。",
        ),
        Column(
            "own_status_words",
            "状态照写",
            CHOICE,
            choices=(YES, NO),
            width=10,
            default=NO,
            help="选填。整改状态写的是常用说法（如“基本完成”“推进中”“已整改”）时，程序按固定的四种状态统计；"
            "选“是”时，通报的“整改状态：……”和各清单的状态栏照印台账中的写法，不填为“否”（印固定的说法）。",
        ),
        Column(
            "declared_aspects",
            "反馈方面数",
            INT,
            help="选填。反馈意见涉及的方面数；只公布总数、不逐条列出问题的通报用它（{方面数}），"
            "与“问题”表中的方面数不一致时给出警告。",
        ),
        Column(
            "declared_done",
            "已完成问题数",
            INT,
            help="选填。只公布总数的通报可以填写按整改状态的问题数（已完成、取得阶段性成效、正在推进、"
            "长期坚持四项）；填写后通报中的数字和完成率按填写的计算。",
        ),
        Column("declared_staged", "取得阶段性成效问题数", INT, help="选填。见“已完成问题数”。"),
        Column("declared_ongoing", "正在推进问题数", INT, help="选填。见“已完成问题数”。"),
        Column("declared_long_term", "长期坚持问题数", INT, help="选填。见“已完成问题数”。"),
        Column(
            "red_header",
            "版头",
            CHOICE,
            choices=(YES, NO),
            width=10,
            default=NO,
            help="选填。选“是”时通报首页加印红色版头：发文机关标志（红色）、发文字号和红色分隔线；留空视为“否”。",
        ),
        Column(
            "issuer_mark",
            "发文机关标志",
            example="中共东营市总工会党组文件",
            help="选填。版头中的红色发文机关标志；不填时为“发文机关”加“文件”。",
        ),
        Column(
            "attachments",
            "清单作为附件",
            CHOICE,
            choices=(YES, NO),
            width=10,
            default=NO,
            help="选填。选“是”时问题清单、任务清单、责任清单左上角分别标注“附件1”“附件2”“附件3”"
            "（随通报一并印发时），通报正文之后、落款之前列出附件说明“附件：1.……”；留空视为“否”。",
        ),
        Column(
            "sealed",
            "加盖印章",
            CHOICE,
            choices=(YES, NO),
            width=10,
            default=YES,
            help="选填。通报加盖发文机关印章时选“是”（留空也按“是”）：成文日期右空四字，署名以成文日期为准居中"
            "（GB/T 9704 7.3.5.1，公开印发的通报通常如此）；选“否”时署名右空二字，成文日期首字比署名首字右移二字"
            "（7.3.5.2）。",
        ),
        # Rows for the other documents of the rectification cycle (整改方案, 整改情况报告, 党内通报).
        Column(
            "addressee",
            "主送机关",
            example="市委巡察办",
            help="选填。整改方案和整改情况报告的主送机关；不填为“部署机关＋巡察办”（如“市委巡察办”）。",
        ),
        Column(
            "head",
            "主要负责人",
            example="党组书记、主席 ×××",
            help="选填。主要负责人组织落实整改情况报告的落款（职务和姓名）。",
        ),
        Column(
            "secret",
            "密级",
            example="秘密★1年",
            help="选填。党内通报首页左上角印的密级和保密期限（如“秘密★1年”）；不填不印。",
        ),
        Column(
            "copy_no",
            "份号",
            example="000001",
            help="选填。党内通报首页左上角印的份号（一般为6位阿拉伯数字）；不填不印。",
        ),
        # Issue 20: the wording offices use at every level (run-in markers of 正文, the status line, label
        # patterns of the progress part, the precision of rates, both years of the inspection period).
        # Every row optional: left empty, the notice prints as before.
        Column(
            "runin_basic",
            "基本情况段首编号",
            CHOICE,
            choices=RUNIN_MARKERS,
            width=10,
            example="一是",
            help="选填。“基本情况”部分段首小标题的编号：（一）、一是、1.、（1）或“无”（只印小标题不编号）；"
            "不填时按编号方式（标准为（一）（二））。填写后，中间隔着一段没有小标题的段落时重新从头编号"
            "（如“一是……二是……”＋一段说明＋“一是……”）。",
        ),
        Column(
            "runin_plans",
            "今后打算段首编号",
            CHOICE,
            choices=RUNIN_MARKERS,
            width=10,
            example="（一）",
            help="选填。“今后打算”部分段首小标题的编号，可选值同〔基本情况段首编号〕；不填为一是、二是。"
            "填写后，隔着一段没有小标题的段落时重新从头编号。",
        ),
        Column(
            "status_position",
            "状态行位置",
            CHOICE,
            choices=STATUS_LINE_POSITIONS,
            width=10,
            example="进展前",
            help="选填。〔印出整改状态〕为“是”时状态行的位置：“进展后”（不填即此）印在整改进展之后，"
            "“进展前”印在具体问题（或问题）标题之后、整改进展之前。",
        ),
        Column(
            "status_label",
            "状态行标签",
            width=14,
            example="整改情况：",
            help="选填。状态行开头的文字，不填为“整改状态：”；以汉字结尾时自动加冒号；填“无”则只印状态。",
        ),
        Column(
            "status_stop",
            "状态行句号",
            CHOICE,
            choices=(YES, NO),
            width=10,
            example="否",
            help="选填。状态行末尾是否加句号，不填为“是”（“整改状态：已完成。”）。",
        ),
        Column(
            "status_words",
            "状态行用词",
            width=40,
            example="已完成=已整改到位；取得阶段性成效=基本完成",
            help="选填。状态行中改用本单位的说法：写成“固定状态=本单位说法”，多项用分号隔开；"
            "没有写到的状态照印固定说法。只改通报的状态行，三个清单仍用固定说法。",
        ),
        Column(
            "pattern_aspect",
            "方面标题格式",
            width=30,
            example="在“{方面}”方面",
            help="选填。通报中方面标题的写法，{方面}处换成“问题”表的〔方面〕，如“在“{方面}”方面”；"
            "不填照印〔方面〕。只用于通报，三个清单照印原文。",
        ),
        Column(
            "pattern_problem",
            "问题标题格式",
            width=30,
            example="关于“{问题}”问题的整改",
            help="选填。通报中问题标题的写法，{问题}处换成〔问题〕，如“关于“{问题}”问题的整改”；只用于通报。",
        ),
        Column(
            "pattern_item",
            "具体问题标题格式",
            width=30,
            example="反馈问题：{具体问题}",
            help="选填。通报中具体问题的写法，{具体问题}处换成〔具体问题〕，如“反馈问题：{具体问题}”；只用于通报。",
        ),
        Column(
            "progress_label",
            "整改进展标签",
            width=14,
            example="整改情况：",
            help="选填。印在每个具体问题整改进展第一段开头的文字，如“整改情况：”；以汉字结尾时自动加冒号。",
        ),
        Column(
            "rate_digits",
            "完成率小数位数",
            INT,
            width=10,
            example="2",
            help="选填。{问题完成率}{措施完成率}保留的小数位数（0至4），四舍五入，如填2印“98.71%”；不填为0（“99%”）。",
        ),
        Column(
            "period_years",
            "巡察时间写全年份",
            CHOICE,
            choices=(YES, NO),
            width=10,
            example="是",
            help="选填。选“是”时{巡察时间}的结束日期也写年份（“2024年3月25日至2024年6月7日”）；"
            "不填为“否”：同年时不重复年份。",
        ),
    ),
)

PROBLEMS = Sheet(
    key="problems",
    name="问题",
    aliases=("问题清单", "反馈问题"),
    help="每个具体问题一行。同一方面、同一问题的多行可以合并单元格，也可以每行重复填写。",
    columns=(
        Column(
            "id",
            "编号",
            ID,
            required=True,
            width=8,
            example="1",
            help="具体问题的编号，在本表中不能重复；“措施”表用它指明措施属于哪个问题。",
        ),
        Column(
            "aspect",
            "方面",
            width=30,
            example="关于聚焦基层贯彻落实党的路线方针政策和党中央决策部署情况方面",
            help="反馈意见的方面（通报中的（一）（二）……），序号自动生成，不必填写；编号方式没有方面一级时"
            "可以留空，其他编号方式必须填写。",
        ),
        Column(
            "heading",
            "问题",
            required=True,
            width=30,
            example="学习贯彻习近平总书记对工人阶级和工会工作重要指示批示精神不深入问题",
            help="问题标题（通报中的1. 2. ……），序号自动生成，不必填写（填了会自动去掉并提示）。",
        ),
        Column(
            "item",
            "具体问题",
            width=30,
            example="学习计划执行不力",
            help="具体问题表现（通报中的“一是”“二是”……）；问题下没有细分时留空。",
        ),
        Column(
            "progress",
            "整改进展",
            LONGTEXT,
            required=True,
            width=60,
            example="修订了《党组理论学习中心组学习制度》，严格执行请假、补学制度，已组织中心组学习12次。",
            help="印在通报中的整改进展情况；可以在单元格内换行（Alt+Enter）分成多段。",
        ),
        Column("status", "整改状态", CHOICE, required=True, choices=STATUSES, width=14, help="从下拉列表中选择。"),
        Column(
            "public",
            "是否公开",
            CHOICE,
            choices=(YES, NO),
            width=10,
            default=YES,
            help="选“否”的问题只列入三个清单，不在通报中公布；留空视为“是”。",
        ),
    ),
)

MEASURES = Sheet(
    key="measures",
    name="措施",
    aliases=("整改措施", "措施清单"),
    help="每条整改措施一行，用“问题编号”指明属于哪个具体问题。",
    columns=(
        Column("id", "编号", ID, required=True, width=8, example="1", help="措施编号，在本表中不能重复。"),
        Column(
            "problem_id",
            "问题编号",
            ID,
            required=True,
            width=10,
            example="1",
            help="这条措施所属具体问题在“问题”表中的编号。",
        ),
        Column(
            "action",
            "整改措施",
            LONGTEXT,
            required=True,
            width=50,
            help="具体的整改措施。",
            example="修订党组理论学习中心组学习制度，严格执行请假、补学制度",
        ),
        Column(
            "target",
            "整改目标",
            LONGTEXT,
            width=30,
            help="选填。措施要达到的目标（各单位原有的整改台账多数没有这一列）。",
            example="中心组学习按计划开展，全年不少于12次",
        ),
        Column(
            "leader",
            "责任领导",
            required=True,
            width=16,
            example="党组书记、主席",
            help="责任领导，建议写职务（如“分管副主席”）。",
        ),
        Column(
            "department",
            "责任部室（单位）",
            required=True,
            width=18,
            example="办公室",
            aliases=("责任部室", "责任单位", "责任部门"),
            help="牵头落实的部室或单位。",
        ),
        Column("partner", "配合单位", width=16, help="选填。配合落实的部室或单位。"),
        Column(
            "deadline",
            "完成时限",
            DEADLINE,
            required=True,
            width=14,
            example="2024-12-31",
            help="日期；也可以照平常的写法写到月、旬、季度、半年或年底，如“2025年6月”“2025年6月下旬”"
            "“2024年12月底前”“2025年第一季度”“2025年上半年”“2025年底前”：文档照原样印，检查和督办清单按这段时间的"
            "最后一天计算。没写年份的（“12月底前”“年底前”“第四季度”）取反馈日期之后最近的一个，检查时会提示算成了哪一天。"
            "“立行立改”按反馈日期计算；“持续推进”“长期坚持”是长期措施，不算逾期。不能早于反馈日期。",
        ),
        Column(
            "result",
            "完成情况",
            LONGTEXT,
            width=30,
            help="选填。措施落实的情况说明。",
            example="已修订印发，组织学习12次",
        ),
        Column(
            "status",
            "整改状态",
            CHOICE,
            required=True,
            choices=STATUSES,
            width=14,
            aliases=("状态", "措施状态"),
            help="这条措施的整改状态，从下拉列表中选择。",
        ),
    ),
)

NARRATIVE = Sheet(
    key="narrative",
    name="正文",
    aliases=("通报正文",),
    help="通报中的叙述段落，按顺序每段一行。内容中可以用{问题数}等占位符引用自动统计的数字。",
    columns=(
        Column(
            "section",
            "部分",
            CHOICE,
            required=True,
            choices=NARRATIVE_SECTIONS,
            width=14,
            help="“基本情况”印在“一、整改工作基本情况”下，“今后打算”印在“三、今后整改工作打算”下，"
            "“结束语”印在文末（联系方式自动附在其后）。其余各项只印在其他文档中：“方案总体要求”“方案组织领导”"
            "“方案工作要求”印在整改方案中，“报告未完成原因”印在整改情况报告中，“主要负责人报告”印在主要负责人"
            "组织落实整改情况报告中。",
        ),
        Column(
            "heading",
            "小标题",
            width=24,
            example="提高政治站位，加强组织领导",
            help="选填。段首的小标题，序号自动生成（不必填写）：基本情况为（一）（二）……，今后打算为一是、二是……",
        ),
        Column(
            "text",
            "内容",
            LONGTEXT,
            width=80,
            help="段落内容，可用占位符（见“填写说明”表）。只填小标题、不填内容的一行是单独成行的标题，"
            "其下各行的小标题编为下一级（如（一）下的1. 2. ……）。",
        ),
    ),
)

DOCUMENTS = Sheet(
    key="documents",
    name="制度文件",
    aliases=("制度", "制度建设"),
    help="整改中制定或修订的制度文件，每个文件一行。",
    columns=(
        Column(
            "name",
            "名称",
            required=True,
            width=50,
            example="《东营市总工会党组理论学习中心组学习制度》",
            help="制度文件名称。",
        ),
        Column(
            "kind",
            "制定/修订",
            CHOICE,
            required=True,
            choices=(DOC_MADE, DOC_REVISED),
            width=12,
            aliases=("类型",),
            help="从下拉列表中选择。",
        ),
        Column("date", "日期", DATE, width=14, help="选填。印发日期。"),
        Column("problem_ids", "问题编号", width=14, help="选填。相关具体问题的编号，多个用顿号或逗号隔开。"),
    ),
)

SHEETS: tuple[Sheet, ...] = (INFO, PROBLEMS, MEASURES, NARRATIVE, DOCUMENTS)
SHEETS_BY_KEY: dict[str, Sheet] = {s.key: s for s in SHEETS}

GUIDE_SHEET = "填写说明"
# A row whose first cell starts with this word is an example the blank ledger shows; the reader skips it.
EXAMPLE_MARK = "示例"
# 正文 text the blank ledger pre-fills as a skeleton; a build refuses it until it is rewritten.
REWRITE_MARK = "【请改写】"
# The skeleton of a progress notice's narrative (正文), with placeholders: (部分, 小标题, 内容).
NARRATIVE_SKELETON: tuple[tuple[str, str, str], ...] = (
    (
        SECTION_BASIC,
        "",
        "【请改写】{巡察组}反馈意见共指出{方面数}个方面、{问题数}个具体问题。××党组完全接受、照单全收，"
        "把巡察整改作为重大政治任务抓紧抓实。",
    ),
    (
        SECTION_BASIC,
        "提高政治站位，加强组织领导",
        "【请改写】××党组召开专题会议研究部署整改工作，成立由党组书记任组长的巡察整改工作领导小组，……",
    ),
    (
        SECTION_BASIC,
        "细化责任分工，强化监督检查",
        "【请改写】研究制定{措施数}项整改措施，制定问题清单、任务清单、责任清单，逐项明确责任领导、责任部室（单位）和"
        "完成时限。截至目前，{整改状态句}。",
    ),
    (
        SECTION_BASIC,
        "注重结果运用，健全长效机制",
        "【请改写】坚持“当下改”与“长久立”相结合，……目前，共制定或修订制度文件{制度文件数}项。",
    ),
    (SECTION_PLANS, "", "【请改写】下一步，××党组将坚持目标不变、标准不降、力度不减，持续抓好巡察整改后续工作。"),
    (SECTION_PLANS, "进一步提高政治站位", "【请改写】……"),
    (
        SECTION_PLANS,
        "进一步持续深化整改",
        "【请改写】对已经完成的事项适时开展“回头看”，对正在推进的事项盯住时限、挂账督办，……",
    ),
    (SECTION_PLANS, "进一步完善长效机制", "【请改写】……"),
    # {巡察} prints 巡察 or 巡视 as the ledger's kind says, so this one sentence needs no rewriting
    (SECTION_CLOSING, "", "欢迎广大干部群众对{巡察}整改落实情况进行监督。如有意见建议，请及时向我们反映。"),
    # The other documents' parts: a build of the notice alone does not need them rewritten (a warning);
    # a build of the document that prints one does.
    (
        SECTION_PLAN_AIMS,
        "指导思想",
        "【请改写】以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，坚决落实{巡察组}反馈意见，"
        "把巡察整改作为重大政治任务抓紧抓实。",
    ),
    (
        SECTION_PLAN_AIMS,
        "总体要求",
        "【请改写】坚持问题导向、目标导向，对反馈的{方面数}个方面{问题数}个具体问题逐项制定整改措施，"
        "做到件件有着落、事事有回音。",
    ),
    (
        SECTION_PLAN_LEADERSHIP,
        "",
        "【请改写】成立××党组巡察整改工作领导小组，负责整改工作的组织领导和统筹协调。\n"
        "组  长：×××（党组书记）\n副组长：×××（党组成员、副主席）\n成  员：×××、×××、×××\n"
        "领导小组办公室设在办公室，负责日常工作。",
    ),
    (SECTION_PLAN_REQUIREMENTS, "提高政治站位", "【请改写】……"),
    (SECTION_PLAN_REQUIREMENTS, "压实整改责任", "【请改写】……"),
    (SECTION_PLAN_REQUIREMENTS, "严格督查问效", "【请改写】……"),
    (SECTION_REPORT_OPEN, "", "【请改写】尚未完成的事项需要较长时间推进，……"),
    (
        SECTION_HEAD_REPORT,
        "",
        "【请改写】作为整改第一责任人，本人主持召开专题会议研究部署整改工作，……",
    ),
)
CHOICES_SHEET = "_下拉选项"
KV_HEADERS = ("项目", "内容", "说明")
