"""The Lambda caller-profile actions (`aws.lambda.*`): a step each, with its Success/Error outcome exposed as a
placeholder for the following switch:

    {{<var>.outcome}}   "Success" | "Error"      (var = the action's `var`, default `_lambda`)
    {{<var>.error}}     why it failed ('' on Success)
    {{<var>.result}}    the profile's outputs (Connect: external/attributes, Lex: the response, Runbook: outputs)

Per-conversation state (`Interpreter.profile_state`, so it survives prompts, `switch_behavior` and returns):
the Connect contact (its persistent attributes, the latest `External`, the 20 s chain budget) and the Lex V1
sessions (session attributes per bot/alias/user). Its current values are also placeholders:
`contact_attributes`, `contact_external`, `lex_session_attributes`. See docs/simulator.md.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, is_dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from designer.sim.actions import ActionContext, action
from designer.sim.actions.core import rendered_params
from designer.templates.php import php_json_decode

if TYPE_CHECKING:
    from designer.aws.credentials import AwsCredentials
    from designer.aws.profiles import ConnectChainBudget

_TRUE = ("1", "true", "yes", "on")
_COPY_ALL = ("1", "*", "all", "true", "yes")


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        try:
            return {k: _plain(v) for k, v in asdict(value).items()}
        except Exception:  # noqa: BLE001 - a dataclass asdict cannot copy is shown as its repr
            return repr(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _payload(params: dict[str, Any]) -> Any:
    raw = params.get("payload", params.get("payload_json", ""))
    if isinstance(raw, str) and raw.strip():
        decoded = php_json_decode(raw)
        return decoded if decoded is not None else raw
    return raw


def _mapping(value: Any) -> dict[str, Any]:
    """A dict from a dict param or JSON-object text; `key=value` / `key: value` lines too (tags, attributes)."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or not value.strip():
        return {}
    decoded = php_json_decode(value)
    if isinstance(decoded, dict):
        return decoded
    if value.lstrip().startswith(("{", "[")):
        return {}  # broken JSON is not a list of lines
    out: dict[str, Any] = {}
    for line in value.replace("\r\n", "\n").split("\n"):
        sep = "=" if "=" in line and (":" not in line or line.index("=") < line.index(":")) else ":"
        key, found, val = line.partition(sep)
        if found and key.strip():
            out[key.strip()] = val.strip()
    return out


def _number(value: Any, default: float) -> float:
    try:
        return float(str(value).strip()) if str(value or "").strip() else default
    except ValueError:
        return default


def _flag(value: Any, default: bool) -> bool:
    text = str(value if value is not None else "").strip().lower()
    return default if text == "" else text in _TRUE


def _attr_value(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else json.dumps(value)


def _string_map(value: Any) -> dict[str, str]:
    """_mapping() with keys and values as strings (attributes, tags: what AWS takes)."""
    return {str(k): _attr_value(v) for k, v in _mapping(value).items()}


# -- Amazon Connect ------------------------------------------------------------------------------------------
class _Contact(TypedDict):
    attributes: dict[str, str]
    external: dict[str, Any]
    budget: ConnectChainBudget


def _contact(ctx: ActionContext) -> _Contact:
    """The conversation's contact: persistent attributes, the latest External, the chain budget."""
    from designer.aws.profiles import ConnectChainBudget

    state = ctx.it.profile_state
    if "contact" not in state:
        state["contact"] = _Contact(attributes={}, external={},
                                    budget=ConnectChainBudget(ctx.it.options.connect_chain_s))
    contact: _Contact = state["contact"]  # only this function writes the key
    return contact


def contact_data(ctx: ActionContext, attributes: dict[str, str]) -> dict[str, Any]:
    """`default_contact_data()` under the dictionary's `contact` placeholder (nested objects merged one level
    deep), with the contact's persistent attributes over the placeholder's own `Attributes`."""
    from designer.aws.profiles import default_contact_data

    data = default_contact_data()
    given = _mapping(ctx.values.get("contact"))
    for key, value in given.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    given_attributes = given.get("Attributes")
    base = given_attributes if isinstance(given_attributes, dict) else {}
    data["Attributes"] = _string_map({**base, **attributes})
    return data


def _connect(ctx: ActionContext, params: dict[str, Any], creds: Any, function: str, invoker: Any,
             call: dict[str, Any]) -> tuple[str, str, Any]:
    from designer.aws import profiles

    contact = _contact(ctx)
    budget = contact["budget"]
    raw_save = params.get("save_as_attributes")
    copy_all = isinstance(raw_save, str) and raw_save.strip().lower() in _COPY_ALL
    mapping = {} if copy_all else {str(k): str(v) for k, v in _mapping(raw_save).items()}
    cres = profiles.connect_invoke(
        creds, function, _mapping(params.get("parameters")), invoker=invoker,
        contact_data=contact_data(ctx, contact["attributes"]),
        timeout=_number(params.get("timeout"), profiles.connect.MAX_TIMEOUT),
        qualifier=str(params.get("qualifier") or ""),
        # any text but STRING_MAP validates as JSON there, and the error names the text as given
        response_validation=str(params.get("response_validation") or "STRING_MAP"),  # type: ignore[arg-type]
        save_as_attributes=mapping or None, budget=budget)
    copied = dict(cres.attributes)
    if cres.ok and copy_all:
        copied = _string_map(cres.external)
    contact["attributes"].update(copied)  # persistent: every later Connect call sends them
    contact["external"] = dict(cres.external)  # $.External: the latest call's result only ({} on Error)
    ctx.values["contact_attributes"] = dict(contact["attributes"])
    ctx.values["contact_external"] = dict(contact["external"])
    call.update(request=cres.event, timeout_s=round(cres.timeout, 3), chain_used_s=round(budget.used, 3),
                chain_remaining_s=round(budget.remaining, 3))
    result = {"external": cres.external, "attributes": copied, "contact_attributes": dict(contact["attributes"]),
              "problems": list(cres.problems), "timeout": cres.timeout, "chain_remaining": round(budget.remaining, 3)}
    return str(cres.outcome), cres.error or "", _plain(result)


# -- Amazon Lex V1 ---------------------------------------------------------------------------------------------
def _lex_user(ctx: ActionContext, params: dict[str, Any]) -> str:
    for value in (params.get("user_id"), ctx.values.get("user_id"), ctx.values.get("worker_at_mention_name"),
                  ctx.values.get("worker_id")):
        if value not in (None, ""):
            return str(value)
    return "designer-user"


def _lex(ctx: ActionContext, params: dict[str, Any], creds: Any, function: str, invoker: Any,
         call: dict[str, Any]) -> tuple[str, str, Any]:
    from designer.aws import profiles

    bot = (str(params.get("bot_name") or "DesignerBot"), str(params.get("bot_alias") or "$LATEST"),
           str(params.get("bot_version") or "$LATEST"))
    user_id = _lex_user(ctx, params)
    sessions: dict[str, dict[str, str]] = ctx.it.profile_state.setdefault("lex_sessions", {})
    key = f"{bot[0]}/{bot[1]}/{user_id}"
    session = {**sessions.get(key, {}),
               **_string_map(params.get("session_attributes"))}
    slots = _mapping(params.get("slots")) if params.get("slots") not in (None, "") else _mapping(
        ctx.values.get("slots"))
    transcript = params.get("input_transcript")
    try:
        event = profiles.build_lex_event(
            intent_name=str(params.get("intent_name") or "Intent"), slots=slots or None,
            invocation_source=str(params.get("invocation_source") or "FulfillmentCodeHook"),  # type: ignore[arg-type]
            user_id=user_id, session_attributes=session,
            request_attributes=_string_map(params.get("request_attributes")),
            bot_name=bot[0], bot_alias=bot[1], bot_version=bot[2],
            output_dialog_mode="Voice" if str(params.get("output_dialog_mode")) == "Voice" else "Text",
            confirmation_status=str(params.get("confirmation_status") or "None"),
            input_transcript=str(transcript if transcript not in (None, "") else ctx.values.get("message") or ""))
    except profiles.LexCodeHookError as exc:
        return "Error", exc.message, _plain(exc.to_dict())
    call["request"] = event
    try:
        lres = profiles.lex_codehook(creds, function, event, invoker=invoker,
                                     qualifier=str(params.get("qualifier") or ""),
                                     timeout=_number(params.get("timeout"), profiles.lex.LEX_TIMEOUT))
    except profiles.LexCodeHookError as exc:  # the session is unchanged, as in Lex
        ctx.values["lex_session_attributes"] = dict(session)
        return "Error", exc.message, _plain({**exc.to_dict(), "session_attributes": session})
    sessions[key] = dict(lres.session_attributes)  # carried into the next call / turn
    ctx.values["lex_session_attributes"] = dict(lres.session_attributes)
    return "Success", "", _plain({"response": lres.response, "type": lres.type, "message": lres.message,
                                  "session_attributes": lres.session_attributes})


# -- Runbook Automation ----------------------------------------------------------------------------------------
def _runbook_outcome(res: Any) -> tuple[str, str, Any]:
    error = str(res.error.message if res.error is not None else "") or (
        f"function error: {res.outputs.get('invokeFunctionError')}" if res.outputs.get("invokeFunctionError")
        else "")
    outputs = dict(res.outputs)
    if getattr(res, "cleanup_error", None) is not None:
        outputs["cleanupError"] = res.cleanup_error.message
    return ("Error" if error else "Success"), error, _plain(outputs)


def _runbook(ctx: ActionContext, params: dict[str, Any], creds: Any, function: str, invoker: Any,
             call: dict[str, Any]) -> tuple[str, str, Any]:
    from designer.aws import profiles

    if ctx.key == "aws.lambda.invoke":
        context = _mapping(params.get("client_context")) or None
        res = profiles.runbook_invoke(creds, function, payload=_payload(params), invoker=invoker,
                                      invocation_type=str(params.get("invocation_type") or "RequestResponse"),
                                      qualifier=str(params.get("qualifier") or ""), client_context=context,
                                      timeout=_number(params.get("timeout"), 60.0))
        return _runbook_outcome(res)
    tags = _string_map(params.get("tags"))
    res = profiles.runbook_custom_code(
        creds, code=str(params.get("code", "")), role_arn=str(params.get("role_arn", "")),
        runtime=str(params.get("runtime") or "python3.12"),
        handler_name=str(params.get("handler_name") or "lambda_handler"),
        description=str(params.get("description") or ""), tags=tags or None,
        payload=_payload(params), delete_after=_flag(params.get("delete_after"), True),
        function_name=function, function_timeout=int(_number(params.get("function_timeout"), 60)),
        memory_size=int(_number(params.get("memory_size"), 128)),
        timeout=_number(params.get("timeout"), 120.0), invoker=invoker)
    call["function"] = res.outputs.get("functionName", function)
    call["steps"] = list(res.log)
    return _runbook_outcome(res)


_PROFILES = {"aws.lambda.connect_invoke": _connect, "aws.lambda.lex_codehook": _lex,
             "aws.lambda.invoke": _runbook, "aws.lambda.custom_code": _runbook}


@action("aws.lambda.connect_invoke", "aws.lambda.lex_codehook", "aws.lambda.invoke", "aws.lambda.custom_code")
def lambda_profile(ctx: ActionContext, a: dict[str, Any]) -> None:
    from designer.aws.invoker import Invoker
    from designer.sim.actions.http import account_credentials

    params = rendered_params(ctx, a)
    var = str(a.get("var") or "_lambda")
    function = str(params.get("function") or params.get("function_name") or "")
    if not (ctx.live or str(a.get("run_in_simulator", "1")) == "1"):
        ctx.trace(f"{ctx.key}: not run in the simulator", {"params": params})
        return
    started = time.monotonic()
    call: dict[str, Any] = {"kind": "lambda", "action": ctx.key, "function": function}
    try:
        account = str(params.get("account_id") or params.get("auth_connected_account_id") or "")
        creds: AwsCredentials | None
        if ctx.it.options.http_mode == "replay" and ctx.it.sim.cassette is not None:
            from designer.aws.credentials import AwsCredentials
            creds = AwsCredentials(access_key_id="REPLAY", secret_access_key="REPLAY", label="cassette replay")
        else:
            _, creds, _ = account_credentials(ctx, account)
        if creds is None:
            raise ValueError(f"no AWS connected account {account!r} (set account_id)")
        outcome, error, result = _PROFILES[ctx.key](ctx, params, creds, function, Invoker(ctx.it.sim.cassette), call)
    except Exception as exc:  # noqa: BLE001 - every failure is the Error outcome
        outcome, error, result = "Error", f"{type(exc).__name__}: {exc}", None
    duration_ms = round((time.monotonic() - started) * 1000, 1)
    ctx.values[var] = {"outcome": outcome, "error": error, "result": result}
    call.update(outcome=outcome, error=error, result=result, duration_ms=duration_ms, node_id=ctx.node.id,
                behavior_uid=ctx.fr.uid)
    ctx.it.calls.append(call)
    ctx.it.trace("call", ctx.node.id, ctx.fr, f"{ctx.key} {call['function']} → {outcome}", call)
