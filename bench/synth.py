"""Synthetic ledgers of a given size, for the benchmark (and nothing else)."""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import example_data  # noqa: E402

from pipeline.ledger import schema
from pipeline.ledger.blank import blank_workbook

_WORDS = [p["progress"] for p in example_data.PROBLEMS]


def synth_data(measures: int, per_problem: int = 3, seed: int = 1) -> dict[str, list[dict[str, object]] | dict[str, object]]:
    """A ledger with `measures` measures, `per_problem` per problem, 8 problems per heading, 4 headings per aspect."""
    rng = random.Random(seed)
    problems, rows = [], []
    n_problems = max(1, measures // per_problem)
    for i in range(n_problems):
        aspect = f"关于第{i // 32 + 1}个方面的问题方面"
        heading = f"第{i // 8 + 1}类问题"
        problems.append({"id": str(i + 1), "aspect": aspect, "heading": heading, "item": f"具体问题{i + 1}",
                         "progress": rng.choice(_WORDS), "status": rng.choice(schema.STATUSES[:2]),
                         "public": "是"})
    for j in range(measures):
        pid = str(j % n_problems + 1)
        rows.append({"id": str(j + 1), "problem_id": pid, "action": f"整改措施{j + 1}：" + rng.choice(_WORDS)[:80],
                     "target": "按期完成整改", "leader": "分管副主席", "department": "办公室",
                     "deadline": date(2025, 1, 1) + timedelta(days=j % 300), "status": "已完成"})
    info = dict(example_data.INFO, declared_problems=None, declared_measures=None, declared_documents=None)
    return {"info": info, "problems": problems, "measures": rows, "narrative": example_data.NARRATIVE,
            "documents": example_data.DOCUMENTS}


def write_synth(path: Path, measures: int) -> Path:
    """Write a synthetic ledger workbook."""
    data = synth_data(measures)
    wb = blank_workbook(examples=False)
    ws = wb[schema.INFO.name]
    for r, col in enumerate(schema.INFO.columns, start=2):
        ws.cell(row=r, column=2, value=data["info"].get(col.key) or None)  # type: ignore[union-attr]
    for spec in schema.SHEETS[1:]:
        ws = wb[spec.name]
        for r, row in enumerate(data[spec.key], start=2):  # type: ignore[arg-type]
            for c, col in enumerate(spec.columns, start=1):
                value = row.get(col.key)
                if value not in (None, ""):
                    ws.cell(row=r, column=c, value=value)
    wb.save(path)
    return path
