"""Decision-tree nodes and Cerb's structure rules.

A node is `{type, title, status, params, nodes}`; `params` stays the JSON it was read as (action lists,
outcome groups, loop settings), so whatever a catalogue does not know survives untouched.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from designer.model.jsontree import copy_json
from designer.model.records import ABSENT, JsonRecord

SWITCH, OUTCOME, ACTION, LOOP, SUBROUTINE = "switch", "outcome", "action", "loop", "subroutine"
NODE_TYPES = (SWITCH, OUTCOME, ACTION, LOOP, SUBROUTINE)
ROOT = "root"  # the behavior itself, as a parent
STATUSES = ("live", "disabled", "simulator")

# What each kind of parent may hold (Cerb's editor allows exactly these).
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    ROOT: frozenset({ACTION, SWITCH, LOOP, SUBROUTINE}),
    SWITCH: frozenset({OUTCOME}),
    OUTCOME: frozenset({ACTION, SWITCH, LOOP}),
    LOOP: frozenset({ACTION, SWITCH, LOOP}),
    SUBROUTINE: frozenset({ACTION, SWITCH, LOOP}),
    ACTION: frozenset(),
}

_ids = itertools.count(1)


def new_node_id() -> int:
    return next(_ids)


def structure_error(parent_kind: str, child_type: str) -> str | None:
    """Why `child_type` may not go under a `parent_kind`, or None when it may."""
    if child_type not in NODE_TYPES:
        return f"unknown node type {child_type!r} (expected one of {', '.join(NODE_TYPES)})"
    if child_type in ALLOWED_CHILDREN.get(parent_kind, frozenset()):
        return None
    if child_type == OUTCOME:
        return "outcome must be a child of a switch"
    if child_type == SUBROUTINE:
        return "subroutine must be at the behavior's root"
    if parent_kind == SWITCH:
        return f"a switch holds only outcomes, not {child_type}"
    if parent_kind == ACTION:
        return "an action node cannot have children"
    return f"{child_type} cannot be a child of {parent_kind}"


class Node(JsonRecord):
    KEYS = ("type", "title", "status", "params", "nodes")

    __slots__ = ("children", "had_nodes_key", "id", "params", "parent", "status", "title", "type")

    def __init__(
        self,
        type: str,
        title: str,
        *,
        status: str | Any = ABSENT,
        params: Any = ABSENT,
        children: list[Node] | None = None,
    ) -> None:
        super().__init__()
        self.id = new_node_id()  # stable for the node's life: undo, traces and breakpoints use it
        self.type = type
        self.title = title
        self.status = status
        self.params = params
        self.children: list[Node] = []
        self.parent: Any = None  # a Node or a Behavior
        self.had_nodes_key = False
        for child in children or ():
            child.parent = self
            self.children.append(child)

    def __repr__(self) -> str:
        return f"Node#{self.id}({self.type} {self.title!r})"

    # -- JSON -------------------------------------------------------------------------------------
    def known_fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "title": self.title}
        if self.status is not ABSENT:
            out["status"] = self.status
        if self.params is not ABSENT:
            out["params"] = self.params
        if self.children or self.had_nodes_key:
            out["nodes"] = [c.to_json() for c in self.children]
        return out

    # -- convenience views over params ------------------------------------------------------------
    @property
    def effective_status(self) -> str:
        return self.status if isinstance(self.status, str) and self.status in STATUSES else "live"

    @property
    def actions(self) -> list[dict[str, Any]]:
        """An action node's action list (empty for other nodes or malformed params)."""
        if isinstance(self.params, dict):
            acts = self.params.get("actions")
            if isinstance(acts, list):
                return [a for a in acts if isinstance(a, dict)]
        return []

    @property
    def groups(self) -> list[dict[str, Any]]:
        if isinstance(self.params, dict):
            groups = self.params.get("groups")
            if isinstance(groups, list):
                return [g for g in groups if isinstance(g, dict)]
        return []

    @property
    def kind(self) -> str:
        return self.type

    def walk(self) -> Iterator[Node]:
        """This node and all its descendants, depth first in document order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def depth(self) -> int:
        d, p = 0, self.parent
        while isinstance(p, Node):
            d, p = d + 1, p.parent
        return d

    def index_in_parent(self) -> int:
        return self.parent.children.index(self) if self.parent is not None else -1

    def behavior(self) -> Any:
        p = self.parent
        while isinstance(p, Node):
            p = p.parent
        return p

    def clone(self) -> Node:
        """A deep copy with fresh ids (for duplicate and paste)."""
        twin = Node(self.type, self.title, status=self.status, params=copy_json(self.params))
        twin.extra = copy_json(self.extra)
        twin.key_order = self.key_order
        twin.had_nodes_key = self.had_nodes_key
        for child in self.children:
            c = child.clone()
            c.parent = twin
            twin.children.append(c)
        return twin

    def is_ancestor_of(self, other: Node) -> bool:
        p = other.parent
        while isinstance(p, Node):
            if p is self:
                return True
            p = p.parent
        return False
