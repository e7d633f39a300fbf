"""Global actions (cerb-semantics.md §5.2) and the behavior-switching ones."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from designer.model import Behavior
from designer.sim.actions import ActionContext, action
from designer.sim.conditions import _strtotime
from designer.templates.php import php_json_decode, php_json_encode, to_int, to_php_string


def _is_php_empty_raw(value: Any) -> bool:
    return value in (None, "", "0", 0, False, [], {})


@action("_set_custom_var")
def set_custom_var(ctx: ActionContext, a: dict[str, Any]) -> None:
    var, raw = str(a.get("var") or ""), a.get("value")
    # is_simulator_only: set only in simulations, which this always is (a live run would skip it)
    if not var or _is_php_empty_raw(raw):
        ctx.trace(f"_set_custom_var {var or '(no var)'}: no-op (empty placeholder or value)")
        return
    text = ctx.render(raw)
    value: Any = php_json_decode(text) if a.get("format") == "json" else text
    ctx.values[var] = value
    shown = php_json_encode(value, pretty=True, escape_slashes=False) if a.get("format") == "json" else text
    ctx.trace(f">>> Setting custom placeholder {{{{{var}}}}}:\n{shown}", {"var": var})


def format_variable(spec: dict[str, Any], value: Any, now: datetime | None = None) -> tuple[bool, Any]:
    """Cerb's formatVariable: (ok, value); not ok → the input is dropped. `now` anchors relative dates (the
    simulator's clock, which SimOptions.now may pin)."""
    code = str(spec.get("type", "S"))
    if code in ("S", "T", "U"):
        return True, to_php_string(value) if not isinstance(value, (dict, list)) else value
    if code == "D":
        listed = str((spec.get("params") or {}).get("options", ""))
        options = [o.strip() for o in re.split(r"\r?\n", listed) if o.strip()]
        text = to_php_string(value)
        return (text in options), text
    if code in ("N", "O", "Y", "L"):
        return True, to_int(value)
    if code == "C":
        return True, 0 if _is_php_empty_raw(value) else 1
    if code == "E":
        if re.fullmatch(r"-?\d+", to_php_string(value).strip()):
            return True, int(to_php_string(value))
        when = _strtotime(value, now or datetime.now(UTC))
        return (when is not None), int(when.timestamp()) if when is not None else None
    if code.startswith("ctx_") or code == "contexts":
        ids = php_json_decode(value) if isinstance(value, str) else value
        return True, ids if isinstance(ids, (list, dict)) else []
    if code == "W":
        return True, to_int(value)
    return True, value


def format_inputs(behavior: Behavior, given: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    defs = behavior.variable_defs
    out: dict[str, Any] = {}
    for key, value in given.items():
        spec = defs.get(key)
        if spec is None:
            out[key] = value
            continue
        ok, formatted = format_variable(spec, value, now)
        if ok:
            out[key] = formatted
    return out


@action("var_*")
def set_variable(ctx: ActionContext, a: dict[str, Any]) -> None:
    key = ctx.key
    spec = ctx.fr.behavior.variable_defs.get(key, {"type": "S"})
    code = str(spec.get("type", "S"))
    if code == "C":
        value: Any = 1 if to_int(a.get("value", 0)) else 0
    elif code == "W":
        ids = a.get("worker_id") or []
        value = to_int(ids[0]) if isinstance(ids, list) and ids else to_int(ctx.render(a.get("value", "")))
    elif code.startswith("ctx_"):
        value = php_json_decode(ctx.render(a.get("value", "[]"))) or []
    else:
        ok, value = format_variable(spec, ctx.render(a.get("value", "")), ctx.it.now())
        if not ok:
            ctx.trace(f"{key}: {value!r} is not a valid {code} value (not set)")
            return
    ctx.values[key] = value
    ctx.trace(f"set variable {key} = {value!r}"[:300], {"var": key})


@action("_run_subroutine")
def run_subroutine(ctx: ActionContext, a: dict[str, Any]) -> None:
    title = str(a.get("subroutine", ""))
    target = ctx.fr.behavior.subroutines().get(title)
    if target is None:
        ctx.trace(f"_run_subroutine: no subroutine titled {title!r} (nothing happens)")
        return
    ctx.fr.goto = target
    ctx.trace(f">>> Running subroutine: {title} (#{target.id})", {"subroutine": title, "target": target.id})


@action("_exit")
def exit_(ctx: ActionContext, a: dict[str, Any]) -> None:
    mode = "suspend" if a.get("mode") == "suspend" else "stop"
    ctx.fr.exit = mode
    ctx.trace(f"exit ({mode})", {"mode": mode})


def _behavior_ref(ctx: ActionContext, a: dict[str, Any]) -> Behavior | None:
    rendered = ctx.render(a.get("behavior_id", ""))
    return ctx.it.sim.configured.behavior_by_id(rendered) or next(
        (b for b in ctx.it.sim.package.all_behaviors() if b.uid == rendered), None)


def _inputs(ctx: ActionContext, a: dict[str, Any], target: Behavior) -> tuple[dict[str, Any], list[str]]:
    given = {k: ctx.render(v) if isinstance(v, str) else v for k, v in a.items() if k.startswith("var_")}
    formatted = format_inputs(target, given, ctx.it.now())
    dropped = sorted(set(given) - set(formatted))
    return formatted, dropped


@action("_run_behavior")
def run_behavior(ctx: ActionContext, a: dict[str, Any]) -> Any:
    from designer.sim import walker
    from designer.sim.conversation import _disabled

    var = str(a.get("var") or "")
    target = _behavior_ref(ctx, a)
    if target is None and not ctx.render(a.get("behavior_id", "")).strip():
        ctx.trace("[ERROR] No behavior is selected. Skipping...", {"behavior_id": a.get("behavior_id")})  # Cerb's
        return None
    if target is None or not var or _disabled(target):
        why = "no such behavior" if target is None else "no output placeholder" if not var else "it is disabled"
        ctx.trace(f"_run_behavior: not run ({why})", {"behavior_id": a.get("behavior_id")})
        return None
    inputs, dropped = _inputs(ctx, a, target)
    described = {"behavior": target.title, "inputs": walker._jsonable(inputs), "dropped": dropped, "var": var}
    if not (ctx.live or str(a.get("run_in_simulator", "0")) == "1"):
        ctx.trace(f">>> Running behavior: {target.title} (not run: run_in_simulator is off)", described)
        return None
    if any(f.behavior is target for f in getattr(ctx.it, "call_stack", [])) or target is ctx.fr.behavior:
        ctx.trace(f"_run_behavior: {target.title!r} is already running (no recursion)", described)
        return None
    if ctx.fr.depth + 1 > ctx.it.options.max_depth:
        raise walker.GuardTripped(f"call depth: more than {ctx.it.options.max_depth} nested behaviors")
    ctx.trace(f">>> Running behavior: {target.title}", described, kind="call")
    sub = ctx.it.new_frame(target, inputs, live=True, interactive=False, depth=ctx.fr.depth + 1)
    return _run_sub(ctx, sub, var)


def _run_sub(ctx: ActionContext, sub: Any, var: str) -> Any:
    from designer.sim import walker
    calls = ctx.it.__dict__.setdefault("call_stack", [])
    calls.append(ctx.fr)
    try:
        yield from walker.run_tree(ctx.it, sub)
    finally:
        calls.pop()
    ctx.values[var] = dict(sub.values)
    ctx.it.trace("call", ctx.node.id, ctx.fr, f"behavior {sub.behavior.title!r} finished; output in {{{{{var}}}}}",
                 {"var": var, "keys": sorted(sub.values)})


@action("switch_behavior")
def switch_behavior(ctx: ActionContext, a: dict[str, Any]) -> None:
    target = _behavior_ref(ctx, a)
    if target is None:
        ctx.trace("switch_behavior: no such behavior (nothing happens)", {"behavior_id": a.get("behavior_id")})
        return
    from designer.sim.walker import CHAT_EVENTS
    if target.event_key not in CHAT_EVENTS:
        ctx.trace(f"switch_behavior: {target.title!r} is not a chat behavior (nothing happens)",
                  {"behavior_uid": target.uid, "event": target.event_key})
        return
    inputs, dropped = _inputs(ctx, a, target)
    interactive = ctx.fr.interactive
    ret = interactive and str(a.get("return", "0")) == "1"
    ctx.fr.switch = {"behavior": target, "variables": inputs, "return": ret}
    if interactive:
        ctx.fr.exit = "suspend"
    ctx.trace(f">>> Using behavior\n{target.title}", {"behavior_uid": target.uid, "return": ret,
                                                        "dropped": dropped})


@action("return_interaction")
def return_interaction(ctx: ActionContext, a: dict[str, Any]) -> None:
    target = _behavior_ref(ctx, a)
    name, interaction = ctx.render(a.get("name", "")), ctx.render(a.get("interaction", ""))
    params_raw = ctx.render(a.get("interaction_params_json", ""))
    params = php_json_decode(params_raw) if params_raw.strip() else {}
    if not isinstance(params, dict):
        params = {}
    params = {re.sub(r"[^A-Za-z0-9\-]", "", str(k)): to_php_string(v).strip() for k, v in params.items()}
    if not name or not interaction or target is None:
        ctx.trace("return_interaction: skipped (no name, interaction or behavior)")
        return
    ctx.fr.menu.append({"name": name, "interaction": interaction, "params": params, "behavior": target,
                        "behavior_id": ctx.render(a.get("behavior_id", ""))})
    ctx.trace(f"menu item {name!r} → {interaction}", {"name": name, "interaction": interaction, "params": params})


@action("return_value")
def return_value(ctx: ActionContext, a: dict[str, Any]) -> None:
    rendered = {k: ctx.render(v) if isinstance(v, str) else v for k, v in a.items() if k != "action"}
    ctx.values.setdefault("_return_values", []).append(rendered)
    ctx.trace("return value", {"value": rendered})


@action("set_bot_name")
def set_bot_name(ctx: ActionContext, a: dict[str, Any]) -> None:
    name = ctx.render(a.get("name", ""))
    ctx.values["interaction_bot_name"] = name
    ctx.trace(f"bot name: {name}", {"name": name})


@action("_get_key")
def get_key(ctx: ActionContext, a: dict[str, Any]) -> None:
    key, var = ctx.render(a.get("key", "")), str(a.get("var") or "")
    value = ctx.it.store.keys.get(key, "")
    if var:
        ctx.values[var] = value
    ctx.effect(f"read bot key {key!r}", {"key": key, "var": var, "value": value})


@action("_set_key")
def set_key(ctx: ActionContext, a: dict[str, Any]) -> None:
    key, value = ctx.render(a.get("key", "")), ctx.render(a.get("value", ""))
    ctx.it.store.keys[key] = value
    ctx.effect(f"would set bot key {key!r}", {"key": key, "value": value,
                                              "expires_at": ctx.render(a.get("expires_at", ""))})


def rendered_params(ctx: ActionContext, a: dict[str, Any]) -> dict[str, Any]:
    def walk(v: Any) -> Any:
        if isinstance(v, str):
            return ctx.render(v)
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v
    return {k: walk(v) for k, v in a.items() if k != "action"}


@action("_schedule_behavior", "_unschedule_behavior", "_get_links", "_get_worklist_metric", "_create_calendar_event",
        "_set_custom_var_snippet", "wgm.aws.bot.action.get_presigned_url")
def described(ctx: ActionContext, a: dict[str, Any]) -> None:
    params = rendered_params(ctx, a)
    var = str(a.get("var") or a.get("response_placeholder") or "")
    if var:  # placeholders the action would fill get an empty value so later steps can read them
        ctx.values.setdefault(var, "")
    ctx.effect(f"not run in the simulator: {ctx.key} {json.dumps(params, default=str)[:300]}", {"params": params})
