"""Generated packages for benchmarks: realistic shapes (switches, outcomes with conditions, action lists,
loops, subroutines) at any size, deterministic for a given seed."""
from __future__ import annotations

import random
from typing import Any


def _action(rng: random.Random, i: int) -> dict[str, Any]:
    kind = rng.random()
    if kind < 0.5:
        return {"action": "send_message", "message": f"Step {i}: {{{{message}}}} #{{{{counter}}}}", "format": "",
                "delay_ms": "0"}
    if kind < 0.8:
        return {"action": "_set_custom_var", "var": f"v{i % 50}", "value": f"{{{{counter + {i % 7}}}}}", "format": ""}
    return {"action": "_set_custom_var", "var": "counter", "value": "{{counter + 1}}", "format": ""}


def _node(rng: random.Random, counter: list[int], budget: int, depth: int, kind: str) -> dict[str, Any]:
    counter[0] += 1
    i = counter[0]
    node: dict[str, Any] = {"type": kind, "title": f"{kind} {i}", "status": "live"}
    if kind == "action":
        node["params"] = {"actions": [_action(rng, i) for _ in range(rng.randint(1, 3))]}
        return node
    if kind == "outcome":
        node["params"] = {"groups": [{"any": 0, "conditions": [
            {"condition": "_custom_script", "tpl": "{{counter % 3}}", "oper": "is", "value": str(i % 3)}]}]}
    if kind == "loop":
        node["params"] = {"foreach_json": "[1,2]", "as_placeholder": f"item{i}"}
    children = []
    while counter[0] < budget and len(children) < (4 if kind == "switch" else 6):
        if kind == "switch":
            child_kind = "outcome"
        elif depth > 12:
            child_kind = "action"
        else:
            child_kind = rng.choices(["action", "switch", "loop"], weights=[6, 3, 0.3 if depth < 3 else 0])[0]
        children.append(_node(rng, counter, budget, depth + 1, child_kind))
    node["nodes"] = children
    return node


def generate_behavior_nodes(nodes: int, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    counter = [0]
    roots = []
    while counter[0] < nodes:
        roots.append(_node(rng, counter, nodes, 0, rng.choice(["action", "switch", "switch"])))
    return roots


def generate_package(nodes: int = 10_000, behaviors: int = 1, seed: int = 1) -> dict[str, Any]:
    """A package whose behaviors hold `nodes` nodes in all."""
    per = max(1, nodes // behaviors)
    return {
        "package": {"name": f"Generated {nodes}", "revision": 1, "requires": {"cerb_version": "9.1.0", "plugins": []},
                    "configure": {"prompts": [], "placeholders": []}},
        "bots": [{
            "uid": "bot_1", "name": "Generated", "owner": {"context": "cerberusweb.contexts.app", "id": 0},
            "is_disabled": False, "params": {"config": None, "events": {"mode": "all", "items": []},
                                             "actions": {"mode": "all", "items": []}},
            "behaviors": [{
                "uid": f"behavior_{b + 1}", "title": f"Generated {b + 1}", "is_disabled": False, "is_private": False,
                "priority": 50, "event": {"key": "event.macro.bot", "label": "Custom behavior on bot"},
                "nodes": generate_behavior_nodes(per, seed + b),
            } for b in range(behaviors)],
        }],
    }
