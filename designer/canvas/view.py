"""BehaviorCanvas: the QGraphicsView that shows one behavior's decision tree and edits it through commands."""
from __future__ import annotations

import contextlib
import logging
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPainter, QUndoStack, QWheelEvent
from PySide6.QtWidgets import QApplication, QGraphicsView, QWidget

from designer.canvas.editing import EditingMixin, RenameEditor, top_level
from designer.canvas.items import BehaviorStubItem, LinkItem, NodeItem
from designer.canvas.scene import MARGIN, BehaviorScene
from designer.commands import MoveNode, check_move
from designer.errors import DesignerError
from designer.model import Behavior, Node, Package
from designer.model.layout import HORIZONTAL

log = logging.getLogger(__name__)

MIN_ZOOM, MAX_ZOOM, STEP = 0.05, 4.0, 1.25


class BehaviorCanvas(QGraphicsView, EditingMixin):
    """Shows one behavior; see docs/canvas.md for the API and interactions."""

    selectionChanged = Signal(list)
    nodeActivated = Signal(object)
    followBehavior = Signal(object, object)  # (target Behavior, the calling action Node)
    behaviorChanged = Signal(object)
    breakpointToggled = Signal(int)
    editRefused = Signal(str)  # why an edit was not made (show it in the status bar)
    zoomChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scene = BehaviorScene(self)
        self.setScene(self._scene)
        self._package: Package | None = None
        self._stack: QUndoStack | None = None
        self._behavior: Behavior | None = None
        self._last_index = 0
        self._press: dict[str, Any] | None = None
        self._drop: tuple[Any, Any, bool] | None = None  # (parent, before-node, ok)
        self._pan_from: QPoint | None = None
        self._rename_editor: RenameEditor | None = None
        self._emitting = False
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self._scene.selectionChanged.connect(self._on_scene_selection)
        self._scene.behaviorRemoved.connect(lambda: self.show_behavior(None, notify=True))
        self._actions = self._make_actions()
        self._update_actions()

    # -- document -------------------------------------------------------------------------------------
    def set_document(self, package: Package | None, undo_stack: QUndoStack | None) -> None:
        if self._stack is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self._stack.indexChanged.disconnect(self._on_index_changed)
        self._package, self._stack = package, undo_stack
        self._behavior = None
        self._scene.set_package(package)
        if undo_stack is not None:
            self._last_index = undo_stack.index()
            undo_stack.indexChanged.connect(self._on_index_changed)
        self._update_actions()

    def package(self) -> Package | None:
        return self._package

    def behavior(self) -> Behavior | None:
        return self._behavior

    def show_behavior(self, behavior: Behavior | None, *, notify: bool = False) -> None:
        if behavior is self._behavior and behavior is not None:
            return
        self._behavior = behavior
        self._scene.set_behavior(behavior)
        self.zoom_reset()
        if behavior is not None and self._scene.items_by_id:
            self.zoom_fit()
            if self.zoom() < 0.6:  # too small to read: 100 % at the top of the tree instead
                self.zoom_reset()
                first = self._scene.items_by_id[behavior.children[0].id].body_scene_rect()
                view = self.mapToScene(self.viewport().rect()).boundingRect()
                self.centerOn(first.center().x(), first.top() - 30 + view.height() / 2)
        self._update_actions()
        self._on_scene_selection()
        if notify:
            self.behaviorChanged.emit(behavior)

    def node_item(self, node: Node | None) -> NodeItem | None:
        self._scene.flush()
        return self._scene.items_by_id.get(node.id) if node is not None else None

    def flush(self) -> None:
        """Apply pending model changes to the scene now (normally done at the next event loop turn)."""
        self._scene.flush()

    # -- selection -------------------------------------------------------------------------------------
    def selected_nodes(self) -> list[Node]:
        self._scene.flush()
        chosen = {i.node.id for i in self._scene.selectedItems() if isinstance(i, NodeItem)}
        return [n for n in self._scene.visible_nodes() if n.id in chosen] if chosen else []

    def select_nodes(self, nodes: list[Node]) -> None:
        self._scene.flush()
        for n in nodes:
            if self._scene.shows(n):
                self._scene.reveal(n)
        wanted = {n.id for n in nodes}
        self._emitting = True
        try:
            for nid, item in self._scene.items_by_id.items():
                item.setSelected(nid in wanted)
        finally:
            self._emitting = False
        self._on_scene_selection()

    def _on_scene_selection(self) -> None:
        if self._emitting:
            return
        self._update_actions()
        self.selectionChanged.emit(self.selected_nodes())

    def ensure_visible(self, node: Node) -> None:
        if not self._scene.shows(node):
            return
        self._scene.reveal(node)
        item = self.node_item(node)
        if item is not None:
            self.ensureVisible(item.body_scene_rect(), 40, 40)

    # -- zoom, orientation, collapse -------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        t = self.transform()
        self.scale(factor / t.m11(), factor / t.m22())
        self.zoomChanged.emit(factor)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / STEP)

    def zoom_reset(self) -> None:
        self.set_zoom(1.0)

    def zoom_fit(self) -> None:
        self._scene.flush()
        # the scene rect is explicit (the layout's bounds plus MARGIN): no item scan needed
        rect = self._scene.sceneRect().adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        if rect.isEmpty():
            return
        self.fitInView(rect.adjusted(-20, -20, 20, 20), Qt.AspectRatioMode.KeepAspectRatio)
        self.set_zoom(min(self.zoom(), 1.0))
        self.centerOn(rect.center())

    def set_orientation(self, orientation: str) -> None:
        self._scene.flush()
        self._scene.set_orientation(orientation)

    def orientation(self) -> str:
        return self._scene.orientation

    def collapse_all(self) -> None:
        self._scene.flush()
        self._scene.collapse_all()

    def expand_all(self) -> None:
        self._scene.flush()
        self._scene.expand_all()

    def set_collapsed(self, node: Node, collapsed: bool) -> None:
        self._scene.flush()
        self._scene.set_collapsed(node, collapsed)

    def is_collapsed(self, node: Node) -> bool:
        return node.id in self._scene.collapsed

    def toggle_collapse_selected(self) -> None:
        for n in top_level(self.selected_nodes()):
            self.set_collapsed(n, not self.is_collapsed(n))

    # -- simulator hooks -------------------------------------------------------------------------------
    def highlight_path(self, node_ids: list[int]) -> None:
        self._scene.flush()
        if self._package is not None and self._behavior is not None:
            wanted = set(node_ids)
            for node in [n for n in self._behavior.walk() if n.id in wanted]:  # one walk, not one per id
                self._scene.reveal(node)
        self._scene.set_highlight(node_ids)

    def clear_highlight(self) -> None:
        self._scene.set_highlight([])

    def set_breakpoints(self, node_ids: set[int]) -> None:
        self._scene.set_breakpoints(set(node_ids))

    def breakpoints(self) -> set[int]:
        return set(self._scene.breakpoints)

    def actions(self) -> dict[str, Any]:  # type: ignore[override]
        """The edit and zoom QActions by name (cut, copy, paste, duplicate, delete, add_child, add_sibling,
        rename, toggle_status, toggle_breakpoint, move_up, move_down, collapse, zoom_in, zoom_out, zoom_fit,
        zoom_reset)."""
        return dict(self._actions)

    def scene(self) -> BehaviorScene:  # type: ignore[override]
        return self._scene

    # -- undo/redo puts the view back --------------------------------------------------------------------
    def _on_index_changed(self, index: int) -> None:
        prev, self._last_index = self._last_index, index
        if self._stack is None or index == prev:
            return
        forward = index > prev
        try:
            cmd = self._stack.command(index - 1 if forward else index)
        except RuntimeError:  # the stack is being destroyed
            return
        if cmd is None:
            return
        cmds = [cmd.child(i) for i in range(cmd.childCount())] or [cmd]
        states = [getattr(c, "view_state", None) for c in cmds]
        states = [s for s in states if s]
        if not states:
            return
        state = states[-1] if forward else states[0]
        if forward and state.pop("fresh", False):
            return  # the push itself, made elsewhere: the view already shows the edit
        after = state.pop("after", None)
        if callable(after):
            state["selection_after"] = [n.id for n in after()]
        behavior = state.get("behavior")
        if behavior is not None and behavior is not self._behavior and self._package is not None \
                and behavior in list(self._package.all_behaviors()):
            self.show_behavior(behavior, notify=True)
        if behavior is not self._behavior:
            return
        ids = state.get("selection_after" if forward else "selection_before") or []
        self._scene.flush()
        nodes = [self._scene.items_by_id[i].node for i in ids if i in self._scene.items_by_id]
        if len(nodes) != len(ids) and self._behavior is not None:
            wanted = set(ids)
            nodes = [n for n in self._behavior.walk() if n.id in wanted]
        self.select_nodes(nodes)
        scroll = state.get("scroll_after" if forward else "scroll_before")
        if scroll is not None:
            self._set_scroll(scroll)  # exactly where the view was (the scene rect is back as it was too)
        elif nodes:
            self.ensure_visible(nodes[0])

    # -- mouse ---------------------------------------------------------------------------------------------
    def _item_at(self, pos: QPoint) -> Any:
        for item in self.items(pos):
            if isinstance(item, (NodeItem, BehaviorStubItem)):
                return item
        return None

    def _link_at(self, pos: QPoint) -> LinkItem | None:
        return next((i for i in self.items(pos) if isinstance(i, LinkItem)), None)

    def follow_link(self, link: LinkItem) -> None:
        """A click on a subroutine call's curve: go to the subroutine."""
        self.select_nodes([link.target])
        self.ensure_visible(link.target)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = pos
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        item = self._item_at(pos)
        if event.button() == Qt.MouseButton.LeftButton and isinstance(item, BehaviorStubItem):
            self.followBehavior.emit(item.target, item.node)
            event.accept()
            return
        link = self._link_at(pos) if item is None else None
        if event.button() == Qt.MouseButton.LeftButton and link is not None:
            self.follow_link(link)
            event.accept()
            return
        if isinstance(item, NodeItem) and event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            part = item.hit_part(item.mapFromScene(self.mapToScene(pos)))
            if event.button() == Qt.MouseButton.LeftButton and part == "gutter":
                self.toggle_breakpoint(item.node)
                event.accept()
                return
            if event.button() == Qt.MouseButton.LeftButton and part == "toggle":
                self.set_collapsed(item.node, not self.is_collapsed(item.node))
                event.accept()
                return
            ctrl = bool(event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier))
            if ctrl and event.button() == Qt.MouseButton.LeftButton:
                item.setSelected(not item.isSelected())
            elif not item.isSelected():
                self.select_nodes([item.node])
            if event.button() == Qt.MouseButton.LeftButton:
                self._press = {"pos": pos, "node": item.node, "dragging": False, "ctrl": ctrl}
            self.setFocus()
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            mods = event.modifiers()
            if mods & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier):
                self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
                self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
            else:
                self.select_nodes([])
                self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._pan_from is not None:
            delta = pos - self._pan_from
            self._pan_from = pos
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        if self._press is not None:
            if not self._press["dragging"]:
                if (pos - self._press["pos"]).manhattanLength() < QApplication.startDragDistance():
                    return
                self._press["dragging"] = True
                self.viewport().setCursor(Qt.CursorShape.DragMoveCursor)
            self._autoscroll(pos)
            self._update_drop(pos)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton and self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        press = self._press
        if press is not None and event.button() == Qt.MouseButton.LeftButton:
            self.viewport().unsetCursor()
            if press["dragging"]:
                self._update_drop(event.position().toPoint())
                nodes = self.dragged_nodes()
                self._press = None
                copy = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
                self._finish_drop(nodes, copy=copy)
            self._press = None
            if press["dragging"]:
                pass
            elif not press["ctrl"]:
                self.select_nodes([press["node"]])
            event.accept()
            return
        super().mouseReleaseEvent(event)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item = self._item_at(event.position().toPoint())
        if isinstance(item, NodeItem):
            self.nodeActivated.emit(item.node)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier):
            super().wheelEvent(event)
            return
        steps = event.angleDelta().y() / 120.0
        if not steps:
            super().wheelEvent(event)
            return
        old = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.set_zoom(self.zoom() * (STEP ** steps))
        self.setTransformationAnchor(old)
        event.accept()

    def contextMenuEvent(self, event: Any) -> None:
        item = self._item_at(event.pos())
        node = item.node if isinstance(item, NodeItem) else None
        if node is not None and not item.isSelected():
            self.select_nodes([node])
        menu = self.build_context_menu(node)
        menu.popup(event.globalPos())
        self._context_menu = menu

    # -- drag and drop -------------------------------------------------------------------------------------
    def dragged_nodes(self) -> list[Node]:
        if self._press is None:
            return []
        node = self._press["node"]
        sel = self.selected_nodes()
        return top_level(sel) if node in sel else [node]

    def drop_target(self, scene_pos: QPointF, nodes: list[Node]) -> tuple[Any, Any, QRectF, bool, bool] | None:
        """(parent, before-node or None, indicator rect, as-line, ok) for a drop at `scene_pos`, or None."""
        target = None
        for item in self._scene.items(scene_pos):
            if isinstance(item, NodeItem) and item.body_scene_rect().adjusted(-8, -8, 8, 8).contains(scene_pos):
                target = item
                break
        if target is None or any(target.node is n or n.is_ancestor_of(target.node) for n in nodes):
            return None
        tnode = target.node
        body = target.body_scene_rect()
        horizontal = self._scene.orientation == HORIZONTAL
        f = (scene_pos.y() - body.top()) / body.height() if horizontal else (scene_pos.x() - body.left()) / body.width()
        siblings = tnode.parent.children
        after = siblings[siblings.index(tnode) + 1] if siblings.index(tnode) + 1 < len(siblings) else None
        gap = self._scene.sibling_gap / 2
        before_line = QRectF(body.left(), body.top() - gap - 2, body.width(), 4) if horizontal else \
            QRectF(body.left() - gap - 2, body.top(), 4, body.height())
        after_line = QRectF(body.left(), body.bottom() + gap - 2, body.width(), 4) if horizontal else \
            QRectF(body.right() + gap - 2, body.top(), 4, body.height())
        options = [(tnode.parent, tnode, before_line, True), (tnode.parent, after, after_line, True),
                   (tnode, None, body.adjusted(-5, -5, 5, 5), False)]
        # the edges of a node mean "beside it", its middle means "inside it": never a silent fallback
        parent, before, rect, line = options[0 if f < 0.25 else 1 if f > 0.75 else 2]
        return (parent, before, rect, line, self._drop_ok(parent, before, nodes))

    def _index_for(self, node: Node, parent: Any, before: Node | None) -> int:
        kids = parent.children
        if before is None:
            return len(kids) - (1 if node.parent is parent else 0)
        idx = kids.index(before)
        if node.parent is parent and kids.index(node) < idx:
            idx -= 1
        return idx

    def _drop_ok(self, parent: Any, before: Node | None, nodes: list[Node]) -> bool:
        if self._package is None or not nodes:
            return False
        while before is not None and before in nodes:
            kids = parent.children
            i = kids.index(before) + 1
            before = kids[i] if i < len(kids) else None
        try:
            for n in nodes:
                check_move(self._package, n, parent, self._index_for(n, parent, before))
        except DesignerError:
            return False
        return True

    def _update_drop(self, pos: QPoint) -> None:
        nodes = self.dragged_nodes()
        found = self.drop_target(self.mapToScene(pos), nodes)
        indicator = self._scene.drop_indicator
        if found is None:
            indicator.setVisible(False)
            self._drop = None
            return
        parent, before, rect, line, ok = found
        indicator.show_at(rect, line=line, ok=ok)
        self._drop = (parent, before, ok)

    def _autoscroll(self, pos: QPoint) -> None:
        """Near the viewport's edge while dragging, scroll towards it."""
        rect, edge, step = self.viewport().rect(), 24, 20
        for bar, p, size in ((self.horizontalScrollBar(), pos.x(), rect.width()),
                             (self.verticalScrollBar(), pos.y(), rect.height())):
            if p < edge:
                bar.setValue(bar.value() - step)
            elif p > size - edge:
                bar.setValue(bar.value() + step)

    def cancel_drag(self) -> None:
        if self._press is not None:
            self._press = None
            self._drop = None
            self._scene.drop_indicator.setVisible(False)
            self.viewport().unsetCursor()

    def _finish_drop(self, moving: list[Node], *, copy: bool = False) -> None:
        self._scene.drop_indicator.setVisible(False)
        drop, self._drop = self._drop, None
        if drop is None or not drop[2] or not moving or self._package is None or self._stack is None:
            if drop is not None:
                self.editRefused.emit("Cerb's structure does not allow the node there")
            return
        parent, before, _ = drop
        while before is not None and before in moving:
            kids = parent.children
            i = kids.index(before) + 1
            before = kids[i] if i < len(kids) else None
        if copy:  # Ctrl held on release: drop copies, the originals stay
            index = parent.children.index(before) if before is not None else len(parent.children)
            if isinstance(parent, Node):
                self._scene.set_collapsed(parent, False)
            self._insert_all(parent, index, [n.clone() for n in moving], "Copy")
            return
        if len(moving) == 1:
            node = moving[0]
            cmd_index = self._index_for(node, parent, before)
            if node.parent is parent and node.parent.children.index(node) == cmd_index:
                return
            self._try(lambda: MoveNode(self._package, node, parent, cmd_index), lambda: [node])
            return

        def body() -> None:
            for node in moving:
                self._push_now(MoveNode(self._package, node, parent, self._index_for(node, parent, before)),
                               lambda: moving)

        self._in_macro(f"Move {len(moving)} nodes", body, lambda: moving)

    # -- keyboard ---------------------------------------------------------------------------------------------
    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent) and self.action_for_key(e):
            e.accept()  # our own keys win over window-wide shortcuts while the canvas has focus
            return True
        return super().event(e)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self.action_for_key(event)
        if action is not None:
            action.trigger()
            event.accept()
            return
        key = event.key()
        if key == Qt.Key.Key_Escape and self._press is not None:
            self.cancel_drag()
            return
        sel = self.selected_nodes()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and sel:
            self.nodeActivated.emit(sel[0])
            return
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down) and sel:
            self._navigate(sel[-1], key)
            return
        super().keyPressEvent(event)

    def _navigate(self, node: Node, key: int) -> None:
        horizontal = self._scene.orientation == HORIZONTAL
        to_parent, to_child = (Qt.Key.Key_Left, Qt.Key.Key_Right) if horizontal else (Qt.Key.Key_Up, Qt.Key.Key_Down)
        siblings = node.parent.children
        i = siblings.index(node)
        target: Node | None = None
        if key == to_parent:
            target = node.parent if isinstance(node.parent, Node) else None
        elif key == to_child:
            target = node.children[0] if node.children and not self.is_collapsed(node) else None
        else:
            prev_key = Qt.Key.Key_Up if horizontal else Qt.Key.Key_Left
            j = i - 1 if key == prev_key else i + 1
            target = siblings[j] if 0 <= j < len(siblings) else None
        if target is not None:
            self.select_nodes([target])
            self.ensure_visible(target)
