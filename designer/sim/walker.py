"""The tree walk (cerb-semantics.md §3) as generators: every node yields itself before it runs (a step point for
stepping and breakpoints), and a suspended action node yields SUSPEND and simply continues when resumed, so a
conversation never replays: the next sibling after the suspended action node runs live, as Cerb's replay does.
"""
from __future__ import annotations

import inspect
import itertools
import json
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from designer.model import Behavior, Node
from designer.model.jsontree import iter_strings
from designer.sim.conditions import condition_types, evaluate_condition, evaluate_groups
from designer.templates.filters import FILTERS
from designer.templates.functions import FUNCTIONS
from designer.templates.php import make_array, php_json_decode

if TYPE_CHECKING:
    from designer.sim.conversation import Interpreter

SUSPEND = object()
AGAIN = "again"  # sent back into a suspended action node: validation failed, run the node again
Step = Generator[Any, Any, Any]
CHAT_EVENTS = ("event.message.chat.worker", "event.message.chat.portal", "event.message.chat.mobile")


class GuardTripped(Exception):
    """A guard (loop cap, call depth) ends the run."""


class LoopStack:
    """A running loop's `X__stack` (§3.2). Cerb array_shifts the current item off and hands out the rest on
    every iteration; copying the rest each time made a loop over n items O(n²). Here the items are read by
    position and the rest is written to the dictionary only when something may read it (`show`): before a node
    whose params could read it, when the loop ends early, and when a conversation hands its dictionary out.
    Meanwhile the dictionary holds `shown`; a behavior that sets `X__stack` replaces it, and the loop follows
    (`adopt`)."""

    __slots__ = ("items", "key", "keys", "pos", "shown")

    def __init__(self, key: str, items: list[Any] | dict[Any, Any]) -> None:
        self.key = key
        self.adopt(items)

    def adopt(self, items: list[Any] | dict[Any, Any]) -> None:
        self.items: Any = items
        self.shown: Any = items
        self.keys = list(items) if isinstance(items, dict) else None
        self.pos = 0

    @property
    def left(self) -> int:
        return len(self.items if self.keys is None else self.keys) - self.pos

    def first(self) -> tuple[Any, Any]:
        if self.keys is None:
            return 0, self.items[self.pos]  # array_shift re-indexes a list: the key is always 0
        key = self.keys[self.pos]
        # array_shift renumbers integer keys from 0 (string keys stay): once anything was shifted off, an
        # integer key at the front is 0
        return (0 if self.pos and isinstance(key, int) else key), self.items[key]

    def shift(self) -> None:
        self.pos += 1

    def show(self, values: dict[str, Any]) -> None:
        if self.pos and values.get(self.key) is self.shown:
            items = self.items
            rest = items[self.pos:] if self.keys is None else _shifted(items, self.keys[self.pos:])
            self.adopt(rest)
            values[self.key] = rest


def _shifted(items: dict[Any, Any], keys: list[Any]) -> list[Any] | dict[Any, Any]:
    """What PHP's array_shift leaves of `items` when `keys` remain: integer keys renumbered 0, 1, … in order,
    string keys kept; an array left with keys 0..n-1 is a list."""
    numbers = itertools.count()
    return make_array([(next(numbers) if isinstance(k, int) else k, items[k]) for k in keys])


# what lets a node's params read a loop's stack: naming it, or a function that hands out the whole dictionary
_STACK_READS = ("__stack", *(name for name, f in (*FUNCTIONS.items(), *FILTERS.items())
                             if getattr(f, "needs_context", False)))


def reads_stacks(n: Node) -> bool:
    return any(word in text for text in iter_strings(n.params) for word in _STACK_READS)


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
    stacks: list[LoopStack] = field(default_factory=list)  # the running loops, outermost first

    def __post_init__(self) -> None:
        self.types = condition_types(self.behavior.event_key, self.behavior.variable_defs)

    def show_stacks(self) -> None:
        """Bring every running loop's `X__stack` in the dictionary up to date (LoopStack)."""
        for stack in self.stacks:
            stack.show(self.values)

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
    if fr.stacks and it.reads_stacks(n):
        fr.show_stacks()
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
    key = as_ + "__stack"
    values[key] = stack
    values[as_ + "__counter"] = 0
    fr.path.append(n.id)
    cap = it.options.loop_cap
    items = LoopStack(key, stack)
    fr.stacks.append(items)
    try:
        while True:
            st = values.get(key)
            if st is not items.shown and isinstance(st, (list, dict)):
                items.adopt(st)  # the behavior set X__stack itself
            if st is not items.shown or not items.left:
                for suffix in ("", "__key", "__stack"):
                    values.pop(as_ + suffix, None)
                it.trace("loop", n.id, fr,
                         f"loop {n.title!r} ends after {values.get(as_ + '__counter')} iteration(s)")
                break
            item_key, value = items.first()
            values[as_ + "__key"] = item_key
            values[as_] = value
            counter = int(values.get(as_ + "__counter") or 0) + 1
            values[as_ + "__counter"] = counter
            if value != "*":  # Cerb 9.6.1+ (strict !==): 9.1.8's loose compare made a 0 item loop forever
                items.shift()
            if counter > cap:
                raise GuardTripped(f"loop cap: loop {n.title!r} ({n.id}) ran {cap} iterations")
            it.trace("loop", n.id, fr, f"loop {n.title!r} iteration {counter}", {"key": _jsonable(item_key),
                                                                                 "value": _jsonable(value)})
            yield from children(it, fr, n)
            if fr.exit:
                return None
    finally:  # ended early (exit, guard, a closed run): the dictionary keeps the items left, as in Cerb
        items.show(values)
        fr.stacks.remove(items)
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
