"""The Lambda caller-profile actions (`aws.lambda.*`): a step each, with its Success/Error outcome exposed as a
placeholder for the following switch:

    {{<var>.outcome}}   "Success" | "Error"      (var = the action's `var`, default `_lambda`)
    {{<var>.error}}     why it failed ('' on Success)
    {{<var>.result}}    the profile's outputs (Connect: external/attributes, Lex: the response, Runbook: outputs)
"""
from __future__ import annotations

import time
from dataclasses import asdict, is_dataclass
from typing import Any

from designer.sim.actions import ActionContext, action
from designer.sim.actions.core import rendered_params
from designer.templates.php import php_json_decode


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        try:
            return {k: _plain(v) for k, v in asdict(value).items()}
        except Exception:  # noqa: BLE001
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
    if isinstance(value, dict):
        return value
    decoded = php_json_decode(value) if isinstance(value, str) and value.strip() else None
    return decoded if isinstance(decoded, dict) else {}


def _call(ctx: ActionContext, params: dict[str, Any], creds: Any, function: str) -> tuple[str, str, Any]:
    """(outcome, error, result) of one caller-profile step."""
    from designer.aws import profiles
    from designer.aws.invoker import Invoker

    invoker = Invoker(ctx.it.sim.cassette)
    if ctx.key == "aws.lambda.invoke":
        res = profiles.runbook_invoke(creds, function, payload=_payload(params), invoker=invoker,
                                      invocation_type=str(params.get("invocation_type") or "RequestResponse"),
                                      qualifier=str(params.get("qualifier") or ""))
        error = str(res.error.message if res.error is not None else "") or (
            f"function error: {res.outputs.get('invokeFunctionError')}" if res.outputs.get("invokeFunctionError")
            else "")
        return ("Error" if error else "Success"), error, _plain(res.outputs)
    if ctx.key == "aws.lambda.custom_code":
        res = profiles.runbook_custom_code(creds, code=str(params.get("code", "")),
                                           role_arn=str(params.get("role_arn", "")),
                                           runtime=str(params.get("runtime") or "python3.12"),
                                           handler_name=str(params.get("handler_name") or "lambda_handler"),
                                           payload=_payload(params), invoker=invoker)
        error = str(res.error.message if res.error is not None else "") or (
            f"function error: {res.outputs.get('invokeFunctionError')}" if res.outputs.get("invokeFunctionError")
            else "")
        return ("Error" if error else "Success"), error, _plain(res.outputs)
    if ctx.key == "aws.lambda.connect_invoke":
        cres = profiles.connect_invoke(creds, function, _mapping(params.get("parameters")), invoker=invoker,
                                       response_validation=str(params.get("response_validation") or "STRING_MAP"),
                                       save_as_attributes=_mapping(params.get("save_as_attributes")) or None)
        return str(cres.outcome), cres.error or "", _plain({"external": cres.external, "attributes": cres.attributes})
    event = profiles.build_lex_event(intent_name=str(params.get("intent_name") or "Intent"),
                                     slots=_mapping(params.get("slots")) or None,
                                     invocation_source=str(params.get("invocation_source") or "FulfillmentCodeHook"),
                                     input_transcript=str(params.get("input_transcript") or ""))
    try:
        lres = profiles.lex_codehook(creds, function, event, invoker=invoker)
    except profiles.LexCodeHookError as exc:
        return "Error", exc.message, _plain(exc.to_dict())
    return "Success", "", _plain({"response": lres.response, "type": lres.type, "message": lres.message,
                                  "session_attributes": lres.session_attributes})


@action("aws.lambda.connect_invoke", "aws.lambda.lex_codehook", "aws.lambda.invoke", "aws.lambda.custom_code")
def lambda_profile(ctx: ActionContext, a: dict[str, Any]) -> None:
    from designer.sim.actions.http import account_credentials

    params = rendered_params(ctx, a)
    var = str(a.get("var") or "_lambda")
    function = str(params.get("function") or params.get("function_name") or "")
    if not (ctx.live or str(a.get("run_in_simulator", "1")) == "1"):
        ctx.trace(f"{ctx.key}: not run in the simulator", {"params": params})
        return
    started = time.monotonic()
    try:
        account = str(params.get("account_id") or params.get("auth_connected_account_id") or "")
        if ctx.it.options.http_mode == "replay" and ctx.it.sim.cassette is not None:
            from designer.aws.credentials import AwsCredentials
            creds = AwsCredentials(access_key_id="REPLAY", secret_access_key="REPLAY", label="cassette replay")
        else:
            _, creds, _ = account_credentials(ctx, account)
        if creds is None:
            raise ValueError(f"no AWS connected account {account!r} (set account_id)")
        outcome, error, result = _call(ctx, params, creds, function)
    except Exception as exc:  # noqa: BLE001 - every failure is the Error outcome
        outcome, error, result = "Error", f"{type(exc).__name__}: {exc}", None
    duration_ms = round((time.monotonic() - started) * 1000, 1)
    ctx.values[var] = {"outcome": outcome, "error": error, "result": result}
    call = {"kind": "lambda", "action": ctx.key, "function": function, "outcome": outcome, "error": error,
            "result": result, "duration_ms": duration_ms, "node_id": ctx.node.id, "behavior_uid": ctx.fr.uid}
    ctx.it.calls.append(call)
    ctx.it.trace("call", ctx.node.id, ctx.fr, f"{ctx.key} {function} → {outcome}", call)
