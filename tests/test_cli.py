"""The command line as a user meets it: exit codes, Chinese messages, no tracebacks, help everywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from conftest import EXAMPLE, ROOT, info_cell
from pipeline.cli import cli, main
from test_workbook import BAD_KINDS, EXPECTED_WORDS, _bad_files


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    try:
        main(args)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    out = capsys.readouterr()
    return code, out.out, out.err


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
    (["init"], "PATH"),
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
    path = _bad_files(tmp_path)[kind]
    for command in (["check", str(path)], ["build", "-o", str(tmp_path / "out"), str(path)]):
        code, out, err = run(command, capsys)
        assert code == 1, (command, out, err)
        assert EXPECTED_WORDS[kind] in out + err
        assert "Traceback" not in out + err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_every_command_has_chinese_help():
    """A guard on the docs: every command and option explains itself (in Chinese)."""
    def walk(cmd: click.Command, path: str) -> None:
        assert cmd.help and any("\u4e00" <= ch <= "\u9fff" for ch in cmd.help), path
        for param in cmd.params:
            if isinstance(param, click.Option) and param.name not in ("help", "version"):
                assert param.help and any("\u4e00" <= ch <= "\u9fff" for ch in param.help), (path, param.name)
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, f"{path} {name}")
    walk(cli, "rectify")


def test_python_dash_m_runs_the_same_cli():
    proc = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, check=False)
    assert proc.returncode == 0
    assert "巡察整改台账工具" in proc.stdout
    for command in ("init", "check", "build", "templates"):
        assert command in proc.stdout


def test_internal_error_shows_no_traceback_without_debug(monkeypatch, capsys):
    from pipeline import api

    def boom(_path: Path) -> None:
        raise RuntimeError("bug")
    monkeypatch.setattr(api, "check_file", boom)
    code, out, err = run(["check", str(EXAMPLE)], capsys)
    assert code == 2 and "程序内部错误" in err and "Traceback" not in err
    code, out, err = run(["--debug", "check", str(EXAMPLE)], capsys)
    assert code == 2 and "Traceback" in err and "RuntimeError: bug" in err
