"""Record Lambda invocations and signed HTTP calls to a JSON cassette; replay them later without network.

Modes: `live` (the cassette is ignored), `record` (calls go out and are written down; the file starts
empty), `replay` (nothing goes out; a request with no recording raises `CassetteMissError`).

Matching: invocations by (function, qualifier, invocation type, sha256 of the payload); HTTP calls by
(method, url, sha256 of the body); other Lambda API calls (the custom-code step's CreateFunction,
GetFunctionConfiguration, DeleteFunction) by (operation, sha256 of the parameters the caller matches on).
The same request recorded several times replays in order, then the last recording repeats. Secrets are
never stored: signed headers are redacted, code zips are stored as their digest, and every secret of the
credentials used (and every one a caller names) is scrubbed from the file. Writes are atomic (temp file + `os.replace`).
"""
from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from designer.aws.errors import CassetteFormatError, CassetteMissError, LambdaError, error_from_dict

if TYPE_CHECKING:
    from designer.aws.invoker import InvokeRequest, InvokeResult

Mode = Literal["live", "record", "replay"]
MODES: tuple[str, ...] = ("live", "record", "replay")
FORMAT = "bot-designer-cassette"
VERSION = 1
REDACTED = "***redacted***"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _encode(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(data).decode("ascii"), "base64"


def _decode(text: str, encoding: str) -> bytes:
    return base64.b64decode(text) if encoding == "base64" else text.encode("utf-8")


def _jsonable(value: Any) -> Any:
    """API parameters/responses as JSON: bytes (a code zip) become their digest and size, never their content."""
    if isinstance(value, bytes | bytearray):
        return {"sha256": _sha256(bytes(value)), "size": len(value)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)  # e.g. a datetime


class Cassette:
    """A cassette file. Pass it to `Invoker(cassette)` and `send_signed_http(..., cassette=)`."""

    def __init__(self, path: str | os.PathLike[str], mode: Mode = "replay") -> None:
        if mode not in MODES:
            raise CassetteFormatError(f"Unknown cassette mode '{mode}'.", hint="Use live, record or replay.")
        self.path = Path(path)
        self.mode: Mode = mode
        self.interactions: list[dict[str, Any]] = []
        self._cursors: dict[tuple[str, ...], int] = {}
        self._secrets: set[str] = set()
        self._lock = threading.Lock()
        if mode == "replay":
            self._load()

    # ------------------------------------------------------------------ file
    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CassetteMissError(
                f"No cassette at {self.path}.",
                hint="Record it first (mode 'record' against the live service or AWS).",
            ) from None
        except (OSError, ValueError) as exc:
            raise CassetteFormatError(
                f"The cassette {self.path} cannot be read: {exc}", hint="Re-record the cassette."
            ) from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(
            data.get("interactions"), list
        ):
            raise CassetteFormatError(
                f"{self.path} is not a bot-designer cassette.", hint="Re-record the cassette."
            )
        if int(data.get("version", 0)) > VERSION:
            raise CassetteFormatError(
                f"The cassette {self.path} has version {data.get('version')}; this build reads {VERSION}.",
                hint="Update Bot Designer or re-record the cassette.",
            )
        self.interactions = data["interactions"]

    def save(self) -> None:
        """Write the cassette atomically, with every known secret scrubbed."""
        document = {"format": FORMAT, "version": VERSION, "interactions": self.interactions}
        text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False)
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def _append(self, interaction: dict[str, Any], secrets: tuple[str, ...]) -> None:
        with self._lock:
            self._secrets.update(s for s in secrets if s)
            self.interactions.append(interaction)
            self.save()

    def _find(self, key: tuple[str, ...], describe: str) -> dict[str, Any]:
        with self._lock:
            matches = [i for i in self.interactions if tuple(i.get("key", ())) == key]
            if not matches:
                raise CassetteMissError(
                    f"The cassette {self.path} has no recording of {describe}.",
                    hint="The request changed since the recording: re-record the cassette "
                    "(mode 'record' against the live service).",
                )
            index = self._cursors.get(key, 0)
            self._cursors[key] = index + 1
            return matches[min(index, len(matches) - 1)]

    # ---------------------------------------------------------------- invoke
    @staticmethod
    def invoke_key(request: InvokeRequest, payload: bytes) -> tuple[str, ...]:
        return ("invoke", request.function, request.qualifier, request.invocation_type, _sha256(payload))

    def record_invoke(
        self,
        request: InvokeRequest,
        payload: bytes,
        result: InvokeResult | None,
        error: LambdaError | None,
        duration_ms: float,
    ) -> None:
        text, encoding = _encode(payload)
        response = None
        if result is not None:
            body, body_encoding = _encode(result.payload_bytes)
            response = {
                "status_code": result.status_code,
                "payload": body,
                "payload_encoding": body_encoding,
                "function_error": result.function_error,
                "log_tail": result.log_tail,
                "executed_version": result.executed_version,
                "request_id": result.request_id,
                "attempts": result.attempts,
            }
        self._append(
            {
                "kind": "invoke",
                "key": list(self.invoke_key(request, payload)),
                "request": {
                    "function": request.function,
                    "qualifier": request.qualifier,
                    "invocation_type": request.invocation_type,
                    "payload": text,
                    "payload_encoding": encoding,
                    "client_context": request.client_context,
                    "log_tail": request.log_tail,
                    "region": request.credentials.region,
                    "endpoint": request.credentials.endpoint_url,
                },
                "response": response,
                "error": error.to_dict() if error is not None else None,
                "duration_ms": round(duration_ms, 3),
                "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            },
            request.credentials.secrets,
        )

    def replay_invoke(self, request: InvokeRequest, payload: bytes) -> InvokeResult:
        from designer.aws.invoker import InvokeResult, parse_json

        describe = f"invoking '{request.function}'" + (f":{request.qualifier}" if request.qualifier else "") + \
            f" ({request.invocation_type}) with this payload"
        entry = self._find(self.invoke_key(request, payload), describe)
        if entry.get("error"):
            raise error_from_dict(entry["error"])
        r = entry.get("response") or {}
        body = _decode(str(r.get("payload", "")), str(r.get("payload_encoding", "utf-8")))
        return InvokeResult(
            status_code=int(r.get("status_code") or 0),
            payload_bytes=body,
            payload_json=parse_json(body),
            function_error=r.get("function_error"),
            log_tail=str(r.get("log_tail") or ""),
            executed_version=r.get("executed_version"),
            request_id=str(r.get("request_id") or ""),
            duration_ms=float(entry.get("duration_ms") or 0.0),
            attempts=int(r.get("attempts") or 1),
            replayed=True,
        )

    # ------------------------------------------------------------------- api
    @staticmethod
    def api_key(operation: str, match: dict[str, Any]) -> tuple[str, ...]:
        canonical = json.dumps(_jsonable(match), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return ("api", operation, _sha256(canonical.encode("utf-8")))

    def record_api(
        self,
        operation: str,
        match: dict[str, Any],
        response: dict[str, Any] | None,
        error: LambdaError | None,
        duration_ms: float,
        secrets: tuple[str, ...],
    ) -> None:
        self._append(
            {
                "kind": "api",
                "key": list(self.api_key(operation, match)),
                "request": {"operation": operation, "params": _jsonable(match)},
                "response": _jsonable(response) if response is not None else None,
                "error": error.to_dict() if error is not None else None,
                "duration_ms": round(duration_ms, 3),
                "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            },
            secrets,
        )

    def replay_api(self, operation: str, match: dict[str, Any]) -> dict[str, Any]:
        """The recorded response (without ResponseMetadata), or the recorded error raised again."""
        name = match.get("FunctionName")
        describe = f"{operation}" + (f" of '{name}'" if name else "") + " with these parameters"
        entry = self._find(self.api_key(operation, match), describe)
        if entry.get("error"):
            raise error_from_dict(entry["error"])
        return dict(entry.get("response") or {})

    # ------------------------------------------------------------------ http
    @staticmethod
    def http_key(method: str, url: str, body: bytes) -> tuple[str, ...]:
        return ("http", method.upper(), url, _sha256(body))

    def record_http(
        self,
        method: str,
        url: str,
        body: bytes,
        redacted_headers: list[tuple[str, str]],
        transport: dict[str, Any],
        duration_ms: float,
        *,
        secrets: tuple[str, ...] = (),
    ) -> None:
        text, encoding = _encode(body)
        if transport.get("error"):
            response: dict[str, Any] = {"error": transport["error"]}
        else:
            raw, raw_encoding = _encode(transport.get("raw") or b"")
            response = {
                "status": transport.get("status"),
                "headers": transport.get("headers") or {},
                "body": raw,
                "body_encoding": raw_encoding,
            }
        self._append(
            {
                "kind": "http",
                "key": list(self.http_key(method, url, body)),
                "request": {
                    "method": method.upper(),
                    "url": url,
                    "headers": [list(h) for h in redacted_headers],
                    "body": text,
                    "body_encoding": encoding,
                },
                "response": response,
                "duration_ms": round(duration_ms, 3),
                "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            },
            secrets,
        )

    def replay_http(self, method: str, url: str, body: bytes) -> dict[str, Any]:
        """The recorded transport result (`{status, headers, raw}` or `{error}`)."""
        entry = self._find(self.http_key(method, url, body), f"{method.upper()} {url} with this body")
        r = entry.get("response") or {}
        if r.get("error"):
            return {"error": r["error"]}
        return {
            "status": r.get("status"),
            "headers": dict(r.get("headers") or {}),
            "raw": _decode(str(r.get("body", "")), str(r.get("body_encoding", "utf-8"))),
        }
