"""Work that takes more than a moment (a build, page images) runs as a job in its own thread; the page
polls its progress. One build at a time per ledger file name (the archive groups builds by it)."""

from __future__ import annotations

import secrets
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from pipeline.errors import PipelineError


@dataclass
class Job:
    """One build or page rendering, as the page sees it."""

    id: str
    state: str = "running"  # running | done | failed
    step: str = "排队中"
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None
    error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, step: str, done: int | None = None, total: int | None = None) -> None:
        """Say what the job is doing now (and how far along, when it counts)."""
        with self.lock:
            self.step = step
            if done is not None:
                self.done = done
            if total is not None:
                self.total = total

    def as_dict(self) -> dict[str, Any]:
        """What GET /api/job/<id> answers."""
        with self.lock:
            return {
                "id": self.id,
                "state": self.state,
                "step": self.step,
                "done": self.done,
                "total": self.total,
                "result": self.result,
                "error": self.error,
            }


class Jobs:
    """Running and finished jobs, by id; the per-ledger build locks."""

    KEEP = 200  # finished jobs remembered at most

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._ledger_locks: dict[str, threading.Lock] = {}

    def ledger_lock(self, name: str) -> threading.Lock:
        """The lock held while a ledger of this file name builds."""
        with self._lock:
            return self._ledger_locks.setdefault(name, threading.Lock())

    def get(self, job_id: str) -> Job | None:
        """A job by id."""
        with self._lock:
            return self._jobs.get(job_id)

    def start(self, work: Callable[[Job], dict[str, Any]]) -> Job:
        """Run `work(job)` in a thread; its return value is the job's result. A PipelineError becomes the
        job's Chinese error; any other exception too (with a generic message), and the server goes on."""
        job = Job(id=secrets.token_urlsafe(9))
        with self._lock:
            self._jobs[job.id] = job
            if len(self._jobs) > self.KEEP:
                for old in [j for j in self._jobs.values() if j.state != "running"][: len(self._jobs) - self.KEEP]:
                    self._jobs.pop(old.id, None)

        def run() -> None:
            try:
                result = work(job)
                with job.lock:
                    job.result, job.state, job.step = result, "done", "完成"
            except PipelineError as err:
                with job.lock:
                    job.error, job.state = err.message, "failed"
            except Exception:  # noqa: BLE001 - a bug in one job must not stop the server
                traceback.print_exc()
                with job.lock:
                    job.error, job.state = (
                        "处理时发生内部错误，已停止这一步。请重试；如仍出错，请把终端窗口中的信息发给维护人员。",
                        "failed",
                    )

        threading.Thread(target=run, name=f"job-{job.id}", daemon=True).start()
        return job
