"""Lint rules: problems a package can load with but will not run as meant. Each rule is one function."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from designer.analysis.graph import (
    ROOT_SCOPE,
    BehaviorIndex,
    behavior_graph,
    call_cycles,
    index_behaviors,
    networkx,
    rotated,
    subroutine_graph,
)
from designer.model import LOOP, OUTCOME, SWITCH, Behavior, Node, Package, Problem
from designer.model.bulk import gc_paused
from designer.model.catalogue import is_known_action
from designer.model.links import iter_placeholder_names

if TYPE_CHECKING:
    import networkx as nx

# actions that end or pause a run, so a `["*"]` loop containing one can stop
LOOP_EXITS = {"_exit", "window_close", "switch_behavior", "prompt_wait"}


class Paths:
    """JSON paths of behaviors and nodes, and one walk of each behavior (`index`), computed once per lint run."""

    def __init__(self, package: Package) -> None:
        self.of: dict[int, str] = {}
        self.behavior: dict[int, str] = {}
        self.index: dict[int, BehaviorIndex] = index_behaviors(package)
        for i, bot in enumerate(package.bots):
            for j, behavior in enumerate(bot.behaviors):
                self._add(behavior, f"bots[{i}].behaviors[{j}]")
        for j, behavior in enumerate(package.behaviors):
            self._add(behavior, f"behaviors[{j}]")

    def _add(self, behavior: Behavior, path: str) -> None:
        self.behavior[behavior.id] = path
        stack = [(n, f"{path}.nodes[{k}]") for k, n in enumerate(behavior.children)]
        while stack:
            node, p = stack.pop()
            self.of[node.id] = p
            stack.extend((c, f"{p}.nodes[{k}]") for k, c in enumerate(node.children))


Rule = Callable[[Package, Paths, "nx.MultiDiGraph"], Iterator[Problem]]


def _problem(paths: Paths, node: Node, message: str, code: str, severity: str = "warning") -> Problem:
    return Problem(paths.of.get(node.id, ""), message, code, severity, node_id=node.id)  # type: ignore[arg-type]


def is_unconditional(outcome: Node) -> bool:
    """An outcome with no conditions at all passes always (Cerb's "else")."""
    return all(not isinstance(g.get("conditions"), list) or not g["conditions"] for g in outcome.groups)


def rule_links(package: Package, paths: Paths, graph: nx.MultiDiGraph) -> Iterator[Problem]:
    by_id = {b.uid: b for b in package.all_behaviors()}
    for _, target, data in graph.edges(data=True):
        if not data.get("dangling"):
            continue
        message = f"links to uid {target!r}, which is not in this package"
        node = package.find_node(data["node_id"]) if data.get("node_id") is not None else None
        if node is not None:
            yield _problem(paths, node, message, "dangling-uid", "error")
        else:
            yield Problem(data.get("path", ""), message, "dangling-uid", "error")
    for cycle in call_cycles(graph):
        first = by_id.get(cycle[0])
        path = paths.behavior.get(first.id, "") if first else ""
        yield Problem(path, "behaviors call each other in a loop: " + " → ".join([*cycle, cycle[0]]),
                      "recursive-call", "warning")


def rule_placeholders(package: Package, paths: Paths, graph: nx.MultiDiGraph) -> Iterator[Problem]:
    known = {"uid", "default"}
    for prompt in package.prompts:
        key = str(prompt.get("key", ""))
        known |= {key, key[:-2] + "_context"} if key.endswith("_id") else {key}
    known |= {str(p.get("key", "")) for p in package.placeholders}
    for behavior in package.all_behaviors():
        index = paths.index[behavior.id]
        if not index.tagged:
            continue
        for node in index.nodes:
            for name in dict.fromkeys(iter_placeholder_names(node.params)):
                if name not in known:
                    hint = f" (did you mean {{{{{{uid.{name}}}}}}}?)" if name in graph else ""
                    message = (f"package placeholder {{{{{{{name}}}}}}} is not a prompt or placeholder "
                               f"of this package{hint}")
                    yield _problem(paths, node, message, "unknown-placeholder")


def rule_subroutines(package: Package, paths: Paths, graph: nx.MultiDiGraph) -> Iterator[Problem]:
    nx = networkx()
    for behavior in package.all_behaviors():
        subs = behavior.subroutines()
        calls = subroutine_graph(behavior, paths.index[behavior.id])
        for _, target, node_id in calls.edges(data="node_id"):
            if target not in subs:
                node = package.find_node(node_id)
                if node is not None:
                    yield _problem(paths, node, f"runs subroutine {target!r}, but this behavior has no subroutine with "
                                   "that title", "unknown-subroutine", "error")
        reachable = nx.descendants(calls, ROOT_SCOPE) if ROOT_SCOPE in calls else set()
        for title, node in subs.items():
            if title not in reachable:
                yield _problem(paths, node, f"subroutine {title!r} is never run", "unreachable-subroutine")
        for cycle in map(rotated, nx.simple_cycles(nx.DiGraph(calls))):
            node = subs.get(cycle[0])
            if node is not None and ROOT_SCOPE not in cycle:
                yield _problem(paths, node, "subroutines call each other in a loop: " + " → ".join([*cycle, cycle[0]]),
                               "recursive-call")


def rule_switches(package: Package, paths: Paths, graph: nx.MultiDiGraph) -> Iterator[Problem]:
    for behavior in package.all_behaviors():
        for node in paths.index[behavior.id].nodes:
            if node.type != SWITCH:
                continue
            outcomes = [c for c in node.children if c.type == OUTCOME]
            if not outcomes:
                yield _problem(paths, node, "this decision has no outcomes, so it does nothing", "switch-no-outcome")
            catch_all = None
            for outcome in outcomes:
                if catch_all is not None:
                    yield _problem(paths, outcome, f"never reached: the outcome {catch_all.title!r} before it has no "
                                   "conditions and always passes", "unreachable-outcome")
                elif outcome.effective_status != "disabled" and is_unconditional(outcome):
                    catch_all = outcome


def _loop_can_end(loop: Node, subs: dict[str, Node], as_name: str) -> bool:
    seen: set[int] = set()
    stack = list(loop.children)
    while stack:
        node = stack.pop()
        if node.id in seen:
            continue
        seen.add(node.id)
        stack.extend(node.children)
        for action in node.actions:
            key = action.get("action", "")
            if key in LOOP_EXITS or (isinstance(key, str) and key.startswith("prompt_")):
                return True
            if key == "_set_custom_var" and action.get("var") == f"{as_name}__stack":
                return True  # Cerb's documented way to break a loop
            if key == "_run_subroutine" and action.get("subroutine") in subs:
                stack.append(subs[action["subroutine"]])
    return False


def rule_loops(package: Package, paths: Paths, graph: nx.MultiDiGraph) -> Iterator[Problem]:
    for behavior in package.all_behaviors():
        subs = behavior.subroutines()
        for node in paths.index[behavior.id].nodes:
            if node.type != LOOP or not isinstance(node.params, dict):
                continue
            source = node.params.get("foreach_json", "")
            try:
                items = json.loads(source) if isinstance(source, str) else None
            except ValueError:
                items = None
            if items == ["*"] and not _loop_can_end(node, subs, str(node.params.get("as_placeholder", ""))):
                yield _problem(paths, node, 'this ["*"] loop has no prompt, exit or stack change inside: it spins '
                               "forever", "endless-loop", "error")


def rule_titles_and_actions(package: Package, paths: Paths, graph: nx.MultiDiGraph) -> Iterator[Problem]:
    for behavior in package.all_behaviors():
        if not behavior.title.strip():
            yield Problem(paths.behavior.get(behavior.id, ""), "the behavior has no title", "empty-title", "warning")
        variables = behavior.variable_defs
        index = paths.index[behavior.id]
        for node in index.nodes:
            if not node.title.strip():
                yield _problem(paths, node, f"this {node.type} has no title", "empty-title")
        for node, action in index.actions:
            key = action.get("action")
            if isinstance(key, str) and not is_known_action(key, variables):
                yield _problem(paths, node, f"unknown action {key!r}: kept as it is, but the simulator cannot run it",
                               "unknown-action")


RULES: tuple[Rule, ...] = (
    rule_links, rule_placeholders, rule_subroutines, rule_switches, rule_loops, rule_titles_and_actions,
)


def lint(package: Package) -> list[Problem]:
    """Every lint problem, errors first, then in document order."""
    with gc_paused():
        paths = Paths(package)
        graph = behavior_graph(package, paths.index)
        found = [p for rule in RULES for p in rule(package, paths, graph)]
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda p: order[p.severity])

