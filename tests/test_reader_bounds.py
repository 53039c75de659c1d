"""The reader's remaining structure checks and bounded output: every sheet read counts against the cell
bound, the number of sheets is bounded, per-sheet notes are capped, quoted values are cut, the terminal
output and --json are bounded or streamed, Strict Open XML and encrypted workbooks are named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile import cases, make

from pipeline import cli
from pipeline.errors import WorkbookError
from pipeline.findings import MESSAGE_MAX, Finding, cut_quotes
from pipeline.ledger import ole, reader, sniff
from pipeline.ledger.reader import read_workbook


def _file(tmp_path: Path, make_file) -> Path:
    return make_file(tmp_path)


# -- the cell bound counts every sheet read -----------------------------------------------------------------


def test_sheets_naming_one_part_spend_the_cell_bound_each_time_they_are_read(tmp_path, monkeypatch):
    path = _file(tmp_path, cases._sheets_on_one_part(4, cells=2000))
    read_workbook(path)  # under the bound: read (the copies are duplicates, said by the checks)
    monkeypatch.setattr(reader, "MAX_CELLS", 5000)  # one read of the part is ~2,200 cells and rows
    with pytest.raises(WorkbookError) as info:
        read_workbook(path)
    message = info.value.message
    assert "台账.xlsx" in message and "合计超过 5000 个单元格" in message and "措施（副本" in message
    assert "删除多余的工作表" in message


def test_the_sheets_of_a_workbook_are_counted_before_it_is_opened(tmp_path):
    path = _file(tmp_path, cases._sheets_on_one_part(250, hidden=True))
    with pytest.raises(WorkbookError) as info:
        sniff.workbook_bytes(path)
    assert "“台账.xlsx”无法读取：工作簿有 25" in info.value.message and "上限 250 个" in info.value.message
    sniff.workbook_bytes(_file(tmp_path / "few", cases._sheets_on_one_part(200, hidden=True)))


def test_hidden_copies_past_the_cap_are_counted_in_one_note(tmp_path):
    notes = read_workbook(_file(tmp_path, cases._sheets_on_one_part(30, hidden=True))).notes
    hidden = [n for n in notes if n.code == "hidden-sheet"]
    assert len(hidden) == reader.MAX_SHEET_NOTES
    assert "另有 21 个隐藏的工作表" in hidden[-1].message and "“措施（副本9）”" in hidden[-1].message
    assert [n.sheet for n in hidden[:9]] == [f"措施（副本{i}）" for i in range(9)]


def test_unread_lookalike_copies_past_the_cap_are_counted_in_one_note(tmp_path):
    def copies(wb: object) -> None:
        for i in range(15):
            wb.copy_worksheet(wb["问题"]).title = f"问题副本{i}"  # type: ignore[index,attr-defined]

    path = make.ledger(tmp_path / "台账.xlsx", edit=copies)
    unread = [n for n in read_workbook(path).notes if n.code == "unread-sheet"]
    assert len(unread) == reader.MAX_SHEET_NOTES
    assert "另有 6 个工作表" in unread[-1].message


def test_a_duplicate_sheet_message_names_the_first_ten():
    class Ws:
        def __init__(self, title: str) -> None:
            self.title = title

    text = reader._names([Ws(f"表{i}") for i in range(30)])  # noqa: SLF001
    assert text.count("“") == 10 and text.endswith("等 30 个工作表")


# -- quoted values cut, output bounded -----------------------------------------------------------------------


def test_a_long_quoted_value_is_cut_once_in_every_finding():
    value = "整" * 32767
    f = Finding("error", "unknown-problem", "措施", "B2", f"〔问题编号〕“{value}”在“问题”表中不存在。请填写该措施所属问题的编号。")
    assert f.message == ("〔问题编号〕“" + "整" * 40 + "……”（共 32767 个字符）在“问题”表中不存在。请填写该措施所属问题的编号。")
    assert cut_quotes("〔编号〕“12”与第 3 行重复。") == "〔编号〕“12”与第 3 行重复。"
    many = cut_quotes("值“x”" * 2000 + "请改正。")
    assert len(many) <= MESSAGE_MAX + 40 and many.endswith("请改正。") and "中间省略" in many


def _findings(n_sheets: int, per_sheet: int, message: str = "〔编号〕必须填写。") -> list[Finding]:
    return [Finding("error", f"code{j}", f"表{i}", f"A{j + 2}", message) for i in range(n_sheets) for j in range(per_sheet)]


def test_the_terminal_lists_at_most_max_lines_findings_in_all(capsys):
    cli._print_findings(_findings(250, 5))  # noqa: SLF001 - 1,250 findings, none over MAX_PER_CODE
    out = capsys.readouterr().out
    listed = [line for line in out.splitlines() if line.startswith("  错误  表")]
    assert len(listed) == cli.MAX_LINES
    assert out.rstrip().endswith("请先改正上面列出的，再重新检查；用 --json 可列出全部。")
    assert f"……另有 {1250 - cli.MAX_LINES} 个错误未列出" in out


def test_the_terminal_output_is_bounded_in_characters(capsys):
    cli._print_findings(_findings(3, 60, "很长的说明" * 200))  # noqa: SLF001
    out = capsys.readouterr().out
    assert len(out) < cli.MAX_CHARS + 3000 and "个错误未列出" in out


def test_check_json_is_the_same_text_as_one_dump(tmp_path, capsys):
    path = _file(tmp_path, cases._long_value_in_rows(50))
    with pytest.raises(SystemExit):
        cli.main(["check", "--json", str(path), str(tmp_path / "没有.xlsx")])
    out = capsys.readouterr().out
    reports = json.loads(out)
    assert out == json.dumps(reports, ensure_ascii=False, indent=2) + "\n"
    assert len(reports) == 2 and len(reports[0]["findings"]) >= 300 and reports[1]["findings"] == []
    assert "（共 32767 个字符）" in reports[0]["findings"][3]["message"] or any(
        "（共 32767 个字符）" in f["message"] for f in reports[0]["findings"])


def test_check_json_of_no_file_is_an_empty_list(tmp_path, capsys, monkeypatch):
    stream = cli._JsonStream()  # noqa: SLF001
    stream.close()
    assert capsys.readouterr().out == "[]\n"


# -- what kind of file ---------------------------------------------------------------------------------------


def test_a_strict_open_xml_workbook_is_named(tmp_path):
    path = _file(tmp_path, cases._edited(cases._strict))
    with pytest.raises(WorkbookError) as info:
        sniff.workbook_bytes(path)
    message = info.value.message
    assert "“台账.xlsx”是以“Strict Open XML 电子表格”格式保存的" in message
    assert "另存为" in message and "Excel 工作簿(*.xlsx)" in message


def test_the_compound_file_directory_is_found_wherever_it_sits(tmp_path):
    late = make.ole_file({"EncryptedPackage": b"p" * (3 << 20), "EncryptionInfo": b"i" * 4096})
    assert late.find("EncryptionInfo".encode("utf-16-le")) > 1 << 20
    assert ole.stream_names(late) >= {"EncryptionInfo", "EncryptedPackage"}
    assert ole.stream_names(make.ole_file({"Workbook": b"w" * 5000})) == {"Root Entry", "Workbook"}
    # damaged or cut short: what could be read, never an error
    assert ole.stream_names(late[:600]) == set()
    assert ole.stream_names(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 2000) == set()
    (tmp_path / "台账.xlsx").write_bytes(late)
    with pytest.raises(WorkbookError) as info:
        sniff.workbook_bytes(tmp_path / "台账.xlsx")
    assert "已加密" in info.value.message and "清空密码" in info.value.message


def test_a_directory_chain_that_loops_ends():
    import struct

    data = bytearray(make.ole_file({"Workbook": b"w" * 5000}))
    # the FAT entry of the directory sector (the last) pointed at itself
    fat_entry = 512 + 4 * (len(data) // 512 - 2)
    struct.pack_into("<I", data, fat_entry, len(data) // 512 - 2)
    assert ole.stream_names(bytes(data)) == {"Root Entry", "Workbook"}
