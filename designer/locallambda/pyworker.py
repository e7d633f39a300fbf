"""The Python worker runtime: one warm "execution environment" running one handler, one call at a time.

Run as a script by the service (never imported by it): ``python pyworker.py <result-fd>``. Requests arrive
as JSON lines on stdin; log chunks and results leave as JSON lines on the result fd, so a handler's own
writes to fd 1/2 can never corrupt the protocol. Only stdlib here: the handler's folder is ``sys.path[0]``.
"""
from __future__ import annotations

import contextlib
import importlib
import io
import json
import logging
import os
import resource
import sys
import threading
import time
import traceback
from typing import Any

_OUT_LOCK = threading.Lock()
_OUT: io.BufferedWriter | None = None
_REQUEST_ID = ""


def _send(msg: dict[str, Any]) -> None:
    data = (json.dumps(msg, default=str) + "\n").encode()
    with _OUT_LOCK:
        assert _OUT is not None
        _OUT.write(data)
        _OUT.flush()


class _LogStream(io.TextIOBase):
    """sys.stdout/sys.stderr replacement: every write is forwarded to the service's log right away
    (so a timed-out call still shows what it printed)."""

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        if s:
            _send({"type": "log", "data": s})
        return len(s)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class _LambdaFormatter(logging.Formatter):
    # The managed Python runtime's default line: "[LEVEL]\t<iso time>Z\t<request id>\t<message>"
    def format(self, record: logging.LogRecord) -> str:
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"
        text = f"[{record.levelname}]\t{ts}\t{_REQUEST_ID}\t{record.getMessage()}"
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        return text


class _Obj:
    """A plain attribute bag (client_context.client, identity…)."""

    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__dict__!r})"


class ClientContext(_Obj):
    pass


class CognitoIdentity(_Obj):
    pass


class LambdaContext:
    """What a handler sees as ``context`` (the attributes of the managed runtime's LambdaContext)."""

    def __init__(self, req: dict[str, Any]) -> None:
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = req.get("invoked_function_arn", "")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.aws_request_id = req.get("request_id", "")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = CognitoIdentity(cognito_identity_id=None, cognito_identity_pool_id=None)
        cc = req.get("client_context")
        if isinstance(cc, dict):
            self.client_context: ClientContext | None = ClientContext(
                client=_Obj(**cc["client"]) if isinstance(cc.get("client"), dict) else cc.get("client"),
                custom=cc.get("custom"),
                env=cc.get("env"),
            )
        else:
            self.client_context = None
        self._deadline_ms = int(req.get("deadline_ms", 0))

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))

    def log(self, msg: str) -> None:
        sys.stdout.write(msg)


def _error_body(exc: BaseException, request_id: str) -> dict[str, Any]:
    tb = traceback.extract_tb(exc.__traceback__)
    # Drop this runtime's own frame, as the managed runtime does.
    frames = [f for f in tb if os.path.abspath(f.filename) != os.path.abspath(__file__)]
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(frames),
    }


def _max_rss_mb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024) + 1


def _vm_size_bytes() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _load_handler(spec: str) -> Any:
    module_name, _, func_name = spec.rpartition(".")
    if not module_name or not func_name:
        raise _InitError("Runtime.MalformedHandlerName", f"Bad handler '{spec}': not enough values to unpack")
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except MemoryError:
        raise
    except ImportError as exc:
        raise _InitError("Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}") from exc
    except Exception as exc:
        raise _InitError(
            "Runtime.UserCodeSyntaxError" if isinstance(exc, SyntaxError) else type(exc).__name__,
            f"{type(exc).__name__}: {exc}" if isinstance(exc, SyntaxError) else str(exc),
        ) from exc
    fn = getattr(module, func_name, None)
    if fn is None:
        raise _InitError("Runtime.HandlerNotFound", f"Handler '{func_name}' missing on module '{module_name}'")
    return fn


class _InitError(Exception):
    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def _orphan_watchdog(parent: int) -> None:
    # The service normally kills us; if it died without doing so (SIGKILL), don't outlive it.
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def main() -> None:
    global _OUT, _REQUEST_ID
    threading.Thread(target=_orphan_watchdog, args=(os.getppid(),), daemon=True).start()
    _OUT = os.fdopen(int(sys.argv[1]), "wb", buffering=0)  # type: ignore[assignment]
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    if getattr(sys, "frozen", False):
        sys.path.insert(0, task_root)  # a bundle's own path entries hold the standard library: keep them
    else:
        sys.path[0:1] = [task_root]  # the handler's folder, not this package's
    os.chdir(task_root)
    stream = _LogStream()
    sys.stdout = stream
    sys.stderr = stream
    root = logging.getLogger()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_LambdaFormatter())
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)

    # Memory limit: the bare runtime's address space plus the function's memory size. RLIMIT_AS counts
    # reserved address space, so keep per-thread reservations (stacks, malloc arenas) small, or a handler
    # with a thread pool would "run out" of memory it never touches.
    threading.stack_size(2 * 1024 * 1024)
    mem_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
    if os.environ.get("LOCAL_LAMBDA_MEMORY_LIMIT", "1") == "1":
        limit = _vm_size_bytes() + mem_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.monotonic()
    try:
        fn = _load_handler(os.environ.get("_HANDLER", "lambda_function.lambda_handler"))
    except _InitError as exc:
        _send({"type": "init_error", "error": {"errorMessage": str(exc), "errorType": exc.error_type,
                                               "requestId": "", "stackTrace": []}})
        return
    except MemoryError:
        _send({"type": "init_error", "oom": True, "error": {}})
        return
    _send({"type": "ready", "init_ms": (time.monotonic() - started) * 1000})

    for line in sys.stdin.buffer:
        req = json.loads(line)
        _REQUEST_ID = req.get("request_id", "")
        try:
            event = json.loads(req.get("payload") or "{}")
            context = LambdaContext(req)
            result = fn(event, context)
            try:
                payload = json.dumps(result)
            except (TypeError, ValueError) as exc:
                err = {"errorMessage": f"Unable to marshal response: {exc}", "errorType": "Runtime.MarshalError",
                       "requestId": _REQUEST_ID, "stackTrace": []}
                stream.write(f"[ERROR] Runtime.MarshalError: {err['errorMessage']}\n")
                _send({"type": "result", "ok": False, "error": err, "max_rss_mb": _max_rss_mb()})
                continue
        except MemoryError:
            # Out of memory: nothing more can be trusted in this process; the service recycles it.
            _send({"type": "result", "ok": False, "oom": True, "max_rss_mb": _max_rss_mb()})
            os._exit(1)
        except SystemExit as exc:
            _send({"type": "result", "ok": False, "exit": True, "max_rss_mb": _max_rss_mb(),
                   "error": {"errorMessage": f"Runtime exited with error: exit status {exc.code}",
                             "errorType": "Runtime.ExitError"}})
            os._exit(1)
        except BaseException as exc:  # noqa: BLE001 - every handler failure is reported, like Lambda does
            body = _error_body(exc, _REQUEST_ID)
            tb = "".join(body["stackTrace"])
            stream.write(f"[ERROR] {body['errorType']}: {body['errorMessage']}\n"
                         f"Traceback (most recent call last):\n{tb}")
            _send({"type": "result", "ok": False, "error": body, "max_rss_mb": _max_rss_mb()})
            continue
        _send({"type": "result", "ok": True, "payload": payload, "max_rss_mb": _max_rss_mb()})


if __name__ == "__main__":
    main()
