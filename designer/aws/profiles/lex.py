"""Amazon Lex V1 code hooks (action key `aws.lambda.lex_codehook`).

Lex invokes the function synchronously with the V1 event (`messageVersion "1.0"`); the function answers
`{"sessionAttributes": {...}, "dialogAction": {...}}`. As Lex reports it (seeds 002/003, Lex V1 runtime API):
a function exception → 424 `DependencyFailedException`; an invalid reply or no reply within 30 s → 424 too;
function concurrency exhausted / throttled → 429 `LimitExceededException`.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from designer.aws.credentials import AwsCredentials
from designer.aws.errors import LambdaError, LambdaThrottledError, LambdaTimeoutError
from designer.aws.invoker import Invoker, InvokeRequest, InvokeResult, RetryPolicy
from designer.errors import DesignerError

InvocationSource = Literal["DialogCodeHook", "FulfillmentCodeHook"]
INVOCATION_SOURCES = ("DialogCodeHook", "FulfillmentCodeHook")
DIALOG_ACTION_TYPES = ("Close", "ElicitSlot", "ConfirmIntent", "ElicitIntent", "Delegate")
FULFILLMENT_STATES = ("Fulfilled", "Failed")
CONTENT_TYPES = ("PlainText", "SSML", "CustomPayload")
CONFIRMATION_STATUSES = ("None", "Confirmed", "Denied")
LEX_TIMEOUT = 30.0  # Lex waits at most 30 s for a code hook


class LexCodeHookError(DesignerError):
    """A code-hook failure the way the Lex runtime API reports it: HTTP status + exception name + message."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str = "", status_code: int, code: str, function: str = "",
                 problems: list[str] | None = None, invoke: InvokeResult | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status_code = status_code
        self.code = code
        self.function = function
        self.problems = list(problems or [])
        self.invoke = invoke

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status_code, "code": self.code, "message": self.message, "hint": self.hint,
                "function": self.function, "problems": self.problems}


class LexDependencyFailedError(LexCodeHookError):
    """424: the function raised, timed out, could not be called, or answered something Lex cannot use."""


class LexInvalidResponseError(LexDependencyFailedError):
    """424 with the validation problems of the reply (Lex: "Invalid Lambda Response")."""


class LexLimitExceededError(LexCodeHookError):
    """429: the function is at maximum concurrency (throttled)."""


@dataclass
class LexCodeHookResult:
    response: dict[str, Any]  # the function's reply, validated
    dialog_action: dict[str, Any]
    session_attributes: dict[str, str]  # what the session carries forward
    event: dict[str, Any]
    invoke: InvokeResult

    @property
    def type(self) -> str:
        return str(self.dialog_action["type"])

    @property
    def message(self) -> dict[str, Any] | None:
        return self.dialog_action.get("message")


def build_lex_event(
    *,
    intent_name: str,
    slots: Mapping[str, Any] | None = None,
    invocation_source: InvocationSource = "FulfillmentCodeHook",
    user_id: str = "designer-user",
    session_attributes: Mapping[str, str] | None = None,
    request_attributes: Mapping[str, str] | None = None,
    bot_name: str = "DesignerBot",
    bot_alias: str = "$LATEST",
    bot_version: str = "$LATEST",
    output_dialog_mode: Literal["Text", "Voice"] = "Text",
    confirmation_status: str = "None",
    input_transcript: str = "",
    slot_details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The Lex V1 input event for a code hook (`requestAttributes` is null when there are none, as in Lex)."""
    if invocation_source not in INVOCATION_SOURCES:
        raise LexCodeHookError(
            f"Unknown invocationSource '{invocation_source}'.", hint="Use DialogCodeHook or FulfillmentCodeHook.",
            status_code=400, code="BadRequestException")
    if confirmation_status not in CONFIRMATION_STATUSES:
        raise LexCodeHookError(
            f"Unknown confirmationStatus '{confirmation_status}'.", hint="Use None, Confirmed or Denied.",
            status_code=400, code="BadRequestException")
    intent: dict[str, Any] = {
        "name": intent_name,
        "slots": dict(slots or {}),
        "confirmationStatus": confirmation_status,
    }
    if slot_details is not None:
        intent["slotDetails"] = dict(slot_details)
    return {
        "messageVersion": "1.0",
        "invocationSource": invocation_source,
        "userId": user_id,
        "sessionAttributes": dict(session_attributes or {}),
        "requestAttributes": dict(request_attributes) if request_attributes else None,
        "bot": {"name": bot_name, "alias": bot_alias, "version": bot_version},
        "outputDialogMode": output_dialog_mode,
        "currentIntent": intent,
        "inputTranscript": input_transcript,
    }


def validate_lex_response(reply: Any, invocation_source: str = "") -> list[str]:
    """Problems with a code hook's reply (empty when Lex would accept it)."""
    if not isinstance(reply, dict):
        return ["the reply must be a JSON object with a dialogAction"]
    problems: list[str] = []
    attrs = reply.get("sessionAttributes")
    if attrs is not None:
        if not isinstance(attrs, dict):
            problems.append("sessionAttributes must be an object of string values")
        else:
            problems += [f"sessionAttributes.{k} must be a string" for k, v in attrs.items() if not isinstance(v, str)]
    action = reply.get("dialogAction")
    if not isinstance(action, dict):
        return [*problems, "dialogAction is missing (it must be an object with a type)"]
    kind = action.get("type")
    if kind not in DIALOG_ACTION_TYPES:
        return [*problems, f"dialogAction.type must be one of {', '.join(DIALOG_ACTION_TYPES)} (got {kind!r})"]

    def need(field_name: str, expected: type | tuple[type, ...], what: str) -> None:
        if field_name not in action or action[field_name] is None:
            problems.append(f"{kind} needs dialogAction.{field_name}")
        elif not isinstance(action[field_name], expected):
            problems.append(f"dialogAction.{field_name} must be {what}")

    if kind == "Close":
        need("fulfillmentState", str, "a string")
        state = action.get("fulfillmentState")
        if isinstance(state, str) and state not in FULFILLMENT_STATES:
            problems.append(f"dialogAction.fulfillmentState must be Fulfilled or Failed (got {state!r})")
    elif kind == "ElicitSlot":
        need("intentName", str, "a string")
        need("slots", dict, "an object")
        need("slotToElicit", str, "a string")
    elif kind == "ConfirmIntent":
        need("intentName", str, "a string")
        need("slots", dict, "an object")
    elif kind == "Delegate":
        need("slots", dict, "an object")
        if invocation_source == "FulfillmentCodeHook":
            problems.append("a fulfillment code hook cannot answer Delegate (Lex: DependencyFailedException)")
    message = action.get("message")
    if message is not None:
        if not isinstance(message, dict):
            problems.append("dialogAction.message must be an object with contentType and content")
        else:
            if message.get("contentType") not in CONTENT_TYPES:
                problems.append(f"dialogAction.message.contentType must be one of {', '.join(CONTENT_TYPES)} "
                                f"(got {message.get('contentType')!r})")
            if not isinstance(message.get("content"), str) or not message.get("content"):
                problems.append("dialogAction.message.content must be a non-empty string")
    card = action.get("responseCard")
    if card is not None and (not isinstance(card, dict) or not isinstance(card.get("genericAttachments", []), list)):
        problems.append("dialogAction.responseCard must be an object with a genericAttachments list")
    return problems


def lex_codehook(
    credentials: AwsCredentials,
    function: str,
    event: Mapping[str, Any],
    *,
    qualifier: str = "",
    timeout: float = LEX_TIMEOUT,
    invoker: Invoker | None = None,
) -> LexCodeHookResult:
    """Invoke a code hook with a `build_lex_event(...)` event; the validated reply, or a `LexCodeHookError`.

    Session attributes carry forward: the reply's `sessionAttributes` replace the session's when present,
    otherwise the event's are kept.
    """
    invoker = invoker or Invoker()
    request = InvokeRequest(credentials, function, dict(event), qualifier=qualifier, log_tail=True,
                            timeout=min(timeout, LEX_TIMEOUT), retry=RetryPolicy(max_attempts=1))
    try:
        result = invoker.invoke(request)
    except LambdaThrottledError as exc:
        raise LexLimitExceededError(
            f"LimitExceededException: the code hook '{function}' is at its maximum concurrency ({exc.message})",
            hint="Raise the function's reserved concurrency or lower the number of simultaneous conversations.",
            status_code=429, code="LimitExceededException", function=function) from exc
    except LambdaTimeoutError as exc:
        raise LexDependencyFailedError(
            f"DependencyFailedException: the code hook '{function}' did not answer within "
            f"{request.timeout:g} s",
            hint="Make the function faster; Lex waits at most 30 seconds.",
            status_code=424, code="DependencyFailedException", function=function) from exc
    except LambdaError as exc:
        raise LexDependencyFailedError(
            f"DependencyFailedException: Lex could not call the code hook '{function}': {exc.message}",
            hint=exc.hint, status_code=424, code="DependencyFailedException", function=function) from exc
    source = str(event.get("invocationSource", ""))
    if result.function_error:
        raise LexDependencyFailedError(
            f"DependencyFailedException: Invalid Lambda Response: Received error response from Lambda: "
            f"{result.function_error}: {result.error_message}",
            hint="The function raised an exception: see its log tail for the stack trace and fix the handler.",
            status_code=424, code="DependencyFailedException", function=function, invoke=result)
    problems = validate_lex_response(result.payload_json, source)
    if problems:
        raise LexInvalidResponseError(
            "DependencyFailedException: Invalid Lambda Response: " + "; ".join(problems),
            hint="Return {\"sessionAttributes\": {...}, \"dialogAction\": {\"type\": ...}} with the fields that "
            "type needs (see the Lex V1 response format).",
            status_code=424, code="DependencyFailedException", function=function, problems=problems,
            invoke=result)
    reply: dict[str, Any] = result.payload_json
    carried = reply.get("sessionAttributes")
    session = dict(carried) if isinstance(carried, dict) else dict(event.get("sessionAttributes") or {})
    return LexCodeHookResult(reply, reply["dialogAction"], session, dict(event), result)
