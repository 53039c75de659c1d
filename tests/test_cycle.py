"""The rest of the rectification cycle from the same ledger (issue 23): the 整改方案 with its 附件1–3, the
整改情况报告 and the head's report, the notice for inside the Party, the 销号 forms and the summary table —
read back from builds of the example ledger and of the 巡视 example, and the document sets a build chooses."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT, TEMPLATES, find_validator, tool_or_skip
from docx import Document
from helpers import run, texts

from pipeline import api
from pipeline.documents.registry import ALL_DOCUMENTS, DOCUMENT_SETS, DOCUMENTS
from pipeline.ledger import schema
from pipeline.ledger.model import Ledger
from pipeline.notice.outline import clean

XUNSHI = ROOT / "examples" / "巡视整改通报.xlsx"


def _build(workbook: Path, out: Path, **kw) -> api.BuildResult:
    (r,) = api.build_many([workbook], TEMPLATES, out, **kw)
    return r


@pytest.fixture(scope="module", params=[EXAMPLE, XUNSHI], ids=["示例", "巡视"])
def full(request, tmp_path_factory) -> tuple[Path, Ledger]:
    """A --docs 全部 build of an example ledger: its folder and its ledger."""
    out = tmp_path_factory.mktemp("cycle")
    r = _build(request.param, out, sets=tuple(DOCUMENT_SETS))
    assert r.status == "written", (r.message, r.check and r.check.errors)
    assert r.check is not None and r.check.ledger is not None
    return r.folder, r.check.ledger


def _doc(folder: Path, stem: str) -> Path:
    (path,) = [p for p in folder.glob("*.docx") if p.stem.split("_", 1)[1] == stem]
    return path


def _one_line(text: str) -> str:
    return text.replace("\n", "")


def test_every_document_is_written_and_the_folder_manifest_and_history_name_the_set(full):
    folder, ledger = full
    assert sorted(p.name for p in folder.glob("*.docx")) == sorted(d.output for d in ALL_DOCUMENTS)
    assert folder.name.endswith("_全部")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["文档"] == list(DOCUMENT_SETS)
    assert [o["文件名"] for o in manifest["输出"]] == [d.output for d in ALL_DOCUMENTS]
    assert set(manifest["模板"]) == {d.template for d in ALL_DOCUMENTS}
    with open(folder.parent / "生成记录.csv", encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["文档"] == "、".join(DOCUMENT_SETS) and row["文件夹"] == folder.name


def _body_texts(path: Path) -> list[str]:
    return [_one_line(t) for t in texts(path)]


def test_plan_title_addressee_sections_tasks_and_attachments(full):
    folder, ledger = full
    info = ledger.inspection
    body = _body_texts(_doc(folder, "整改方案"))
    title = f"{clean(info.issuer)}关于落实{info.group}反馈意见的整改方案"
    assert body[0] == title
    assert body[1] == f"{info.deployer}{info.kind}办：" or body[1] == f"{info.addressee}："
    assert [t for t in body if re.match("^[一二三四五]、", t)] == [
        "一、指导思想和总体要求",
        "二、组织领导",
        "三、整改任务",
        "四、工作要求",
    ]
    # every problem, the ones not made public included, and every measure with its owners
    for p in ledger.problems:
        assert any(t.endswith(clean(p.heading)) for t in body), p.heading
        if p.item:
            assert any(clean(p.item) in t for t in body), p.item
    measures = [t for t in body if re.match(r"^（\d+）", t) and "责任领导：" in t]
    assert len(measures) == len(ledger.measures)
    for m in ledger.measures:
        assert any(clean(m.action) in t and f"责任部门：{clean(m.department)}" in t for t in measures), m.action
    # the narrative parts come from 正文
    for p in ledger.narrative:
        if p.section in (schema.SECTION_PLAN_AIMS, schema.SECTION_PLAN_REQUIREMENTS):
            assert any(clean(p.heading) in t for t in body), p.heading
    # 附件说明, then the 落款
    names = [f"{info.group}反馈意见整改{w}" for w in ("问题清单", "任务清单", "责任清单")]
    start = body.index(f"附件：1.{names[0]}")
    assert body[start : start + 5] == [
        f"附件：1.{names[0]}",
        f"2.{names[1]}",
        f"3.{names[2]}",
        clean(info.issuer),
        f"{info.issued.year}年{info.issued.month}月{info.issued.day}日",
    ]
    # the attachments: the three checklists, labelled 附件1–3 whatever 清单作为附件 says
    for n, (stem, name) in enumerate(zip(("问题清单", "任务清单", "责任清单"), names), start=1):
        path = _doc(folder, f"整改方案附件{n}_{stem}.docx".removesuffix(".docx"))
        head = _body_texts(path)
        assert head[:2] == [f"附件{n}", name]


def test_report_covers_every_problem_and_what_is_still_open(full):
    folder, ledger = full
    info = ledger.inspection
    body = _body_texts(_doc(folder, "整改情况报告"))
    assert body[0] == f"{clean(info.issuer)}关于{info.group}反馈意见整改情况的报告"
    assert body[1].endswith("：") and body[1] == f"{clean(info.addressee) or info.deployer + info.kind + '办'}："
    assert [t for t in body if re.match("^[一二三四五]、", t)] == [
        "一、整改工作开展情况",
        "二、反馈问题整改落实情况",
        "三、尚未完成的整改事项及原因",
        "四、下一步工作打算",
    ]
    statuses = [t for t in body if t.startswith("整改状态：")]
    assert len(statuses) == len(ledger.problems)
    assert [t.removeprefix("整改状态：").removesuffix("。") for t in statuses] == [p.status for p in ledger.problems]
    pending = [m for m in ledger.measures if m.status not in schema.FINISHED]
    opened = [t for t in body if "责任部门：" in t and t.startswith("（")]
    assert len(opened) == len(pending)
    if pending:
        assert any(f"尚有{len(pending)}项整改措施未完成" in t for t in body)
    for p in ledger.problems:
        for para in p.progress:
            assert any(clean(para) in t for t in body)


def test_head_report_is_signed_by_the_head(full):
    folder, ledger = full
    info = ledger.inspection
    body = _body_texts(_doc(folder, "主要负责人组织落实整改情况报告"))
    assert body[0] == f"{info.unit}主要负责人组织落实{info.group}反馈意见整改情况的报告"
    assert body[-2] == (clean(info.head) or clean(info.issuer))
    assert any(f"{ledger.counts.problems}个具体问题" in t for t in body)  # as the notice counts (declared first)


def test_party_notice_prints_every_problem_and_the_public_one_leaves_the_internal_out(full):
    folder, ledger = full
    info = ledger.inspection
    party, public = _body_texts(_doc(folder, "党内通报")), _body_texts(_doc(folder, "通报"))
    marks = [m for m in (clean(info.copy_no), clean(info.secret)) if m]
    assert party[: len(marks)] == marks  # 份号 then 密级, before the title
    assert not any(m in public for m in marks)
    for p in ledger.problems:
        text = clean(p.progress[0])
        assert any(text in t for t in party), p.id
        assert any(text in t for t in public) == p.public, p.id


def test_xunshi_example_has_an_internal_problem_and_a_secret_mark():
    """The 巡视 example shows the two versions apart: one problem is not public, 密级 and 份号 are given."""
    ledger = api.check_file(XUNSHI).ledger
    assert ledger is not None
    assert any(not p.public for p in ledger.problems)
    assert ledger.inspection.secret and ledger.inspection.copy_no


def _tables(path: Path) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(str(path)).tables]


def test_closeout_forms_one_page_per_problem(full):
    folder, ledger = full
    tables = _tables(_doc(folder, "销号表"))
    assert len(tables) == len(ledger.problems)
    for table, p in zip(tables, ledger.problems):
        fields = {row[0]: row[1] for row in table}
        assert fields["问题编号"] == p.id
        assert fields["整改状态"] == p.status
        assert fields["整改措施"].count("\n") + 1 == len(ledger.measures_of(p.id))
        assert "审核人（签字）" in fields["审核意见"] and "负责人（签字）" in fields["申请销号"]
    body = _body_texts(_doc(folder, "销号表"))
    assert body.count(f"{ledger.inspection.group}反馈问题整改销号申请表") == len(ledger.problems)


def test_summary_counts_equal_the_ledger(full):
    folder, ledger = full
    by_aspect, measures = _tables(_doc(folder, "整改台账汇总表"))
    total = by_aspect[-1]
    counts = ledger.status_counts
    assert total[:7] == [
        "合计",
        str(len(ledger.problems)),
        str(counts[schema.STATUS_DONE]),
        str(counts[schema.STATUS_STAGED]),
        str(counts[schema.STATUS_ONGOING]),
        str(counts[schema.STATUS_LONG_TERM]),
        f"{round(100 * counts[schema.STATUS_DONE] / len(ledger.problems) + 1e-9)}%",
    ]
    assert total[7] == str(len(ledger.measures))
    assert sum(int(r[1]) for r in by_aspect[1:-1]) == len(ledger.problems)
    rows = measures[1:]
    assert len(rows) == len(ledger.measures)
    done = sum(1 for m in ledger.measures if m.status == schema.STATUS_DONE)
    assert sum(1 for r in rows if r[-1] == "●完成") == done
    overdue = api.due_measures(ledger, ledger.inspection.issued)
    assert sum(1 for r in rows if r[-1] == "●逾期") == sum(1 for d in overdue if d.overdue)
    assert sum(1 for r in rows if r[-1] == "●临期") == sum(1 for d in overdue if not d.overdue)


def test_cycle_documents_pass_the_open_xml_sdk_validator(full):
    validator = tool_or_skip(find_validator(), "ooxml-validator")
    folder, _ = full
    for doc in sorted(folder.glob("*.docx")):
        if doc.name in {d.output for d in DOCUMENTS}:
            continue  # the default set is validated by test_documents
        proc = subprocess.run([validator, str(doc)], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"{doc.name}: {proc.stdout[:2000]}"


# ------------------------------------------------------------------------------------------------
# choosing documents


def test_default_build_is_the_notice_set_and_names_no_set(tmp_path):
    r = _build(EXAMPLE, tmp_path / "o")
    assert sorted(p.name for p in r.folder.glob("*.docx")) == sorted(d.output for d in DOCUMENTS)
    assert not r.folder.name.endswith("_通报")
    manifest = json.loads((r.folder / "manifest.json").read_text(encoding="utf-8"))
    assert "文档" not in manifest and set(manifest["模板"]) == {d.template for d in DOCUMENTS}


def test_a_chosen_set_alone_and_per_problem_closeout(tmp_path):
    r = _build(EXAMPLE, tmp_path / "o", sets=api.document_sets("销号"), problem_ids=("3", "1"))
    assert r.status == "written"
    assert [p.name for p in r.folder.glob("*.docx")] == ["13_销号表.docx"]
    assert r.folder.name.endswith("_销号")
    tables = _tables(r.folder / "13_销号表.docx")
    assert [t[0][1] for t in tables] == ["1", "3"]  # ledger order
    manifest = json.loads((r.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["文档"] == ["销号"] and manifest["销号问题"] == ["3", "1"]


def test_unknown_closeout_problem_is_refused_and_nothing_written(tmp_path):
    r = _build(EXAMPLE, tmp_path / "o", sets=("销号",), problem_ids=("1", "999"))
    assert r.failed and r.check is not None
    (err,) = [f for f in r.check.errors if f.code == "closeout-unknown-problem"]
    assert "999" in err.message and err.sheet == "问题"
    assert not (tmp_path / "o").exists() or not any(p.is_dir() for p in (tmp_path / "o").iterdir())


def test_document_sets_parse_names_aliases_and_all():
    assert api.document_sets(None) == ("通报",)
    assert api.document_sets("全部") == tuple(DOCUMENT_SETS)
    assert api.document_sets("销号，方案、公开通报") == ("通报", "整改方案", "销号")
    with pytest.raises(api.UsageError) as e:
        api.document_sets("整改方案,通知")
    assert "“通知”" in e.value.message and all(name in e.value.message for name in DOCUMENT_SETS)


def test_cli_docs_option(tmp_path, capsys):
    code, out, err = run(["build", str(EXAMPLE), "-o", str(tmp_path / "o"), "--docs", "汇总,党内通报"], capsys)
    assert code == 0, err
    (folder,) = [p for p in (tmp_path / "o").iterdir() if p.is_dir()]
    assert folder.name.endswith("_党内通报、汇总")
    assert sorted(p.name for p in folder.glob("*.docx")) == ["06_党内通报.docx", "14_整改台账汇总表.docx"]
    code, out, err = run(["build", str(EXAMPLE), "-o", str(tmp_path / "p"), "--docs", "通知"], capsys)
    assert code != 0 and "没有名为“通知”的文档" in err and "Traceback" not in err
    assert not (tmp_path / "p").exists()
    code, out, err = run(["build", str(EXAMPLE), "-o", str(tmp_path / "q"), "--problems", "1"], capsys)
    assert code != 0 and "--problems 只用于销号表" in err


# ------------------------------------------------------------------------------------------------
# skeleton text of the other documents' parts; old template folders


def _with_skeleton(data):
    data["narrative"].append({"section": "方案总体要求", "heading": "指导思想", "text": "【请改写】以……为指导。"})


def test_skeleton_in_a_plan_part_warns_and_blocks_only_the_plan(make_ledger, tmp_path):
    path = make_ledger(_with_skeleton)
    check = api.check_file(path)
    assert check.ledger is not None  # the notice can be built
    (warning,) = [f for f in check.warnings if f.code == "skeleton-text-pending"]
    assert warning.sheet == "正文" and warning.cell == "C6" and "方案总体要求" in warning.message
    assert _build(path, tmp_path / "a").status == "written"
    assert _build(path, tmp_path / "b", sets=("销号", "汇总")).status == "written"
    r = _build(path, tmp_path / "c", sets=("整改方案",))
    assert r.failed and r.check is not None
    (error,) = [f for f in r.check.errors if f.code == "skeleton-text"]
    assert (error.sheet, error.cell) == ("正文", "C6")
    assert not [f for f in r.check.findings if f.code == "skeleton-text-pending"]  # turned into the error
    assert not (tmp_path / "c").exists() or not any(p.is_dir() for p in (tmp_path / "c").iterdir())


def test_an_old_template_folder_builds_the_new_documents_with_the_builtin_templates(tmp_path):
    old = tmp_path / "templates"
    old.mkdir()
    for d in DOCUMENTS:
        (old / d.template).write_bytes((TEMPLATES / d.template).read_bytes())
    (r,) = api.build_many([EXAMPLE], old, tmp_path / "o", sets=tuple(DOCUMENT_SETS))
    assert r.status == "written", r.message
    assert len(list(r.folder.glob("*.docx"))) == len(ALL_DOCUMENTS)
    missing = [f for f in api.check_templates(old) if f.code == "template-optional-missing"]
    assert sorted(f.sheet for f in missing) == sorted({d.template for d in ALL_DOCUMENTS} - {d.template for d in DOCUMENTS})
