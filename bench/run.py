"""Benchmark: time and peak memory of `check` and `build` over ledger sizes.

Each measurement runs in a fresh subprocess (so peak RSS is that run's own) and is repeated; the
report gives medians and the per-measure cost ratio. Usage: python bench/run.py [--repeat 5] [--sizes 72,500,2000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth import write_synth  # noqa: E402

_CHILD = r"""
import resource, sys, time, json
from pathlib import Path
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
from pipeline import api
what, wb, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
if what == "check":
    r = api.check_file(wb)
    assert r.ok, r.errors
else:
    (r,) = api.build_many([wb], Path({root!r}) / "templates", out)
    assert r.status in ("written", "replaced"), r.message
dt = time.perf_counter() - t0
print(json.dumps({{"seconds": dt, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def measure(what: str, workbook: Path, repeat: int) -> dict[str, float]:
    """Median wall time and peak RSS of `repeat` fresh-process runs."""
    secs, rss = [], []
    code = _CHILD.format(root=str(ROOT))
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            proc = subprocess.run([sys.executable, "-c", code, what, str(workbook), out],
                                  capture_output=True, text=True, check=True)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        secs.append(r["seconds"])
        rss.append(r["maxrss_mb"])
    return {"median_s": statistics.median(secs), "min_s": min(secs), "max_s": max(secs),
            "peak_rss_mb": statistics.median(rss)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="72,500,2000")
    parser.add_argument("--json", action="store_true", help="print raw results as JSON")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            wb = write_synth(Path(tmp) / f"synth-{n}.xlsx", n)
            for what in ("check", "build"):
                r = measure(what, wb, args.repeat)
                results.append({"measures": n, "command": what, **r})
                print(f"{what:5s} {n:5d} measures: median {r['median_s']:.2f} s "
                      f"(min {r['min_s']:.2f}, max {r['max_s']:.2f}), peak RSS {r['peak_rss_mb']:.0f} MB",
                      flush=True)
    base = {r["command"]: r for r in results if r["measures"] == sizes[0]}
    print("\nper-size ratio of median time to the smallest size:")
    for r in results:
        ratio = r["median_s"] / base[r["command"]]["median_s"]
        print(f"  {r['command']:5s} {r['measures']:5d}: x{ratio:.1f} (size x{r['measures'] / sizes[0]:.1f})")
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    started = time.time()
    main()
    print(f"\n(total {time.time() - started:.0f} s)")
