"""The Invoke operation: request checks, faults, concurrency, the worker call, logs and response headers."""
from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import shutil
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from designer.locallambda.faults import ERROR_TYPES
from designer.locallambda.registry import ApiError, Function, Version
from designer.locallambda.workers import ConcurrencyError, Outcome, WorkerSpec

if TYPE_CHECKING:
    from designer.locallambda.service import LocalLambdaService

log = logging.getLogger(__name__)

SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024  # 6291456 bytes, request and response
ASYNC_PAYLOAD_LIMIT = 1024 * 1024
RESPONSE_LIMIT = 6291556
LOG_TAIL_BYTES = 4096
CLIENT_CONTEXT_LIMIT = 3583


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def error_response(exc: ApiError, request_id: str) -> Response:
    headers = {"x-amzn-ErrorType": exc.error_type, "Content-Type": "application/json", "x-amzn-RequestId": request_id}
    if exc.status == 429:
        headers["Retry-After"] = "1"
    return Response(exc.status, json.dumps(exc.body()).encode(), headers)


class Invoker:
    def __init__(self, service: LocalLambdaService) -> None:
        self.svc = service
        self._stop = threading.Event()
        self.async_retry_delays: tuple[float, ...] = (1.0, 2.0)  # AWS retries a failed Event call twice

    def stop(self) -> None:
        self._stop.set()

    def reset(self) -> None:
        self._stop = threading.Event()

    def invoke(self, raw_name: str, query: dict[str, str], headers: dict[str, str], body: bytes,
               request_id: str) -> Response:
        kind = headers.get("x-amz-invocation-type") or "RequestResponse"
        if kind not in ("RequestResponse", "Event", "DryRun"):
            raise ApiError(400, "InvalidParameterValueException", f"Invalid InvocationType: {kind}")
        limit = ASYNC_PAYLOAD_LIMIT if kind == "Event" else SYNC_PAYLOAD_LIMIT
        if len(body) > limit:
            raise ApiError(413, "RequestTooLargeException",
                           f"Request must be smaller than {limit} bytes for the InvokeFunction operation")
        fn, version, qualifier = self.svc.registry.resolve(raw_name, query.get("Qualifier"))
        if version.version == "$LATEST" and self.svc.registry.refresh(fn):
            self.svc.pool.retire(fn.name, "$LATEST")
            version = fn.latest if qualifier in (None, "$LATEST") else \
                self.svc.registry.resolve(raw_name, query.get("Qualifier"))[1]
        payload = body.decode("utf-8", "replace") if body else "{}"
        try:
            json.loads(payload)
        except ValueError as exc:
            raise ApiError(400, "InvalidRequestContentException",
                           f"Could not parse request body into json: Could not parse payload into json: {exc}") from exc
        client_context = self._client_context(headers.get("x-amz-client-context"))
        base_headers = {"x-amzn-RequestId": request_id, "X-Amz-Executed-Version": version.version}
        if self.svc.faults.take_denial(fn.name) is not None:
            self.svc.note(f"[{fn.name}] fault: access denied")
            raise ApiError(403, "AccessDeniedException",
                           f"User: arn:aws:iam::{self.svc.account_id}:user/local is not authorized to perform: "
                           f"lambda:InvokeFunction on resource: {self.svc.registry.arn(fn.name, qualifier)} "
                           "because no identity-based policy allows the lambda:InvokeFunction action")
        if kind == "DryRun":
            return Response(204, b"", base_headers)
        if version.config.runtime.startswith("nodejs") and shutil.which("node") is None:
            raise ApiError(502, "InvalidRuntimeException",
                           f"The runtime {version.config.runtime} is not available: node is not on PATH")
        slow, outcome_fault = self.svc.faults.take(fn.name)
        if slow is not None:
            self.svc.note(f"[{fn.name}] fault: slow {slow.seconds:.2f}s")
            if self._stop.wait(slow.seconds):
                raise ApiError(503, "ServiceException", "The service is stopping")
        if outcome_fault is not None and outcome_fault.kind == "throttle":
            self.svc.note(f"[{fn.name}] fault: throttle")
            raise ApiError(429, "TooManyRequestsException", "Rate Exceeded.", Reason="CallerRateLimitExceeded")
        if outcome_fault is not None and outcome_fault.kind == "server_error":
            status = outcome_fault.status
            self.svc.note(f"[{fn.name}] fault: server error {status}")
            raise ApiError(status, outcome_fault.error_type or ERROR_TYPES.get(status, "ServiceException"),
                           f"Injected service error {status}")
        arn = self.svc.registry.arn(fn.name, qualifier)
        request = {"request_id": request_id, "payload": payload, "client_context": client_context,
                   "invoked_function_arn": arn}
        if kind == "Event":
            threading.Thread(target=self._run_async, args=(fn, version, request, outcome_fault),
                             name=f"lambda-event-{request_id[:8]}", daemon=True).start()
            return Response(202, b"", base_headers)
        if outcome_fault is not None:  # "fail"
            outcome = self._injected_failure(outcome_fault.message)
        else:
            try:
                self.svc.pool.reserve(fn.name, fn.reserved_concurrency)
            except ConcurrencyError as exc:
                self.svc.note(f"[{fn.name}] throttled: {exc.reason}")
                raise ApiError(429, "TooManyRequestsException", "Rate Exceeded.", Reason=exc.reason) from exc
            try:
                outcome = self._run(fn, version, request)
            finally:
                self.svc.pool.release(fn.name)
        log_text = self._record(fn, version, request_id, outcome)
        return self._sync_response(outcome, log_text, base_headers, headers.get("x-amz-log-type") == "Tail")

    @staticmethod
    def _client_context(raw: str | None) -> dict[str, Any] | None:
        if not raw:
            return None
        if len(raw) > CLIENT_CONTEXT_LIMIT:
            raise ApiError(400, "InvalidParameterValueException",
                           f"Client context must be at most {CLIENT_CONTEXT_LIMIT} bytes base64")
        try:
            value = json.loads(base64.b64decode(raw, validate=True))
        except (binascii.Error, ValueError) as exc:
            raise ApiError(400, "InvalidRequestContentException",
                           "Client context must be a valid Base64-encoded JSON object.") from exc
        if not isinstance(value, dict):
            raise ApiError(400, "InvalidRequestContentException",
                           "Client context must be a valid Base64-encoded JSON object.")
        return value

    @staticmethod
    def _injected_failure(message: str) -> Outcome:
        err = {"errorMessage": message, "errorType": "InjectedFault", "stackTrace": []}
        return Outcome(False, error=err, function_error="Unhandled", log_text=f"Injected failure: {message}\n")

    def _spec(self, fn: Function, version: Version) -> WorkerSpec:
        cfg = version.config
        return WorkerSpec(key=(fn.name, version.version, version.revision_id), runtime=cfg.runtime,
                          handler=cfg.handler, code_dir=version.code_dir, memory_size=cfg.memory_size,
                          timeout=float(cfg.timeout), environment=dict(cfg.environment),
                          region=self.svc.region, account_id=self.svc.account_id)

    def _run(self, fn: Function, version: Version, request: dict[str, Any]) -> Outcome:
        spec = self._spec(fn, version)
        worker, cold = self.svc.pool.checkout(spec)
        try:
            outcome = worker.invoke(request, spec.timeout)
        except BaseException:
            worker.kill()  # never hand a worker in an unknown state to the next call
            raise
        outcome.init_ms = outcome.init_ms if cold else None
        if outcome.recycled:
            self.svc.note(f"[{fn.name}] worker {worker.pid} recycled ({(outcome.error or {}).get('errorType')})")
            worker.kill()
        else:
            self.svc.pool.checkin(worker)
        if outcome.ok and len(outcome.payload.encode()) > RESPONSE_LIMIT:
            outcome = Outcome(False, error={
                "errorMessage": "Response payload size exceeded maximum allowed payload size "
                                f"({RESPONSE_LIMIT} bytes).",
                "errorType": "Function.ResponseSizeTooLarge"}, function_error="Unhandled",
                log_text=outcome.log_text, duration_ms=outcome.duration_ms, max_memory_mb=outcome.max_memory_mb,
                init_ms=outcome.init_ms, worker_pid=outcome.worker_pid)
        return outcome

    def _record(self, fn: Function, version: Version, request_id: str, outcome: Outcome) -> str:
        """Wrap the handler's output in START/END/REPORT, feed the service log, return the call's log."""
        d = outcome.duration_ms
        report = (f"REPORT RequestId: {request_id}\tDuration: {d:.2f} ms\tBilled Duration: {max(1, math.ceil(d))} ms"
                  f"\tMemory Size: {version.config.memory_size} MB\tMax Memory Used: {outcome.max_memory_mb} MB")
        if outcome.init_ms is not None:
            report += f"\tInit Duration: {outcome.init_ms:.2f} ms"
        if (outcome.error or {}).get("errorType") == "Sandbox.Timedout":
            report += "\tStatus: timeout"
        body = outcome.log_text
        if body and not body.endswith("\n"):
            body += "\n"
        text = (f"START RequestId: {request_id} Version: {version.version}\n"
                f"{body}END RequestId: {request_id}\n{report}\t\n")
        for line in text.splitlines():
            self.svc.note(f"[{fn.name}] {line}")
        return text

    @staticmethod
    def _sync_response(outcome: Outcome, log_text: str, headers: dict[str, str], tail: bool) -> Response:
        out = dict(headers, **{"Content-Type": "application/json"})
        if outcome.ok:
            body = outcome.payload.encode()
        else:
            out["X-Amz-Function-Error"] = outcome.function_error or "Unhandled"
            body = json.dumps(outcome.error or {}).encode()
        if tail:
            out["X-Amz-Log-Result"] = base64.b64encode(log_text.encode()[-LOG_TAIL_BYTES:]).decode()
        return Response(200, body, out)

    def _run_async(self, fn: Function, version: Version, request: dict[str, Any], fault: Any) -> None:
        """An Event call: wait for a free slot (Lambda queues async events), run, retry failures twice."""
        attempts = 1 + len(self.async_retry_delays)
        for attempt in range(attempts):
            if self._stop.is_set():
                return
            if fault is not None and attempt == 0:
                outcome = self._injected_failure(fault.message)
            else:
                while True:
                    try:
                        self.svc.pool.reserve(fn.name, fn.reserved_concurrency)
                        break
                    except ConcurrencyError:
                        if self._stop.wait(0.05):
                            return
                try:
                    outcome = self._run(fn, version, dict(request))
                finally:
                    self.svc.pool.release(fn.name)
            self._record(fn, version, request["request_id"], outcome)
            if outcome.ok or attempt == attempts - 1:
                return
            self.svc.note(f"[{fn.name}] async call {request['request_id']} failed; retrying")
            if self._stop.wait(self.async_retry_delays[attempt]):
                return


def new_request_id() -> str:
    return str(uuid.uuid4())


def now_ms() -> int:
    return int(time.time() * 1000)
