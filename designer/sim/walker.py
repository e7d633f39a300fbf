"""The tree walk (cerb-semantics.md §3) as generators: every node yields itself before it runs (a step point for
stepping and breakpoints), and a suspended action node yields SUSPEND and simply continues when resumed, so a
conversation never replays: the next sibling after the suspended action node runs live, as Cerb's replay does.
"""
from __future__ import annotations

import inspect
import json
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from designer.model import Behavior, Node
from designer.sim.conditions import condition_types, evaluate_condition, evaluate_groups
from designer.templates.php import php_json_decode

if TYPE_CHECKING:
    from designer.sim.conversation import Interpreter

SUSPEND = object()
AGAIN = "again"  # sent back into a suspended action node: validation failed, run the node again
Step = Generator[Any, Any, Any]
CHAT_EVENTS = ("event.message.chat.worker", "event.message.chat.portal", "event.message.chat.mobile")


class GuardTripped(Exception):
    """A guard (loop cap, call depth) ends the run."""


@dataclass
class Frame:
    """One running behavior: its dictionary, path, exit state and pending prompt/switch."""

    behavior: Behavior
    values: dict[str, Any]
    live: bool  # side effects really happen (chat conversations, sub-behaviors of _run_behavior)
    interactive: bool  # prompts suspend (chat events in a conversation)
    depth: int = 0
    path: list[int] = field(default_factory=list)
    exit: str | None = None  # 'stop' | 'suspend' | 'exit'
    goto: Node | None = None
    sub_depth: int = 0
    prompt: dict[str, Any] | None = None
    switch: dict[str, Any] | None = None  # a pending switch_behavior
    menu: list[dict[str, Any]] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.types = condition_types(self.behavior.event_key, self.behavior.variable_defs)

    @property
    def uid(self) -> str:
        return self.behavior.uid


def run_tree(it: Interpreter, fr: Frame) -> Step:
    """Node 0: every non-subroutine child in order, until something stops or suspends."""
    it.trace("start", None, fr, f"run behavior {fr.behavior.title!r}", {"title": fr.behavior.title})
    for child in fr.behavior.children:
        if fr.exit:
            break
        if child.type == "subroutine":
            continue
        yield from node(it, fr, child)
    return fr.exit


def node(it: Interpreter, fr: Frame, n: Node) -> Step:
    if fr.exit:
        return None
    status = n.effective_status
    if status == "disabled":
        it.trace("skip", n.id, fr, f"skip disabled {n.type} :: {n.title}")
        return None
    yield n  # the step point: breakpoints, stepping, budget, cancel
    t = n.type
    it.log(fr, f"ENTER {t} :: {n.title}")
    it.trace("enter", n.id, fr, f"ENTER {t} :: {n.title} ({n.id})", {"type": t, "title": n.title})
    if t == "action":
        fr.path.append(n.id)
        yield from action_node(it, fr, n)
        return None if fr.exit else True
    if t == "outcome":
        passed = outcome_passes(it, fr, n)
        if not passed:
            return False
    elif t == "loop":
        return (yield from loop_node(it, fr, n))
    fr.path.append(n.id)
    yield from children(it, fr, n)
    return None if fr.exit else True


def children(it: Interpreter, fr: Frame, n: Node) -> Step:
    switched = False
    is_switch = n.type == "switch"
    for child in n.children:
        if fr.exit:
            return
        if child.type == "subroutine":
            continue
        if is_switch and child.type == "outcome":
            if switched:
                continue
            if (yield from node(it, fr, child)):
                switched = True
        else:
            yield from node(it, fr, child)


def outcome_passes(it: Interpreter, fr: Frame, n: Node) -> bool:
    values, types, now = fr.values, fr.types, it.now()
    current = values.get("_current_time")
    if isinstance(current, (int, float)) or (isinstance(current, str) and current.strip().lstrip("-").isdigit()):
        now = datetime.fromtimestamp(int(current), UTC)  # Cerb: dict._current_time overrides the clock

    def check(cond: dict[str, Any]) -> bool:
        it.log(fr, f"Checking condition `{cond.get('condition')}`...")
        result, left, right, line = evaluate_condition(cond, values, types, lambda s: it.render(fr, s, strict=True),
                                                       now)
        if line and not str(cond.get("condition", "")).startswith(("_day_", "_month_", "_time_")):
            it.log(fr, line)
        it.log(fr, "  ... PASS" if result else "  ... FAIL")
        it.trace("condition", n.id, fr, f"{line} → {'PASS' if result else 'FAIL'}",
                 {"condition": cond.get("condition"), "oper": cond.get("oper"), "left": _jsonable(left),
                  "right": _jsonable(right), "result": result})
        return result

    passed, notes = evaluate_groups(n.groups, check, lambda line: it.log(fr, line))
    it.log(fr, "Using this outcome." if passed else "Skipping this outcome.")
    it.trace("outcome", n.id, fr, f"{'take' if passed else 'skip'} outcome {n.title!r}", {"taken": passed,
                                                                                      "groups": notes})
    return passed


def loop_node(it: Interpreter, fr: Frame, n: Node) -> Step:
    params = n.params if isinstance(n.params, dict) else {}
    as_ = str(params.get("as_placeholder") or "")
    source = str(params.get("foreach_json") or "")
    stack = php_json_decode(it.render(fr, source)) if source else None
    if not source or not as_ or not isinstance(stack, (list, dict)) or not stack:
        it.trace("loop", n.id, fr, f"loop {n.title!r}: nothing to loop over", {"foreach_json": source})
        return False
    values = fr.values
    values[as_ + "__stack"] = stack
    values[as_ + "__counter"] = 0
    fr.path.append(n.id)
    cap = it.options.loop_cap
    while True:
        st = values.get(as_ + "__stack")
        if not isinstance(st, (list, dict)) or not st:
            for suffix in ("", "__key", "__stack"):
                values.pop(as_ + suffix, None)
            it.trace("loop", n.id, fr, f"loop {n.title!r} ends after {values.get(as_ + '__counter')} iteration(s)")
            break
        if isinstance(st, list):
            key, value = 0, st[0]
            rest: Any = st[1:]
        else:
            key = next(iter(st))
            value = st[key]
            rest = {k: v for k, v in st.items() if k != key}
        values[as_ + "__key"] = key
        values[as_] = value
        counter = int(values.get(as_ + "__counter") or 0) + 1
        values[as_ + "__counter"] = counter
        if value != "*":  # Cerb 9.6.1+ (strict !==): 9.1.8's loose compare made a 0 item loop forever
            values[as_ + "__stack"] = rest
        if counter > cap:
            raise GuardTripped(f"loop cap: loop {n.title!r} ({n.id}) ran {cap} iterations")
        it.trace("loop", n.id, fr, f"loop {n.title!r} iteration {counter}", {"key": _jsonable(key),
                                                                             "value": _jsonable(value)})
        yield from children(it, fr, n)
        if fr.exit:
            return None
    return True


def action_node(it: Interpreter, fr: Frame, n: Node) -> Step:
    while True:
        for action in n.actions:
            key = str(action.get("action", ""))
            result = it.run_action(fr, n, action)
            if inspect.isgenerator(result):
                yield from result
            if fr.exit:
                break
            if key == "_run_subroutine" and fr.goto is not None:
                target, fr.goto = fr.goto, None
                fr.sub_depth += 1
                if fr.sub_depth > it.options.max_depth:
                    raise GuardTripped(f"call depth: more than {it.options.max_depth} nested subroutine calls")
                try:
                    yield from node(it, fr, target)
                finally:
                    fr.sub_depth -= 1
                return  # the rest of this action node is dropped; the caller's next siblings run
        if fr.exit == "suspend" and fr.interactive:
            answer = yield SUSPEND
            if answer == AGAIN:
                continue
        return


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)
