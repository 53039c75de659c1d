"""Write the example ledger `input/示例台账.xlsx` from `scripts/example_data.py`.

The example starts from the blank ledger (`rectify init`) and is filled like an office would:
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

from pipeline import schema  # noqa: E402
from pipeline.workbook import blank_workbook, write_new_file  # noqa: E402

EXAMPLE = ROOT / "input" / "示例台账.xlsx"
# Fixed workbook properties so regenerating gives the same content.
STAMP = datetime(2024, 12, 20)


def _cell_value(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def fill(wb: Any) -> None:
    """Fill a blank ledger workbook with the example data."""
    info = wb[schema.INFO.name]
    for r, col in enumerate(schema.INFO.columns, start=2):
        value = example_data.INFO.get(col.key)
        if value not in (None, ""):
            info.cell(row=r, column=2, value=_cell_value(value))
    tables = [(schema.PROBLEMS, example_data.PROBLEMS), (schema.MEASURES, example_data.MEASURES),
              (schema.NARRATIVE, example_data.NARRATIVE), (schema.DOCUMENTS, example_data.DOCUMENTS)]
    for spec, rows in tables:
        ws = wb[spec.name]
        for r, row in enumerate(rows, start=2):
            for c, col in enumerate(spec.columns, start=1):
                value = row.get(col.key)
                if value not in (None, ""):
                    ws.cell(row=r, column=c, value=_cell_value(value))
    _merge_groups(wb[schema.PROBLEMS.name], example_data.PROBLEMS)


def _merge_groups(ws: Any, rows: list[dict[str, Any]]) -> None:
    """Merge the 方面 and 问题 cells down their rows, as offices usually do."""
    for c, key in ((2, "aspect"), (3, "heading")):
        start = 0
        for i in range(1, len(rows) + 1):
            same = i < len(rows) and rows[i][key] == rows[start][key] and (
                key == "aspect" or rows[i]["aspect"] == rows[start]["aspect"])
            if not same:
                if i - start > 1:
                    ws.merge_cells(start_row=start + 2, start_column=c, end_row=i + 1, end_column=c)
                start = i


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--force", action="store_true", help="replace an existing example")
    args = parser.parse_args()
    wb = blank_workbook()
    fill(wb)
    wb.properties.creator = "rectify"
    wb.properties.created = STAMP
    wb.properties.modified = STAMP
    if args.force:
        EXAMPLE.unlink(missing_ok=True)
    write_new_file(EXAMPLE, workbook=wb)
    print(f"wrote {EXAMPLE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
