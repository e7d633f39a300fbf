"""Edit ▸ Add node ▸ …: add a node of a chosen type where Cerb allows it, as one canvas edit (so undo/redo
puts the selection and view back like any other canvas edit)."""
from __future__ import annotations

from typing import Any

from designer.errors import DesignerError
from designer.model import Behavior, Node


class NodeEditing:
    """Mixed into MainWindow: needs `self.package`, `self.canvas`, `self._current_behavior`, `self.statusBar()`."""

    package: Any
    canvas: Any
    _current_behavior: Any

    def selected_nodes(self) -> list[Node]:
        return list(self.canvas.selected_nodes())

    def add_node(self, kind: str) -> Node | None:
        """Inside the selected node, else after it, else at the end of the behavior: the first place where a
        `kind` node is allowed."""
        behavior: Behavior | None = self._current_behavior
        if self.package is None or behavior is None:
            return None
        selected = self.selected_nodes()
        anchor = selected[-1] if selected else None
        candidates: list[tuple[Node | Behavior, int]] = []
        if anchor is not None:
            candidates.append((anchor, len(anchor.children)))
            candidates.append((anchor.parent, anchor.index_in_parent() + 1))
        candidates.append((behavior, len(behavior.children)))
        from designer.canvas.editing import new_node  # the canvas exists by now; the window's frame paints first

        probe = new_node(kind)
        for parent, index in candidates:
            try:
                self.package.check_insert(parent, probe, index)
            except DesignerError:
                continue
            return self.canvas.add_node(parent, index, kind)
        self.statusBar().showMessage(f"A {kind} cannot go here", 5000)  # type: ignore[attr-defined]
        return None
