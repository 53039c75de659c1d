"""Benchmark: rectify's whole build and each checklist's render beside the floor writer, by ledger size.

Every measurement runs in a fresh process, repeated; the report gives medians (and peak RSS of the
build process). Per size it shows
- build: the whole `rectify build` command (python -m pipeline build), wall time of the process, its peak RSS;
- per checklist: the context (rows, pages), the docxtpl render of that context, and the floor writer
  (bench/floor.py: the same table XML by string join, zipped) on the same context, and render / floor;
- ratios of build time between sizes (linear growth is ×size).
`--pdf N` also times `build --pdf` on an N-measure ledger.

Usage: python bench/run.py [--repeat 5] [--sizes 72,1000,10000,30000] [--no-30k] [--pdf 1000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth import write_synth  # noqa: E402

EXAMPLE = ROOT / "input" / "示例台账.xlsx"
TEMPLATES = ROOT / "templates"
CHECKLIST_NAMES = ("问题清单.docx", "任务清单.docx", "责任清单.docx")

# Runs the build command and prints its own peak RSS (the parent cannot see a child's alone).
_BUILD = r"""
import json, resource, runpy, sys
sys.argv = ["rectify", *sys.argv[1:]]
code = 0
try:
    runpy.run_module("pipeline", run_name="__main__")
except SystemExit as e:
    code = e.code or 0
print(json.dumps({"code": code, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}),
      file=sys.stderr)
"""

# Reads the ledger once, then times each checklist's context, render and floor writer.
_RENDERS = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from bench.floor import floor_docx
from pipeline.api import check_file
from pipeline.documents.layout import CHECKLISTS_BY_NAME
from pipeline.documents.checklists import checklist_context
from pipeline.documents.render import DocProperties, render_docx
ledger = check_file(Path(sys.argv[1])).ledger
props = DocProperties("t", "a", ledger.inspection.issued)
out = {{}}
for name in {names!r}:
    t0 = time.perf_counter()
    ctx = checklist_context(ledger, name)
    t1 = time.perf_counter()
    doc = render_docx(Path({templates!r}) / name, ctx, props)
    t2 = time.perf_counter()
    floor = floor_docx(Path({templates!r}) / name, CHECKLISTS_BY_NAME[name], ctx)
    t3 = time.perf_counter()
    out[name] = {{"context": t1 - t0, "render": t2 - t1, "floor": t3 - t2, "rows": len(ctx["rows"]),
                 "docx_kb": len(doc) / 1024, "floor_kb": len(floor) / 1024}}
print(json.dumps(out))
"""


def run_build(workbook: Path, pdf: bool = False) -> tuple[float, float]:
    """Wall time and peak RSS of one fresh `rectify build` process."""
    with tempfile.TemporaryDirectory() as out:
        args = [sys.executable, "-c", _BUILD, "build", str(workbook), "-t", str(TEMPLATES), "-o", out]
        if pdf:
            args.append("--pdf")
        t0 = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
        dt = time.perf_counter() - t0
    stats = json.loads(proc.stderr.strip().splitlines()[-1])
    if stats["code"] != 0:
        raise SystemExit(f"build failed on {workbook}:\n{proc.stdout}\n{proc.stderr}")
    return dt, stats["maxrss_mb"]


def measure_build(workbook: Path, repeat: int, pdf: bool = False) -> dict[str, float]:
    """Median wall time and peak RSS of `repeat` fresh build processes."""
    runs = [run_build(workbook, pdf) for _ in range(repeat)]
    secs = [s for s, _ in runs]
    return {"median_s": statistics.median(secs), "min_s": min(secs), "max_s": max(secs),
            "peak_rss_mb": statistics.median(r for _, r in runs)}


def measure_renders(workbook: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Per checklist, the median context, render and floor times of `repeat` fresh processes."""
    code = _RENDERS.format(root=str(ROOT), names=CHECKLIST_NAMES, templates=str(TEMPLATES))
    runs = []
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, "-c", code, str(workbook)], capture_output=True, text=True,
                              check=True, cwd=ROOT)
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return {name: {k: statistics.median(r[name][k] for r in runs) for k in runs[0][name]}
            for name in CHECKLIST_NAMES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="fresh-process runs per measurement (median)")
    parser.add_argument("--sizes", default="72,1000,10000,30000", help="measure counts, comma-separated")
    parser.add_argument("--no-30k", action="store_true", help="skip sizes of 30,000 measures and more")
    parser.add_argument("--big-repeat", type=int, default=3, help="runs per measurement at 10,000 measures and more")
    parser.add_argument("--example", action="store_true", help="also time the example ledger (input/)")
    parser.add_argument("--pdf", type=int, default=0, metavar="N", help="also time build --pdf at N measures")
    parser.add_argument("--pdf-repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="write the raw results here")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.no_30k:
        sizes = [n for n in sizes if n < 30000]
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; python {sys.version.split()[0]}", flush=True)
    results: dict[str, object] = {"sizes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        # The builds' own record of checked templates (pipeline.checkcache), warmed by one unmeasured
        # build: the runs measure the usual case, templates unchanged since they were last checked.
        os.environ["RECTIFY_CACHE_DIR"] = str(Path(tmp) / "cache")
        run_build(EXAMPLE)
        if args.example:
            r = measure_build(EXAMPLE, args.repeat)
            results["example"] = r
            print(f"example build: median {r['median_s']:.2f} s (min {r['min_s']:.2f}, max {r['max_s']:.2f}), "
                  f"peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)
        for n in sizes:
            repeat = args.big_repeat if n >= 10000 else args.repeat
            wb = write_synth(Path(tmp) / f"synth-{n}.xlsx", n)
            b = measure_build(wb, repeat)
            rend = measure_renders(wb, repeat)
            results["sizes"][n] = {"build": b, "renders": rend}  # type: ignore[index]
            print(f"\n{n} measures ({repeat} runs): build median {b['median_s']:.2f} s "
                  f"(min {b['min_s']:.2f}, max {b['max_s']:.2f}), peak RSS {b['peak_rss_mb']:.0f} MB", flush=True)
            for name, r in rend.items():
                print(f"  {name[:-5]} {r['rows']:6.0f} rows: context {r['context']:.2f} s, render {r['render']:.2f} s, "
                      f"floor {r['floor']:.2f} s, render/floor x{r['render'] / r['floor']:.1f}, "
                      f"(context+render)/floor x{(r['context'] + r['render']) / r['floor']:.1f}", flush=True)
            task = rend["任务清单.docx"]
            print(f"  build / 任务清单 floor x{b['median_s'] / task['floor']:.1f}", flush=True)
        if args.pdf:
            wb = write_synth(Path(tmp) / f"synth-pdf-{args.pdf}.xlsx", args.pdf)
            # one unmeasured --pdf build sets up the LibreOffice profiles a build keeps (pipeline.loprofile):
            # the runs measure the usual case, as for the template check above
            run_build(wb, pdf=True)
            r = measure_build(wb, args.pdf_repeat, pdf=True)
            results["pdf"] = {"measures": args.pdf, **r}
            print(f"\nbuild --pdf {args.pdf} measures: median {r['median_s']:.1f} s "
                  f"(min {r['min_s']:.1f}, max {r['max_s']:.1f})", flush=True)
    done = sorted(results["sizes"])  # type: ignore[arg-type]
    print("\nbuild time ratios between sizes (linear = size ratio):")
    for a, b in zip(done, done[1:]):
        ta = results["sizes"][a]["build"]["median_s"]  # type: ignore[index]
        tb = results["sizes"][b]["build"]["median_s"]  # type: ignore[index]
        print(f"  {b}/{a}: x{tb / ta:.2f} (size x{b / a:.1f})")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    started = time.time()
    main()
    print(f"\n(total {time.time() - started:.0f} s)")
