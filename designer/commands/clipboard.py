"""Subtrees on the clipboard as Cerb node JSON: a list of node objects exactly as Cerb exports them
(`{"type", "title", "status", "params", "nodes"}`), so copies paste between behaviors, windows and Cerb."""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from designer.errors import DesignerError
from designer.io import PackageFormatError, dumps_json, read_nodes
from designer.model import Node
from designer.model.jsontree import json_depth
from designer.model.nodes import ROOT

MIME_TYPE = "application/x-cerb-nodes+json"  # also put on the clipboard as plain text
# JSON text that deep could not be read back here (as a package file cannot) nor by Cerb (json_decode: 512 levels)
TOO_DEEP_HINT = "use Duplicate to copy it within this package, or make its params less deeply nested"


class ClipboardError(DesignerError):
    """The clipboard does not hold nodes that can be pasted here."""


def nodes_to_clipboard_json(nodes: Iterable[Node]) -> str:
    """Cerb node JSON for `nodes` (each with its subtree); nodes inside another given node are skipped."""
    chosen = list(nodes)
    ids = {n.id for n in chosen}
    top = [n for n in chosen if not _has_ancestor_in(n, ids)]
    try:
        return dumps_json([n.to_json() for n in top])
    except RecursionError:
        deepest = max((m for n in top for m in n.walk()), key=lambda m: json_depth([m.params, m.extra]))
        depth = json_depth([deepest.params, deepest.extra]) - 1
        raise ClipboardError(f"cannot copy {deepest.type} {deepest.title!r}: its params nest {depth} levels deep, "
                             "too deep for node JSON", hint=TOO_DEEP_HINT) from None


def _has_ancestor_in(node: Node, ids: set[int]) -> bool:
    p = node.parent
    while isinstance(p, Node):
        if p.id in ids:
            return True
        p = p.parent
    return False


def _unwrap(data: Any) -> Any:
    # Cerb's own sub-tree export is {"behavior_fragment": {..., "nodes": [...]}}; a whole behavior export
    # {"behavior": {...}} pastes its root nodes
    if isinstance(data, dict) and "type" not in data:
        for key in ("behavior_fragment", "behavior", "nodes"):
            if key in data:
                return _unwrap(data[key])
    return data


def nodes_from_clipboard_json(text: str, parent_kind: str = ROOT) -> list[Node]:
    """Fresh nodes (new ids, no parent) from clipboard text, checked against `parent_kind`'s rules."""
    if not isinstance(text, str) or not text.strip():
        raise ClipboardError("the clipboard is empty", hint="copy one or more nodes first")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ClipboardError(f"the clipboard does not hold node JSON (line {exc.lineno}: {exc.msg})",
                             hint="copy nodes from Bot Designer or Cerb's node export") from None
    except RecursionError:
        raise ClipboardError("the clipboard JSON is nested too deeply to read", hint=TOO_DEEP_HINT) from None
    data = _unwrap(data)
    if isinstance(data, list) and not data:
        raise ClipboardError("the clipboard holds an empty node list")
    if not isinstance(data, (dict, list)):
        raise ClipboardError("the clipboard JSON is not a node or a list of nodes")
    try:
        nodes = read_nodes(data, parent_kind, source="clipboard")
    except PackageFormatError as exc:
        first = exc.problems[0] if exc.problems else None
        where = f" (at {first.path})" if first is not None and first.path else ""
        reason = first.message if first is not None else str(exc)
        raise ClipboardError(f"cannot paste here: {reason}{where}",
                             hint=f"a {parent_kind} may hold only the node types Cerb allows") from None
    if not nodes:
        raise ClipboardError("the clipboard holds no nodes")
    return nodes
