"""Qt-free text for the simulator panels: trace lines, call details, dictionary diffs."""
from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

MAX_VALUE = 200


def short(value: Any, limit: int = MAX_VALUE) -> str:
    if isinstance(value, str):
        text = repr(value)
    else:
        try:
            text = json.dumps(value, default=str, ensure_ascii=False)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def trace_line(event: Any) -> str:
    """One line of the trace list: each step, conditions with both sides and the result, actions with params."""
    kind, data, msg = event.kind, event.data or {}, event.message or ""
    if kind == "condition":
        left, right = data.get("left"), data.get("right")
        result = data.get("result")
        cond = data.get("condition", "")
        oper = data.get("oper", "")
        mark = "✔" if result else "✘"
        return f"{mark} condition {cond} {oper}: {short(left, 80)} vs {short(right, 80)} → {bool(result)}"
    if kind == "action":
        params = data.get("params") or data.get("rendered") or {}
        extra = f"  {short(params, 160)}" if params else ""
        return f"▶ {msg}{extra}"
    if kind == "placeholders":
        changed = sorted((data.get("set") or {}).keys()) if isinstance(data.get("set"), dict) else list(
            data.get("set") or [])
        gone = list(data.get("unset") or [])
        parts = []
        if changed:
            parts.append("set " + ", ".join(map(str, changed)))
        if gone:
            parts.append("unset " + ", ".join(map(str, gone)))
        return "   placeholders: " + ("; ".join(parts) or msg)
    icons = {"enter": "→", "outcome": "◇", "call": "⇄", "breakpoint": "●", "pause": "‖", "error": "⚠",
             "guard": "⚠", "stop": "■", "suspend": "…", "resume": "↩", "output": "»", "switch": "⇢"}
    first = msg.splitlines()[0] if msg else ""
    return f"{icons.get(kind, '·')} {kind}: {first}"


def changed_keys(event: Any) -> set[str]:
    if event.kind != "placeholders":
        return set()
    data = event.data or {}
    out: set[str] = set()
    for key in ("set", "unset"):
        value = data.get(key) or []
        out.update(map(str, value.keys() if isinstance(value, dict) else value))
    return out


def _header(headers: Any, name: str) -> str:
    if isinstance(headers, dict):
        for k, v in headers.items():
            if str(k).lower() == name.lower():
                return str(v[0] if isinstance(v, list) and v else v)
    if isinstance(headers, list):
        for item in headers:
            if isinstance(item, (list, tuple)) and len(item) == 2 and str(item[0]).lower() == name.lower():
                return str(item[1])
            if isinstance(item, str) and item.lower().startswith(name.lower() + ":"):
                return item.split(":", 1)[1].strip()
    return ""


def decode_log(value: str) -> str:
    if not value:
        return ""
    try:
        return base64.b64decode(value).decode("utf-8", "replace")
    except (ValueError, TypeError):
        return value


def call_title(call: dict[str, Any]) -> str:
    if call.get("kind") == "lambda":
        return f"Lambda {call.get('function', '')} → {call.get('outcome', '')} ({call.get('duration_ms', '?')} ms)"
    req = call.get("request") or {}
    resp = call.get("response")
    code = resp.get("info", {}).get("http_code") if isinstance(resp, dict) and isinstance(
        resp.get("info"), dict) else None
    what = code if code else (resp.get("error") if isinstance(resp, dict) else "false")
    verb = req.get("verb", req.get("method", "HTTP"))
    return f"{verb} {req.get('url', '')} → {what} ({call.get('duration_ms', '?')} ms)"


def call_details(call: dict[str, Any]) -> dict[str, Any]:
    """Sections for the calls inspector: request (secrets already redacted by the simulator), response,
    function error, decoded log tail, duration, attempts."""
    resp = call.get("response")
    headers = resp.get("headers") if isinstance(resp, dict) else None
    info = resp.get("info") if isinstance(resp, dict) and isinstance(resp.get("info"), dict) else {}
    function_error = call.get("error") if call.get("kind") == "lambda" else _header(headers, "x-amz-function-error")
    log_tail = decode_log(_header(headers, "x-amz-log-result"))
    if not log_tail and isinstance(call.get("result"), dict):
        log_tail = str(call["result"].get("log_tail") or call["result"].get("LogResult") or "")
    attempts = (call.get("attempts") or info.get("attempts")
                or (resp.get("attempts") if isinstance(resp, dict) else None))
    return {
        "title": call_title(call),
        "request": call.get("request") or {k: call.get(k) for k in ("action", "function") if k in call},
        "response": resp if resp is not None else call.get("result"),
        "function_error": function_error or "",
        "log_tail": log_tail,
        "duration_ms": call.get("duration_ms"),
        "attempts": attempts if attempts is not None else 1,
        "mode": call.get("mode", "live"),
    }


def call_text(call: dict[str, Any]) -> str:
    d = call_details(call)
    lines = [d["title"], f"mode: {d['mode']}   duration: {d['duration_ms']} ms   attempts: {d['attempts']}", "",
             "REQUEST", json.dumps(d["request"], indent=2, default=str, ensure_ascii=False), "",
             "RESPONSE", json.dumps(d["response"], indent=2, default=str, ensure_ascii=False)]
    if d["function_error"]:
        lines += ["", "FUNCTION ERROR", str(d["function_error"])]
    if d["log_tail"]:
        lines += ["", "LOG TAIL", d["log_tail"]]
    return "\n".join(lines)


def _connect_contact() -> dict[str, Any]:
    from designer.aws.profiles.connect import default_contact_data  # boto3 behind it: loaded when chosen

    return {"contact": default_contact_data()}


# Starting points for the event placeholders editor: what a chat, an interaction, Amazon Connect's contact and
# Amazon Lex's slots give a behavior (behaviors read them as {{message}}, {{contact.…}}, {{slots.…}}).
EVENT_PRESETS: dict[str, Callable[[], dict[str, Any]]] = {
    "Chat message": lambda: {"message": "hello"},
    "Interaction": lambda: {"interaction": "", "interaction_params": {}},
    "Interaction point": lambda: {"point": "global", "point_params": {}},
    "Connect contact data": _connect_contact,
    "Lex slots": lambda: {"slots": {"FlowerType": "roses", "PickupDate": "2030-01-01"}},
}


def merge_event_json(text: str, preset: dict[str, Any]) -> str:
    """`text` (a JSON object, or empty) with the preset's keys added; keys already there are kept. Raises
    ValueError when `text` is not a JSON object."""
    current = json.loads(text) if text.strip() else {}
    if not isinstance(current, dict):
        raise ValueError("event placeholders must be a JSON object")
    return json.dumps({**preset, **current}, indent=2, ensure_ascii=False)
