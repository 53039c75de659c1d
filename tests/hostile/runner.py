"""Run one `rectify` command in a forked child with a memory cap and a time limit.

Forking keeps the imports of the test process (a fresh interpreter per case would cost a second
each); the child sets RLIMIT_AS, runs the CLI's main() with its output sent to files, and exits with
the CLI's exit code. The parent kills it when the time limit passes and reads its peak memory from
the kernel's accounting (ru_maxrss).
"""

from __future__ import annotations

import io
import os
import resource
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

TIME_LIMIT = 60.0  # seconds per case: a bound, not a benchmark
MEMORY_CAP = 1024 * 1024 * 1024  # bytes of address space a case may add to what the test process maps


@dataclass(frozen=True)
class Run:
    """What one command did."""

    code: int  # exit code; -signal when killed
    out: str
    err: str
    seconds: float
    peak_mb: float  # the child's peak resident memory
    timed_out: bool

    @property
    def text(self) -> str:
        """stdout and stderr together."""
        return self.out + self.err


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_capped(args: list[str], cwd: Path, time_limit: float = TIME_LIMIT,
               memory_cap: int = MEMORY_CAP, file_size: int | None = None, stdout: str | None = None,
               environ: dict[str, str | None] | None = None) -> Run:
    """Run `rectify ARGS` in `cwd` in a forked, capped child (`file_size`: RLIMIT_FSIZE, a full disk;
    `stdout`: a file to write stdout to instead, such as /dev/full; `environ`: variables set, or unset
    when None)."""
    out_path, err_path = cwd / ".case-stdout", cwd / ".case-stderr"
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # child
        code = 70
        try:
            os.chdir(cwd)
            limit = _mapped_bytes() + memory_cap
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            for key, value in (environ or {}).items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            out_fd = os.open(stdout or out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            err_fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(out_fd, 1)
            os.dup2(err_fd, 2)
            if file_size is not None:  # writes past it fail with EFBIG, as on a full disk
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
            sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", line_buffering=True)
            sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", line_buffering=True)
            from pipeline.cli import main
            try:
                main(args)
                code = 0
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except BaseException:  # noqa: BLE001 - report, never return into pytest in the child
            import traceback
            traceback.print_exc()
            code = 71
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    timed_out = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > time_limit:
            timed_out = True
            os.kill(pid, signal.SIGKILL)
            done, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.02)
    seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    text = [p.read_text("utf-8", "replace") if p.exists() else "" for p in (out_path, err_path)]
    for p in (out_path, err_path):
        p.unlink(missing_ok=True)
    return Run(code=code, out=text[0], err=text[1], seconds=seconds, peak_mb=usage.ru_maxrss / 1024,
               timed_out=timed_out)
