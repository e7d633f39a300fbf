"""Graphs over a package (networkx): which behavior calls or links to which, and which subroutines call which."""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from designer.model import ACTION, Behavior, Node, Package
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


def iter_actions(behavior: Behavior) -> Iterator[tuple[Node, dict[str, Any]]]:
    for node in behavior.walk():
        if node.type == ACTION:
            for action in node.actions:
                yield node, action


def behavior_graph(package: Package) -> nx.MultiDiGraph:
    """Nodes: every uid in the package (attr `kind`, `obj` for behaviors). Edges: behavior → target, with
    `kind` (an action key, or "link" for any other {{{uid.x}}}) and `node_id` of the action node."""
    graph = networkx().MultiDiGraph()
    for bot in package.bots:
        graph.add_node(bot.uid, kind="bot", obj=bot)
    for behavior in package.all_behaviors():
        graph.add_node(behavior.uid, kind="behavior", obj=behavior)
    for uid in package.uids() - set(graph.nodes):
        graph.add_node(uid, kind="record", obj=None)
    for behavior in package.all_behaviors():
        tagged = mentions_package_tags([n.params for n in behavior.walk() if n.params])
        for node, action in iter_actions(behavior):
            key = action.get("action")
            direct = link_target(action.get("behavior_id")) if key in CALL_ACTIONS else None
            if direct:
                graph.add_edge(behavior.uid, direct, kind=key, node_id=node.id, dangling=direct not in graph)
            if not tagged:
                continue
            for uid in iter_uid_links({k: v for k, v in action.items() if not (direct and k == "behavior_id")}):
                graph.add_edge(behavior.uid, uid, kind="link", node_id=node.id, dangling=uid not in graph)
        for node in behavior.walk() if tagged else ():
            if node.type != ACTION:
                for uid in iter_uid_links(node.params):
                    graph.add_edge(behavior.uid, uid, kind="link", node_id=node.id, dangling=uid not in graph)
    return graph


def subroutine_scope(node: Node) -> str:
    """The title of the subroutine `node` is in, or ROOT_SCOPE."""
    top = node
    while isinstance(top.parent, Node):
        top = top.parent
    return top.title if top.type == "subroutine" else ROOT_SCOPE


def subroutine_graph(behavior: Behavior) -> nx.MultiDiGraph:
    """Nodes: ROOT_SCOPE and each subroutine title. Edges: caller scope → called title (attr node_id)."""
    graph = networkx().MultiDiGraph()
    graph.add_node(ROOT_SCOPE)
    for title, node in behavior.subroutines().items():
        graph.add_node(title, node_id=node.id)
    for node, action in iter_actions(behavior):
        if action.get("action") == "_run_subroutine":
            target = action.get("subroutine")
            graph.add_edge(subroutine_scope(node), target if isinstance(target, str) else "", node_id=node.id)
    return graph


def call_cycles(graph: nx.MultiDiGraph) -> list[list[str]]:
    """Cycles through executing calls (run/switch behavior)."""
    nx = networkx()
    calls = nx.DiGraph()
    calls.add_edges_from((u, v) for u, v, kind in graph.edges(data="kind") if kind in EXECUTING_CALLS)
    return [sorted(c) if len(c) > 1 else c for c in nx.simple_cycles(calls)]
