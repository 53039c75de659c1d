"""Chinese everywhere a clerk looks: every --help screen and every usage error of click, read whole.

The only ASCII words allowed are command names, option names, file and folder names the help means
literally, and the names of programs and formats (Excel, Word, LibreOffice, PDF, JSON).
"""

from __future__ import annotations

import re

import click
import pytest
from helpers import run

from pipeline.cli import cli

ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
PROGRAMS = {"rectify", "help", "Excel", "WPS", "Word", "LibreOffice", "PDF", "JSON", "xlsx", "docx", "pdf", "csv",
            "input", "output", "templates", "examples"}


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in group.commands.items():
        found += _commands(command, (*path, name)) if isinstance(command, click.Group) else [(*path, name)]
    return found


COMMANDS = _commands(cli)


def _allowed() -> set[str]:
    words = set(PROGRAMS)

    def walk(command: click.Command) -> None:
        words.add(command.name or "")
        for param in command.params:
            for opt in getattr(param, "opts", []):
                words.update(ASCII_WORD.findall(opt))
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                walk(sub)
    walk(cli)
    return words


def _english(text: str) -> list[str]:
    return sorted(set(ASCII_WORD.findall(text)) - _allowed())


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "rectify")
def test_help_is_chinese(path, capsys):
    code, out, err = run([*path, "--help"], capsys)
    assert code == 0 and out
    assert _english(out + err) == [], out


ERRORS = [
    (["biuld"], "没有命令“biuld”，是不是想输入 build？"),
    (["templates", "chek"], "没有命令“chek”，是不是想输入 check？"),
    (["init"], "缺少参数“台账.xlsx”"),
    (["diff", "a.xlsx"], "缺少参数“新台账”"),
    (["check", "--nope"], "没有选项“--nope”"),
    (["check", "--jso"], "--json？"),
    (["build", "-o"], "选项“-o”后面缺少值"),
    (["init", "--kind", "省巡", "a.xlsx"], "选项“--kind”的值不正确，只能是：巡察、巡视"),
    (["check", "--as-of", "下周"], "“下周”不是日期"),
    (["diff", "旧.xlsx", "新.xlsx", "第三个.xlsx"], "多了无法识别的参数：第三个.xlsx"),
    (["templates", "init"], "缺少参数“文件夹”"),
]


@pytest.mark.parametrize("args, says", ERRORS, ids=[" ".join(a) for a, _ in ERRORS])
def test_usage_errors_are_chinese(args, says, capsys):
    code, out, err = run(args, capsys)
    assert code == 2
    assert says in err
    typed = err
    for arg in args:  # what the clerk typed is quoted back as typed
        typed = typed.replace(arg, "")
    assert _english(typed) == [], err
    assert "Traceback" not in out + err
