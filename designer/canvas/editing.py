"""Editing from the canvas: the edit actions, keyboard, clipboard and in-place rename. Every edit becomes a
command pushed on the document's undo stack; illegal edits are refused before anything is pushed."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QUndoCommand
from PySide6.QtWidgets import QLineEdit, QMenu, QWidget

from designer.commands import (
    MIME_TYPE,
    DuplicateNode,
    InsertNode,
    MoveNode,
    RemoveNode,
    SetField,
    check_move,
    macro,
    nodes_from_clipboard_json,
    nodes_to_clipboard_json,
)
from designer.errors import DesignerError
from designer.model import ALLOWED_CHILDREN, NODE_TYPES, Behavior, Node

if TYPE_CHECKING:
    from designer.canvas.view import BehaviorCanvas

log = logging.getLogger(__name__)

STATUS_CYCLE = {"live": "disabled", "disabled": "simulator", "simulator": "live"}
DEFAULT_PARAMS: dict[str, Any] = {
    "action": {"actions": []},
    "outcome": {"groups": []},
    "loop": {"foreach_json": "[]", "as_placeholder": "item"},
}
PREFERRED = ("action", "outcome", "switch", "loop", "subroutine")


def allowed_types(parent: Node | Behavior) -> list[str]:
    allowed = ALLOWED_CHILDREN.get(parent.type, frozenset())
    return [t for t in PREFERRED if t in allowed]


def new_node(kind: str) -> Node:
    import copy

    params = copy.deepcopy(DEFAULT_PARAMS.get(kind)) if kind in DEFAULT_PARAMS else None
    title = {"outcome": "New outcome", "switch": "New decision", "action": "New action", "loop": "New loop",
             "subroutine": "New subroutine"}[kind]
    if params is None:
        return Node(kind, title, status="live")
    return Node(kind, title, status="live", params=params)


def top_level(nodes: list[Node]) -> list[Node]:
    """Drop nodes whose ancestor is also in the list."""
    ids = {n.id for n in nodes}
    out = []
    for n in nodes:
        p, inside = n.parent, False
        while isinstance(p, Node):
            if p.id in ids:
                inside = True
                break
            p = p.parent
        if not inside:
            out.append(n)
    return out


class RenameEditor(QLineEdit):
    """The in-place title editor: Enter commits, Escape cancels, losing focus commits."""

    def __init__(self, parent: QWidget, node: Node, commit: Callable[[Node, str], None]) -> None:
        super().__init__(parent)
        self.node, self._commit, self._done = node, commit, False
        self.setText(node.title)
        self.selectAll()
        self.returnPressed.connect(self.finish)

    def finish(self) -> None:
        if not self._done:
            self._done = True
            self._commit(self.node, self.text())
            self.deleteLater()

    def cancel(self) -> None:
        self._done = True
        self.hide()
        self.deleteLater()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: Any) -> None:
        super().focusOutEvent(event)
        self.finish()


class EditingMixin:
    """Mixed into BehaviorCanvas."""

    # -- pushing -----------------------------------------------------------------------------------------
    def _try(self: BehaviorCanvas, make: Callable[[], QUndoCommand | None],
             after: Callable[[], list[Node]] | None = None) -> bool:
        """Build and push a command; a DesignerError (illegal edit) is reported and nothing is pushed."""
        if self._package is None or self._stack is None:
            return False
        try:
            cmd = make()
        except DesignerError as exc:
            log.info("edit refused: %s", exc.message)
            self.editRefused.emit(exc.message)
            return False
        if cmd is not None:
            self._stamp(cmd, after)
            self._stack.push(cmd)
        self.select_nodes(after() if after else self.selected_nodes())
        if cmd is not None:
            self._record_after()
        return True

    def _stamp(self: BehaviorCanvas, cmd: Any, after: Callable[[], list[Node]] | None) -> None:
        if hasattr(cmd, "view_state"):
            cmd.view_state.update(behavior=self._behavior, selection_before=[n.id for n in self.selected_nodes()],
                                  scroll_before=self._scroll())
            cmd.view_state["after"] = after

    def _in_macro(self: BehaviorCanvas, text: str, body: Callable[[], None],
                  after: Callable[[], list[Node]] | None = None) -> bool:
        if self._stack is None:
            return False
        start = self._stack.index()
        try:
            with macro(self._stack, text):
                body()
        except DesignerError as exc:
            self.editRefused.emit(exc.message)
            return False
        if after is not None:
            self.select_nodes(after())
        if self._stack.index() != start:  # an empty macro is dropped: no step to remember
            self._record_after()
        return True

    def _push_now(self: BehaviorCanvas, cmd: Any, after: Callable[[], list[Node]] | None = None) -> None:
        self._stamp(cmd, after)
        assert self._stack is not None
        self._stack.push(cmd)

    # -- the view state undo/redo puts back ---------------------------------------------------------------
    def view_state(self: BehaviorCanvas) -> dict[str, Any]:
        """Where the view is: the behavior shown, the selected node ids and the scroll (zoom, h, v). Edits made
        outside the canvas (the properties panel) stamp their commands with it."""
        return {"behavior": self._behavior, "selection": [n.id for n in self.selected_nodes()],
                "scroll": self._scroll()}

    def _scroll(self: BehaviorCanvas) -> tuple[float, int, int]:
        return (self.zoom(), self.horizontalScrollBar().value(), self.verticalScrollBar().value())

    def _set_scroll(self: BehaviorCanvas, scroll: tuple[float, int, int]) -> None:
        zoom, h, v = scroll
        if abs(zoom - self.zoom()) > 1e-9:
            self.set_zoom(zoom)
        self.horizontalScrollBar().setValue(h)
        self.verticalScrollBar().setValue(v)

    def _record_after(self: BehaviorCanvas) -> None:
        """Once an edit is made and the view has settled: remember the scroll (and selection) redo goes back to."""
        if self._stack is None or self._stack.index() == 0:
            return
        cmd = self._stack.command(self._stack.index() - 1)
        if cmd is None:
            return
        scroll, selection = self._scroll(), [n.id for n in self.selected_nodes()]
        for c in [cmd.child(i) for i in range(cmd.childCount())] or [cmd]:
            state = getattr(c, "view_state", None)
            if state and state.get("behavior") is self._behavior:
                state["scroll_after"] = scroll
                state.setdefault("selection_after", selection)

    # -- operations (also the public edit API) ------------------------------------------------------------
    def add_node(self: BehaviorCanvas, parent: Node | Behavior, index: int | None, kind: str) -> Node | None:
        node = new_node(kind)
        ok = self._try(lambda: InsertNode(self._package, parent, index, node), lambda: [node])
        return node if ok else None

    def add_child(self: BehaviorCanvas, kind: str | None = None) -> Node | None:
        sel = self.selected_nodes()
        parent: Node | Behavior | None = sel[-1] if sel else self._behavior
        if parent is None:
            return None
        kinds = allowed_types(parent)
        kind = kind or (kinds[0] if kinds else "action")
        if isinstance(parent, Node):
            self._scene.reveal(parent.children[0]) if parent.children else None
            self._scene.set_collapsed(parent, False)
        return self.add_node(parent, None, kind)

    def add_sibling(self: BehaviorCanvas, kind: str | None = None) -> Node | None:
        sel = self.selected_nodes()
        if not sel:
            return self.add_child(kind)
        node = sel[-1]
        parent = node.parent
        kinds = allowed_types(parent)
        kind = kind or (node.type if node.type in kinds else (kinds[0] if kinds else node.type))
        return self.add_node(parent, parent.children.index(node) + 1, kind)

    def delete_selected(self: BehaviorCanvas) -> None:
        nodes = top_level(self.selected_nodes())
        if not nodes or self._package is None:
            return
        first = nodes[0]
        siblings = first.parent.children
        i = siblings.index(first)
        survivor = next((s for s in siblings[i + 1:] + siblings[:i][::-1] if s not in nodes), None)
        if survivor is None and isinstance(first.parent, Node):
            survivor = first.parent
        after = (lambda: [survivor]) if survivor is not None else (list)
        if len(nodes) == 1:
            self._try(lambda: RemoveNode(self._package, first), after)
        else:
            self._in_macro(f"Delete {len(nodes)} nodes",
                           lambda: [self._push_now(RemoveNode(self._package, n), after) for n in nodes], after)

    def duplicate_selected(self: BehaviorCanvas) -> None:
        nodes = top_level(self.selected_nodes())
        made: list[Node] = []

        def body() -> None:
            for n in nodes:
                cmd = DuplicateNode(self._package, n)
                made.append(cmd.copy)
                self._push_now(cmd, lambda: made)

        if len(nodes) == 1:
            made_cmd: dict[str, DuplicateNode] = {}

            def make() -> DuplicateNode:
                made_cmd["cmd"] = DuplicateNode(self._package, nodes[0])
                return made_cmd["cmd"]

            self._try(make, lambda: [made_cmd["cmd"].copy])
        elif nodes:
            self._in_macro(f"Duplicate {len(nodes)} nodes", body, lambda: made)

    def move_selected(self: BehaviorCanvas, delta: int) -> None:
        sel = self.selected_nodes()
        if len(sel) != 1:
            return
        node = sel[0]
        index = node.parent.children.index(node) + delta
        if 0 <= index < len(node.parent.children):
            self._try(lambda: MoveNode(self._package, node, node.parent, index, text=f"Reorder “{node.title}”"),
                      lambda: [node])

    def toggle_status(self: BehaviorCanvas) -> None:
        nodes = self.selected_nodes()
        if not nodes:
            return

        def cmd(n: Node) -> SetField:
            return SetField(self._package, n, "status", STATUS_CYCLE[n.effective_status], merge=False,
                            text=f"Status of “{n.title}”")

        if len(nodes) == 1:
            self._try(lambda: cmd(nodes[0]), lambda: nodes)
        else:
            self._in_macro("Toggle status", lambda: [self._push_now(cmd(n), lambda: nodes) for n in nodes],
                           lambda: nodes)

    def rename(self: BehaviorCanvas, node: Node, title: str) -> bool:
        if title == node.title:
            return False
        return self._try(lambda: SetField(self._package, node, "title", title, merge=False,
                                          text=f"Rename “{node.title}”"), lambda: [node])

    def start_rename(self: BehaviorCanvas, node: Node | None = None) -> RenameEditor | None:
        sel = self.selected_nodes()
        node = node or (sel[0] if sel else None)
        item = self.node_item(node) if node is not None else None
        if item is None:
            return None
        self.ensure_visible(node)
        rect = self.mapFromScene(item.body_scene_rect()).boundingRect()
        editor = RenameEditor(self.viewport(), node, lambda n, t: self.rename(n, t) if t.strip() else None)
        editor.setGeometry(rect.x(), rect.y(), max(rect.width(), 120), max(24, min(rect.height(), 30)))
        editor.show()
        editor.setFocus()
        self._rename_editor = editor
        return editor

    def toggle_breakpoint(self: BehaviorCanvas, node: Node | None = None) -> None:
        sel = self.selected_nodes()
        node = node or (sel[0] if sel else None)
        if node is None:
            return
        ids = set(self._scene.breakpoints)
        ids ^= {node.id}
        self._scene.set_breakpoints(ids)
        self.breakpointToggled.emit(node.id)

    # -- clipboard ----------------------------------------------------------------------------------------
    def copy_selected(self: BehaviorCanvas) -> bool:
        nodes = top_level(self.selected_nodes())
        if not nodes:
            return False
        text = nodes_to_clipboard_json(nodes)
        mime = QMimeData()
        mime.setText(text)
        mime.setData(MIME_TYPE, text.encode("utf-8"))
        QGuiApplication.clipboard().setMimeData(mime)
        return True

    def cut_selected(self: BehaviorCanvas) -> None:
        if self.copy_selected():
            self.delete_selected()

    def paste(self: BehaviorCanvas) -> list[Node]:
        """Paste into the selected node when it may hold the nodes, else after it; else at the root's end."""
        if self._behavior is None or self._package is None:
            return []
        mime = QGuiApplication.clipboard().mimeData()
        text = bytes(mime.data(MIME_TYPE)).decode("utf-8") if mime and mime.hasFormat(MIME_TYPE) else \
            QGuiApplication.clipboard().text()
        sel = self.selected_nodes()
        places: list[tuple[Node | Behavior, int]] = []
        if sel:
            target = sel[-1]
            places.append((target, len(target.children)))
            places.append((target.parent, target.parent.children.index(target) + 1))
        else:
            places.append((self._behavior, len(self._behavior.children)))
        last_error: DesignerError | None = None
        for parent, index in places:
            try:
                nodes = nodes_from_clipboard_json(text, parent.type)
                for n in nodes:
                    self._package.check_insert(parent, n)
            except DesignerError as exc:
                last_error = exc
                continue
            if isinstance(parent, Node):
                self._scene.set_collapsed(parent, False)
            self._insert_all(parent, index, nodes, "Paste")
            return nodes
        if last_error is not None:
            self.editRefused.emit(last_error.message)
        return []

    def _insert_all(self: BehaviorCanvas, parent: Node | Behavior, index: int, nodes: list[Node], verb: str) -> None:
        """Insert fresh `nodes` at `index` as one undo step, then select them."""
        if len(nodes) == 1:
            self._try(lambda: InsertNode(self._package, parent, index, nodes[0], text=f"{verb} “{nodes[0].title}”"),
                      lambda: nodes)
            return

        def body() -> None:
            for i, n in enumerate(nodes):
                self._push_now(InsertNode(self._package, parent, index + i, n, text=f"{verb} “{n.title}”"),
                               lambda: nodes)

        self._in_macro(f"{verb} {len(nodes)} nodes", body, lambda: nodes)

    # -- actions -------------------------------------------------------------------------------------------
    def _make_actions(self: BehaviorCanvas) -> dict[str, QAction]:
        spec: list[tuple[str, str, Any, Callable[[], Any]]] = [
            ("cut", "Cu&t", QKeySequence.StandardKey.Cut, self.cut_selected),
            ("copy", "&Copy", QKeySequence.StandardKey.Copy, self.copy_selected),
            ("paste", "&Paste", QKeySequence.StandardKey.Paste, self.paste),
            ("duplicate", "D&uplicate", "Ctrl+D", self.duplicate_selected),
            ("delete", "&Delete", QKeySequence.StandardKey.Delete, self.delete_selected),
            ("add_child", "Add &child", ["Insert", "Ctrl+Return"], self.add_child),
            ("add_sibling", "Add &sibling", ["Shift+Insert", "Ctrl+Shift+Return"], self.add_sibling),
            ("rename", "&Rename", "F2", self.start_rename),
            ("toggle_status", "Toggle &status (live → disabled → simulator)", "Space", self.toggle_status),
            ("toggle_breakpoint", "Toggle &breakpoint", "F9", self.toggle_breakpoint),
            ("move_up", "Move &up", "Ctrl+Up", lambda: self.move_selected(-1)),
            ("move_down", "Move do&wn", "Ctrl+Down", lambda: self.move_selected(+1)),
            ("collapse", "Collapse / expand", "Ctrl+.", self.toggle_collapse_selected),
            ("zoom_in", "Zoom &in", QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            ("zoom_out", "Zoom &out", QKeySequence.StandardKey.ZoomOut, self.zoom_out),
            ("zoom_fit", "&Fit", "Ctrl+9", self.zoom_fit),
            ("zoom_reset", "&100 %", "Ctrl+0", self.zoom_reset),
        ]
        actions: dict[str, QAction] = {}
        for name, text, keys, slot in spec:
            action = QAction(text, self)
            if isinstance(keys, list):
                action.setShortcuts([QKeySequence(k) for k in keys])
            else:
                action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, slot=slot: slot())
            self.addAction(action)
            actions[name] = action
        return actions

    def _update_actions(self: BehaviorCanvas) -> None:
        sel = self.selected_nodes()
        has_doc = self._behavior is not None and self._stack is not None
        for name in ("cut", "copy", "duplicate", "delete", "rename", "toggle_status", "toggle_breakpoint",
                     "move_up", "move_down", "collapse"):
            self._actions[name].setEnabled(has_doc and bool(sel))
        for name in ("paste", "add_child", "add_sibling"):
            self._actions[name].setEnabled(has_doc)

    def action_for_key(self: BehaviorCanvas, event: Any) -> QAction | None:
        pressed = QKeySequence(event.keyCombination())
        for action in self._actions.values():
            if action.isEnabled() and any(s.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
                                          for s in action.shortcuts()):
                return action
        return None

    def build_context_menu(self: BehaviorCanvas, node: Node | None) -> QMenu:
        menu = QMenu(self)
        parent: Node | Behavior | None = node if node is not None else self._behavior
        if parent is not None:
            sub = menu.addMenu("Add child")
            for kind in allowed_types(parent):
                sub.addAction(kind.capitalize(), lambda k=kind: self.add_child(k))
            sub.setEnabled(bool(allowed_types(parent)))
        if node is not None:
            sib = menu.addMenu("Add sibling")
            for kind in allowed_types(node.parent):
                sib.addAction(kind.capitalize(), lambda k=kind: self.add_sibling(k))
            menu.addSeparator()
            for name in ("rename", "duplicate", "toggle_status", "toggle_breakpoint", "move_up", "move_down",
                         "collapse"):
                menu.addAction(self._actions[name])
            menu.addSeparator()
            for name in ("cut", "copy", "paste", "delete"):
                menu.addAction(self._actions[name])
        else:
            menu.addAction(self._actions["paste"])
            menu.addSeparator()
            for name in ("zoom_fit", "zoom_reset"):
                menu.addAction(self._actions[name])
        return menu


__all__ = ["NODE_TYPES", "EditingMixin", "RenameEditor", "allowed_types", "check_move", "new_node", "top_level"]
