"""How the person at the keyboard can run this program again, for messages that suggest a command.

A clerk who ran `.venv\\Scripts\\rectify init 台账.xlsx` cannot type `rectify check 台账.xlsx` next: `rectify`
is not on her PATH. Messages therefore name the command the way it was just run, unless `rectify` typed
as is reaches this same program. The offline bundle's 启动 console sets RECTIFY_COMMAND to the name it
defines there (`rectify`), so messages shown in it match what works in it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

PROGRAM = "rectify"
ENV_COMMAND = "RECTIFY_COMMAND"


def _quoted(text: str) -> str:
    """One argument of a command to type (quoted when it holds spaces or shell characters)."""
    return f'"{text}"' if re.search(r"[\s\"'&|;<>()$`]", text) or not text else text


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or os.path.samefile(a, b)
    except OSError:
        return False


def command_name(argv0: str | None = None) -> str:
    """The command to type for this program: `rectify` when that runs it, else how it was run (full path)."""
    override = os.environ.get(ENV_COMMAND, "").strip()
    if override:
        return override
    argv0 = sys.argv[0] if argv0 is None else argv0
    if not argv0:
        return PROGRAM
    script = Path(argv0)
    if script.name == "__main__.py" and script.parent.name == "pipeline":
        # `python -m pipeline …`: the interpreter that ran it, by its full path.
        return f"{_quoted(sys.executable)} -m pipeline"
    if script.stem.lower() != PROGRAM:
        return PROGRAM  # embedded (tests, another program): keep the documented name
    on_path = shutil.which(PROGRAM)
    candidates = [script] + ([script.with_name(script.name + ".exe")] if not script.suffix else [])
    if on_path and any(_same_file(Path(on_path), c) for c in candidates if c.exists()):
        return PROGRAM
    return _quoted(str(script.absolute()))
