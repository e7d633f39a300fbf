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


@action("aws.lambda.connect_invoke", "aws.lambda.lex_codehook", "aws.lambda.invoke", "aws.lambda.custom_code")
def lambda_profile(ctx: ActionContext, a: dict[str, Any]) -> None:
    from designer.aws import profiles
    from designer.sim.actions.http import account_credentials

    params = rendered_params(ctx, a)
    var = str(a.get("var") or "_lambda")
    function = str(params.get("function") or params.get("function_name") or "")
    if not (ctx.live or str(a.get("run_in_simulator", "1")) == "1"):
        ctx.trace(f"{ctx.key}: not run in the simulator", {"params": params})
        return
    outcome, error, result = "Error", "", None
    started = time.monotonic()
    try:
        _, creds, _ = account_credentials(ctx, str(params.get("account_id") or params.get("auth_connected_account_id")
                                                   or ""))
        if creds is None:
            raise ValueError("no AWS connected account (set account_id)")
        if ctx.key == "aws.lambda.invoke":
            res = profiles.runbook_invoke(creds, function, payload=_payload(params))
            result = _plain(res.outputs)
            error = str(res.error or "") or ("function error" if res.outputs.get("FunctionError") else "")
        elif ctx.key == "aws.lambda.custom_code":
            res = profiles.runbook_custom_code(creds, code=str(params.get("code", "")),
                                               role_arn=str(params.get("role_arn", "")), payload=_payload(params))
            result = _plain(res.outputs)
            error = str(res.error or "")
        elif ctx.key == "aws.lambda.connect_invoke":
            parameters = params.get("parameters") if isinstance(params.get("parameters"), dict) else {}
            res = profiles.connect_invoke(creds, function, parameters)  # type: ignore[call-arg]
            result = _plain({"external": res.external, "attributes": res.attributes})
            error = res.error or ""
            outcome = str(res.outcome)
        else:
            event = profiles.build_lex_event(**(params.get("event") if isinstance(params.get("event"), dict) else {}))
            res = profiles.lex_codehook(creds, function, event)
            result = _plain(res)
        if ctx.key != "aws.lambda.connect_invoke":
            outcome = "Error" if error else "Success"
    except Exception as exc:  # noqa: BLE001 - every failure is the Error outcome
        outcome, error = "Error", f"{type(exc).__name__}: {exc}"
    duration_ms = round((time.monotonic() - started) * 1000, 1)
    ctx.values[var] = {"outcome": outcome, "error": error, "result": result}
    call = {"kind": "lambda", "action": ctx.key, "function": function, "outcome": outcome, "error": error,
            "result": result, "duration_ms": duration_ms, "node_id": ctx.node.id, "behavior_uid": ctx.fr.uid}
    ctx.it.calls.append(call)
    ctx.it.trace("call", ctx.node.id, ctx.fr, f"{ctx.key} {function} → {outcome}", call)
