"""Write the example ledgers: `input/示例台账.xlsx` from `scripts/example_data.py` (the published seed
notice) and the ledgers of other structures in `examples/` from `scripts/example_ledgers.py`.

Each example starts from the blank ledger (`rectify init`) and is filled like an office would:
aspect and problem cells merged down their rows, dates as real Excel dates. Run from the repo root:
`python scripts/make_example.py [--force]`.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import example_data  # noqa: E402
import example_ledgers  # noqa: E402

from pipeline.fsutil import write_new_file
from pipeline.ledger import schema
from pipeline.ledger.blank import blank_workbook

EXAMPLE = ROOT / "input" / "示例台账.xlsx"
EXAMPLES_DIR = ROOT / "examples"
# Fixed workbook properties so regenerating gives the same content.
STAMP = datetime(2024, 12, 20)


def _cell_value(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def fill(wb: Any, data: dict[str, Any] | None = None) -> None:
    """Fill a blank ledger workbook with example data (default: the published seed notice)."""
    if data is None:
        data = {"info": example_data.INFO, "problems": example_data.PROBLEMS, "measures": example_data.MEASURES,
                "narrative": example_data.NARRATIVE, "documents": example_data.DOCUMENTS}
    info = wb[schema.INFO.name]
    for r, col in enumerate(schema.INFO.columns, start=2):
        value = data["info"].get(col.key)
        if value not in (None, ""):
            info.cell(row=r, column=2, value=_cell_value(value))
    for spec in (schema.PROBLEMS, schema.MEASURES, schema.NARRATIVE, schema.DOCUMENTS):
        ws = wb[spec.name]
        for r, row in enumerate(data[spec.key], start=2):
            for c, col in enumerate(spec.columns, start=1):
                value = row.get(col.key)
                if value not in (None, ""):
                    ws.cell(row=r, column=c, value=_cell_value(value))
    _merge_groups(wb[schema.PROBLEMS.name], data["problems"])


def _merge_groups(ws: Any, rows: list[dict[str, Any]]) -> None:
    """Merge the 方面 and 问题 cells down their rows, as offices usually do."""
    for c, key in ((2, "aspect"), (3, "heading")):
        start = 0
        for i in range(1, len(rows) + 1):
            if not rows[start][key]:  # blank cells are not merged
                start = i
                continue
            same = i < len(rows) and rows[i][key] == rows[start][key] and (
                key == "aspect" or rows[i]["aspect"] == rows[start]["aspect"])
            if not same:
                if i - start > 1:
                    ws.merge_cells(start_row=start + 2, start_column=c, end_row=i + 1, end_column=c)
                start = i


def _write(path: Path, data: dict[str, Any] | None, force: bool) -> None:
    wb = blank_workbook(examples=False)
    fill(wb, data)
    wb.properties.creator = "rectify"
    wb.properties.created = STAMP
    wb.properties.modified = STAMP
    if force:
        path.unlink(missing_ok=True)
    path.parent.mkdir(exist_ok=True)
    write_new_file(path, wb.save)
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--force", action="store_true", help="replace existing examples")
    args = parser.parse_args()
    _write(EXAMPLE, None, args.force)
    for name, data in example_ledgers.EXAMPLES.items():
        _write(EXAMPLES_DIR / name, data, args.force)


if __name__ == "__main__":
    main()
