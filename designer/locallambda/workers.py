"""Worker subprocesses ("execution environments"): spawn, invoke with a deadline, keep warm, recycle.

One worker runs one call at a time; the pool keeps idle workers per function revision and enforces the
service-wide and per-function concurrency limits. Every worker runs in its own process group so a timeout
kill also takes whatever the handler started.
"""
from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PYWORKER = Path(__file__).with_name("pyworker.py")
INIT_TIMEOUT_S = 10.0  # Lambda gives init its own 10 s budget
_LIVE: weakref.WeakSet[Worker] = weakref.WeakSet()


def _kill_all_at_exit() -> None:
    for w in list(_LIVE):
        w.kill()


atexit.register(_kill_all_at_exit)


@dataclass
class WorkerSpec:
    """Everything a worker needs to start; identical specs may share warm workers."""

    key: tuple[str, str, str]  # (function name, version, revision id)
    runtime: str
    handler: str
    code_dir: Path
    memory_size: int
    timeout: float
    environment: dict[str, str]
    region: str
    account_id: str


@dataclass
class Outcome:
    """What one call produced, before it is turned into an HTTP response."""

    ok: bool
    payload: str = "null"
    error: dict[str, Any] | None = None
    function_error: str | None = None  # "Handled" | "Unhandled"
    log_text: str = ""
    duration_ms: float = 0.0
    max_memory_mb: int = 0
    init_ms: float | None = None
    worker_pid: int = 0
    recycled: bool = False


@dataclass
class _Call:
    chunks: list[str] = field(default_factory=list)


class Worker:
    """One subprocess running pyworker.py or the Node runtime for one function revision."""

    def __init__(self, spec: WorkerSpec, node_script: Path | None) -> None:
        self.spec = spec
        self.stream = time.strftime("%Y/%m/%d", time.gmtime()) + f"/[{spec.key[1]}]{uuid.uuid4().hex}"
        self.ready = False
        self.dead = False
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stray: deque[str] = deque(maxlen=200)
        self._call: _Call | None = None
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            "TZ": "UTC",
            "HOME": os.environ.get("HOME", "/tmp"),
            **({"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}),
            **spec.environment,
            "AWS_LAMBDA_FUNCTION_NAME": spec.key[0],
            "AWS_LAMBDA_FUNCTION_VERSION": spec.key[1],
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.key[0]}",
            "AWS_LAMBDA_LOG_STREAM_NAME": self.stream,
            "AWS_REGION": spec.region,
            "AWS_DEFAULT_REGION": spec.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "LAMBDA_TASK_ROOT": str(spec.code_dir),
            "_HANDLER": spec.handler,
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "MALLOC_ARENA_MAX": "2",  # see pyworker's memory limit
        }
        r, w = os.pipe()
        if spec.runtime.startswith("nodejs"):
            node = shutil.which("node")
            assert node and node_script
            argv = [node, f"--max-old-space-size={max(spec.memory_size, 32)}", str(node_script), str(w)]
        elif getattr(sys, "frozen", False):  # a desktop bundle: its executable runs the worker (scripts/bundle_main.py)
            argv = [sys.executable, "--locallambda-pyworker", str(w)]
        else:
            argv = [sys.executable, "-u", str(PYWORKER), str(w)]
        try:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                pass_fds=(w,), env=env, cwd=str(spec.code_dir), start_new_session=True,
            )
        finally:
            os.close(w)
        _LIVE.add(self)
        self.pid = self.proc.pid
        self._result_fd = os.fdopen(r, "rb")
        threading.Thread(target=self._read_results, name=f"lambda-worker-{self.pid}-results", daemon=True).start()
        threading.Thread(target=self._read_stray, name=f"lambda-worker-{self.pid}-stdout", daemon=True).start()

    # -- reader threads -------------------------------------------------------------------------------
    def _read_results(self) -> None:
        try:
            for line in self._result_fd:
                try:
                    self._messages.put(json.loads(line))
                except ValueError:
                    log.warning("worker %s sent a bad protocol line", self.pid)
        finally:
            self._messages.put(None)
            self._result_fd.close()

    def _read_stray(self) -> None:
        # Output written straight to fd 1/2 (C code, child processes, Node's fatal errors).
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            text = raw.decode("utf-8", "replace")
            self._stray.append(text)
            call = self._call
            if call is not None:
                call.chunks.append(text)

    # -- calls ----------------------------------------------------------------------------------------
    def _next(self, deadline: float) -> dict[str, Any] | str | None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "timeout"
        try:
            return self._messages.get(timeout=remaining)
        except queue.Empty:
            return "timeout"

    def invoke(self, request: dict[str, Any], timeout: float) -> Outcome:
        """Run one call; on timeout, crash or out-of-memory the worker is killed and `recycled` is set."""
        call = _Call()
        self._call = call
        init_ms: float | None = None
        try:
            if not self.ready:
                msg = self._next(time.monotonic() + INIT_TIMEOUT_S)
                if isinstance(msg, dict) and msg.get("type") == "ready":
                    self.ready = True
                    init_ms = float(msg.get("init_ms", 0.0))
                elif isinstance(msg, dict) and msg.get("type") == "init_error":
                    self.kill()
                    if msg.get("oom"):
                        return self._oom(call, 0.0)
                    err = msg.get("error") or {}
                    call.chunks.append(f"{err.get('errorType')}: {err.get('errorMessage')}\n")
                    return Outcome(False, error=err, function_error="Unhandled", log_text="".join(call.chunks),
                                   worker_pid=self.pid, recycled=True)
                else:
                    self.kill()
                    return self._died(call, 0.0, "init")
            start = time.monotonic()
            deadline = start + timeout
            request = dict(request, deadline_ms=int(time.time() * 1000 + timeout * 1000))
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write((json.dumps(request) + "\n").encode())
                self.proc.stdin.flush()
            except OSError:
                self.kill()
                return self._died(call, 0.0, "write")
            while True:
                msg = self._next(deadline)
                elapsed = (time.monotonic() - start) * 1000
                if msg == "timeout":
                    self.kill()
                    return self._timed_out(call, elapsed, timeout, request.get("request_id", ""))
                if msg is None or not isinstance(msg, dict):
                    self.kill()
                    return self._died(call, elapsed, "call")
                if msg.get("type") == "log":
                    call.chunks.append(str(msg.get("data", "")))
                    continue
                if msg.get("type") != "result":
                    continue
                mem = int(msg.get("max_rss_mb") or 0)
                if msg.get("oom"):
                    self.kill()
                    return self._oom(call, elapsed)
                if msg.get("ok"):
                    return Outcome(True, payload=str(msg.get("payload", "null")), log_text="".join(call.chunks),
                                   duration_ms=elapsed, max_memory_mb=mem, init_ms=init_ms, worker_pid=self.pid)
                recycled = bool(msg.get("exit"))
                if recycled:
                    self.kill()
                return Outcome(False, error=msg.get("error") or {}, log_text="".join(call.chunks),
                               function_error="Handled" if msg.get("handled") else "Unhandled",
                               duration_ms=elapsed, max_memory_mb=mem, init_ms=init_ms, worker_pid=self.pid,
                               recycled=recycled)
        finally:
            self._call = None

    def _timed_out(self, call: _Call, elapsed: float, timeout: float, request_id: str) -> Outcome:
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".000Z"
        call.chunks.append(f"{ts} {request_id} Task timed out after {timeout:.2f} seconds\n")
        err = {"errorMessage": f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds",
               "errorType": "Sandbox.Timedout"}
        return Outcome(False, error=err, function_error="Unhandled", log_text="".join(call.chunks),
                       duration_ms=elapsed, max_memory_mb=self.spec.memory_size, worker_pid=self.pid, recycled=True)

    def _oom(self, call: _Call, elapsed: float) -> Outcome:
        err = {"errorMessage": "Runtime exited with error: Runtime.OutOfMemory", "errorType": "Runtime.OutOfMemory"}
        call.chunks.append(f"Error: {err['errorMessage']}\n")
        return Outcome(False, error=err, function_error="Unhandled", log_text="".join(call.chunks),
                       duration_ms=elapsed, max_memory_mb=self.spec.memory_size, worker_pid=self.pid, recycled=True)

    def _died(self, call: _Call, elapsed: float, phase: str) -> Outcome:
        time.sleep(0.05)  # let the stdout reader catch the last words (Node prints its heap OOM there)
        stray = "".join(self._stray)
        if "out of memory" in stray.lower() or "MemoryError" in stray:
            return self._oom(call, elapsed)
        code = self.proc.poll()
        why = f"signal: {signal.Signals(-code).name.lower()[3:]}" if code is not None and code < 0 else \
            f"exit status {code}"
        err = {"errorMessage": f"Runtime exited with error: {why}", "errorType": "Runtime.ExitError"}
        call.chunks.append(f"Error: {err['errorMessage']} ({phase})\n")
        return Outcome(False, error=err, function_error="Unhandled", log_text="".join(call.chunks),
                       duration_ms=elapsed, worker_pid=self.pid, recycled=True)

    def alive(self) -> bool:
        return not self.dead and self.proc.poll() is None

    def kill(self) -> None:
        if self.dead:
            return
        self.dead = True
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.warning("worker %s did not die", self.pid)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        _LIVE.discard(self)


class ConcurrencyError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class WorkerPool:
    """Idle warm workers by function revision plus the concurrency bookkeeping."""

    def __init__(self, total_concurrency: int, node_script: Callable[[], Path | None]) -> None:
        self.total = total_concurrency
        self._node_script = node_script
        self._lock = threading.Lock()
        self._idle: dict[tuple[str, str, str], list[Worker]] = {}
        self._busy: dict[str, int] = {}
        self._busy_total = 0
        self._closed = False
        self._all: weakref.WeakSet[Worker] = weakref.WeakSet()

    @property
    def closed(self) -> bool:
        return self._closed

    # -- concurrency ------------------------------------------------------------------------------------
    def reserve(self, function: str, reserved: int | None) -> None:
        """Take one execution slot or raise ConcurrencyError with Lambda's throttle reason."""
        with self._lock:
            if reserved is not None and self._busy.get(function, 0) >= reserved:
                raise ConcurrencyError("ReservedFunctionConcurrentInvocationLimitExceeded")
            if self._busy_total >= self.total:
                raise ConcurrencyError("ConcurrentInvocationLimitExceeded")
            self._busy[function] = self._busy.get(function, 0) + 1
            self._busy_total += 1

    def release(self, function: str) -> None:
        with self._lock:
            self._busy[function] = max(0, self._busy.get(function, 0) - 1)
            self._busy_total = max(0, self._busy_total - 1)

    # -- workers ----------------------------------------------------------------------------------------
    def checkout(self, spec: WorkerSpec) -> tuple[Worker, bool]:
        """A warm idle worker for this revision, or a freshly spawned one (cold = True)."""
        evict: list[Worker] = []
        with self._lock:
            idle = self._idle.get(spec.key, [])
            while idle:
                w = idle.pop()
                if w.alive():
                    return w, False
            # Keep the number of live processes bounded: drop the oldest idle ones of other revisions.
            live = sum(len(v) for v in self._idle.values())
            for key in list(self._idle):
                while self._idle[key] and live + self._busy_total > self.total:
                    evict.append(self._idle[key].pop(0))
                    live -= 1
        for w in evict:
            w.kill()
        worker = Worker(spec, self._node_script() if spec.runtime.startswith("nodejs") else None)
        self._all.add(worker)
        return worker, True

    def checkin(self, worker: Worker) -> None:
        with self._lock:
            if not self._closed and worker.alive():
                self._idle.setdefault(worker.spec.key, []).append(worker)
                return
        worker.kill()

    def retire(self, function: str, version: str | None = None) -> None:
        """Kill idle workers of a function (all versions, or one) after its code or config changed."""
        with self._lock:
            doomed = [k for k in self._idle if k[0] == function and (version is None or k[1] == version)]
            workers = [w for k in doomed for w in self._idle.pop(k)]
        for w in workers:
            w.kill()

    def in_flight(self, function: str | None = None) -> int:
        with self._lock:
            return self._busy_total if function is None else self._busy.get(function, 0)

    def idle_pids(self, function: str | None = None) -> list[int]:
        with self._lock:
            return [w.pid for k, ws in self._idle.items() for w in ws if function in (None, k[0])]

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
            workers = [w for ws in self._idle.values() for w in ws]
            self._idle.clear()
        for w in workers:
            w.kill()
        for w in list(self._all):  # busy ones too: their calls end as "Runtime exited"
            w.kill()
