"""LocalLambdaService: the Lambda API on loopback (ThreadingHTTPServer), plus `serve()` for the CLI."""
from __future__ import annotations

import atexit
import json
import logging
import secrets
import shutil
import signal
import string
import sys
import tempfile
import threading
import time
import weakref
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any, Self
from urllib.parse import parse_qsl, unquote, urlsplit

from designer.errors import DesignerError
from designer.locallambda.control import ControlPlane
from designer.locallambda.faults import FaultInjector
from designer.locallambda.invoke import Invoker, Response, error_response, new_request_id
from designer.locallambda.nodeworker import SOURCE as NODE_WORKER_SOURCE
from designer.locallambda.registry import ApiError, Registry
from designer.locallambda.sigv4 import Verifier
from designer.locallambda.workers import WorkerPool

log = logging.getLogger(__name__)

MAX_BODY = 20 * 1024 * 1024  # read and answer 413 up to this; beyond it the connection is dropped
_SERVICES: weakref.WeakSet[LocalLambdaService] = weakref.WeakSet()


def _stop_all_at_exit() -> None:
    for svc in list(_SERVICES):
        svc.stop()


atexit.register(_stop_all_at_exit)


def _random_key_pair() -> tuple[str, str]:
    alphabet = string.ascii_uppercase + string.digits
    return "AKIALOCAL" + "".join(secrets.choice(alphabet) for _ in range(11)), secrets.token_urlsafe(30)[:40]


class LocalLambdaService:
    """The embedded Lambda service. See docs/local-lambda.md."""

    def __init__(self, functions_dir: Path | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 region: str = "us-east-1", access_key_id: str | None = None,
                 secret_access_key: str | None = None, account_id: str = "123456789012",
                 concurrency: int = 10) -> None:
        # Whatever is not given is generated (the ready line shows it).
        random_key, random_secret = _random_key_pair()
        access_key_id = access_key_id or random_key
        secret_access_key = secret_access_key or random_secret
        self.functions_dir = Path(functions_dir) if functions_dir is not None else None
        self.host = host
        self.port = port
        self.region = region
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.account_id = account_id
        self.concurrency = concurrency
        self.faults = FaultInjector()
        self.verifier = Verifier(access_key_id, secret_access_key)
        self._log: deque[str] = deque(maxlen=5000)
        self._runtime_dir: Path | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._node_lock = threading.Lock()
        self._node_script: Path | None = None
        self.registry = Registry(region, account_id, Path(tempfile.gettempdir()))
        self.pool = WorkerPool(concurrency, self._node_worker_script)
        self.invoker = Invoker(self)
        self.control = ControlPlane(self)

    # -- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> Self:
        if self._server is not None:
            return self
        if self.pool.closed:  # restarted after stop(): fresh workers and background machinery
            self.pool = WorkerPool(self.concurrency, self._node_worker_script)
            self.invoker.reset()
            self._node_script = None
        self._runtime_dir = Path(tempfile.mkdtemp(prefix="bot-designer-lambda-"))
        self.registry.runtime_dir = self._runtime_dir
        if self.functions_dir is not None:
            names = self.registry.load_folder(self.functions_dir)
            self.note(f"[service] loaded {len(names)} function(s) from {self.functions_dir}: {', '.join(names)}")
        try:
            server = ThreadingHTTPServer((self.host, self.port), _make_handler(self))
        except OSError as exc:
            shutil.rmtree(self._runtime_dir, ignore_errors=True)
            raise DesignerError(f"Cannot listen on {self.host}:{self.port}: {exc}",
                                hint="choose another port, or 0 for any free one") from exc
        server.daemon_threads = True
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="local-lambda-http", daemon=True)
        self._thread.start()
        _SERVICES.add(self)
        self.note(f"[service] listening on {self.endpoint} (region {self.region}, account {self.account_id})")
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self.invoker.stop()
        server.shutdown()
        server.server_close()
        self.pool.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._runtime_dir is not None:
            shutil.rmtree(self._runtime_dir, ignore_errors=True)
        _SERVICES.discard(self)
        self.note("[service] stopped")

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- public helpers -------------------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    def functions(self) -> list[str]:
        with self.registry.lock:
            return sorted(self.registry.functions)

    def log_lines(self, limit: int = 200) -> list[str]:
        lines = list(self._log)
        return lines[-limit:] if limit else lines

    def ready_line(self) -> dict[str, str]:
        return {"endpoint": self.endpoint, "region": self.region, "access_key_id": self.access_key_id,
                "secret_access_key": self.secret_access_key}

    def warm_workers(self, function: str | None = None) -> list[int]:
        """PIDs of idle warm workers (for diagnostics and tests)."""
        return self.pool.idle_pids(function)

    def in_flight(self, function: str | None = None) -> int:
        """Calls running right now (of one function, or in total)."""
        return self.pool.in_flight(function)

    def note(self, line: str) -> None:
        stamp = time.strftime("%H:%M:%S", time.localtime())
        self._log.append(f"{stamp} {line}")
        log.debug("%s", line)

    def _node_worker_script(self) -> Path | None:
        with self._node_lock:
            if self._node_script is None or not self._node_script.exists():
                assert self._runtime_dir is not None
                path = self._runtime_dir / "nodeworker.js"
                path.write_text(NODE_WORKER_SOURCE, encoding="utf-8")
                self._node_script = path
            return self._node_script

    # -- request dispatch -----------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, raw_query: str, header_list: list[tuple[str, str]],
               body: bytes) -> Response:
        request_id = new_request_id()
        headers = {k.lower(): v for k, v in header_list}
        query = dict(parse_qsl(raw_query, keep_blank_values=True))
        try:
            if raw_path.startswith("/_local/"):
                return self._local(method, raw_path, query, headers, header_list, raw_query, body, request_id)
            self.verifier.verify(method, raw_path, raw_query, header_list, body)
            status, out = self._route(method, raw_path, query, headers, body, request_id)
            if isinstance(out, Response):
                return out
            data = b"" if out is None else json.dumps(out).encode()
            return Response(status, data, {"Content-Type": "application/json", "x-amzn-RequestId": request_id})
        except ApiError as exc:
            if exc.status >= 400 and exc.error_type not in ("ResourceNotFoundException",):
                self.note(f"[service] {method} {raw_path} → {exc.status} {exc.error_type}: {exc.message}")
            return error_response(exc, request_id)
        except Exception as exc:
            log.exception("local lambda: internal error on %s %s", method, raw_path)
            return error_response(ApiError(500, "ServiceException", f"Internal error: {exc}"), request_id)

    def _route(self, method: str, raw_path: str, query: dict[str, str], headers: dict[str, str], body: bytes,
               request_id: str) -> tuple[int, Any]:
        parts = [unquote(p) for p in raw_path.strip("/").split("/")]
        c = self.control
        if len(parts) >= 2 and parts[1] == "functions" and parts[0] in ("2017-10-31", "2019-09-30") \
                and len(parts) == 4 and parts[3] == "concurrency":
            if method == "PUT":
                return c.put_concurrency(parts[2], body)
            if method == "GET":
                return c.get_concurrency(parts[2])
            if method == "DELETE":
                return c.delete_concurrency(parts[2])
        if len(parts) < 2 or parts[0] != "2015-03-31" or parts[1] != "functions":
            raise ApiError(404, "UnknownOperationException", f"Unknown operation {method} {raw_path}")
        rest = [p for p in parts[2:] if p != ""]
        if not rest:
            if method == "GET":
                return c.list_functions(query)
            if method == "POST":
                return c.create_function(body)
        elif len(rest) == 1:
            if method == "GET":
                return c.get_function(rest[0], query)
            if method == "DELETE":
                return c.delete_function(rest[0], query)
        elif len(rest) == 2:
            name, sub = rest
            if sub == "invocations" and method == "POST":
                return 200, self.invoker.invoke(name, query, headers, body, request_id)
            if sub == "configuration" and method == "GET":
                return c.get_configuration(name, query)
            if sub == "configuration" and method == "PUT":
                return c.update_configuration(name, body)
            if sub == "code" and method == "PUT":
                return c.update_code(name, body)
            if sub == "versions" and method == "POST":
                return c.publish_version(name, body)
            if sub == "versions" and method == "GET":
                return c.list_versions(name, query)
            if sub == "aliases" and method == "POST":
                return c.create_alias(name, body)
            if sub == "aliases" and method == "GET":
                return c.list_aliases(name, query)
        elif len(rest) == 3 and rest[1] == "aliases":
            if method == "GET":
                return c.get_alias(rest[0], rest[2])
            if method == "PUT":
                return c.update_alias(rest[0], rest[2], body)
            if method == "DELETE":
                return c.delete_alias(rest[0], rest[2])
        raise ApiError(404, "UnknownOperationException", f"Unknown operation {method} {raw_path}")

    def _local(self, method: str, raw_path: str, query: dict[str, str], headers: dict[str, str],
               header_list: list[tuple[str, str]], raw_query: str, body: bytes, request_id: str) -> Response:
        """The service's own control path (faults, logs, health), for other processes. See the docs."""
        if headers.get("x-local-lambda-secret") != self.secret_access_key:
            self.verifier.verify(method, raw_path, raw_query, header_list, body)
        path = raw_path.rstrip("/")

        def ok(data: Any, status: int = 200) -> Response:
            return Response(status, json.dumps(data).encode(),
                            {"Content-Type": "application/json", "x-amzn-RequestId": request_id})

        if path == "/_local/health" and method == "GET":
            return ok({"status": "ok", "functions": self.functions(), **self.ready_line()})
        if path == "/_local/faults":
            if method == "GET":
                return ok({"faults": self.faults.pending()})
            if method == "DELETE":
                self.faults.clear()
                return ok({"faults": []})
            if method == "POST":
                try:
                    spec = json.loads(body or b"{}")
                    specs = spec if isinstance(spec, list) else [spec]
                    for item in specs:
                        self.faults.add(item)
                except (ValueError, TypeError, AttributeError) as exc:
                    raise ApiError(400, "InvalidParameterValueException", f"Bad fault: {exc}") from exc
                return ok({"faults": self.faults.pending()}, 201)
        if path == "/_local/logs" and method == "GET":
            return ok({"lines": self.log_lines(int(query.get("limit", "200")))})
        if path.startswith("/_local/code/") and method == "GET":
            return self._code_zip(unquote(path[len("/_local/code/"):]), query, request_id)
        raise ApiError(404, "UnknownOperationException", f"Unknown control path {method} {raw_path}")

    def _code_zip(self, name: str, query: dict[str, str], request_id: str) -> Response:
        import io
        import zipfile

        _, version, _ = self.registry.resolve(name, query.get("Qualifier"))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(version.code_dir.rglob("*")):
                if f.is_file() and "__pycache__" not in f.parts:
                    zf.write(f, f.relative_to(version.code_dir).as_posix())
        return Response(200, buf.getvalue(), {"Content-Type": "application/zip", "x-amzn-RequestId": request_id})


def _make_handler(svc: LocalLambdaService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # boto3 keeps connections alive
        disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms delayed-ACK stall
        server_version = "LocalLambda/1.0"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.close_connection = True
                err = ApiError(413, "RequestTooLargeException", "Request must be smaller than 6291456 bytes "
                               "for the InvokeFunction operation")
                self._send(error_response(err, new_request_id()))
                return
            body = self.rfile.read(length) if length else b""
            split = urlsplit(self.path)
            resp = svc.handle(self.command, split.path, split.query, list(self.headers.items()), body)
            self._send(resp)

        def _send(self, resp: Response) -> None:
            try:
                self._write(resp)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the caller gave up (its timeout); nothing left to tell it
                log.debug("client went away before the response was sent")

        def _write(self, resp: Response) -> None:
            self.send_response(resp.status)
            for k, v in resp.headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            if resp.body and self.command != "HEAD":
                self.wfile.write(resp.body)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, fmt: str, *args: Any) -> None:
            log.debug("http: " + fmt, *args)

    return Handler


def serve(functions_dir: Path | str | None, port: int = 0, access_key_id: str | None = None,
          secret_access_key: str | None = None, region: str = "us-east-1", *, host: str = "127.0.0.1",
          account_id: str = "123456789012", concurrency: int = 10, out: IO[str] | None = None,
          stop_event: threading.Event | None = None) -> int:
    """`bot-designer lambda serve`: print one JSON ready line on stdout, serve until SIGINT/SIGTERM.

    Returns the process exit code (0 on a clean shutdown). `stop_event` lets a caller stop it without signals.
    """
    out = out or sys.stdout
    stop = stop_event or threading.Event()
    svc = LocalLambdaService(Path(functions_dir) if functions_dir else None, host=host, port=port, region=region,
                             access_key_id=access_key_id, secret_access_key=secret_access_key,
                             account_id=account_id, concurrency=concurrency)
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_: stop.set())
    try:
        svc.start()
        out.write(json.dumps(svc.ready_line()) + "\n")
        out.flush()
        while not stop.wait(0.2):
            pass
    finally:
        svc.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
