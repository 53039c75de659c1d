"""The command line as a user meets it: exit codes, Chinese messages, no tracebacks, help everywhere."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import click
import pytest
from conftest import EXAMPLE, ROOT, entries, info_cell
from helpers import BAD_KINDS, EXPECTED_WORDS, bad_files, run

from pipeline import api
from pipeline.cli import cli


def test_init_then_check_blank_reports_missing_values(tmp_path, capsys):
    path = tmp_path / "新台账.xlsx"
    code, out, _ = run(["init", str(path)], capsys)
    assert code == 0 and path.exists() and "已新建空白台账" in out
    code, out, err = run(["check", str(path)], capsys)
    assert code == 1
    assert "基本信息!B2" in out and "必须填写" in out
    assert "Traceback" not in out + err


def test_init_on_existing_file_fails_and_keeps_it(tmp_path, capsys):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"keep me")
    code, out, err = run(["init", str(path)], capsys)
    assert code == 1
    assert "已存在" in err and "不会覆盖" in err
    assert path.read_bytes() == b"keep me"


def test_check_example_exits_zero_with_warnings_grouped_by_sheet(capsys):
    code, out, err = run(["check", str(EXAMPLE)], capsys)
    assert code == 0, out + err
    assert "示例台账.xlsx：0 个错误，3 个警告" in out
    assert "【基本信息】" in out and f"警告  基本信息!{info_cell('declared_problems')}" in out
    assert "检查通过" in out


def test_check_json_is_always_a_list_of_reports(capsys, make_ledger):
    bad = make_ledger(lambda d: d["problems"][0].__setitem__("status", "好了"))
    code, out, _ = run(["check", "--json", str(bad)], capsys)
    assert code == 1
    (report,) = json.loads(out)
    assert report["ok"] is False and report["file"] == str(bad)
    assert {"level": "error", "code": "bad-choice", "sheet": "问题", "cell": "F2"}.items() <= report["findings"][0].items()
    code, out, _ = run(["check", "--json", str(EXAMPLE)], capsys)
    (report,) = json.loads(out)
    assert code == 0 and report["ok"] and report["counts"]["问题数"] == 32
    code, out, _ = run(["check", "--json", str(EXAMPLE), str(bad)], capsys)
    reports = json.loads(out)
    assert code == 1 and [r["ok"] for r in reports] == [True, False]


def test_folder_without_workbooks_is_a_usage_error(tmp_path, capsys):
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    (empty / "~$锁文件.xlsx").write_bytes(b"lock")
    (empty / "说明.txt").write_text("x", encoding="utf-8")
    for command in (["check", str(empty)], ["build", "-o", str(tmp_path / "out"), str(empty)]):
        code, out, err = run(command, capsys)
        assert code == 1, (command, out, err)
        assert "空文件夹" in err and ".xlsx" in err and "Traceback" not in out + err
    assert not (tmp_path / "out").exists()


def test_empty_input_folder_is_a_usage_error(tmp_path, monkeypatch, capsys):
    (tmp_path / "input").mkdir()
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["check"], capsys)
    assert code == 1 and "input" in err and "Traceback" not in out + err


@pytest.mark.parametrize("args, detail", [
    (["build", "--pfd"], "--pfd"),
    (["init"], "台账.xlsx"),
    (["nosuchcommand"], "nosuchcommand"),
    (["build", "-o"], "-o"),
    (["init", "a.xlsx", "b.xlsx"], "b.xlsx"),
])
def test_click_usage_errors_are_explained_in_chinese(capsys, args, detail):
    code, out, err = run(args, capsys)
    assert code == 2
    first = err.strip().splitlines()[0]
    assert "命令用法有误" in first and detail in first and "--help" in first
    assert "Error:" not in err and "Usage:" not in err and "Traceback" not in err


def test_gbk_output_never_crashes_on_characters_outside_gbk(make_ledger, tmp_path):
    """Chinese Windows redirects output as GBK; 𠀀 (outside GBK) in a file name or cell must not crash."""
    ledger = make_ledger(lambda d: d["problems"][0].__setitem__("status", "𠀀好了"))
    path = ledger.rename(tmp_path / "𠀀台账.xlsx")
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "check", str(path)], capture_output=True, env=env,
                          cwd=tmp_path, check=False)
    assert proc.returncode == 1, proc.stderr.decode("gbk", "replace")
    text = proc.stdout.decode("gbk")
    assert "问题!F2" in text and "Traceback" not in proc.stderr.decode("gbk", "replace")
    proc = subprocess.run([sys.executable, "-m", "pipeline", "check", "--json", str(path)], capture_output=True,
                          env=env, cwd=tmp_path, check=False)
    assert proc.returncode == 1, proc.stderr.decode("gbk", "replace")
    (report,) = json.loads(proc.stdout.decode("utf-8"))  # --json is UTF-8 whatever the console uses
    assert report["file"] == str(path) and "𠀀" in report["findings"][0]["message"]


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_files_exit_1_with_chinese_message_and_no_traceback(tmp_path, capsys, kind):
    path = bad_files(tmp_path)[kind]
    for command in (["check", str(path)], ["build", "-o", str(tmp_path / "out"), str(path)]):
        code, out, err = run(command, capsys)
        assert code == 1, (command, out, err)
        assert EXPECTED_WORDS[kind] in out + err
        assert "Traceback" not in out + err
    assert not (tmp_path / "out").exists() or not any(entries(tmp_path / "out"))


def test_empty_input_folder_is_a_usage_error_suggesting_the_command_run(tmp_path, monkeypatch, capsys):
    """No workbook named and no input/ folder: the example command shown is the one the user ran."""
    monkeypatch.chdir(tmp_path)
    for command in ("check", "build"):
        code, out, err = run([command], capsys)
        assert code == 1 and "input" in err and "Traceback" not in out + err
        assert f"rectify {command} 台账.xlsx" in err
        other = "build" if command == "check" else "check"
        assert f"rectify {other} 台账.xlsx" not in err


def test_unreadable_path_is_explained_in_chinese(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    monkeypatch.setattr(os, "access", lambda *_a, **_k: False)  # works as root too
    code, out, err = run(["check", str(folder)], capsys)
    assert code == 1 and "Traceback" not in out + err  # bad input exits 1 (issue 8), not click's 2
    first = err.strip().splitlines()[0]
    assert "没有权限读取" in first and str(folder) in first
    assert "is not readable" not in err  # click's English detail is not shown


def test_unreadable_input_folder_is_explained_in_chinese(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "台账们"
    folder.mkdir()
    real_iterdir = Path.iterdir

    def iterdir(self: Path):
        if self == folder:
            raise PermissionError(13, "Permission denied")
        return real_iterdir(self)
    monkeypatch.setattr(Path, "iterdir", iterdir)
    code, out, err = run(["check", str(folder)], capsys)
    assert code == 1 and "没有读取权限" in err and "Permission denied" not in err


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_build_summary_columns_line_up_with_chinese_names(make_ledger, tmp_path, capsys):
    bad = make_ledger(lambda d: d["problems"][0].__setitem__("status", "好了"), name="坏.xlsx")
    long = make_ledger(name="市总工会巡察整改台账.xlsx")
    ascii_name = make_ledger(lambda d: d["info"].__setitem__("doc_number", "示党〔2024〕3号"), name="ab.xlsx")
    code, out, _ = run(["build", "-o", str(tmp_path / "out"), str(bad), str(long), str(ascii_name)], capsys)
    assert code == 1
    rows = out.split("汇总：", 1)[1].strip("\n").splitlines()
    assert len(rows) == 3
    starts = set()
    for row in rows:
        m = re.match(r"  (\S.*?) {2,}(已生成|失败) {2,}(\S.*)$", row)
        assert m, row
        starts.add((_display_width(row[:m.start(2)]), _display_width(row[:m.start(3)])))
    assert len(starts) == 1, rows


def test_every_command_has_chinese_help(capsys):
    """A guard on the docs: every command and option explains itself (in Chinese), and the help screens
    carry no English from click's machinery (usage line, headings, help/version options, defaults)."""
    paths: list[list[str]] = []

    def walk(cmd: click.Command, path: list[str]) -> None:
        assert cmd.help and any("\u4e00" <= ch <= "\u9fff" for ch in cmd.help), path
        paths.append(path)
        for param in cmd.params:
            if isinstance(param, click.Option) and param.name not in ("help", "version"):
                assert param.help and any("\u4e00" <= ch <= "\u9fff" for ch in param.help), (path, param.name)
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])
    walk(cli, [])
    assert ["build"] in paths and ["templates", "check"] in paths
    for path in paths:
        for flag in ("--help", "-h"):
            code, out, err = run([*path, flag], capsys)
            assert code == 0, (path, err)
            for english in ("Usage:", "Options:", "Commands:", "Arguments:", "Show this message",
                            "Show the version", "[default", "[OPTIONS]"):
                assert english not in out, (path, english)
            assert out.startswith("用法：rectify") and "选项：" in out and "显示本帮助并退出" in out, path
            assert not re.search(r"[。；，] [\u4e00-\u9fff]", out), out  # no stray space where a line was re-wrapped
    code, out, _ = run(["--help"], capsys)
    assert "命令：" in out and "显示版本号并退出" in out
    code, out, _ = run(["build", "--help"], capsys)
    assert "默认：output" in out


def test_python_dash_m_runs_the_same_cli():
    proc = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, check=False)
    assert proc.returncode == 0
    assert "巡察整改台账工具" in proc.stdout
    for command in ("init", "check", "build", "templates"):
        assert command in proc.stdout


def test_internal_error_shows_no_traceback_without_debug(monkeypatch, capsys):

    def boom(_path: Path) -> None:
        raise RuntimeError("bug")
    monkeypatch.setattr(api, "check_file", boom)
    code, out, err = run(["check", str(EXAMPLE)], capsys)
    assert code == 2 and "程序内部错误" in err and "Traceback" not in err
    code, out, err = run(["--debug", "check", str(EXAMPLE)], capsys)
    assert code == 2 and "Traceback" in err and "RuntimeError: bug" in err


def test_warnings_repeated_from_the_last_build_are_summarised_unless_verbose(make_ledger, tmp_path, capsys):
    out = tmp_path / "out"
    ledger = make_ledger(lambda d: d["info"].update(declared_problems=5), name="台账.xlsx")
    code, first, _ = run(["build", "-o", str(out), str(ledger)], capsys)
    assert code == 0 and "基本信息!" in first  # the warning, listed in full the first time
    # the next version: other content, the same warning
    make_ledger(lambda d: (d["info"].update(declared_problems=5), d["problems"][0].update(progress="新进展。")),
                name="台账.xlsx")
    code, second, _ = run(["build", "-o", str(out), str(ledger)], capsys)
    assert code == 0 and "有 1 个警告，与上次生成时相同" in second and "基本信息!" not in second
    code, third, _ = run(["build", "-o", str(out), "--verbose", str(ledger)], capsys)
    assert code == 0 and "基本信息!" in third
