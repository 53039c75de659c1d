"""Helpers shared by several test modules, so that no test module imports another.

The CLI run in-process, an archive build of one workbook, a process-liveness probe, the bad input files the reader
must refuse, and reading generated documents back (paragraphs, runs, fonts: python-docx + lxml).
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from conftest import EXAMPLE, TEMPLATES
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from pipeline import api
from pipeline.cli import main

# -- the command line ------------------------------------------------------------------------------------------

def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    try:
        main(args)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    out = capsys.readouterr()
    return code, out.out, out.err


# -- the archive -----------------------------------------------------------------------------------------------

def build(workbook: Path, out: Path, **kw: object) -> api.BuildResult:
    """Build one workbook with the shipped templates into `out`."""
    (result,) = api.build_many([workbook], TEMPLATES, out, **kw)
    return result


def alive(pid: int) -> bool:
    """True while a process runs (a killed process nobody has reaped yet counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"  # a killed process nobody has reaped yet


# -- input files the reader refuses ----------------------------------------------------------------------------

BAD_KINDS = ["csv", "xls", "encrypted", "truncated", "empty", "lock", "not-a-workbook-zip", "missing"]
EXPECTED_WORDS = {"csv": "另存为", "xls": ".xls", "encrypted": "密码", "truncated": "损坏", "empty": "空文件",
                  "lock": "锁定文件", "not-a-workbook-zip": "重新保存", "missing": "找不到"}


def bad_files(tmp_path: Path) -> dict[str, Path]:
    """One file of each kind in BAD_KINDS, written into `tmp_path` ("missing" is not written)."""
    good = EXAMPLE.read_bytes()
    files = {
        "csv": ("台账.xlsx", "编号,问题\n1,学习不够\n".encode("gbk")),
        "xls": ("旧台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        "encrypted": ("加密.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
                      + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100),
        "truncated": ("截断.xlsx", good[: len(good) // 2]),
        "empty": ("空.xlsx", b""),
        "lock": ("~$示例台账.xlsx", b"\x0bsomebody" + b"\0" * 150),
        "not-a-workbook-zip": ("压缩包.xlsx", zip_with({"readme.txt": b"hello"})),
    }
    out = {}
    for key, (name, data) in files.items():
        p = tmp_path / name
        p.write_bytes(data)
        out[key] = p
    out["missing"] = tmp_path / "不存在.xlsx"
    return out


def zip_with(members: dict[str, bytes]) -> bytes:
    """A zip archive holding `members`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, d in members.items():
            z.writestr(n, d)
    return buf.getvalue()


# -- generated documents read back -----------------------------------------------------------------------------

def paragraphs(path: Path) -> list[Paragraph]:
    """Body paragraphs in order (tables excluded)."""
    return list(Document(str(path)).paragraphs)


def texts(path: Path) -> list[str]:
    """Non-empty body paragraph texts in order (line breaks inside a paragraph kept as "\\n")."""
    return [p.text for p in paragraphs(path) if p.text.strip()]


def style_chain(paragraph: Paragraph) -> Iterator[object]:
    """The paragraph's style and its ancestors."""
    style = paragraph.style
    while style is not None:
        yield style
        style = style.base_style


def _rfonts_east_asia(element: object) -> str | None:
    rpr = element.find(qn("w:rPr")) if element is not None else None  # type: ignore[union-attr]
    if rpr is None:
        return None
    fonts = rpr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def east_asian_font(paragraph: Paragraph, run_index: int = 0) -> str | None:
    """The East Asian font a run resolves to: run, then character style, then paragraph style chain, then defaults."""
    runs = [r for r in paragraph.runs if r.text]
    if runs:
        run = runs[run_index]
        found = _rfonts_east_asia(run._r)
        if found:
            return found
        if run.style is not None and run.style.element is not None:
            found = _rfonts_east_asia(run.style.element)
            if found:
                return found
    for style in style_chain(paragraph):
        found = _rfonts_east_asia(style.element)  # type: ignore[attr-defined]
        if found:
            return found
    return None


def font_size_pt(paragraph: Paragraph, run_index: int = 0) -> float | None:
    """The size a run resolves to, in points."""
    runs = [r for r in paragraph.runs if r.text]
    if runs and runs[run_index].font.size is not None:
        return runs[run_index].font.size.pt
    for style in style_chain(paragraph):
        if style.font.size is not None:  # type: ignore[attr-defined]
            return style.font.size.pt  # type: ignore[attr-defined]
    return None


# -- memory of one call, in a capped child ----------------------------------------------------------------------

def capped_call(func: Callable[[], object], cap_mb: int = 1024) -> tuple[str, float]:
    """Run `func` in a forked child with `cap_mb` MB of address space over what this process maps; return
    (the name of the exception it raised, or "ok"; how many MB its resident memory grew at its peak).
    The growth is the child's ru_maxrss less this process's resident memory when it forked."""
    import resource

    def resident_kb() -> int:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))

    def mapped() -> int:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:"))

    read, write = os.pipe()
    base = resident_kb()
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        name = "ok"
        try:
            limit = mapped() + cap_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            func()
        except BaseException as e:  # noqa: BLE001 - the name is the result
            name = type(e).__name__
        finally:
            os.write(write, name.encode())
            os._exit(0)
    os.close(write)
    _, _, usage = os.wait4(pid, 0)
    with os.fdopen(read, "rb") as fh:
        result = fh.read().decode()
    return result, max(usage.ru_maxrss - base, 0) / 1024


# -- a PDF as a converter writes it -----------------------------------------------------------------------------

# One A4 page, whole (header, cross-reference, end marker): what stand-ins for LibreOffice write.
MINIMAL_PDF = (b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
               b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n0 4\n"
               b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n0\n%%EOF\n")


def ledger_with(tmp: Path, name: str, filler_lines: int, record: bool, **info: Any) -> Any:
    """BASE with `filler_lines` more lines in the 今后打算 paragraph (28 characters each), with
    `record` a 版记, and `info` changed."""
    import copy
    from datetime import date

    from conftest import BASE, fill_workbook

    from pipeline.api import check_file
    from pipeline.ledger.blank import blank_workbook

    data = copy.deepcopy(BASE)
    data["info"].update(info)
    data["narrative"][2]["text"] = "整改" * 14 * filler_lines + "下一步。"
    if record:
        data["info"].update(cc="市委巡察办", printer="中共示例单位党组办公室", printed=date(2024, 12, 20))
    wb = blank_workbook(examples=False)
    fill_workbook(wb, data)
    path = tmp / f"{name}.xlsx"
    wb.save(path)
    result = check_file(path)
    assert result.ok, result.errors
    return result.ledger
