"""Benchmark of the page (`rectify serve`), as a clerk meets it, over HTTP against a real server process.

- cold start: `python -m pipeline serve` started → the page (/, app.js, app.css, /api/info) answered;
- drop → findings: the example ledger uploaded → its findings returned (warm server);
- 生成 → every page image: the build asked for → the job done and every page image of all five documents
  downloaded (warm server, warm LibreOffice; each run a differently named copy, so each writes a new folder).

Medians of the runs, and every run. Usage: python bench/serve.py [--repeat 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "input" / "示例台账.xlsx"


class Server:
    """A `rectify serve` process in a working folder of its own."""

    def __init__(self, work: Path) -> None:
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--no-browser", "--port", "0"],
                                     cwd=work, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("http://"):
                self.url = line.strip()
                break
        parts = urlsplit(self.url)
        self.port = parts.port or 0
        self.token = parts.query.split("=", 1)[1]

    def get(self, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        conn.request(method, path, body=body, headers={"X-Rectify-Token": self.token, **(headers or {})})
        res = conn.getresponse()
        data = res.read()
        conn.close()
        return res.status, data

    def json(self, method: str, path: str, body: Any = None) -> Any:
        raw = json.dumps(body).encode() if body is not None else None
        status, data = self.get(method, path, raw, {"Content-Type": "application/json"} if raw else None)
        assert status == 200, data[:300]
        return json.loads(data)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def cold_start(work: Path) -> float:
    """Seconds from starting the process to the page and its assets answered."""
    s = Server(work)
    try:
        for path in ("/", "/static/app.js", "/static/app.css", "/api/info"):
            status, _ = s.get("GET", path)
            assert status == 200, path
        return time.perf_counter() - s.t0
    finally:
        s.stop()


def upload(s: Server, name: str) -> tuple[float, str]:
    t = time.perf_counter()
    status, data = s.get("POST", "/api/upload", EXAMPLE.read_bytes(), {"X-File-Name": quote(name)})
    elapsed = time.perf_counter() - t
    assert status == 200, data[:300]
    return elapsed, json.loads(data)["ledger"]


def build(s: Server, ledger: str) -> tuple[float, int]:
    """Seconds from 生成 to every page image downloaded, and how many pages."""
    t = time.perf_counter()
    job = s.json("POST", "/api/build", {"ledger": ledger})["job"]
    while True:
        state = s.json("GET", f"/api/job/{job}")
        if state["state"] != "running":
            break
        time.sleep(0.05)
    assert state["state"] == "done", state
    pages = [p for d in state["result"]["documents"]["items"] for p in d["pages"]]
    for p in pages:
        status, _ = s.get("GET", f"/api/file/{p}")
        assert status == 200
    return time.perf_counter() - t, len(pages)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    out: dict[str, Any] = {"cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="rectify-bench-serve-") as tmp:
        work = Path(tmp)
        cold = [cold_start(work) for _ in range(args.repeat)]
        s = Server(work)
        try:
            s.json("GET", "/api/info")
            time.sleep(5)  # the background warm-up: templates checked, LibreOffice started
            upload(s, "预热.xlsx")
            drops, builds, pages = [], [], 0
            for i in range(args.repeat + 2):
                d, ledger = upload(s, f"示例台账-{i}.xlsx")
                b, pages = build(s, ledger)
                if i >= 2:  # the first two builds warm LibreOffice's own caches
                    drops.append(d)
                    builds.append(b)
        finally:
            s.stop()
    out.update({"cold_start_s": cold, "drop_to_findings_s": drops, "build_to_all_page_images_s": builds,
                "pages": pages})
    for key in ("cold_start_s", "drop_to_findings_s", "build_to_all_page_images_s"):
        runs = out[key]
        print(f"{key:32s} median {statistics.median(runs):.3f}  runs " + " ".join(f"{r:.3f}" for r in runs))
    print(f"pages shown per build: {pages}; cores: {out['cores']}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
