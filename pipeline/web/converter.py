"""One LibreOffice kept running for the page, supervised; the one-shot converter when it cannot serve.

A running LibreOffice converts the example's five documents in about a second where a fresh
`soffice --convert-to` pays its start-up (two to three seconds on 2 cores) every build. The warm one is
driven over UNO by uno_worker.py, started with a Python that has the `uno` module; the supervisor here
restarts it when it has died, gives each conversion a time limit (killing the whole process group when
it overruns), tries a failed document once more on a fresh LibreOffice, and then falls back to the
one-shot converter of the archive (`api.convert_pdfs`), so a page build never depends on the warm process.

The Python with `uno` is part of LibreOffice: its own `program\\python.exe` on Windows, Debian's python3-uno
package for /usr/bin/python3. Without one every build takes the one-shot converter, and the page says why
(NO_UNO_NOTE): slower, never an error.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import IO, Any, Callable

from pipeline import api
from pipeline.procs import kill_group

WORKER = Path(__file__).with_name("uno_worker.py")
FONTS = Path(__file__).resolve().parent.parent / "fonts.conf"
START_TIMEOUT = 60.0  # seconds for LibreOffice to start and accept the connection
CONVERT_TIMEOUT = 60.0  # seconds for one document
NO_SOFFICE_NOTE = (
    "未找到 LibreOffice，无法显示页面图像。Word 文档已生成，可以下载后用 Word 或 WPS 打开。"
    "如需在本页查看页面，请安装 LibreOffice（libreoffice.org）后重新启动本页。"
)


def no_uno_note() -> str:
    """What the page says when LibreOffice is installed without its Python bridge: pages still shown, slower."""
    if os.name == "nt":
        fix = (
            "如需加快，请重新运行 LibreOffice 的安装程序，选择“修改”，在“可选组件”中选中 Python 脚本组件"
            "（Python Script Provider）后重新启动本页。"
        )
    else:
        fix = "如需加快，请安装 LibreOffice 的 Python 组件（Debian/Ubuntu/统信/麒麟：sudo apt-get install python3-uno）后重新启动本页。"
    return (
        "本机的 LibreOffice 缺少 Python 组件，不能常驻运行：页面图像改为每次生成时另行启动 LibreOffice 转换，"
        f"每次多用几秒，结果相同。{fix}"
    )


def uno_python(soffice: str) -> str | None:
    """A Python that can `import uno`: LibreOffice's own (Windows, macOS) or the system one (Debian's
    python3-uno); None when there is none (the one-shot converter is then used)."""
    program = Path(soffice).resolve().parent
    candidates = [program / "python.exe", program / "python", program.parent / "Resources" / "python"]
    if os.name != "nt":
        candidates += [Path("/usr/bin/python3"), Path("/usr/local/bin/python3")]
    for cand in candidates:
        if not cand.is_file():
            continue
        try:
            ok = (
                subprocess.run(
                    [str(cand), "-c", "import uno"],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    timeout=30,
                ).returncode
                == 0
            )
        except (OSError, subprocess.SubprocessError):
            ok = False
        if ok:
            return str(cand)
    return None


class WarmOffice:
    """One uno_worker process (and its LibreOffice) for the life of the server; thread-safe, one
    conversion at a time."""

    def __init__(self, soffice: str | None = None, python: str | None = None, timeout: float = CONVERT_TIMEOUT) -> None:
        self.soffice = soffice if soffice is not None else api.find_soffice()  # "": none, on purpose
        self._python = python or None  # "": none, on purpose (the one-shot converter only)
        self._python_known = python is not None
        self.timeout = timeout
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._profile = Path(tempfile.mkdtemp(prefix="rectify-serve-lo-"))
        self.restarts = 0  # how many times a worker was (re)started: read by tests
        self.fallbacks = 0  # documents handed to the one-shot converter

    @property
    def available(self) -> bool:
        """True when LibreOffice is installed (warm or one-shot)."""
        return bool(self.soffice)

    def python(self) -> str | None:
        """The Python with `uno` that runs the worker (found once), or None when LibreOffice has none."""
        if not self._python_known and self.soffice:
            self._python = uno_python(self.soffice)
            self._python_known = True
        return self._python

    def _reader(self, stream: IO[bytes], lines: "queue.Queue[str | None]") -> None:
        for raw in stream:
            lines.put(raw.decode("utf-8", "replace"))
        lines.put(None)

    def _start(self) -> bool:
        python = self.python()
        if python is None or not self.soffice:
            return False
        env = dict(os.environ)
        if FONTS.exists() and os.name != "nt" and "FONTCONFIG_FILE" not in env:
            env["FONTCONFIG_FILE"] = str(FONTS)  # the Windows font names mapped to installed CJK fonts
        env.pop("PYTHONPATH", None)
        env.pop("PYTHONHOME", None)
        kwargs: dict[str, Any] = {}
        if os.name == "nt":
            kwargs["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        else:
            kwargs["start_new_session"] = True
        pipe = f"rectify-{os.getpid()}-{secrets.token_hex(6)}"
        try:
            proc = subprocess.Popen(
                [python, str(WORKER), self.soffice, self._profile.as_uri(), pipe],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                **kwargs,
            )
        except OSError:
            return False
        self.restarts += 1
        lines: queue.Queue[str | None] = queue.Queue()
        assert proc.stdout is not None
        threading.Thread(target=self._reader, args=(proc.stdout, lines), daemon=True).start()
        try:
            first = lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            first = None
        if not first or not json.loads(first).get("ready"):
            kill_group(proc)
            return False
        self._proc, self._lines = proc, lines
        return True

    def _alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self) -> None:
        """End the worker and its LibreOffice; remove the profile."""
        with self._lock:
            self._stop_locked()
        shutil.rmtree(self._profile, ignore_errors=True)

    def _stop_locked(self) -> None:
        if self._proc is not None:
            kill_group(self._proc)
        self._proc = None

    def warm_up(self) -> bool:
        """Start the worker now (in the background at server start), so the first build does not wait."""
        with self._lock:
            return self._alive() or self._start()

    def kill_office(self) -> None:
        """Kill the running worker and LibreOffice as a crash would (used by tests of the supervision)."""
        if self._proc is not None:
            kill_group(self._proc)

    def _convert_one(self, src: Path, dst: Path) -> bool:
        """One document through the warm LibreOffice (started or restarted as needed)."""
        if not self._alive():
            self._stop_locked()
            if not self._start():
                return False
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._proc.stdin.write((json.dumps({"src": str(src), "dst": str(dst)}) + "\n").encode())
            self._proc.stdin.flush()
            line = self._lines.get(timeout=self.timeout)
        except (OSError, queue.Empty):
            line = None
        if line is None:  # died, or overran its time: never reused
            self._stop_locked()
            return False
        try:
            return bool(json.loads(line).get("ok")) and dst.is_file()
        except ValueError:
            self._stop_locked()
            return False

    def convert(self, folder: Path, sources: list[str], on_pdf: Callable[[str], None] | None = None) -> list[str]:
        """PDFs of `sources` (names in `folder`) beside them; messages (Chinese) for what failed.
        `on_pdf(name)` is called as each document's PDF is ready (the page renders it meanwhile)."""
        if not self.soffice:
            return [NO_SOFFICE_NOTE]
        if self.python() is None:  # no warm LibreOffice possible: every document one-shot, and the page says why
            return [no_uno_note(), *self._one_shot(folder, list(sources), on_pdf)]
        left: list[str] = []
        with self._lock:
            for name in sources:
                src = folder / name
                dst = src.with_suffix(".pdf")
                # once, and once more on a fresh LibreOffice (the first may have died on it)
                if not (self._convert_one(src, dst) or self._convert_one(src, dst)):
                    left.append(name)
                elif on_pdf:
                    on_pdf(name)
        return self._one_shot(folder, left, on_pdf) if left else []

    def _one_shot(self, folder: Path, names: list[str], on_pdf: Callable[[str], None] | None) -> list[str]:
        """The archive's one-shot converter (a LibreOffice started for these documents), as `build --pdf`."""
        self.fallbacks += len(names)
        messages = api.convert_pdfs(folder, names)
        for name in names:
            if on_pdf and (folder / name).with_suffix(".pdf").is_file():
                on_pdf(name)
        return messages


__all__ = ["WarmOffice", "uno_python", "no_uno_note", "NO_SOFFICE_NOTE"]
