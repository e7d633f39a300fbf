"""Graphs over a package (networkx): which behavior calls or links to which, and which subroutines call which."""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from designer.model import ABSENT, ACTION, Behavior, Node, Package
from designer.model.links import iter_uid_links, link_target, mentions_package_tags

if TYPE_CHECKING:
    import networkx as nx


def networkx() -> Any:
    """networkx, imported on first use: it costs ~0.2 s, which the window's cold start does not pay."""
    import networkx as nx

    return nx


# action key → how it reaches another behavior through its behavior_id param
CALL_ACTIONS = {
    "_run_behavior": "runs",
    "switch_behavior": "switches to",
    "return_interaction": "offers",
    "_schedule_behavior": "schedules",
    "_unschedule_behavior": "unschedules",
}
EXECUTING_CALLS = {"_run_behavior", "switch_behavior"}  # the ones that can recurse at run time
ROOT_SCOPE = ""  # the behavior's main tree, as a caller of subroutines


class BehaviorIndex:
    """One walk of a behavior, shared by the graphs and every lint rule instead of each walking it again: its
    nodes in document order, its (action node, action) pairs, and whether any params hold `{{{ }}}` tags."""

    __slots__ = ("actions", "nodes", "tagged")

    def __init__(self, behavior: Behavior) -> None:
        self.nodes = list(behavior.walk())
        self.actions = [(node, action) for node in self.nodes if node.type == ACTION for action in node.actions]
        self.tagged = mentions_package_tags([n.params for n in self.nodes if n.params])


def index_behaviors(package: Package) -> dict[int, BehaviorIndex]:
    """A BehaviorIndex per behavior id."""
    return {b.id: BehaviorIndex(b) for b in package.all_behaviors()}


def behavior_graph(package: Package, indexes: dict[int, BehaviorIndex] | None = None) -> nx.MultiDiGraph:
    """Nodes: every uid in the package (attr `kind`, `obj` for bots and behaviors). Edges: source → target, with
    `kind` (an action key, or "link" for any other {{{uid.x}}}), `node_id` of the action node (None when the
    link is in a behavior's event or variables, a bot, or a record of another collection: then `path` says
    where) and `dangling` when no object of the package has the target uid."""
    indexes = indexes if indexes is not None else index_behaviors(package)
    graph = networkx().MultiDiGraph()
    for bot in package.bots:
        graph.add_node(bot.uid, kind="bot", obj=bot)
    for behavior in package.all_behaviors():
        graph.add_node(behavior.uid, kind="behavior", obj=behavior)
    for uid in package.uids() - set(graph.nodes):
        graph.add_node(uid, kind="record", obj=None)
    known = frozenset(graph.nodes)  # add_edge adds missing targets, so decide "dangling" against this

    def link(source: str, target: str, kind: str, node_id: int | None, path: str = "") -> None:
        graph.add_edge(source, target, kind=kind, node_id=node_id, path=path, dangling=target not in known)

    for behavior in package.all_behaviors():
        index = indexes[behavior.id]
        tagged = index.tagged
        for node, action in index.actions:
            key = action.get("action")
            direct = None
            if key in CALL_ACTIONS:
                direct = link_target(action.get("behavior_id"))
                if direct:
                    link(behavior.uid, direct, key, node.id)
            if not tagged:
                continue
            for uid in iter_uid_links({k: v for k, v in action.items() if not (direct and k == "behavior_id")}):
                link(behavior.uid, uid, "link", node.id)
        for node in index.nodes if tagged else ():
            if node.type != ACTION:
                for uid in iter_uid_links(node.params):
                    link(behavior.uid, uid, "link", node.id)
    for source, path, value in _non_node_values(package):
        for uid in iter_uid_links(value):
            link(source, uid, "link", None, path)
    return graph


def _non_node_values(package: Package) -> Iterator[tuple[str, str, Any]]:
    """(source uid, JSON path, value) of everything outside the node trees that may hold links."""
    for i, bot in enumerate(package.bots):
        yield bot.uid, f"bots[{i}]", _present(bot.owner, bot.params, bot.extra)
        for j, behavior in enumerate(bot.behaviors):
            yield (behavior.uid, f"bots[{i}].behaviors[{j}]",
                   _present(behavior.event, behavior.variables, behavior.extra))
    for j, behavior in enumerate(package.behaviors):
        yield behavior.uid, f"behaviors[{j}]", _present(behavior.bot_id, behavior.event, behavior.variables,
                                                        behavior.extra)
    for key, items in package.collections.items():
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("uid"), str):
                yield item["uid"], f"{key}[{i}]", item


def _present(*values: Any) -> list[Any]:
    return [v for v in values if v is not ABSENT]


def subroutine_scope(node: Node) -> str:
    """The title of the subroutine `node` is in, or ROOT_SCOPE."""
    top = node
    while isinstance(top.parent, Node):
        top = top.parent
    return top.title if top.type == "subroutine" else ROOT_SCOPE


def subroutine_graph(behavior: Behavior, index: BehaviorIndex | None = None) -> nx.MultiDiGraph:
    """Nodes: ROOT_SCOPE and each subroutine title. Edges: caller scope → called title (attr node_id)."""
    graph = networkx().MultiDiGraph()
    graph.add_node(ROOT_SCOPE)
    for title, node in behavior.subroutines().items():
        graph.add_node(title, node_id=node.id)
    for node, action in (index or BehaviorIndex(behavior)).actions:
        if action.get("action") == "_run_subroutine":
            target = action.get("subroutine")
            graph.add_edge(subroutine_scope(node), target if isinstance(target, str) else "", node_id=node.id)
    return graph


def call_cycles(graph: nx.MultiDiGraph) -> list[list[str]]:
    """Cycles through executing calls (run/switch behavior)."""
    nx = networkx()
    calls = nx.DiGraph()
    calls.add_edges_from((u, v) for u, v, kind in graph.edges(data="kind") if kind in EXECUTING_CALLS)
    return [rotated(c) for c in nx.simple_cycles(calls)]


def rotated(cycle: list[str]) -> list[str]:
    """The cycle in call order, starting at its smallest uid (stable across runs; sorting would scramble it)."""
    start = cycle.index(min(cycle))
    return cycle[start:] + cycle[:start]
