"""The declarative catalogue of actions (resources/catalogue/actions.json): labels, params and their
editor types. Lint asks it which action keys are known; the properties panel builds forms from it."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from designer.resources import resource_path


@dataclass(frozen=True)
class ActionSpec:
    key: str
    label: str
    events: tuple[str, ...] | None  # None: every event
    params: tuple[dict[str, Any], ...]
    effect: str = ""  # "record": changes Cerb records or sends mail (simulated, never done)


@cache
def action_specs() -> dict[str, ActionSpec]:
    data = json.loads(resource_path("catalogue", "actions.json").read_text(encoding="utf-8"))
    specs = {}
    for key, item in data["actions"].items():
        events = item.get("events", "*")
        specs[key] = ActionSpec(
            key=key,
            label=item.get("label", key),
            events=None if events == "*" else tuple(events),
            params=tuple(item.get("params", ())),
            effect=item.get("effect", ""),
        )
    return specs


def is_known_action(key: str, variables: dict[str, Any] | None = None) -> bool:
    """Known to the catalogue, or a `var_*` action that sets one of the behavior's variables."""
    if key in action_specs():
        return True
    return key.startswith("var_") and (variables is None or key in variables)


def action_label(key: str) -> str:
    spec = action_specs().get(key)
    return spec.label if spec else key
