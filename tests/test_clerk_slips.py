"""Issue 19: nothing wrong is published silently — the 巡视 blank, builds that keep hand edits, history by
inspection, change reports, and the smaller slips a clerk new to the tool made."""

from __future__ import annotations

from datetime import date
from typing import Any

from conftest import col_letter

from pipeline import api
from pipeline.ledger import schema
from pipeline.ledger.blank import blank_workbook


def _strings(wb: Any) -> list[tuple[str, str, str]]:
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    found.append((ws.title, c.coordinate, c.value))
                if c.comment is not None:
                    found.append((ws.title, c.coordinate, c.comment.text))
        for dv in ws.data_validations.dataValidation:
            found += [(ws.title, "DV", t) for t in (dv.prompt, dv.error, dv.promptTitle) if t]
    return found


def test_xunshi_blank_says_xunshi_everywhere_and_its_examples_are_a_province():
    wb = blank_workbook(schema.XUNSHI)
    kind_label = "巡视巡察"
    wrong = [(s, c, t) for s, c, t in _strings(wb) if ("巡察" in t or "市委" in t) and kind_label not in t
             and "只能填写：巡察、巡视" not in t and "（市、县党委开展）" not in t and t != "巡察、巡视"]
    assert wrong == []
    texts = [t for _, _, t in _strings(wb)]
    assert any("省委第一巡视组" in t for t in texts) and any("十二届省委第五轮巡视" in t for t in texts)
    closing = wb["正文"]
    assert any("对{巡视}整改落实情况进行监督" in (c.value or "") for c in closing["C"])


def test_every_prefilled_text_is_marked_or_worded_by_placeholder():
    for section, heading, text in schema.NARRATIVE_SKELETON:
        assert schema.REWRITE_MARK in text or ("巡察" not in text.replace("{巡察}", "") and "××" not in text), text


def test_xunshi_blank_filled_prints_xunshi_in_the_closing(tmp_path):
    import copy

    from conftest import BASE, fill_workbook
    from helpers import build, texts
    wb = blank_workbook(schema.XUNSHI)
    data = copy.deepcopy(BASE)
    data["info"].update(group="省委第一巡视组", round="十二届省委第五轮巡视", deployer="省委", kind="巡视")
    # the blank's own 正文 rows, with the 【请改写】 marks taken out as a clerk would after rewriting
    rows = list(wb["正文"].iter_rows(min_row=2, max_col=3, values_only=True))
    data["narrative"] = [dict(section=s, heading=h or "", text=(t or "").replace(schema.REWRITE_MARK, ""))
                         for s, h, t in rows if s]
    fill_workbook(wb, data)
    path = tmp_path / "巡视台账.xlsx"
    wb.save(path)
    result = build(path, tmp_path / "out")
    assert not result.failed, result.message
    notice = "".join(texts(result.folder / "01_通报.docx"))
    assert "欢迎广大干部群众对巡视整改落实情况进行监督" in notice and "巡察" not in notice


# -- builds never lose work ---------------------------------------------------------------------------------------

def _hand_edit(docx_path):
    """Add a sentence to a document as a clerk would in Word (a new paragraph in document.xml)."""
    import io
    import zipfile
    data = docx_path.read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "word/document.xml":
                body = body.replace(b"</w:body>", b"<w:p><w:r><w:t>\xe6\x89\x8b\xe5\x8a\xa0\xe7\x9a\x84\xe4\xb8\x80\xe5\x8f\xa5\xe3\x80\x82</w:t></w:r></w:p></w:body>")
            dst.writestr(item, body)
    docx_path.write_bytes(buf.getvalue())


def test_force_refuses_to_replace_a_hand_edited_build_and_names_the_file(make_ledger, tmp_path, capsys):
    from helpers import run, texts
    out = tmp_path / "out"
    first = make_ledger(name="台账.xlsx")
    code, _, _ = run(["build", "-o", str(out), str(first)], capsys)
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    _hand_edit(folder / "01_通报.docx")
    edited = (folder / "01_通报.docx").read_bytes()
    second = make_ledger(lambda d: d["problems"][0].update(progress="又有新进展。"), name="台账.xlsx")
    code, stdout, stderr = run(["build", "-o", str(out), "--force", str(second)], capsys)
    assert code == 1
    assert "01_通报.docx 与生成时不同" in stderr and "--replace-edited" in stderr and "Traceback" not in stderr
    assert (folder / "01_通报.docx").read_bytes() == edited  # nothing replaced
    assert [p for p in out.iterdir() if p.is_dir()] == [folder]  # nothing else written
    # told to replace anyway: the edited file is kept aside, and the terminal says where
    code, stdout, stderr = run(["build", "-o", str(out), "--replace-edited", str(second)], capsys)
    assert code == 0, stderr
    (aside,) = [p for p in out.iterdir() if p.name.startswith("已修改的文件-")]
    kept = aside / folder.name / "01_通报.docx"
    assert kept.read_bytes() == edited and "手加的一句。" in "".join(texts(kept))
    assert str(aside / folder.name) in stdout
    assert "又有新进展。" in "".join(texts(folder / "01_通报.docx"))


def test_force_over_an_unedited_build_replaces_it_without_asking(make_ledger, tmp_path, capsys):
    from helpers import run
    out = tmp_path / "out"
    run(["build", "-o", str(out), str(make_ledger(name="台账.xlsx"))], capsys)
    second = make_ledger(lambda d: d["problems"][0].update(progress="又有新进展。"), name="台账.xlsx")
    code, stdout, _ = run(["build", "-o", str(out), "--force", str(second)], capsys)
    assert code == 0 and "已替换" in stdout
    assert not [p for p in out.iterdir() if p.name.startswith("已修改的文件-")]


# -- change reports --------------------------------------------------------------------------------------------

def test_change_report_counts_each_measure_once_and_diff_shows_the_changed_words(make_ledger, capsys):
    from helpers import run
    long = "已召开专题会议三次，研究部署整改工作，制定整改方案，明确责任分工，逐项推进整改，建立工作台账，定期调度。"

    def before(d: dict[str, Any]) -> None:
        d["problems"][0]["progress"] = long
        for m in d["measures"]:
            m["status"] = "正在推进" if m["id"] != "3" else m["status"]
            m["deadline"] = m["deadline"] if m["id"] == "3" else date(2025, 6, 30)

    def after(d: dict[str, Any]) -> None:
        before(d)
        d["problems"][0]["progress"] = long.replace("三次", "五次")
        d["measures"][0].update(status="已完成", result="已完成。")
        d["measures"][1].update(status="已完成", leader="党组书记、主席")
    old, new = make_ledger(before), make_ledger(after)
    result = api.diff_ledgers(old, new)
    assert result.summary() == "问题：1个有变化；措施：2项有变化，其中2项已完成"
    code, text, _ = run(["diff", str(old), str(new)], capsys)
    assert code == 0
    (line,) = [l for l in text.splitlines() if "整改进展" in l]
    assert "［三→五］次" in line and "专题会议" in line


# -- history follows the inspection ---------------------------------------------------------------------------

def test_a_ledger_saved_under_a_new_name_is_compared_with_the_same_inspections_builds(make_ledger, tmp_path, capsys):
    import csv

    from helpers import run
    out = tmp_path / "out"
    first = make_ledger(name="台账.xlsx")
    renamed = make_ledger(lambda d: d["measures"][1].update(status="已完成"), name="台账（1月更新）.xlsx")
    other = make_ledger(lambda d: d["info"].update(unit="另一单位党组", doc_number="示〔2024〕9号"), name="别的.xlsx")
    run(["build", "-o", str(out), str(first)], capsys)
    code, text, _ = run(["build", "-o", str(out), str(renamed)], capsys)
    assert code == 0
    assert "（首次生成）" not in (out / "生成记录.csv").read_text("utf-8-sig").splitlines()[-1]
    assert "与上次生成（" in text and "1项有变化，其中1项已完成" in text
    assert "这是同一巡察的 2 次生成中最新的一次" in text
    code, text, _ = run(["build", "-o", str(out), str(other)], capsys)  # another inspection: its own history
    assert "与上次生成" not in text and "最新" not in text
    code, text, _ = run(["build", "-o", str(out), str(first)], capsys)  # the old file again: already built
    assert "已存在且内容相同" in text and "注意：同一巡察最新的生成结果是" in text
    rows = list(csv.DictReader(open(out / "生成记录.csv", encoding="utf-8-sig")))
    assert [r["巡察"] for r in rows] == ["示例单位党组 市委第一巡察组 七届市委第五轮巡察"] * 2 + [
        "另一单位党组 市委第一巡察组 七届市委第五轮巡察"]
    assert rows[1]["取代"] == rows[0]["文件夹"] and rows[0]["取代"] == "" and rows[2]["取代"] == ""


# -- the 督办清单 for any date, and the task number ----------------------------------------------------------------

def _late(d: dict[str, Any]) -> None:
    m = d["measures"]
    m[1].update(deadline=date(2024, 11, 30), status="正在推进", department="组织部")
    # measure 9 belongs to problem 1: 2nd in the 任务清单, last on the sheet
    m.append(dict(m[1], id="9", problem_id="1", deadline=date(2025, 1, 10), department="组织部", action="措施九"))
    m.append(dict(m[1], id="10", problem_id="3", deadline=date(2024, 10, 31), department="组织部", action="措施十"))


def _rows(path) -> list[list[str]]:
    from docx import Document
    return [[c.text for c in row.cells] for t in Document(str(path)).tables for row in t.rows[1:]]


def test_build_as_of_a_day_lists_the_overdue_most_late_first_with_the_task_number(make_ledger, tmp_path, capsys):
    from helpers import run, texts
    ledger = make_ledger(_late)
    code, text, _ = run(["build", "-o", str(tmp_path / "a"), "--as-of", "2025-02-01", str(ledger)], capsys)
    assert code == 0, text
    (folder,) = [p for p in (tmp_path / "a").iterdir() if p.is_dir()]
    doc = folder / "05_督办清单.docx"
    assert "截至2025年2月1日，逾期未完成的整改措施3项" in "".join(texts(doc))
    # 序号, 部室, 领导, 任务号, 措施, 具体问题, 时限, 督办情况: most overdue first within the department
    assert [[r[0], r[3], r[7]] for r in _rows(doc)] == [["1", "5", "逾期93天"], ["2", "3", "逾期63天"],
                                                         ["3", "2", "逾期22天"]]
    assert '"督办截至": "2025-02-01"' in (folder / "manifest.json").read_text("utf-8")
    # the 责任清单 says the same number as the 任务清单 for each measure
    tasks = {r[3]: r[0] for r in _rows(folder / "03_任务清单.docx")}  # 整改措施 → 序号
    owners = _rows(folder / "04_责任清单.docx")
    assert owners and all(tasks[r[4]] == r[3] for r in owners)
    # check for the same day points at the build that prints it
    code, text, _ = run(["check", "--as-of", "2025-02-01", str(ledger)], capsys)
    assert "build --as-of 2025-02-01" in text and "措施 10（任务号 5）" in text


# -- the smaller slips ------------------------------------------------------------------------------------------

def _findings(path, code):
    return [(f.sheet, f.cell, f.message) for f in api.check_file(path).findings if f.code == code]


def test_zero_documents_figure_is_warned_at_the_sentence(make_ledger):
    def change(d: dict[str, Any]) -> None:
        d["documents"].clear()
        d["narrative"][1]["text"] = "共制定或修订制度文件{制度文件数}项。"
    path = make_ledger(change)
    assert "zero-figure" in {f.code for f in api.check_file(path).findings}
    ((sheet, cell, message),) = _findings(path, "zero-figure")
    assert (sheet, cell) == ("正文", f"{col_letter('narrative', 'text')}3") and "0项" in message


def test_declared_aspects_under_a_scheme_without_aspects_is_no_mismatch(make_ledger):
    def change(d: dict[str, Any]) -> None:
        d["info"].update(numbering="无方面", declared_aspects=3)
        for p in d["problems"]:
            p["aspect"] = ""
    path = make_ledger(change)
    assert [f for f in api.check_file(path).findings if f.code == "declared-total-mismatch"] == []
    # under the standard scheme the same declared number still draws the warning
    assert _findings(make_ledger(lambda d: d["info"].update(declared_aspects=3)), "declared-total-mismatch")


def test_progress_section_with_no_public_problem_is_warned(make_ledger):
    def change(d: dict[str, Any]) -> None:
        for p in d["problems"]:
            p["public"] = "否"
    path = make_ledger(change)
    assert "no-public-problems" in {f.code for f in api.check_file(path).findings}
    ((sheet, cell, message),) = _findings(path, "no-public-problems")
    assert sheet == "问题" and "不印" in message


def test_typed_number_at_the_start_of_running_text_is_said_not_removed(make_ledger):
    def change(d: dict[str, Any]) -> None:
        d["narrative"][2]["text"] = "一是下一步继续整改。"
        d["problems"][0]["progress"] = "1.已经整改。"
    path = make_ledger(change)
    hits = {(s, c) for s, c, _ in _findings(path, "typed-numbering")}
    assert hits == {("正文", f"{col_letter('narrative', 'text')}4"), ("问题", f"{col_letter('problems', 'progress')}2")}
    ledger = api.check_file(path).ledger
    assert ledger.problems[0].progress == ("1.已经整改。",)


def test_deadline_passed_message_points_at_real_columns(make_ledger):
    ((_, _, message),) = _findings(make_ledger(lambda d: d["measures"][1].update(deadline=date(2024, 11, 30))),
                                   "deadline-passed")
    assert "〔状态〕" in message and "〔完成情况〕" in message


def test_unknown_column_is_named_at_its_header(make_ledger):
    def edit(wb: Any) -> None:
        ws = wb["措施"]
        ws.cell(row=1, column=12, value="备注")
        ws.cell(row=2, column=12, value="已报领导")
    path = make_ledger(edit=edit)
    assert "unknown-column" in {f.code for f in api.check_file(path).findings}
    ((sheet, cell, message),) = _findings(path, "unknown-column")
    assert (sheet, cell) == ("措施", "L1") and "“备注”列" in message and "不会进入任何文档" in message


def test_red_header_without_doc_number_is_warned(make_ledger):
    from conftest import info_cell
    ((sheet, cell, _),) = _findings(make_ledger(lambda d: d["info"].update(red_header="是")),
                                    "red-header-without-number")
    assert (sheet, cell) == ("基本信息", info_cell("red_header"))
    assert not _findings(make_ledger(lambda d: d["info"].update(red_header="是", doc_number="示〔2024〕1号")),
                         "red-header-without-number")


def test_workbook_named_without_its_extension_is_found(make_ledger, capsys, monkeypatch):
    from helpers import run
    path = make_ledger(name="台账.xlsx")
    monkeypatch.chdir(path.parent)
    code, text, err = run(["check", "台账"], capsys)
    assert code == 0 and "检查通过" in text, err


def test_blank_example_dates_show_as_dates_not_hashes():
    wb = blank_workbook()
    cell = wb["措施"][f"{col_letter('measures', 'deadline')}2"]
    assert cell.number_format == "yyyy-mm-dd"


def test_guide_says_cc_entries_are_separated_by_commas():
    assert "逗号" in schema.INFO.column("cc").help and "顿号" not in schema.INFO.column("cc").help
