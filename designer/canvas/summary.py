"""One-line summaries of what a node does, in words (Qt-free helpers used by the canvas items)."""
from __future__ import annotations

from typing import Any

from designer.model import Node
from designer.model.catalogue import action_label

OPERATORS = {
    "is": "is", "!is": "is not", "contains": "contains", "!contains": "does not contain", "like": "is like",
    "!like": "is not like", "regexp": "matches", "!regexp": "does not match", "in": "is in", "!in": "is not in",
    "lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "between": "is between", "!between": "is not between",
    "is_true": "is true", "is_false": "is false",
}


def _short(value: Any, limit: int = 28) -> str:
    if isinstance(value, list):
        text = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = "{…}"
    elif value is None:
        text = ""
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def condition_words(cond: dict[str, Any]) -> str:
    """`message is Hostname`, `{{dns_mode}} is MX`, …"""
    subject = cond.get("condition", "?")
    if subject == "_custom_script":
        subject = _short(cond.get("tpl", "script"), 22)
    subject = str(subject)
    subject = subject.removeprefix("var_")
    oper = cond.get("oper")
    words = OPERATORS.get(str(oper), str(oper) if oper is not None else "")
    value = cond.get("value")
    if value is None and "bool" in cond:
        value = "true" if cond.get("bool") else "false"
    parts = [subject, words, _short(value)]
    return " ".join(p for p in parts if p)


def outcome_summary(node: Node) -> str:
    groups = node.groups
    conds = [c for g in groups for c in (g.get("conditions") or []) if isinstance(c, dict)]
    if not conds:
        return "always"
    if len(conds) == 1:
        return condition_words(conds[0])
    if len(groups) == 1:
        which = "any" if str(groups[0].get("any", 0)) in ("1", "True", "true") else "all"
        return f"{which} of {len(conds)} conditions"
    return f"{len(conds)} conditions in {len(groups)} groups"


def action_words(action: dict[str, Any]) -> str:
    key = str(action.get("action", "?"))
    if key == "_run_subroutine":
        return f"run subroutine {_short(action.get('subroutine', '?'), 20)}"
    return action_label(key)


def node_summary(node: Node) -> str:
    """What the node does, in a few words ("" when the title says it all)."""
    if node.type == "action":
        acts = node.actions
        return "; ".join([action_words(a) for a in acts]) if acts else "no actions"
    if node.type == "outcome":
        return outcome_summary(node)
    if node.type == "loop":
        params = node.params if isinstance(node.params, dict) else {}
        return f"for each {_short(params.get('foreach_json', '…'), 22)} as {params.get('as_placeholder') or '…'}"
    if node.type == "switch":
        n = len(node.children)
        return f"{n} outcome{'s' if n != 1 else ''}"
    if node.type == "subroutine":
        return "subroutine"
    return ""
