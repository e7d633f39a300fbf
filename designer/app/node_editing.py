"""Node edits from the Edit menu, used when the canvas has no action of its own (and Add node ▸ …): each one
is a command (or a macro of commands) through the window's `edits`."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QApplication

from designer.commands import MIME_TYPE, nodes_from_clipboard_json, nodes_to_clipboard_json
from designer.errors import DesignerError
from designer.model import ABSENT, Node

NEW_NODE_PARAMS: dict[str, Any] = {
    "action": lambda: {"actions": []},
    "outcome": lambda: {"groups": [{"any": 0, "conditions": []}]},
    "loop": lambda: {"foreach_json": "[]", "as_placeholder": "item"},
}
NEW_NODE_TITLES = {"action": "New action", "switch": "New decision", "outcome": "New outcome", "loop": "New loop",
                   "subroutine": "New subroutine"}


class NodeEditing:
    """Mixed into MainWindow: needs `self.edits`, `self.canvas`, `self._current_behavior`, `self.statusBar()`."""

    edits: Any
    canvas: Any
    _current_behavior: Any

    def selected_nodes(self) -> list[Node]:
        return list(self.canvas.selected_nodes())

    def add_node(self, kind: str) -> Node | None:
        behavior = self._current_behavior
        if self.edits is None or behavior is None:
            return None
        node = Node(kind, NEW_NODE_TITLES[kind], params=NEW_NODE_PARAMS[kind]() if kind in NEW_NODE_PARAMS else ABSENT)
        selected = self.selected_nodes()
        anchor = selected[-1] if selected else None
        candidates: list[tuple[Any, int]] = []
        if anchor is not None:
            candidates.append((anchor, len(anchor.children)))
            if anchor.parent is not None:
                candidates.append((anchor.parent, anchor.index_in_parent() + 1))
        candidates.append((behavior, len(behavior.children)))
        for parent, index in candidates:
            try:
                self.edits.insert_node(parent, index, node)
            except DesignerError:
                continue
            self.canvas.select_nodes([node])
            return node
        self.statusBar().showMessage(f"A {kind} cannot go here", 5000)
        return None

    def delete_nodes(self) -> None:
        nodes = [n for n in self.selected_nodes() if n.parent is not None]
        nodes = [n for n in nodes if not any(o.is_ancestor_of(n) for o in nodes if o is not n)]
        if self.edits is None or not nodes:
            return
        with self.edits.macro("Delete" if len(nodes) > 1 else f"Delete “{nodes[0].title}”"):
            for node in nodes:
                self.edits.remove_node(node)

    def duplicate_nodes(self) -> None:
        if self.edits is None:
            return
        copies = []
        with self.edits.macro("Duplicate"):
            for node in self.selected_nodes():
                copies.append(self.edits.duplicate_node(node))
        if copies:
            self.canvas.select_nodes(copies)

    def copy_nodes(self) -> bool:
        nodes = self.selected_nodes()
        if not nodes:
            return False
        text = nodes_to_clipboard_json(nodes)
        mime = QMimeData()
        mime.setData(MIME_TYPE, text.encode("utf-8"))
        mime.setText(text)
        QApplication.clipboard().setMimeData(mime)
        return True

    def cut_nodes(self) -> None:
        if self.copy_nodes():
            self.delete_nodes()

    def paste_nodes(self) -> None:
        behavior = self._current_behavior
        mime = QApplication.clipboard().mimeData()
        if self.edits is None or behavior is None or mime is None:
            return
        text = bytes(mime.data(MIME_TYPE).data()).decode("utf-8") if mime.hasFormat(MIME_TYPE) else mime.text()
        selected = self.selected_nodes()
        parent: Any = selected[-1] if selected else behavior
        try:
            nodes = nodes_from_clipboard_json(text, parent.type)
        except DesignerError as exc:
            self.statusBar().showMessage(f"Cannot paste: {exc}", 8000)
            return
        try:
            with self.edits.macro("Paste"):
                for node in nodes:
                    self.edits.insert_node(parent, len(parent.children), node)
        except DesignerError as exc:
            self.statusBar().showMessage(f"Cannot paste here: {exc}", 8000)
            return
        self.canvas.select_nodes(nodes)
