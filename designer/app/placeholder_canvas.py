"""A stand-in for `designer.canvas.BehaviorCanvas` until it is importable: the same public API, drawing the
behavior as an indented list of boxes. It mirrors the model through its events and never writes it."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QPainter, QPen, QUndoStack
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from designer.model import Behavior, Node, Package

log = logging.getLogger(__name__)

COLOURS = {"switch": "#f5c26b", "outcome": "#9fd39b", "action": "#8fb8ea", "loop": "#c6a6e8", "subroutine": "#e89a9a"}
ROW, INDENT, WIDTH = 34, 28, 260


class _NodeItem(QGraphicsRectItem):
    def __init__(self, node: Node, x: float, y: float) -> None:
        super().__init__(0, 0, WIDTH, ROW - 8)
        self.node = node
        self.setPos(x, y)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        colour = QColor(COLOURS.get(node.type, "#cccccc"))
        if node.effective_status == "disabled":
            colour = colour.lighter(140)
        self.setBrush(QBrush(colour))
        self.setPen(QPen(colour.darker(150), 1.2))
        label = QGraphicsSimpleTextItem(f"{node.type}: {node.title}")
        label.setParentItem(self)
        label.setFont(QFont("DejaVu Sans", 9))
        label.setPos(8, 6)
        self._label = label

    def paint(self, painter: QPainter, option: Any, widget: Any = None) -> None:
        super().paint(painter, option, widget)
        if self.isSelected():
            painter.setPen(QPen(QColor("#1565c0"), 3))
            painter.drawRect(self.rect())


class PlaceholderCanvas(QGraphicsView):
    selectionChanged = Signal(list)
    nodeActivated = Signal(object)
    followBehavior = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        self._scene = QGraphicsScene()
        super().__init__(self._scene, parent)
        self.setObjectName("canvas")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setBackgroundBrush(QBrush(QColor("#fafafa")))
        self.package: Package | None = None
        self._behavior: Behavior | None = None
        self._items: dict[int, _NodeItem] = {}
        self._collapsed: set[int] = set()
        self._unsubscribe: Any = None
        self._rebuild_timer = QTimer(self, singleShot=True, interval=0)
        self._rebuild_timer.timeout.connect(self._rebuild)
        self._scene.selectionChanged.connect(lambda: self.selectionChanged.emit(self.selected_nodes()))

    # -- document -----------------------------------------------------------------------------------
    def set_document(self, package: Package | None, undo_stack: QUndoStack | None) -> None:
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None
        self.package, self._behavior = package, None
        if package is not None:
            self._unsubscribe = package.events.subscribe(lambda _e: self._rebuild_timer.start())
        self._rebuild()

    def behavior(self) -> Behavior | None:
        return self._behavior

    def show_behavior(self, behavior: Behavior | None, *, emit: bool = False) -> None:
        if behavior is self._behavior:
            return
        self._behavior = behavior
        self._rebuild()

    def _rebuild(self) -> None:
        selected = {n.id for n in self.selected_nodes()}
        self._scene.blockSignals(True)
        self._scene.clear()
        self._items.clear()
        row = 0
        if self._behavior is not None:
            stack: list[tuple[Node, int]] = [(n, 0) for n in reversed(self._behavior.children)]
            while stack:
                node, depth = stack.pop()
                item = _NodeItem(node, depth * INDENT, row * ROW)
                self._scene.addItem(item)
                self._items[node.id] = item
                item.setSelected(node.id in selected)
                row += 1
                if node.id not in self._collapsed:
                    stack.extend((c, depth + 1) for c in reversed(node.children))
        self._scene.setSceneRect(QRectF(-20, -20, WIDTH + 20 * INDENT, max(1, row) * ROW + 40))
        self._scene.blockSignals(False)
        self.selectionChanged.emit(self.selected_nodes())

    # -- selection ----------------------------------------------------------------------------------
    def selected_nodes(self) -> list[Node]:
        return [i.node for i in self._scene.selectedItems() if isinstance(i, _NodeItem)]

    def select_nodes(self, nodes: list[Node]) -> None:
        if self._rebuild_timer.isActive():
            self._rebuild_timer.stop()
            self._rebuild()
        wanted = {n.id for n in nodes}
        self._scene.blockSignals(True)
        for nid, item in self._items.items():
            item.setSelected(nid in wanted)
        self._scene.blockSignals(False)
        self.selectionChanged.emit(self.selected_nodes())

    def ensure_visible(self, node: Node) -> None:
        item = self._items.get(node.id)
        if item is not None:
            self.ensureVisible(item)

    def mouseDoubleClickEvent(self, event: Any) -> None:
        item = self.itemAt(event.position().toPoint())
        while item is not None and not isinstance(item, _NodeItem):
            item = item.parentItem()
        if isinstance(item, _NodeItem):
            self.nodeActivated.emit(item.node)
        super().mouseDoubleClickEvent(event)

    # -- view ---------------------------------------------------------------------------------------
    def zoom_in(self) -> None:
        self.scale(1.25, 1.25)

    def zoom_out(self) -> None:
        self.scale(0.8, 0.8)

    def zoom_fit(self) -> None:
        self.fitInView(self._scene.itemsBoundingRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def zoom_reset(self) -> None:
        self.resetTransform()

    def set_orientation(self, orientation: Any) -> None:
        pass

    def collapse_all(self) -> None:
        if self._behavior is not None:
            self._collapsed = {n.id for n in self._behavior.walk() if n.children}
            self._rebuild()

    def expand_all(self) -> None:
        self._collapsed.clear()
        self._rebuild()

    def actions(self) -> dict[str, QAction]:  # type: ignore[override]
        return {}

    def highlight_path(self, ids: list[int]) -> None:
        pass

    def set_breakpoints(self, ids: Any) -> None:
        pass
