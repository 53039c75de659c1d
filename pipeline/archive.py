"""Archive-grade output: one folder per build, manifest, atomic move, no silent overwrite, PDFs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ArchiveError
from pipeline.text import safe_filename

TMP_PREFIX = ".rectify-tmp-"
OLD_PREFIX = ".rectify-old-"
MANIFEST = "manifest.json"
FOLDER_MAX = 80
PDF_TIMEOUT = 180  # seconds for LibreOffice to convert all documents of one build


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest as stable, readable JSON (sorted keys, UTF-8, trailing newline)."""
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def folder_name(issued: str, label: str) -> str:
    """The build folder's name: date and label, safe on Windows and never a path."""
    return safe_filename(f"{issued}_{label}", FOLDER_MAX)


@dataclass
class ArchiveResult:
    """Where a build went and what happened to it."""

    folder: Path
    status: str  # "written" | "unchanged" | "replaced"
    pdf_messages: list[str] = field(default_factory=list)


def _same_content(folder: Path, files: dict[str, bytes]) -> bool:
    """True when `folder` already holds exactly these files (PDFs aside) with these bytes."""
    try:
        present = {p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() != ".pdf"}
        if present != set(files):
            return False
        return all((folder / name).read_bytes() == data for name, data in files.items())
    except OSError:
        return False


def _free_name(output: Path, name: str) -> Path:
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = output / (name[: FOLDER_MAX - len(suffix)].rstrip(" .") + suffix)
        if not candidate.exists():
            return candidate
        n += 1


def _pid_alive(pid: int) -> bool:
    """Whether the process that made a temporary folder may still be running."""
    if pid == os.getpid():
        return True
    if os.name == "nt":
        # os.kill(pid, 0) would terminate the process on Windows; callers fall back to the folder's age.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


# On Windows a temporary folder is taken as abandoned once it is this old (no safe liveness test).
STALE_AFTER = 6 * 3600


def clean_stale(output: Path) -> None:
    """Remove temporary folders left by builds that were killed (their process is gone)."""
    if not output.is_dir():
        return
    for p in output.iterdir():
        if p.is_dir() and (p.name.startswith(TMP_PREFIX) or p.name.startswith(OLD_PREFIX)):
            try:
                pid = int(p.name.split("-")[2])
            except (IndexError, ValueError):
                continue
            try:
                age = time.time() - p.stat().st_mtime
            except OSError:
                continue
            if not _pid_alive(pid) or (os.name == "nt" and pid != os.getpid() and age > STALE_AFTER):
                shutil.rmtree(p, ignore_errors=True)


def _describe_os_error(err: OSError, where: Path) -> str:
    if isinstance(err, PermissionError):
        return f"没有权限写入“{where}”。请换一个有写入权限的输出文件夹（--output），或请管理员开放权限。"
    if getattr(err, "errno", None) == 28:
        return f"磁盘空间不足，无法写入“{where}”。请清理磁盘后重试。"
    return f"无法写入“{where}”：{err.strerror or err}。请检查该位置是否可写。"


def write_build(output: Path, name: str, files: dict[str, bytes], force: bool = False,
                pdf: bool = False, pdf_sources: tuple[str, ...] = ()) -> ArchiveResult:
    """Write `files` into output/name atomically; never overwrite a different build silently."""
    output = Path(output)
    target = output / name
    # A ledger can never steer the folder outside output/: the name is one safe component.
    if Path(name).name != name or name in ("", ".", ".."):
        raise ArchiveError(f"输出文件夹名“{name}”不安全。")
    try:
        output.mkdir(parents=True, exist_ok=True)
        clean_stale(output)
    except OSError as err:
        raise ArchiveError(_describe_os_error(err, output)) from err
    status = "written"
    if target.exists():
        if _same_content(target, files) and (not pdf or all(
                (target / Path(s).with_suffix(".pdf").name).exists() for s in pdf_sources)):
            return ArchiveResult(folder=target, status="unchanged")
        if force:
            status = "replaced"
        else:
            target = _free_name(output, name)
    tmp: Path | None = None
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=output))
        for fname, data in files.items():
            with open(tmp / fname, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        messages = convert_pdfs(tmp, pdf_sources) if pdf else []
        if status == "replaced":
            old = Path(tempfile.mkdtemp(prefix=f"{OLD_PREFIX}{os.getpid()}-", dir=output))
            os.replace(target, old / "build")
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, target)
        tmp = None
        return ArchiveResult(folder=target, status=status, pdf_messages=messages)
    except OSError as err:
        raise ArchiveError(_describe_os_error(err, output)) from err
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def find_soffice() -> str | None:
    """The LibreOffice command, when installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (Path(r"C:\Program Files\LibreOffice\program\soffice.exe"),
                      Path(r"C:\Program Files (x86)\LibreOffice\program\soffice.exe"),
                      Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")):
        if candidate.exists():
            return str(candidate)
    return None


# PDF/A-2b export through LibreOffice's writer_pdf_Export filter options.
_PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def convert_pdfs(folder: Path, sources: tuple[str, ...]) -> list[str]:
    """Convert documents in `folder` to PDF beside them; return messages for what failed."""
    soffice = find_soffice()
    if soffice is None:
        return ["未找到 LibreOffice，已生成 Word 文档但没有生成 PDF。如需 PDF，请安装 LibreOffice"
                "（Windows 可从 libreoffice.org 下载；Debian/Ubuntu：sudo apt-get install libreoffice-writer-nogui）。"]
    env = dict(os.environ)
    fonts = Path(__file__).with_name("fonts.conf")
    if fonts.exists() and os.name != "nt" and "FONTCONFIG_FILE" not in env:
        env["FONTCONFIG_FILE"] = str(fonts)  # map the Windows font names to installed CJK fonts
    with tempfile.TemporaryDirectory(prefix="rectify-lo-") as profile:
        cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", _PDF_FILTER, "--outdir", str(folder), *[str(folder / s) for s in sources]]
        try:
            subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=PDF_TIMEOUT, env=env, check=False)
        except subprocess.TimeoutExpired:
            missing = [s for s in sources if not (folder / Path(s).with_suffix(".pdf").name).exists()]
            return [f"LibreOffice 转换超时（{PDF_TIMEOUT} 秒），以下文档没有生成 PDF：{'、'.join(missing)}。"]
        except OSError as err:
            return [f"无法启动 LibreOffice（{err}），没有生成 PDF。"]
    missing = [s for s in sources if not (folder / Path(s).with_suffix(".pdf").name).exists()]
    if missing:
        return [f"LibreOffice 没有成功转换：{'、'.join(missing)}。Word 文档已生成，可以在 Word 中另存为 PDF。"]
    return []
