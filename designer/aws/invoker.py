"""One Lambda `Invoke` call through boto3, with our own retry policy and typed errors.

boto3's retries are off (`clients.lambda_client`): this module retries throttling (429) and service
errors (5xx) with exponential backoff and full jitter, inside one total deadline, and never retries a
function error (that is a result, not a failure). Every failure is a subclass of `LambdaError`.
"""
from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import botocore.exceptions as bce
from botocore import xform_name

from designer.aws import clients
from designer.aws.credentials import AwsCredentials
from designer.aws.errors import (
    LambdaAccessDeniedError,
    LambdaApiError,
    LambdaClientContextTooLargeError,
    LambdaConflictError,
    LambdaConnectionError,
    LambdaError,
    LambdaExpiredTokenError,
    LambdaFunctionNotFoundError,
    LambdaInvalidInputError,
    LambdaInvalidRequestError,
    LambdaInvalidSignatureError,
    LambdaNoCredentialsError,
    LambdaPayloadTooLargeError,
    LambdaServiceError,
    LambdaSsoTokenExpiredError,
    LambdaThrottledError,
    LambdaTimeoutError,
    LambdaUnknownKeyError,
)

if TYPE_CHECKING:
    from designer.aws.cassette import Cassette

log = logging.getLogger(__name__)

InvocationType = Literal["RequestResponse", "Event", "DryRun"]
INVOCATION_TYPES: tuple[str, ...] = ("RequestResponse", "Event", "DryRun")
CLIENT_CONTEXT_LIMIT = 3583  # bytes of base64, per the Invoke API
SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024
ASYNC_PAYLOAD_LIMIT = 1024 * 1024
LOG_TAIL_LIMIT = 4096


@dataclass(frozen=True)
class RetryPolicy:
    """Retry throttling and 5xx: attempt n waits uniform(0, min(max_delay, base_delay·2^(n-1)))."""

    max_attempts: int = 4  # the first call plus 3 retries
    base_delay: float = 0.1
    max_delay: float = 2.0
    retry_throttling: bool = True
    retry_server_errors: bool = True

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """The pause after failed attempt `attempt` (1-based): full jitter, never zero."""
        cap = min(self.max_delay, self.base_delay * (2.0 ** max(0, attempt - 1)))
        return max(0.01, cap * rand())

    def should_retry(self, error: LambdaError) -> bool:
        if isinstance(error, LambdaThrottledError):
            return self.retry_throttling
        if isinstance(error, LambdaServiceError):
            return self.retry_server_errors
        return False


NO_RETRY = RetryPolicy(max_attempts=1)


@dataclass(frozen=True)
class InvokeRequest:
    credentials: AwsCredentials
    function: str  # a name, partial ARN or full ARN
    payload: Any = b""  # bytes and str are sent as they are; anything else is JSON-encoded
    qualifier: str = ""
    invocation_type: InvocationType = "RequestResponse"
    client_context: dict[str, Any] | None = None
    log_tail: bool = False
    timeout: float = 30.0  # the total deadline in seconds, retries included
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def payload_bytes(self) -> bytes:
        return encode_payload(self.payload)


@dataclass(frozen=True)
class InvokeResult:
    status_code: int
    payload_bytes: bytes
    payload_json: Any  # the payload parsed as JSON, or None when it does not parse
    function_error: str | None  # "Handled" | "Unhandled" | None
    log_tail: str  # decoded text of X-Amz-Log-Result ("" unless asked for)
    executed_version: str | None
    request_id: str
    duration_ms: float
    attempts: int
    replayed: bool = False

    @property
    def payload_text(self) -> str:
        return self.payload_bytes.decode("utf-8", errors="replace")

    @property
    def ok(self) -> bool:
        return self.function_error is None

    @property
    def error_message(self) -> str:
        """The function's `errorMessage` when it failed, else ''."""
        if self.function_error is None:
            return ""
        if isinstance(self.payload_json, dict):
            return str(self.payload_json.get("errorMessage", ""))
        return self.payload_text

    def to_dict(self) -> dict[str, Any]:
        return {
            "status_code": self.status_code,
            "payload": self.payload_text,
            "function_error": self.function_error,
            "log_tail": self.log_tail,
            "executed_version": self.executed_version,
            "request_id": self.request_id,
            "duration_ms": self.duration_ms,
            "attempts": self.attempts,
        }


def encode_payload(payload: Any) -> bytes:
    if payload is None:
        return b""
    if isinstance(payload, bytes | bytearray | memoryview):
        return bytes(payload)
    if isinstance(payload, str):
        return payload.encode("utf-8")
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def encode_client_context(client_context: dict[str, Any] | None, function: str = "") -> str:
    """Base64 of the JSON client context, refused when over the API's 3,583-byte limit."""
    if client_context is None:
        return ""
    if not isinstance(client_context, dict):
        raise LambdaInvalidInputError(
            "The client context must be a JSON object.",
            hint="Give the client context as a mapping, e.g. {\"custom\": {\"key\": \"value\"}}.",
            function=function,
        )
    encoded = base64.b64encode(json.dumps(client_context, separators=(",", ":")).encode("utf-8")).decode()
    if len(encoded) > CLIENT_CONTEXT_LIMIT:
        raise LambdaClientContextTooLargeError(
            f"The client context is {len(encoded):,} bytes in base64; Lambda accepts at most "
            f"{CLIENT_CONTEXT_LIMIT:,}.",
            hint="Make the client context smaller, or pass the data in the payload instead.",
            function=function,
        )
    return encoded


def parse_json(data: bytes) -> Any:
    if not data:
        return None
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None


def decode_log(log_result: str | None) -> str:
    if not log_result:
        return ""
    try:
        return base64.b64decode(log_result).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return ""


def _where(creds: AwsCredentials) -> str:
    target = creds.endpoint_url or f"AWS region {creds.region or '(default)'}"
    account = f" with account '{creds.label}'" if creds.label else (
        f" with profile '{creds.profile}'" if creds.profile else ""
    )
    return f"{target}{account}"


def map_exception(exc: BaseException, function: str, creds: AwsCredentials, attempts: int = 1) -> LambdaError:
    """Any boto3/botocore failure → the typed error that says what to do."""
    where = _where(creds)
    kw: dict[str, Any] = {"function": function, "attempts": attempts}
    if isinstance(exc, LambdaError):
        return exc
    if isinstance(exc, bce.ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", ""))
        message = str(err.get("Message", "")) or str(exc)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        kw.update(code=code, status=status)
        if code == "ResourceNotFoundException" or status == 404:
            return LambdaFunctionNotFoundError(
                f"Lambda function '{function}' was not found at {where}: {message}",
                hint="Check the function name, the qualifier (version or alias) and the region; "
                "list the functions the account can see.",
                **kw,
            )
        if code in ("InvalidSignatureException", "SignatureDoesNotMatch", "IncompleteSignatureException"):
            return LambdaInvalidSignatureError(
                f"The request signature was refused by {where}: {message}",
                hint="The secret access key does not match the access key ID: re-enter the secret "
                "(and check the machine's clock).",
                **kw,
            )
        if code in ("UnrecognizedClientException", "InvalidClientTokenId"):
            return LambdaUnknownKeyError(
                f"The access key ID is not known to {where}: {message}",
                hint="Check the access key ID (it may have been deleted or belong to another "
                "partition or local service).",
                **kw,
            )
        if code in ("ExpiredTokenException", "ExpiredToken", "RequestExpired"):
            return LambdaExpiredTokenError(
                f"The credentials have expired ({where}): {message}",
                hint="Refresh the session token (for SSO: `aws sso login --profile <name>`) or "
                "check the machine's clock.",
                **kw,
            )
        if code in ("AccessDeniedException", "AccessDenied") or status == 403:
            return LambdaAccessDeniedError(
                f"Access denied invoking '{function}' at {where}: {message}",
                hint="Give the account's IAM identity lambda:InvokeFunction on this function "
                "(and lambda:CreateFunction/DeleteFunction for custom-code steps).",
                **kw,
            )
        if code in ("TooManyRequestsException", "ThrottlingException") or status == 429:
            reason = exc.response.get("Reason") or ""
            return LambdaThrottledError(
                f"Lambda throttled '{function}' ({reason or code}) after {attempts} attempt(s): {message}",
                hint="Wait and retry, raise the function's reserved concurrency, or lower the call rate.",
                **kw,
            )
        if code in ("RequestTooLargeException", "RequestEntityTooLargeException") or status == 413:
            return LambdaPayloadTooLargeError(
                f"The payload for '{function}' is too large: {message}",
                hint="Send at most 6 MB (RequestResponse) or 1 MB (Event); pass large data by reference "
                "(e.g. an S3 key).",
                **kw,
            )
        if code in ("InvalidRequestContentException", "InvalidParameterValueException",
                    "ValidationException", "UnsupportedMediaTypeException") or status == 400:
            return LambdaInvalidRequestError(
                f"Lambda refused the request for '{function}': {message}",
                hint="The payload must be valid JSON and the parameters valid for this function.",
                **kw,
            )
        if code in ("ResourceConflictException", "ResourceNotReadyException") or status == 409:
            return LambdaConflictError(
                f"'{function}' is not ready or already exists: {message}",
                hint="Wait until the function is Active (or pick another name) and retry.",
                **kw,
            )
        if isinstance(status, int) and status >= 500:
            return LambdaServiceError(
                f"Lambda service error {status} ({code}) for '{function}' after {attempts} attempt(s): "
                f"{message}",
                hint="A service-side failure: retry later; if it persists check the service health "
                "(or the local Lambda service's log).",
                **kw,
            )
        return LambdaApiError(
            f"Lambda error {code or status} for '{function}': {message}",
            hint="See the AWS Lambda API reference for this error code.",
            **kw,
        )
    if isinstance(exc, bce.UnauthorizedSSOTokenError | bce.SSOTokenLoadError | bce.TokenRetrievalError):
        profile = creds.profile or "<profile>"
        return LambdaSsoTokenExpiredError(
            f"The AWS SSO session of profile '{creds.profile}' has expired or is missing: {exc}",
            hint=f"Sign in again: `aws sso login --profile {profile}`, then retry.",
            **kw,
        )
    if isinstance(exc, bce.ProfileNotFound):
        return LambdaNoCredentialsError(
            f"The AWS profile '{creds.profile}' does not exist in ~/.aws/config or ~/.aws/credentials.",
            hint="Check the profile name (`aws configure list-profiles`) or use access keys instead.",
            **kw,
        )
    if isinstance(exc, bce.NoCredentialsError | bce.PartialCredentialsError | bce.CredentialRetrievalError):
        return LambdaNoCredentialsError(
            f"No AWS credentials to call '{function}' ({exc}).",
            hint="Connect an AWS account (access key ID + secret), choose an AWS profile, or set "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.",
            **kw,
        )
    if isinstance(exc, bce.NoRegionError):
        return LambdaInvalidRequestError(
            "No AWS region is set.",
            hint="Set the account's region (e.g. us-east-1).",
            **kw,
        )
    if isinstance(exc, bce.ReadTimeoutError | bce.ConnectTimeoutError):
        return LambdaTimeoutError(
            f"'{function}' did not answer in time at {where} ({exc}).",
            hint="Raise the timeout, or make the function faster (check its own timeout and logs).",
            **kw,
        )
    if isinstance(exc, bce.EndpointConnectionError | bce.ConnectionClosedError | bce.ProxyConnectionError
                  | bce.SSLError | bce.HTTPClientError):
        local = " Is the local Lambda service running? Check the endpoint." if creds.endpoint_url else ""
        return LambdaConnectionError(
            f"Could not reach {creds.endpoint_url or where}: {exc}.{local}",
            hint=(
                "Is the local Lambda service running? Start it with `bot-designer lambda serve` and check "
                "the endpoint URL and port."
                if creds.endpoint_url
                else "Check the network connection, proxy settings and the region."
            ),
            **kw,
        )
    if isinstance(exc, bce.ParamValidationError):
        return LambdaInvalidRequestError(
            f"Invalid parameters for '{function}': {exc}",
            hint="Fix the function name, qualifier or payload.",
            **kw,
        )
    if isinstance(exc, bce.BotoCoreError):
        return LambdaApiError(f"Lambda call to '{function}' failed: {exc}", hint="Retry; see the log.", **kw)
    raise exc


def attempt_read_timeout(remaining: float) -> float:
    """An attempt's read timeout: what is left of the deadline, rounded UP to a quarter second.

    Clients are cached per read timeout, so the steps keep the cache small; rounding up overruns the
    deadline by less than 0.25 s (whole seconds could overrun Connect's 8 s by most of a second).
    """
    return max(0.25, math.ceil(max(0.0, remaining) * 4) / 4)


def client_for(creds: AwsCredentials, read_timeout: float, function: str = "") -> Any:
    """The cached client, with credential problems (unknown profile…) turned into typed errors."""
    try:
        return clients.lambda_client(creds, read_timeout=read_timeout)
    except (bce.BotoCoreError, bce.ClientError) as exc:
        raise map_exception(exc, function, creds) from exc


class Invoker:
    """Invokes Lambda functions; optionally records to / replays from a cassette. Thread-safe."""

    def __init__(
        self,
        cassette: Cassette | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.cassette = cassette
        self._sleep = sleep
        self._rand = rand

    @property
    def replaying(self) -> bool:
        return self.cassette is not None and self.cassette.mode == "replay"

    def call_api(
        self,
        credentials: AwsCredentials,
        operation: str,
        params: dict[str, Any],
        *,
        read_timeout: float,
        match: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A Lambda API call other than Invoke (`CreateFunction`, `GetFunctionConfiguration`,
        `DeleteFunction`), recorded and replayed like invocations; no retries. `match` (default `params`) is
        what identifies the call in a cassette: the custom-code step leaves a generated function name out,
        so a replay answers with the recorded one. Returns the response without its ResponseMetadata."""
        match = params if match is None else match
        cassette = self.cassette
        if cassette is not None and cassette.mode == "replay":
            return cassette.replay_api(operation, match)
        function = str(params.get("FunctionName") or "")
        started = time.monotonic()
        response: dict[str, Any] | None = None
        error: LambdaError | None = None
        try:
            client = client_for(credentials, read_timeout, function)
            response = getattr(client, xform_name(operation))(**params)
        except Exception as exc:  # noqa: BLE001 - typed here; map_exception re-raises what it does not know
            error = map_exception(exc, function, credentials)
        body = None if response is None else {k: v for k, v in response.items() if k != "ResponseMetadata"}
        if cassette is not None and cassette.mode == "record":
            cassette.record_api(operation, match, body, error, (time.monotonic() - started) * 1000,
                                credentials.secrets)
        if error is not None:
            raise error
        return body or {}

    def invoke(self, request: InvokeRequest) -> InvokeResult:
        payload = request.payload_bytes()
        if request.invocation_type not in INVOCATION_TYPES:
            raise LambdaInvalidRequestError(
                f"Unknown invocation type '{request.invocation_type}'.",
                hint="Use RequestResponse, Event or DryRun.",
                function=request.function,
            )
        if not request.function:
            raise LambdaInvalidRequestError("No function name given.", hint="Name the Lambda function to call.")
        client_context = encode_client_context(request.client_context, request.function)
        limit = ASYNC_PAYLOAD_LIMIT if request.invocation_type == "Event" else SYNC_PAYLOAD_LIMIT
        if len(payload) > limit:
            raise LambdaPayloadTooLargeError(
                f"The payload for '{request.function}' is {len(payload):,} bytes; {request.invocation_type} "
                f"invocations accept at most {limit:,}.",
                hint="Send a smaller payload; pass large data by reference (e.g. an S3 key).",
                function=request.function,
                status=413,
            )
        cassette = self.cassette
        if cassette is not None and cassette.mode == "replay":
            return cassette.replay_invoke(request, payload)
        started = time.monotonic()
        try:
            result = self._invoke_live(request, payload, client_context)
        except LambdaError as exc:
            if cassette is not None and cassette.mode == "record":
                cassette.record_invoke(request, payload, None, exc, (time.monotonic() - started) * 1000)
            raise
        if cassette is not None and cassette.mode == "record":
            cassette.record_invoke(request, payload, result, None, result.duration_ms)
        return result

    def _invoke_live(self, request: InvokeRequest, payload: bytes, client_context: str) -> InvokeResult:
        creds = request.credentials
        deadline = time.monotonic() + max(0.1, request.timeout)
        started = time.monotonic()
        params: dict[str, Any] = {
            "FunctionName": request.function,
            "InvocationType": request.invocation_type,
            "Payload": payload,
        }
        if request.qualifier:
            params["Qualifier"] = request.qualifier
        if client_context:
            params["ClientContext"] = client_context
        if request.log_tail and request.invocation_type == "RequestResponse":
            params["LogType"] = "Tail"
        attempt = 0
        while True:
            attempt += 1
            client = client_for(creds, attempt_read_timeout(deadline - time.monotonic()), request.function)
            try:
                response = client.invoke(**params)
            except Exception as exc:
                error = map_exception(exc, request.function, creds, attempt)
                if isinstance(error, LambdaTimeoutError) and time.monotonic() >= deadline - 0.05:
                    error = LambdaTimeoutError(
                        f"'{request.function}' did not answer within the {request.timeout:g} s deadline "
                        f"({attempt} attempt(s)).",
                        hint="Raise the timeout, or make the function faster (check its own timeout "
                        "and its logs).",
                        function=request.function,
                        attempts=attempt,
                    )
                if not request.retry.should_retry(error) or attempt >= request.retry.max_attempts:
                    raise error from exc
                pause = request.retry.delay(attempt, self._rand)
                if time.monotonic() + pause >= deadline:
                    error.message += f" (retries stopped: the {request.timeout:g} s deadline was reached)"
                    raise error from exc
                log.info("retrying %s after %s (attempt %d, pause %.2fs)", request.function,
                         error.code or type(error).__name__, attempt, pause)
                self._sleep(pause)
                continue
            body = response["Payload"].read() if response.get("Payload") is not None else b""
            meta = response.get("ResponseMetadata", {})
            headers = meta.get("HTTPHeaders", {})
            return InvokeResult(
                status_code=int(response.get("StatusCode") or meta.get("HTTPStatusCode") or 0),
                payload_bytes=body,
                payload_json=parse_json(body),
                function_error=response.get("FunctionError") or None,
                log_tail=decode_log(response.get("LogResult")),
                executed_version=response.get("ExecutedVersion"),
                request_id=str(meta.get("RequestId") or headers.get("x-amzn-requestid") or ""),
                duration_ms=round((time.monotonic() - started) * 1000, 3),
                attempts=attempt,
            )


def invoke(request: InvokeRequest, cassette: Cassette | None = None) -> InvokeResult:
    """Shortcut: `Invoker(cassette).invoke(request)`."""
    return Invoker(cassette).invoke(request)
