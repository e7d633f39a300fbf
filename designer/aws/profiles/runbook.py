"""PagerDuty Runbook Automation's Lambda workflow steps (seed 004).

* `aws.lambda.invoke` — "AWS / Lambda / Invoke": invoke an existing function (event payload, invocation type
  Request(Response)/Event, qualifier, client context).
* `aws.lambda.custom_code` — "AWS / Lambda / Custom Code Execution": create a function from inline code
  (runtime, "Name of Main Function", execution role ARN, description, tags; the zip is built in memory),
  invoke it, and delete it afterwards when asked — regardless of whether the execution succeeded.

Outputs are the plugin's context variables (`data.<name>`): `invokeResponsePayloadString`, `functionName`,
`functionWasCreated`, `functionWasInvoked`, `functionWasDeleted` ("true"/"false"), `invokeFunctionError`
("Handled"/"Unhandled"/None), `invokeExecutionLog` (the last 4 KB of the execution log). Only the function's
return value is the result: what it prints is only in the log.
"""
from __future__ import annotations

import io
import logging
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from designer.aws.credentials import AwsCredentials
from designer.aws.errors import LambdaError, LambdaInvalidRequestError
from designer.aws.invoker import (
    LOG_TAIL_LIMIT,
    Invoker,
    InvokeRequest,
    InvokeResult,
    RetryPolicy,
)

log = logging.getLogger(__name__)

_SOURCE_FILES = (  # runtime prefix → (file name in the zip, handler module)
    ("python", "lambda_function.py", "lambda_function"),
    ("nodejs", "index.js", "index"),
    ("ruby", "lambda_function.rb", "lambda_function"),
)
INVOCATION_TYPES = {"RequestResponse": "RequestResponse", "Request": "RequestResponse", "Event": "Event"}


@dataclass
class RunbookResult:
    outputs: dict[str, Any]  # the step's context variables (data.<name>)
    invoke: InvokeResult | None = None
    error: LambdaError | None = None  # why the step failed, when it did (besides a function error)
    cleanup_error: LambdaError | None = None  # a failed delete (the step still reports it)
    log: list[str] = field(default_factory=list)  # step log lines, as the plugin would print them

    @property
    def ok(self) -> bool:
        return self.error is None and self.outputs.get("invokeFunctionError") is None


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _log_tail(result: InvokeResult | None) -> str:
    if result is None:
        return ""
    data = result.log_tail.encode("utf-8")
    return data[-LOG_TAIL_LIMIT:].decode("utf-8", errors="ignore")


def _invocation_type(value: str) -> str:
    try:
        return INVOCATION_TYPES[value or "RequestResponse"]
    except KeyError:
        raise LambdaInvalidRequestError(
            f"Unknown invocation type '{value}'.", hint="Use RequestResponse (Request) or Event."
        ) from None


def runbook_invoke(
    credentials: AwsCredentials,
    function: str,
    *,
    payload: Any = "",
    invocation_type: str = "RequestResponse",
    qualifier: str = "",
    client_context: dict[str, Any] | None = None,
    timeout: float = 60.0,
    invoker: Invoker | None = None,
) -> RunbookResult:
    """The Invoke step. Call failures are in `result.error` (the step fails), never raised."""
    invoker = invoker or Invoker()
    outputs: dict[str, Any] = {
        "invokeResponsePayloadString": "",
        "functionName": function,
        "functionWasInvoked": "false",
        "invokeFunctionError": None,
        "invokeExecutionLog": "",
    }
    try:
        kind = _invocation_type(invocation_type)
        result = invoker.invoke(InvokeRequest(
            credentials, function, payload if payload not in (None, "") else b"{}", qualifier=qualifier,
            invocation_type=kind, client_context=client_context,  # type: ignore[arg-type]
            log_tail=kind == "RequestResponse", timeout=timeout, retry=RetryPolicy()))
    except LambdaError as exc:
        return RunbookResult(outputs, None, exc, log=[f"Invoke failed: {exc.message}"])
    outputs.update(
        invokeResponsePayloadString=result.payload_text,
        functionWasInvoked="true",
        invokeFunctionError=result.function_error,
        invokeExecutionLog=_log_tail(result),
        statusCode=result.status_code,
        executedVersion=result.executed_version,
    )
    return RunbookResult(outputs, result, None, log=[result.payload_text] if result.payload_text else [])


def build_code_zip(code: str, runtime: str) -> tuple[bytes, str]:
    """(zip bytes with the code as the runtime's conventional file, handler module name)."""
    for prefix, file_name, module in _SOURCE_FILES:
        if runtime.startswith(prefix):
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                info = zipfile.ZipInfo(file_name, date_time=(2020, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, code)
            return buf.getvalue(), module
    raise LambdaInvalidRequestError(
        f"The runtime '{runtime}' is not an interpreted Lambda runtime.",
        hint="Use a Python, Node.js or Ruby runtime (e.g. python3.12); compiled languages are not available.",
    )


def generated_function_name() -> str:
    """`rundeck-generated-function-<timestamp>` (milliseconds), like the plugin."""
    return f"rundeck-generated-function-{int(time.time() * 1000)}"


def _wait_active(invoker: Invoker, creds: AwsCredentials, name: str, state: str | None, deadline: float,
                 read_timeout: float) -> None:
    """Real AWS creates functions in state Pending; invoking before Active fails. A replay has no need to wait."""
    while state == "Pending" and time.monotonic() < deadline:
        if not invoker.replaying:
            time.sleep(0.5)
        state = invoker.call_api(creds, "GetFunctionConfiguration", {"FunctionName": name},
                                 read_timeout=read_timeout).get("State")


def runbook_custom_code(
    credentials: AwsCredentials,
    *,
    code: str,
    role_arn: str,
    runtime: str = "python3.12",
    handler_name: str = "lambda_handler",
    description: str = "",
    tags: Mapping[str, str] | None = None,
    payload: Any = "",
    delete_after: bool = True,
    function_name: str = "",
    function_timeout: int = 60,
    memory_size: int = 128,
    timeout: float = 120.0,
    invoker: Invoker | None = None,
) -> RunbookResult:
    """The Custom Code Execution step: create → invoke (RequestResponse, with the log tail) → delete.

    `handler_name` is the plugin's "Name of Main Function"; the handler is `<module>.<handler_name>`
    (`lambda_function` for Python/Ruby, `index` for Node.js). Deleting happens whenever `delete_after`
    and the function was created, even if the invocation failed. Failures are in `result.error`.
    """
    invoker = invoker or Invoker()
    name = function_name or generated_function_name()
    outputs: dict[str, Any] = {
        "invokeResponsePayloadString": "",
        "functionName": name,
        "functionWasCreated": "false",
        "functionWasInvoked": "false",
        "functionWasDeleted": "false",
        "invokeFunctionError": None,
        "invokeExecutionLog": "",
    }
    steps: list[str] = []
    started = time.monotonic()
    deadline = started + timeout
    try:
        zip_bytes, module = build_code_zip(code, runtime)
        if not handler_name.strip():
            raise LambdaInvalidRequestError("The Name of Main Function is empty.",
                                            hint="Name the handler function defined in the code, e.g. lambda_handler.")
        if not role_arn.strip():
            raise LambdaInvalidRequestError("No execution role ARN given.",
                                            hint="Give the function's IAM execution role ARN "
                                            "(arn:aws:iam::<account>:role/<name>).")
    except LambdaError as exc:
        return RunbookResult(outputs, None, exc, log=[exc.message])
    read_timeout = float(max(10, int(timeout)))
    params: dict[str, Any] = {
        "FunctionName": name,
        "Runtime": runtime,
        "Role": role_arn,
        "Handler": f"{module}.{handler_name.strip()}",
        "Code": {"ZipFile": zip_bytes},
        "Timeout": int(function_timeout),
        "MemorySize": int(memory_size),
        "Publish": False,
    }
    if description:
        params["Description"] = description
    if tags:
        params["Tags"] = {str(k): str(v) for k, v in tags.items()}
    # a generated name differs at every run: a replay matches without it and takes the recorded one
    match = params if function_name else {**params, "FunctionName": ""}
    try:
        created = invoker.call_api(credentials, "CreateFunction", params, read_timeout=read_timeout, match=match)
    except LambdaError as exc:
        name = outputs["functionName"] = exc.function or name
        return RunbookResult(outputs, None, exc, log=[f"Create function {name} failed: {exc.message}"])
    name = outputs["functionName"] = str(created.get("FunctionName") or name)
    outputs["functionWasCreated"] = "true"
    steps.append(f"Created function {name}")
    result: InvokeResult | None = None
    error: LambdaError | None = None
    try:
        _wait_active(invoker, credentials, name, created.get("State"), deadline, read_timeout)
        result = invoker.invoke(InvokeRequest(
            credentials, name, payload if payload not in (None, "") else b"{}", log_tail=True,
            timeout=max(1.0, deadline - time.monotonic()), retry=RetryPolicy()))
        outputs.update(
            invokeResponsePayloadString=result.payload_text,
            functionWasInvoked="true",
            invokeFunctionError=result.function_error,
            invokeExecutionLog=_log_tail(result),
        )
        steps.append(result.payload_text)
    except LambdaError as exc:
        error = exc
        steps.append(f"Invoke failed: {exc.message}")
    cleanup_error: LambdaError | None = None
    if delete_after:
        try:
            invoker.call_api(credentials, "DeleteFunction", {"FunctionName": name}, read_timeout=read_timeout)
            outputs["functionWasDeleted"] = "true"
            steps.append(f"Deleted function {name}")
        except LambdaError as exc:
            cleanup_error = exc
            steps.append(f"Delete function {name} failed: {cleanup_error.message}")
            log.warning("could not delete %s: %s", name, cleanup_error)
    return RunbookResult(outputs, result, error, cleanup_error, steps)
