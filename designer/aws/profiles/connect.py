"""Amazon Connect's "Invoke AWS Lambda function" block (action key `aws.lambda.connect_invoke`).

Rules (seed 001): the block's input parameters are merged into the ContactFlowEvent envelope with the
contact's data; the timeout is at most 8 s; throttling and 5xx are retried up to 3 times within that
timeout; the response must pass the block's validation (STRING_MAP: a flat map whose values "include
only alphanumeric, dash, and underscore characters", less than 32 KB of UTF-8; or JSON); otherwise — or on
a function error, a timeout, an unreachable function — the contact takes the Error branch. `$.External`
holds the latest call's result only; a chain of functions in one contact is limited to 20 s in total.
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

from designer.aws.credentials import AwsCredentials
from designer.aws.errors import LambdaError
from designer.aws.invoker import Invoker, InvokeRequest, InvokeResult, RetryPolicy

MAX_TIMEOUT = 8.0
CHAIN_LIMIT = 20.0
RESPONSE_LIMIT = 32 * 1024  # bytes of UTF-8; the response must be LESS than this
CONNECT_RETRY = RetryPolicy(max_attempts=4, base_delay=0.1, max_delay=1.0)  # 1 call + up to 3 retries
_STRING_MAP_VALUE = re.compile(r"^[A-Za-z0-9_-]*$")

ResponseValidation = Literal["STRING_MAP", "JSON"]
Outcome = Literal["Success", "Error"]


def default_contact_data(**overrides: Any) -> dict[str, Any]:
    """Contact data shaped like seed 001's example; deterministic so cassettes replay."""
    data: dict[str, Any] = {
        "Attributes": {},
        "Channel": "VOICE",
        "ContactId": "4a573372-1f28-4e26-b97b-000000000001",
        "CustomerEndpoint": {"Address": "+15555550100", "Type": "TELEPHONE_NUMBER"},
        "InitialContactId": "4a573372-1f28-4e26-b97b-000000000001",
        "InitiationMethod": "INBOUND",
        "InstanceARN": "arn:aws:connect:us-east-1:123456789012:instance/c8c0e68d-2200-4265-82c0-000000000001",
        "PreviousContactId": "4a573372-1f28-4e26-b97b-000000000001",
        "Queue": None,
        "SystemEndpoint": {"Address": "+15555550199", "Type": "TELEPHONE_NUMBER"},
    }
    data.update(overrides)
    return data


def build_contact_flow_event(parameters: Mapping[str, Any],
                             contact_data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`{"Details": {"ContactData": {…}, "Parameters": {…}}, "Name": "ContactFlowEvent"}`.

    Parameter values are already rendered by the caller; they are sent as strings, like Connect does.
    """
    params = {str(k): ("" if v is None else v if isinstance(v, str) else json.dumps(v) if isinstance(v, dict | list)
                       else str(v)) for k, v in parameters.items()}
    return {
        "Details": {"ContactData": dict(contact_data) if contact_data is not None else default_contact_data(),
                    "Parameters": params},
        "Name": "ContactFlowEvent",
    }


class ConnectChainBudget:
    """The 20-second limit on a sequence of Lambda calls in one contact. Thread-safe.

    Create one per contact; charge each call's elapsed time; `reset()` when the flow breaks the chain
    (e.g. a Play prompt block between functions).
    """

    def __init__(self, total_seconds: float = CHAIN_LIMIT) -> None:
        self.total_seconds = total_seconds
        self._used = 0.0
        self._lock = threading.Lock()

    @property
    def used(self) -> float:
        with self._lock:
            return self._used

    @property
    def remaining(self) -> float:
        with self._lock:
            return max(0.0, self.total_seconds - self._used)

    @property
    def exhausted(self) -> bool:
        return self.remaining <= 0.0

    def charge(self, seconds: float) -> None:
        with self._lock:
            self._used += max(0.0, seconds)

    def reset(self) -> None:
        with self._lock:
            self._used = 0.0


@dataclass
class ConnectInvokeResult:
    outcome: Outcome  # which branch the contact takes
    error: str | None  # why it is Error (None on Success)
    external: dict[str, Any]  # the new $.External (latest call only; {} on Error)
    attributes: dict[str, str]  # destination key → value, to copy into the contact attributes (Success only)
    event: dict[str, Any]  # the ContactFlowEvent that was sent
    timeout: float  # the effective timeout used (after clamping and the chain budget)
    invoke: InvokeResult | None = None
    failure: LambdaError | None = None
    duration_ms: float = 0.0
    problems: list[str] = field(default_factory=list)  # validation problems, one per line

    @property
    def ok(self) -> bool:
        return self.outcome == "Success"


def validate_string_map(payload: bytes, parsed: Any) -> list[str]:
    """Seed 001's rule: a flat object, string values of alphanumerics/dash/underscore, < 32 KB UTF-8."""
    problems: list[str] = []
    if len(payload) >= RESPONSE_LIMIT:
        problems.append(f"the response is {len(payload):,} bytes; it must be less than 32 KB ({RESPONSE_LIMIT:,})")
    if not isinstance(parsed, dict):
        problems.append("the response must be a flat JSON object of key/value pairs "
                        f"(got {_kind(parsed, payload)})")
        return problems
    for key, value in parsed.items():
        if isinstance(value, dict | list):
            problems.append(f"'{key}' is a nested {'object' if isinstance(value, dict) else 'array'}: "
                            "nested and complex objects are not supported")
        elif not isinstance(value, str):
            problems.append(f"'{key}' is {json.dumps(value)}, not a string")
        elif not _STRING_MAP_VALUE.match(value):
            bad = sorted({c for c in value if not re.match(r"[A-Za-z0-9_-]", c)})
            problems.append(f"'{key}' = {json.dumps(value)} has characters other than alphanumeric, dash and "
                            f"underscore: {' '.join(repr(c) for c in bad)}")
    return problems


def validate_json(payload: bytes, parsed: Any) -> list[str]:
    problems: list[str] = []
    if len(payload) >= RESPONSE_LIMIT:
        problems.append(f"the response is {len(payload):,} bytes; it must be less than 32 KB ({RESPONSE_LIMIT:,})")
    if not isinstance(parsed, dict):
        problems.append(f"the response must be a JSON object (got {_kind(parsed, payload)})")
    return problems


def _kind(parsed: Any, payload: bytes) -> str:
    if parsed is None:
        return "nothing" if not payload.strip() or payload.strip() == b"null" else "text that is not JSON"
    return {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(parsed), type(parsed).__name__)


class _CompletedCall(TypedDict):
    """The fields every result of a call that returned shares."""

    event: dict[str, Any]
    timeout: float
    invoke: InvokeResult
    duration_ms: float


def connect_invoke(
    credentials: AwsCredentials,
    function: str,
    parameters: Mapping[str, Any] | None = None,
    *,
    contact_data: Mapping[str, Any] | None = None,
    timeout: float = MAX_TIMEOUT,
    response_validation: ResponseValidation = "STRING_MAP",
    save_as_attributes: Mapping[str, str] | None = None,
    budget: ConnectChainBudget | None = None,
    qualifier: str = "",
    invoker: Invoker | None = None,
) -> ConnectInvokeResult:
    """Run the block once. Never raises for call failures: they become the Error outcome with a reason.

    `save_as_attributes` maps destination contact-attribute key → source key of the response
    (the "Set contact attributes" block with Type External); missing sources are skipped.
    """
    event = build_contact_flow_event(parameters or {}, contact_data)
    effective = min(max(0.1, float(timeout)), MAX_TIMEOUT)
    chain_limited = False
    if budget is not None:
        if budget.exhausted:
            return ConnectInvokeResult(
                "Error", f"the {budget.total_seconds:g} s limit for a chain of Lambda functions is used up "
                "(add a Play prompt block between functions to break the chain)",
                {}, {}, event, 0.0)
        if budget.remaining < effective:
            effective, chain_limited = budget.remaining, True
    invoker = invoker or Invoker()
    started = time.monotonic()
    request = InvokeRequest(credentials, function, event, qualifier=qualifier, timeout=effective, retry=CONNECT_RETRY)
    try:
        result = invoker.invoke(request)
    except LambdaError as exc:
        elapsed = time.monotonic() - started
        if budget is not None:
            budget.charge(elapsed)
        reason = exc.message
        if budget is not None and chain_limited and exc.__class__.__name__ == "LambdaTimeoutError":
            reason += f" (the {budget.total_seconds:g} s chain limit left only {effective:.1f} s)"
        return ConnectInvokeResult("Error", reason, {}, {}, event, effective, None, exc, elapsed * 1000)
    elapsed = time.monotonic() - started
    if budget is not None:
        budget.charge(elapsed if not result.replayed else result.duration_ms / 1000)
    base: _CompletedCall = {"event": event, "timeout": effective, "invoke": result, "duration_ms": result.duration_ms}
    if result.function_error:
        return ConnectInvokeResult(
            "Error", f"the function failed ({result.function_error}): {result.error_message}", {}, {}, **base)
    validate = validate_string_map if response_validation == "STRING_MAP" else validate_json
    problems = validate(result.payload_bytes, result.payload_json)
    if problems:
        return ConnectInvokeResult(
            "Error", f"the response is not a valid {response_validation}: " + "; ".join(problems),
            {}, {}, problems=problems, **base)
    external: dict[str, Any] = dict(result.payload_json)
    attributes: dict[str, str] = {}
    for destination, source in (save_as_attributes or {}).items():
        if source in external:
            value = external[source]
            attributes[destination] = value if isinstance(value, str) else json.dumps(value)
    return ConnectInvokeResult("Success", None, external, attributes, **base)
