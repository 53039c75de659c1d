"""One-sheet 整改台账 in the layouts 巡察办 prescribe, made by code for the import/export tests.

Each maker writes one workbook and returns a Case: its path and, for the tests, where a measure's status
is written (the source row of a given measure text and the status column), what the status cell says
now, and what export must write there when that measure is marked 已完成 in the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

import xlwt
from ods_maker import cell, write_ods
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side

from pipeline.ledger import schema

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass
class Case:
    name: str
    path: Path
    measure_text: str  # a measure whose status the test changes (as in the ledger, 序号 removed)
    status_col: int  # source column of its status (或 是否销号)
    done_word: str  # what export writes there for 已完成
    problems: int
    measures: int
    exercises: str


def _sheet(rows: list[list[Any]], merges: list[str], title: str = "整改台账") -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                cell = ws.cell(row=r, column=c, value=v)
                cell.border = BOX
                cell.alignment = Alignment(wrap_text=True, vertical="center")
    for m in merges:
        ws.merge_cells(m)
    ws["A1"].font = Font(name="方正小标宋简体", size=16)
    ws.column_dimensions["B"].width = 30
    return wb


def stacked(folder: Path) -> Case:
    """Title and 填报 lines, two header rows (责任主体 over 责任领导/责任部门/责任人), 一、 section rows merged
    across, 问题 merged down over its measures, 是否销号, word deadlines, 备注."""
    rows = [
        ["中共甲县教育局党组关于县委第二巡察组反馈意见整改落实情况台账"] + [None] * 9,
        ["填报单位：中共甲县教育局党组      截至2024年12月20日"] + [None] * 9,
        ["序号", "问题", "整改措施", "责任主体", None, None, "整改时限", "整改进展", "是否销号", "备注"],
        [None, None, None, "责任领导", "责任部门", "责任人", None, None, None, None],
        ["一、关于贯彻落实党的路线方针政策方面"] + [None] * 9,
        [1, "（一）理论学习不深入", "1.制定年度学习计划", "党组书记", "办公室", "张三", "2024年12月底前",
         "已制定2024年学习计划并印发。", "是", None],
        [2, None, "2.开展专题读书班", "党组书记", "办公室", "张三", "立行立改", "已举办读书班一期。", "否", None],
        [3, "（二）意识形态工作责任制落实不到位", "落实意识形态工作责任制", "分管副局长", "宣传股", "李四",
         "长期坚持", "每季度分析研判一次。", "否", "长期"],
        ["二、关于全面从严治党方面"] + [None] * 9,
        [4, "（一）公务接待不规范", "修订公务接待管理办法", "分管副局长", "财务股", "王五", date(2025, 3, 31),
         "办法已修订待印发。", "否", None],
        ["填报人：赵六", None, None, None, None, None, "审核人：钱七", None, None, None],
    ]
    merges = ["A1:J1", "A2:J2", "A3:A4", "B3:B4", "C3:C4", "D3:F3", "G3:G4", "H3:H4", "I3:I4", "J3:J4",
              "A5:J5", "B6:B7", "A9:J9"]
    path = folder / "甲县教育局整改台账.xlsx"
    _sheet(rows, merges).save(path)
    return Case("stacked", path, "开展专题读书班", 9, "是", 3, 4,
                "标题行和填报行、两行表头（责任主体）、合并的分节行、向下合并的问题、是否销号、文字时限、表尾行、备注")


def repeated(folder: Path) -> Case:
    """One header row, no title; 方面 and 问题 repeated on every measure row; status in 完成情况."""
    rows = [
        ["序号", "方面", "存在问题", "整改举措", "牵头领导", "责任科室", "完成时限", "完成情况"],
        [1, "关于党的建设方面", "组织生活不规范", "规范三会一课记录", "书记", "党办", "2024-11-30", "已完成"],
        [2, "关于党的建设方面", "组织生活不规范", "开展组织生活专项检查", "书记", "党办", "2025-06-30", "正在推进"],
        [3, "关于党的建设方面", "发展党员程序不严", "复核近三年发展党员档案", "副书记", "组织科", "2024年12月31日",
         "已完成"],
        [4, "关于作风建设方面", "会议文件过多", "精简会议文件", "局长", "办公室", "持续推进", "正在推进"],
    ]
    path = folder / "乙局台账（重复问题）.xlsx"
    _sheet(rows, []).save(path)
    return Case("repeated", path, "开展组织生活专项检查", 8, "已完成", 3, 4,
                "无标题、单行表头、方面列、问题文字逐行重复、状态写在完成情况里")


def decimal(folder: Path) -> Case:
    """1./1.1 序号 written in the text, section rows in one (unmerged) cell, 整改状态 column, real dates."""
    rows = [
        ["丙镇巡察整改台账"] + [None] * 7,
        ["序号", "问题表现", "整改措施", "分管领导", "责任股室", "整改期限", "整改情况", "整改状态"],
        [None, "一、关于基层治理方面", None, None, None, None, None, None],
        ["1", "1.村级财务管理不规范", "1.1 开展村级财务专项审计", "副镇长", "财政所", datetime(2025, 1, 31),
         "已审计12个村。", "取得阶段性成效"],
        ["1", "1.村级财务管理不规范", "1.2 建立村账镇代管制度", "副镇长", "财政所", datetime(2024, 12, 31),
         "制度已印发。", "已完成"],
        ["2", "2.矛盾纠纷化解不及时", "2.1 建立矛盾纠纷排查台账", "政法委员", "综治办", datetime(2024, 12, 31),
         "台账已建立。", "已完成"],
    ]
    path = folder / "丙镇台账.xlsx"
    _sheet(rows, ["A1:H1"]).save(path)
    return Case("decimal", path, "开展村级财务专项审计", 8, "已完成", 2, 3,
                "1./1.1 式序号写在文字前、不合并的分节行、整改状态列、日期格")


def extra(folder: Path) -> Case:
    """问题 merged over its 具体表现, 具体表现 merged over measures; extra columns (整改目标, 配合单位,
    督导人, 佐证材料); progress merged over the whole problem; 销号情况."""
    rows = [
        ["丁公司党委巡察反馈问题整改台账"] + [None] * 11,
        ["序号", "反馈问题", "具体表现", "整改措施", "整改目标", "责任领导", "牵头部门", "配合单位", "完成时限",
         "落实情况", "销号情况", "督导人/佐证材料"],
        [1, "落实主体责任不到位", "党委会研究党建工作少", "每季度至少研究一次党建工作", "全年研究不少于4次",
         "党委书记", "党群部", "办公室", "2024年12月底前", "已研究党建工作4次，制度已建立。", "已销号", "孙八"],
        [2, None, None, "建立党建工作责任清单", "清单覆盖全部班子成员", "党委书记", "党群部", None,
         "2024年12月底前", None, "已销号", "会议纪要"],
        [3, None, "基层党组织换届不及时", "完成3个支部换届", "按期换届", "党委副书记", "党群部", "人力资源部",
         "2025年3月底前", "已完成2个支部换届。", "未销号", None],
    ]
    merges = ["A1:L1", "B3:B5", "C3:C4", "J3:J4"]
    path = folder / "丁公司台账.xlsx"
    _sheet(rows, merges).save(path)
    return Case("extra", path, "完成3个支部换届", 11, "已销号", 2, 3,
                "问题和具体表现两级合并、整改进展合并在问题上、整改目标和配合单位、无法对应的多余列、销号情况")


def summary(folder: Path) -> Case:
    """A 汇总 of two sub-units: 单位 column merged over each unit's rows; the same 问题 text in both units."""
    rows = [
        ["戊系统巡察整改情况汇总表"] + [None] * 8,
        ["截至2024年12月20日"] + [None] * 8,
        ["单位", "序号", "问题", "整改措施", "责任领导", "责任单位", "完成时限", "整改进展", "是否销号"],
        ["一中", 1, "食堂管理不规范", "公开招标食堂承包", "副校长", "总务处", "2025-02-28", "已发布招标公告。", "否"],
        [None, 2, "学习制度执行不严", "修订学习制度", "校长", "校办", "2024-12-31", "已修订。", "是"],
        ["二中", 1, "学习制度执行不严", "开展学习制度执行情况检查", "校长", "校办", "2024-12-31", "检查一次。", "否"],
    ]
    merges = ["A1:I1", "A2:I2", "A4:A5"]
    path = folder / "戊系统汇总.xlsx"
    _sheet(rows, merges, title="汇总").save(path)
    return Case("summary", path, "开展学习制度执行情况检查", 9, "是", 3, 3,
                "两个下属单位的汇总、单位列合并、两个单位问题文字相同（仍是两个问题）、序号在单位内重新开始、截至行")


def legacy_xls(folder: Path) -> Case:
    """An .xls (BIFF8, written by xlwt) with a title, a merged section row and 问题 merged down."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("台账")
    ws.write_merge(0, 0, 0, 7, "中共己区卫健局党组巡察整改台账")
    for c, h in enumerate(["序号", "问题", "整改措施", "牵头领导", "责任部门", "完成时限", "整改进展", "是否销号"]):
        ws.write(1, c, h)
    ws.write_merge(2, 2, 0, 7, "一、关于医德医风建设方面")
    ws.write(3, 0, 1)
    ws.write_merge(3, 4, 1, 1, "医疗服务收费不规范")
    ws.write(3, 2, "开展收费专项检查")
    ws.write(4, 2, "公示收费项目")
    for r in (3, 4):
        ws.write(r, 3, "分管副局长")
        ws.write(r, 4, "医政科")
        ws.write(r, 5, "2024年12月底前")
        ws.write(r, 7, "否")
    ws.write(3, 6, "已检查5家医院。")
    ws.write(4, 6, "已在门诊大厅公示。")
    ws.write(4, 0, 2)
    path = folder / "己区卫健局台账.xls"
    wb.save(str(path))
    return Case("xls", path, "公示收费项目", 8, "是", 1, 2, "旧版 .xls（calamine 读取）、合并的标题、分节行和问题")


def open_document(folder: Path) -> Case:
    """An .ods (OpenDocument, as WPS and LibreOffice save): merges read from its XML (calamine gives none)."""
    covered = "<table:covered-table-cell/>"
    rows = [
        [cell("庚街道党工委巡察整改台账", span=8)] + [covered] * 7,
        [cell(h) for h in ("序号", "问题", "整改措施", "责任领导", "责任部门", "完成时限", "整改进展", "是否销号")],
        [cell("一、关于基层党建方面", span=8)] + [covered] * 7,
        [cell(1), cell("学习不深入", rows=2), cell("制定学习计划"), cell("书记"), cell("党政办"), cell("2024年12月底前"),
         cell("已制定。"), cell("是")],
        [cell(2), covered, cell("开展读书班"), cell("书记"), cell("党政办"), cell("立行立改"), cell("已举办一期。"),
         cell("否")],
    ]
    path = write_ods(folder / "庚街道台账.ods", "台账", rows)
    return Case("ods", path, "开展读书班", 8, "是", 1, 2, ".ods（合并单元格从 content.xml 读取）、合并的标题和分节行")


MAKERS: list[Callable[[Path], Case]] = [stacked, repeated, decimal, extra, summary, legacy_xls, open_document]


def neither(folder: Path) -> Path:
    """A workbook that is neither this tool's ledger nor a one-sheet 整改台账."""
    wb = Workbook()
    ws = wb.active
    ws.title = "工资表"
    ws.append(["姓名", "部门", "基本工资", "绩效"])
    ws.append(["张三", "办公室", 5000, 1200])
    path = folder / "工资表.xlsx"
    wb.save(path)
    return path


# What a clerk does to an imported ledger before it checks clean (the import, export and page tests).

CLERK_INFO = {"发文机关": "中共示例党组", "被巡察单位": "示例党组", "部署机关": "市委", "巡察组": "市委第一巡察组",
              "巡察轮次": "七届市委第五轮巡察", "巡察开始日期": date(2024, 3, 25), "巡察结束日期": date(2024, 6, 7),
              "反馈日期": date(2024, 8, 27), "成文日期": date(2024, 12, 20)}


def fill_as_clerk(ledger: Path) -> None:
    """What the report asks the clerk to fill: missing 基本信息, and 整改进展 where the source had none."""
    wb = load_workbook(ledger)
    ws = wb[schema.INFO.name]
    for r in range(2, ws.max_row + 1):
        label = ws.cell(row=r, column=1).value
        if label in CLERK_INFO and ws.cell(row=r, column=2).value in (None, ""):
            ws.cell(row=r, column=2, value=CLERK_INFO[label])
    ps = wb[schema.PROBLEMS.name]
    for r in range(2, ps.max_row + 1):
        if ps.cell(row=r, column=1).value and not ps.cell(row=r, column=5).value:
            ps.cell(row=r, column=5, value="按措施推进。")
    wb.save(ledger)


def set_status(ledger: Path, action: str, status: str) -> None:
    wb = load_workbook(ledger)
    ws = wb[schema.MEASURES.name]
    hits = [r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=3).value == action]
    assert len(hits) == 1, action
    ws.cell(row=hits[0], column=10, value=status)
    wb.save(ledger)
