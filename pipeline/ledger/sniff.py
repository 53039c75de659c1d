"""Opening a workbook safely: what kind of file it is, DTDs, encryption, and openpyxl's errors in Chinese."""

from __future__ import annotations

import io
import logging
import os
import warnings
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from pipeline.errors import WorkbookError
from pipeline.fsutil import NotRegularFile, open_regular, os_error_reason
from pipeline.ledger.cellscan import find_bad_cell, find_dtd
from pipeline.ledger.limits import WORKBOOK_LIMITS, cell_problem, sheet_problem
from pipeline.ledger.ole import stream_names
from pipeline.zipsafe import zip_problem

# Size of a workbook file read at all (the zip's content is bounded separately, by WORKBOOK_LIMITS).
MAX_FILE_BYTES = 100 * 1024 * 1024
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
# The streams of an encrypted .xlsx (an old .xls holds Workbook or Book).
_ENCRYPTED_STREAMS = {"EncryptionInfo", "EncryptedPackage"}

log = logging.getLogger(__name__)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def workbook_bytes(path: Path) -> bytes:
    """The workbook's bytes; WorkbookError with a clear message when `path` cannot be an .xlsx workbook.

    Only a regular file is read (a named pipe or device called x.xlsx would block or never end), and the
    zip directory is checked against WORKBOOK_LIMITS before any parser inflates a part.
    """
    name = path.name
    if name.startswith("~$"):
        raise WorkbookError(
            f"“{name}”是 Excel 或 WPS 打开工作簿时生成的临时锁定文件，不是台账。"
            "请选择不带“~$”前缀的工作簿；如果台账已关闭，可以删除这个文件。"
        )
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except PermissionError as err:  # a folder on the way that may not be entered
        raise WorkbookError(
            f"无法读取“{path}”：没有权限进入它所在的文件夹。请确认路径无误，或请管理员开放读取权限。"
        ) from err
    except OSError as err:
        raise WorkbookError(f"无法读取“{path}”：{os_error_reason(err)}。请检查路径和文件名。") from err
    if not exists:
        raise WorkbookError(f"找不到文件“{path}”。请检查路径和文件名。")
    if is_dir:
        raise WorkbookError(f"“{path}”是文件夹，不是工作簿。请指定 .xlsx 文件。")
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise WorkbookError(
                    f"“{name}”有 {size // (1024 * 1024)} MB，超过台账文件的上限 "
                    f"{MAX_FILE_BYTES // (1024 * 1024)} MB。请删除无关的工作表、图片后另存，或拆分台账。"
                )
            data = fh.read(MAX_FILE_BYTES + 1)
    except NotRegularFile as err:
        raise WorkbookError(
            f"“{name}”不是普通文件（是{err.kind}），无法作为台账读取。请指定 Excel 保存的 .xlsx 文件。"
        ) from err
    except OSError as err:
        reason = "没有读取权限" if isinstance(err, PermissionError) else os_error_reason(err)
        raise WorkbookError(
            f"无法读取“{name}”：{reason}。请确认文件存在、有读取权限且没有被其他程序独占打开。"
        ) from err
    head = data[:8]
    size = len(data)
    if size == 0:
        raise WorkbookError(f"“{name}”是空文件（0 字节）。请用 Excel 或 WPS 重新保存台账。")
    if head == OLE2_MAGIC:
        # Its directory names the streams, wherever it sits; a directory that cannot be read: the mark searched.
        streams = stream_names(data)
        if streams & _ENCRYPTED_STREAMS or (not streams and _ENCRYPTION_MARK in data):
            raise WorkbookError(
                f"“{name}”设置了打开密码（已加密），无法读取。请在 Excel 中打开它（输入密码），在“文件 → 信息 → "
                "保护工作簿 → 用密码进行加密”中清空密码后保存（WPS：“文件 → 文档加密 → 密码加密”），再用这个文件。"
            )
        raise WorkbookError(
            f"“{name}”是旧版 Excel（.xls）格式。请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再试。"
        )
    if not head.startswith(b"PK"):
        raise WorkbookError(
            f"“{name}”不是 Excel 工作簿（.xlsx），可能是改了扩展名的 CSV 或文本文件。"
            "请在 Excel 或 WPS 中打开后“另存为”Excel 工作簿（.xlsx）。"
        )
    damaged = f"“{name}”已损坏或不完整（可能没有下载或复制完）。请重新获取或用 Excel 重新保存。"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            bound = zip_problem(zf, WORKBOOK_LIMITS) or sheet_problem(zf) or cell_problem(zf)
            strict = bound is None and _is_strict(zf)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, zlib.error) as err:
        raise WorkbookError(damaged) from err
    if bound:
        raise WorkbookError(
            f"“{name}”无法读取：{bound}。台账不应这么大；请在 Excel 或 WPS 中删除多余内容后另存，"
            "如果文件来历不明，请不要使用。"
        )
    if strict:
        raise WorkbookError(
            f"“{name}”是以“Strict Open XML 电子表格”格式保存的，本程序只能读取普通的 Excel 工作簿。"
            "请在 Excel 中打开它，“另存为”时在“保存类型”中选择“Excel 工作簿(*.xlsx)”，再用另存的文件。"
        )
    dtd = find_dtd(io.BytesIO(data))  # entity definitions (XXE, "billion laughs"): no part is parsed
    if dtd is not None:
        raise WorkbookError(_dtd_message(name, dtd))
    return data


# Strict Open XML (ISO/IEC 29500 Strict) names its parts' relationships and elements in these namespaces;
# the transitional .xlsx that Excel saves by default, and openpyxl reads, in schemas.openxmlformats.org.
_STRICT_NS = b"http://purl.oclc.org/ooxml/"


def _is_strict(zf: zipfile.ZipFile) -> bool:
    """True when the package's root relationships (or its workbook part) are those of Strict Open XML."""
    for part in ("_rels/.rels", "xl/workbook.xml"):
        try:
            info = zf.getinfo(part)
        except KeyError:
            continue
        with zf.open(info) as fh:
            if _STRICT_NS in fh.read(64 * 1024):  # the namespaces are declared at the top
                return True
    return False


def _dtd_message(name: str, part: str) -> str:
    return (
        f"“{name}”的部件“{part}”含有 DTD（XML 实体定义），Excel 和 WPS 从不这样保存，"
        "可能是恶意构造的文件，出于安全没有读取。请使用 Excel 或 WPS 保存的台账。"
    )


@contextmanager
def _openpyxl_errors(data: bytes, name: str) -> Iterator[None]:
    """Turn every failure of openpyxl's while reading the workbook into WorkbookError.

    openpyxl's warnings (unsupported extensions and the like) are English and say nothing the user can
    act on: they go to the log (shown with --debug), never to the terminal.
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for w in caught:
            log.debug("openpyxl: %s", w.message)
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, EOFError, OSError) as err:
        raise WorkbookError(
            f"“{name}”已损坏或不是 Excel 工作簿，无法读取。请在 Excel 或 WPS 中打开后重新保存为 .xlsx。"
        ) from err
    except MemoryError as err:
        raise WorkbookError(f"“{name}”太大，内存不足以读取。请删除多余的行、列和工作表后另存。") from err
    except Exception as err:  # noqa: BLE001 - openpyxl raises many types on malformed XML
        dtd = find_dtd(io.BytesIO(data))
        if dtd is not None:
            raise WorkbookError(_dtd_message(name, dtd)) from err
        bad = find_bad_cell(io.BytesIO(data))
        if bad is not None:
            raise WorkbookError(
                f"“{name}”中 {bad.sheet}!{bad.coord} 无法读取：{bad.reason}。"
                "请在 Excel 或 WPS 中打开台账，重新输入该单元格的内容后保存。"
            ) from err
        raise WorkbookError(
            f"“{name}”的内容无法解析（{type(err).__name__}）。请在 Excel 或 WPS 中打开后重新保存为 .xlsx。"
        ) from err


def _open(data: bytes, name: str) -> Any:
    """The workbook in openpyxl's read-only mode, with formulas' cached values: its sheets are parsed
    when the reader asks for them (see _read_sheet), never built as Cell objects."""
    with _openpyxl_errors(data, name):
        # keep_links=False: external links are never followed or kept.
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)


def load_whole(data: bytes, name: str) -> Any:
    """The whole workbook in openpyxl's normal mode (every cell with its merged ranges; formulas' cached values),
    for a reader that needs a sheet as laid out rather than the ledger's columns (an office's own ledger, read
    by `rectify import`). `data` as `workbook_bytes` returned it; openpyxl's failures as WorkbookError."""
    with _openpyxl_errors(data, name):
        return load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
