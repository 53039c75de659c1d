"""Example ledgers of other structures, as starting points for offices (written to examples/ by
scripts/make_example.py). The units and names are made up; the wording follows real published notices.

- 巡视整改通报.xlsx: a provincial 巡视, the office's own 导语 and section titles, status lines and the
  completion rate, status words as offices write them (完成, 整改中, 长期).
- 只公布总数.xlsx: a notice that publishes totals only (no problem rows): declared counts by status, the
  （一）起首 numbering with run-in "1." headings, vague dates (2024年4月中旬).
- 四级标题.xlsx: 一、/（一）/1./（1）: specific problems as （1） headings on their own line, and 正文 with a second
  heading level (a standalone （一） heading, then run-in "1." paragraphs).
- 无方面.xlsx: problems numbered 1. 2. 3. straight under the section (no 方面 level, 方面 left blank).
"""

from __future__ import annotations

from datetime import date
from typing import Any


def _measure(mid: int, pid: str, action: str, target: str, leader: str, dept: str, deadline: Any,
             status: str, result: str = "") -> dict[str, Any]:
    return {"id": str(mid), "problem_id": pid, "action": action, "target": target, "leader": leader,
            "department": dept, "deadline": deadline, "status": status, "result": result}


def cycle_narrative(who: str, kind: str = "巡察") -> list[dict[str, Any]]:
    """正文 rows for the other documents of the rectification cycle (整改方案, 整改情况报告, 主要负责人报告),
    worded for `who` (the 党组 that rectifies)."""
    return [
        {"section": "方案总体要求", "heading": "指导思想",
         "text": f"以习近平新时代中国特色社会主义思想为指导，坚决落实{{{kind}组}}反馈意见，把{kind}整改作为重大政治任务抓紧抓实。"},
        {"section": "方案总体要求", "heading": "总体要求",
         "text": "对反馈的{方面数}个方面{问题数}个具体问题逐项制定整改措施，明确责任领导、责任部门和完成时限。"},
        {"section": "方案组织领导", "heading": "",
         "text": f"成立{who}{kind}整改工作领导小组。\n组  长：党组书记\n副组长：党组成员\n成  员：各处室主要负责人"},
        {"section": "方案工作要求", "heading": "压实整改责任",
         "text": "党组书记履行第一责任人责任，班子成员落实“一岗双责”。"},
        {"section": "方案工作要求", "heading": "严格督查问效",
         "text": "建立整改台账，实行销号管理，每月调度一次整改进展。"},
        {"section": "报告未完成原因", "heading": "",
         "text": "尚未完成的事项需要较长时间持续推进，已明确责任领导和完成时限。"},
        {"section": "主要负责人报告", "heading": "",
         "text": f"本人主持召开党组会议研究部署{kind}整改工作，带头认领整改任务，定期听取整改进展情况汇报。"},
    ]


XUNSHI: dict[str, Any] = {
    "info": {
        "issuer": "中共江河省农业农村厅党组", "unit": "省农业农村厅党组", "deployer": "省委",
        "group": "省委第三巡视组", "round": "十二届省委第四轮巡视", "kind": "巡视",
        "start": date(2024, 4, 8), "end": date(2024, 6, 28), "feedback": date(2024, 8, 15),
        "issued": date(2025, 1, 10), "phone": "0531-8601234", "email": "nyxs@jh.gov.cn",
        "opening": "根据省委统一部署，{巡视时间}，{巡视组}对{被巡视单位}进行了常规巡视，并于{反馈日期}反馈了巡视意见。"
                   "按照党务公开原则和巡视工作有关要求，现将巡视整改进展情况予以公布：",
        "title_basic": "巡视整改组织领导情况",
        "title_progress": "巡视反馈问题整改进展情况",
        "title_plans": "下一步工作打算",
        "show_status": "是",
        "head": "厅党组书记、厅长 ×××",
        "secret": "秘密★1年",
        "copy_no": "000001",
    },
    "problems": [
        {"id": "1", "aspect": "关于贯彻落实党中央决策部署和省委工作要求方面",
         "heading": "推动粮食安全责任落实有差距", "item": "高标准农田建设后续管护不到位",
         "progress": "制定《全省高标准农田建后管护办法》，明确县级政府管护主体责任，建立“田长制”管护机制。"
                     "对2019年以来建成的高标准农田开展全面排查，发现并整改设施损毁问题136处。",
         "status": "已完成", "public": "是"},
        {"id": "2", "aspect": "关于贯彻落实党中央决策部署和省委工作要求方面",
         "heading": "推动粮食安全责任落实有差距", "item": "耕地“非粮化”整治推进缓慢",
         "progress": "会同自然资源部门建立耕地种植用途动态监测机制，逐地块建立整改台账，已完成整治面积2.3万亩，"
                     "其余部分按季节有序推进。",
         "status": "整改中", "public": "是"},
        {"id": "3", "aspect": "关于贯彻落实党中央决策部署和省委工作要求方面",
         "heading": "乡村产业发展统筹不够", "item": "",
         "progress": "编制《全省乡村特色产业发展规划（2024—2027年）》，整合涉农资金支持县域主导产业，"
                     "培育省级农业产业化龙头企业18家。",
         "status": "阶段性完成", "public": "是"},
        {"id": "4", "aspect": "关于群众身边腐败问题和不正之风方面",
         "heading": "惠农补贴资金监管存在漏洞", "item": "补贴发放审核把关不严",
         "progress": "开展惠农补贴“一卡通”专项治理，追回违规发放资金86.4万元；建立补贴发放“三级审核”制度，"
                     "实现补贴对象信息与不动产、市场主体信息比对全覆盖。",
         "status": "完成", "public": "是"},
        {"id": "5", "aspect": "关于群众身边腐败问题和不正之风方面",
         "heading": "惠农补贴资金监管存在漏洞", "item": "项目资金绩效评价走过场",
         "progress": "修订《省级农业专项资金绩效评价办法》，引入第三方复核机制，对2023年度48个项目开展重点评价，"
                     "评价结果与下年度预算安排挂钩。",
         "status": "已完成", "public": "是"},
        {"id": "6", "aspect": "关于党组织建设和干部队伍建设方面",
         "heading": "干部队伍结构不够合理", "item": "",
         "progress": "制定年轻干部培养三年计划，选派12名年轻干部到乡村振兴一线挂职锻炼；"
                     "建立专业技术干部交流轮岗机制，长期坚持、常抓不懈。",
         "status": "长期", "public": "是"},
        {"id": "7", "aspect": "关于党组织建设和干部队伍建设方面",
         "heading": "干部队伍结构不够合理", "item": "",
         "progress": "（内部整改事项，不公开）",
         "status": "已完成", "public": "否"},
    ],
    "measures": [
        _measure(1, "1", "制定高标准农田建后管护办法，明确管护主体", "管护责任落实到县、到地块", "分管副厅长",
                 "农田建设管理处", date(2024, 10, 31), "完成"),
        _measure(2, "1", "开展高标准农田设施排查整改", "损毁设施全部修复", "分管副厅长", "农田建设管理处",
                 date(2024, 12, 31), "已完成"),
        _measure(3, "2", "建立耕地种植用途动态监测机制", "监测覆盖全部耕地", "分管副厅长", "种植业管理处",
                 date(2024, 11, 30), "已完成"),
        _measure(4, "2", "分类推进耕地“非粮化”整治", "按季节完成整治任务", "分管副厅长", "种植业管理处",
                 date(2025, 6, 30), "整改中"),
        _measure(5, "3", "编制乡村特色产业发展规划", "规划印发实施", "厅长", "乡村产业发展处",
                 date(2024, 12, 31), "已完成"),
        _measure(6, "3", "整合涉农资金支持县域主导产业", "每县培育一个主导产业", "分管副厅长", "计划财务处",
                 date(2025, 12, 31), "正在推进"),
        _measure(7, "4", "开展惠农补贴“一卡通”专项治理", "违规资金全部追回", "驻厅纪检监察组组长",
                 "计划财务处", date(2024, 12, 31), "已完成"),
        _measure(8, "5", "修订专项资金绩效评价办法", "评价结果与预算挂钩", "分管副厅长", "计划财务处",
                 date(2024, 11, 30), "已完成"),
        _measure(9, "6", "实施年轻干部培养三年计划", "干部年龄结构逐年优化", "厅长", "人事处", "长期坚持",
                 "长期坚持"),
        _measure(10, "7", "内部整改事项", "按要求整改", "厅长", "机关党委", date(2024, 10, 31), "已完成"),
    ],
    "narrative": [
        {"section": "基本情况", "heading": "",
         "text": "{巡视组}反馈意见共指出{方面数}个方面{问题数}个问题。厅党组坚决扛起巡视整改政治责任，"
                 "把巡视整改作为重大政治任务，研究制定{措施数}项整改措施，逐项明确责任领导、责任处室和完成时限。"},
        {"section": "基本情况", "heading": "强化组织领导",
         "text": "成立由党组书记任组长的巡视整改工作领导小组，先后5次召开党组会议专题研究巡视整改工作。"},
        {"section": "基本情况", "heading": "压实整改责任",
         "text": "截至目前，已完成整改{已完成数}个，问题完成率{问题完成率}；{措施数}项措施已完成{已完成措施数}项。"},
        {"section": "今后打算", "heading": "",
         "text": "下一步，厅党组将坚持目标不变、标准不降、力度不减，持续抓好巡视整改后续工作。"},
        {"section": "今后打算", "heading": "持续推进未完成事项",
         "text": "对正在推进的事项，盯住时限、挂账督办，确保按期整改到位。"},
        {"section": "今后打算", "heading": "建立长效机制",
         "text": "把巡视整改与日常工作结合起来，以制度建设巩固整改成果。"},
        {"section": "结束语", "heading": "",
         "text": "欢迎广大干部群众对巡视整改落实情况进行监督。如有意见建议，请及时向我们反映。"},
        *cycle_narrative("厅党组", "巡视"),
    ],
    "documents": [
        {"name": "《全省高标准农田建后管护办法》", "kind": "制定", "date": date(2024, 10, 20), "problem_ids": "1"},
        {"name": "《省级农业专项资金绩效评价办法》", "kind": "修订", "date": date(2024, 11, 15), "problem_ids": "5"},
    ],
}


TOTALS_ONLY: dict[str, Any] = {
    "info": {
        "issuer": "中共山前县卫生健康局党组", "unit": "县卫生健康局党组", "deployer": "县委",
        "group": "县委第二巡察组", "round": "十五届县委第六轮巡察",
        "start": "2024年4月中旬", "end": "2024年5月底", "feedback": "2024年7月",
        "issued": date(2024, 12, 6), "phone": "6612345",
        "opening": "根据县委统一部署，{巡察时间}，{巡察组}对{被巡察单位}进行了巡察，并于{反馈月日}反馈了巡察意见。"
                   "按照党务公开原则和巡察工作有关要求，现将巡察整改进展情况予以公布：",
        "numbering": "（一）起首",
        "title_basic": "整改工作开展情况",
        "title_progress": "不印",
        "title_plans": "下一步工作打算",
        "declared_aspects": 3, "declared_problems": 25, "declared_measures": 76, "declared_documents": 8,
        "declared_done": 19, "declared_staged": 4, "declared_ongoing": 2, "declared_long_term": 0,
    },
    "problems": [],
    "measures": [],
    "narrative": [
        {"section": "基本情况", "heading": "",
         "text": "县委第二巡察组共反馈{方面数}个方面{问题数}个问题。局党组对照问题清单，研究制定{措施数}条具体措施。"
                 "截至目前，{整改状态句}，问题完成率{问题完成率}。"},
        {"section": "基本情况", "heading": "提高政治站位，扛牢整改责任",
         "text": "局党组召开专题会议研究部署整改工作，成立整改工作领导小组，党组书记认真履行第一责任人职责。"},
        {"section": "基本情况", "heading": "坚持标本兼治，健全制度机制",
         "text": "建立健全医疗卫生行业综合监管等制度{制度文件数}项，推动整改成果制度化、长效化。"},
        {"section": "今后打算", "heading": "",
         "text": "对正在整改的{正在推进数}个问题，严格按照时限要求推进，确保整改到位。"},
        {"section": "结束语", "heading": "",
         "text": "欢迎广大干部群众对巡察整改落实情况进行监督。"},
        *cycle_narrative("局党组", "巡察"),
    ],
    "documents": [],
}


FOUR_LEVELS: dict[str, Any] = {
    "info": {
        "issuer": "中共清河区人民医院委员会", "unit": "区人民医院党委", "deployer": "区委",
        "group": "区委第一巡察组", "round": "区委第九轮巡察",
        "start": date(2024, 3, 11), "end": date(2024, 5, 10), "feedback": date(2024, 6, 20),
        "issued": date(2024, 11, 28), "phone": "7345678", "email": "qhyy@qh.gov.cn",
        "numbering": "四级标题",
        "cc": "区委巡察办，区卫生健康局", "printer": "清河区人民医院党委办公室", "printed": date(2024, 11, 28),
    },
    "problems": [
        {"id": "1", "aspect": "关于落实党委领导下的院长负责制方面", "heading": "议事决策制度执行不严格问题",
         "item": "党委会议题把关不严", "progress": "修订《党委会议事规则》，明确党委会议题清单和前置研究程序。",
         "status": "已完成", "public": "是"},
        {"id": "2", "aspect": "关于落实党委领导下的院长负责制方面", "heading": "议事决策制度执行不严格问题",
         "item": "“三重一大”事项决策程序不规范",
         "progress": "制定“三重一大”事项清单，建立决策事项会前公示、会后督办机制。\n"
                     "2024年7月以来，党委会研究“三重一大”事项21项，均严格按程序决策。",
         "status": "已完成", "public": "是"},
        {"id": "3", "aspect": "关于医德医风和行业作风建设方面", "heading": "医药购销领域廉洁风险防控不到位问题",
         "item": "药品耗材采购监管存在薄弱环节",
         "progress": "上线药品耗材采购信息化监管系统，对使用量异常的12种药品耗材开展专项分析和约谈。",
         "status": "取得阶段性成效", "public": "是"},
        {"id": "4", "aspect": "关于医德医风和行业作风建设方面", "heading": "医药购销领域廉洁风险防控不到位问题",
         "item": "收受“红包”回扣问题治理不彻底",
         "progress": "开展医德医风专项整治，签订廉洁行医承诺书1260份，畅通患者投诉渠道。",
         "status": "长期坚持", "public": "是"},
    ],
    "measures": [
        _measure(1, "1", "修订党委会议事规则", "议题把关程序完善", "党委书记", "党委办公室", date(2024, 8, 31), "已完成"),
        _measure(2, "2", "制定“三重一大”事项清单", "决策程序规范", "院长", "院长办公室", date(2024, 9, 30), "已完成"),
        _measure(3, "3", "建设药品耗材采购监管系统", "采购全程留痕可查", "分管副院长", "药学部",
                 date(2025, 3, 31), "正在推进"),
        _measure(4, "3", "开展使用量异常药品耗材专项分析", "异常情况及时处置", "分管副院长", "医务科",
                 date(2024, 12, 31), "已完成"),
        _measure(5, "4", "开展医德医风专项整治", "行风持续向好", "纪委书记", "纪检监察室", "长期坚持", "长期坚持"),
    ],
    "narrative": [
        {"section": "基本情况", "heading": "",
         "text": "{巡察组}共反馈{方面数}个方面{问题数}个具体问题，医院党委研究制定整改措施{措施数}项。"},
        {"section": "基本情况", "heading": "加强组织领导"},
        {"section": "基本情况", "heading": "成立整改工作领导小组", "text": "党委书记任组长，班子成员分兵把口、各负其责。"},
        {"section": "基本情况", "heading": "建立整改台账", "text": "逐项明确责任领导、责任科室和完成时限，实行销号管理。"},
        {"section": "基本情况", "heading": "强化督促检查"},
        {"section": "基本情况", "heading": "定期调度", "text": "每月召开整改调度会，截至目前，{整改状态句}。"},
        {"section": "今后打算", "heading": "",
         "text": "医院党委将持续巩固整改成果，对需要长期坚持的事项常抓不懈。"},
        {"section": "结束语", "heading": "", "text": "欢迎广大干部群众对巡察整改落实情况进行监督。"},
        *cycle_narrative("医院党委", "巡察"),
    ],
    "documents": [
        {"name": "《党委会议事规则》", "kind": "修订", "date": date(2024, 8, 20), "problem_ids": "1"},
        {"name": "《“三重一大”事项决策实施办法》", "kind": "制定", "date": date(2024, 9, 10), "problem_ids": "2"},
    ],
}


NO_ASPECTS: dict[str, Any] = {
    "info": {
        "issuer": "中共东湖区市场监督管理局党组", "unit": "区市场监管局党组", "deployer": "区委",
        "group": "区委第四巡察组", "round": "区委第十一轮巡察",
        "start": date(2024, 9, 2), "end": date(2024, 10, 31), "feedback": date(2024, 12, 5),
        "issued": date(2025, 3, 20), "phone": "5512345",
        "numbering": "无方面",
        "title_progress": "{巡察组}反馈问题整改情况",
    },
    "problems": [
        {"id": "1", "aspect": "", "heading": "食品安全监管存在薄弱环节", "item": "校园食品安全检查频次不足",
         "progress": "制定校园食品安全检查计划，对全区86所学校食堂开展全覆盖检查。", "status": "已完成", "public": "是"},
        {"id": "2", "aspect": "", "heading": "食品安全监管存在薄弱环节", "item": "网络订餐监管不到位",
         "progress": "建立网络订餐平台入网商户定期核查机制，下线无证经营商户23家。", "status": "已完成", "public": "是"},
        {"id": "3", "aspect": "", "heading": "行政执法不够规范",
         "item": "", "progress": "开展行政执法案卷评查，修订行政处罚裁量基准，组织执法人员集中培训2次。",
         "status": "取得阶段性成效", "public": "是"},
        {"id": "4", "aspect": "", "heading": "涉企收费治理不彻底", "item": "",
         "progress": "对全区行业协会商会收费开展专项检查，清退违规收费12.6万元。", "status": "正在推进", "public": "是"},
    ],
    "measures": [
        _measure(1, "1", "开展校园食堂全覆盖检查", "检查覆盖全部学校", "分管副局长", "食品安全科", date(2025, 1, 31), "已完成"),
        _measure(2, "2", "建立入网商户核查机制", "无证商户全部下线", "分管副局长", "网络交易监管科",
                 date(2025, 2, 28), "已完成"),
        _measure(3, "3", "修订行政处罚裁量基准", "执法规范统一", "局长", "法规科", date(2025, 3, 31), "取得阶段性成效"),
        _measure(4, "4", "开展涉企收费专项检查", "违规收费全部清退", "分管副局长", "价格监督检查科",
                 date(2025, 6, 30), "正在推进"),
    ],
    "narrative": [
        {"section": "基本情况", "heading": "",
         "text": "{巡察组}反馈问题{问题数}个，局党组制定整改措施{措施数}项。截至目前，{整改状态句}。"},
        {"section": "今后打算", "heading": "持续抓好整改", "text": "对尚未完成的问题，挂图作战、限期销号。"},
        {"section": "结束语", "heading": "", "text": "欢迎社会各界对巡察整改落实情况进行监督。"},
        *cycle_narrative("党组", "巡察"),
    ],
    "documents": [],
}


# File name (in examples/) → ledger data.
EXAMPLES: dict[str, dict[str, Any]] = {
    "巡视整改通报.xlsx": XUNSHI,
    "只公布总数.xlsx": TOTALS_ONLY,
    "四级标题.xlsx": FOUR_LEVELS,
    "无方面.xlsx": NO_ASPECTS,
}
