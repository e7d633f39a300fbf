"""The event placeholders each event gives a behavior (cerb-semantics.md §5.3)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from designer.model import Behavior
from designer.sim.types import DEFAULT_WORKER

if TYPE_CHECKING:
    from designer.sim.conversation import Simulator


def worker_values(worker: dict[str, Any]) -> dict[str, Any]:
    w = {**DEFAULT_WORKER, **worker}
    if "full_name" not in worker and ("first_name" in worker or "last_name" in worker):
        w["full_name"] = f"{w.get('first_name', '')} {w.get('last_name', '')}".strip()
    out = {f"worker_{k}": v for k, v in w.items()}
    out["worker__label"] = w.get("full_name", "")
    return out


def event_values(sim: Simulator, behavior: Behavior, extra: dict[str, Any]) -> dict[str, Any]:
    key = behavior.event_key
    bot = behavior.bot
    values: dict[str, Any] = {
        "behavior_id": sim.behavior_id(behavior), "behavior_name": behavior.title, "behavior__label": behavior.title,
        "behavior_priority": behavior.priority, "behavior_event_point": key, "behavior_uid": behavior.uid,
        "behavior_bot_name": bot.name if bot is not None else "",
    }
    if key.startswith(("event.message.chat", "event.interaction")) or "worker" in key:
        values.update(worker_values(sim.options.worker))
    if key.startswith("event.message.chat"):
        values.update({"message": "", "interaction": "", "interaction_params": {}, "interaction_bot_name":
                       bot.name if bot is not None else "", "interaction_bot_image": "", "interaction_behavior_id": 0,
                       "interaction_behavior_has_parent": False})
        values.update({f"client_{k}": "" for k in ("browser", "browser_version", "ip", "platform", "time", "url")})
    elif key == "event.interaction.chat.worker":
        values.update({"interaction": "", "interaction_params": {}})
        values.update({f"client_{k}": "" for k in ("browser", "browser_version", "ip", "platform", "time", "url")})
    elif key == "event.interactions.get.worker":
        values.update({"point": "global", "point_params": {}})
    elif key == "event.webhook.received":  # Event_WebhookReceived: the request's parts as http_* placeholders
        request = extra.get("http_request")
        request = request if isinstance(request, dict) else {}
        values.update({f"http_{k}": request.get(k, empty) for k, empty in (
            ("verb", ""), ("path", ""), ("headers", {}), ("params", {}), ("body", ""), ("client_ip", ""))})
    if bot is not None:
        bot_id = sim.configured.id_of(bot.uid)
        values.update({"va_id": bot_id if bot_id is not None else 0, "va_name": bot.name, "va__label": bot.name,
                       "va_is_disabled": bool(bot.is_disabled), "_trigger_va_id": bot_id})
    values.update(extra)
    return values


def listens_at(behavior: Behavior, point: str) -> bool:
    """`listen_points`: a CRLF list of `*` wildcards (a `*` entry = every point)."""
    raw = str(behavior.event_params.get("listen_points", "") or "")
    for entry in re.split(r"[\r\n]+", raw):
        entry = entry.strip()
        if not entry:
            continue
        pattern = "^" + ".*?".join(re.escape(p) for p in entry.split("*")) + "$"
        if re.match(pattern, point, re.IGNORECASE):
            return True
    return False
