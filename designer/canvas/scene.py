"""The scene mirrors one behavior of the model through the package's events.

Model events only mark what is dirty; one posted request per event loop turn then syncs items (created for
visible nodes only: collapsed subtrees create none), refreshes texts, runs the tidy layout once and redraws
the edge path and the cross-links. Items never write the model.
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF, QRectF, Signal
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsScene

from designer.analysis.graph import CALL_ACTIONS
from designer.canvas.items import BehaviorStubItem, DropIndicator, LinkItem, NodeItem
from designer.canvas.style import BACKGROUND, GUTTER, style
from designer.model import Behavior, ChildInserted, ChildRemoved, FieldChanged, Node, Package
from designer.model.layout import HORIZONTAL, VERTICAL, tidy_layout
from designer.model.links import link_target

log = logging.getLogger(__name__)

_SYNC_EVENT = QEvent.Type(QEvent.registerEventType())
STUB_KINDS = ("_run_behavior", "switch_behavior", "return_interaction")
MARGIN = 60.0
BIG_SCENE = 2000  # items: above this, no DeviceCoordinateCache


class BehaviorScene(QGraphicsScene):
    layoutChanged = Signal()  # after every sync (the minimap listens)
    behaviorRemoved = Signal()  # the shown behavior left the package

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.setBackgroundBrush(BACKGROUND)
        self.package: Package | None = None
        self.behavior: Behavior | None = None
        self.orientation = VERTICAL
        self.sibling_gap, self.level_gap = 22.0, 40.0
        self.items_by_id: dict[int, NodeItem] = {}
        self._collapsed: dict[int, set[int]] = {}  # behavior id → collapsed node ids
        self.breakpoints: set[int] = set()
        self.highlighted: set[int] = set()
        self._highlight_path: list[int] = []
        self._unsubscribe: Any = None
        self._posted = False
        self._structure_dirty = False
        self._refresh: set[int] = set()
        self.sync_count = 0  # how many syncs ran (tests check coalescing)
        self._syncing = False
        self.edges = QGraphicsPathItem()
        self.edges.setPen(style().edge_pen)
        self.edges.setZValue(-1)
        self.addItem(self.edges)
        self.hl_edges = QGraphicsPathItem()
        self.hl_edges.setPen(style().highlight_edge_pen)
        self.hl_edges.setZValue(-0.5)
        self.addItem(self.hl_edges)
        self.drop_indicator = DropIndicator()
        self.addItem(self.drop_indicator)
        self.links: list[LinkItem] = []
        self.stubs: list[BehaviorStubItem] = []

    # -- document -------------------------------------------------------------------------------------
    def set_package(self, package: Package | None) -> None:
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None
        self.package = package
        self._collapsed.clear()
        if package is not None:
            self._unsubscribe = package.events.subscribe(self._on_event)
        self.set_behavior(None)

    def set_behavior(self, behavior: Behavior | None) -> None:
        self._syncing = True  # removing a selected item signals the view: it must not sync a half-cleared scene
        try:
            self.behavior = behavior
            self.clear_nodes()
        finally:
            self._syncing = False
        self._structure_dirty = True
        self.sync()

    @property
    def collapsed(self) -> set[int]:
        if self.behavior is None:
            return set()
        return self._collapsed.setdefault(self.behavior.id, set())

    def clear_nodes(self) -> None:
        for item in self.items_by_id.values():
            self.removeItem(item)
        self.items_by_id.clear()
        self._clear_links()
        self.edges.setPath(QPainterPath())
        self.hl_edges.setPath(QPainterPath())

    # -- model events ---------------------------------------------------------------------------------
    def shows(self, obj: Any) -> bool:
        """Is `obj` (a node or behavior) part of the shown behavior?"""
        if self.behavior is None:
            return False
        if obj is self.behavior:
            return True
        return isinstance(obj, Node) and obj.behavior() is self.behavior

    def _on_event(self, event: Any) -> None:
        if self.behavior is None:
            return
        if isinstance(event, (ChildInserted, ChildRemoved)):
            if isinstance(event, ChildRemoved) and (event.child is self.behavior or (
                    event.child is self.behavior.bot and event.child is not None)):
                self.behaviorRemoved.emit()
                return
            if self.shows(event.parent):
                self._structure_dirty = True
                if isinstance(event.parent, Node):
                    self._refresh.add(event.parent.id)  # e.g. a switch's "3 outcomes"
                self.request_sync()
        elif isinstance(event, FieldChanged) and isinstance(event.target, Node) and event.target.id in self.items_by_id:
            self._refresh.add(event.target.id)
            self.request_sync()
        elif isinstance(event, FieldChanged) and isinstance(event.target, Behavior) and self.stubs:
            self.request_sync()  # a called behavior's title or uid: the stubs show and resolve them

    def request_sync(self) -> None:
        """Ask for one sync at the next event loop turn (many calls, one sync)."""
        if not self._posted:
            self._posted = True
            QCoreApplication.postEvent(self, QEvent(_SYNC_EVENT))

    def event(self, e: QEvent) -> bool:
        if e.type() == _SYNC_EVENT:
            self.flush()
            return True
        return super().event(e)

    def flush(self) -> None:
        """Run a pending sync now (public methods call it so callers never see stale items)."""
        if self._syncing:
            return  # removing a selected item signals the view mid-sync: it reads the items as they are
        if self._posted or self._structure_dirty or self._refresh:
            self.sync()

    # -- the sync ---------------------------------------------------------------------------------------
    def visible_nodes(self) -> list[Node]:
        out: list[Node] = []
        if self.behavior is None:
            return out
        collapsed = self.collapsed
        stack = list(reversed(self.behavior.children))
        while stack:
            node = stack.pop()
            out.append(node)
            if node.id not in collapsed:
                stack.extend(reversed(node.children))
        return out

    def sync(self) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            self._sync()
        finally:
            self._syncing = False

    def _sync(self) -> None:
        self._posted = False
        self.sync_count += 1
        horizontal = self.orientation == HORIZONTAL
        if self._structure_dirty:
            self._structure_dirty = False
            visible = self.visible_nodes()
            keep = {n.id for n in visible}
            big = len(visible) > BIG_SCENE
            for nid in [nid for nid in self.items_by_id if nid not in keep]:
                item = self.items_by_id.pop(nid)
                self.removeItem(item)
            for node in visible:
                item = self.items_by_id.get(node.id)
                if item is None or item.node is not node:
                    if item is not None:
                        self.removeItem(item)
                    item = NodeItem(node)
                    if big:  # thousands of per-item pixmaps cost more memory than they save paint time
                        item.setCacheMode(NodeItem.CacheMode.NoCache)
                    item.set_orientation(horizontal)
                    self.addItem(item)
                    self.items_by_id[node.id] = item
        for nid in self._refresh:
            item = self.items_by_id.get(nid)
            if item is not None:
                item.refresh()
        self._refresh.clear()
        self.relayout()

    def relayout(self) -> None:
        horizontal = self.orientation == HORIZONTAL
        items = self.items_by_id
        collapsed = self.collapsed
        for item in items.values():
            item.set_orientation(horizontal)
            n = item.node
            is_collapsed = n.id in collapsed and bool(n.children)
            item.set_flags(collapsed=is_collapsed,
                           hidden=sum(1 for _ in n.walk()) - 1 if is_collapsed else 0,
                           breakpoint=n.id in self.breakpoints, highlighted=n.id in self.highlighted)
        if self.behavior is not None:
            positions = tidy_layout(self.behavior.children, lambda n: n.children,
                                    lambda n: items[n.id].layout_size(), orientation=self.orientation,
                                    sibling_gap=self.sibling_gap, level_gap=self.level_gap, collapsed=collapsed)
        else:
            positions = {}
        left = top = float("inf")
        right = bottom = float("-inf")
        for nid, (x, y) in positions.items():
            item = items[nid]
            at = (x + GUTTER, y)
            if item.at != at:  # unchanged items keep their place in the BSP index
                item.setPos(*at)
                item.at = at
            left, top = min(left, at[0]), min(top, at[1])
            right, bottom = max(right, at[0] + item.bw + 60), max(bottom, at[1] + item.bh + 20)
        self._rebuild_edges()
        self._rebuild_links()
        rect = QRectF(left - GUTTER, top - 10, right - left + GUTTER, bottom - top + 10) if positions else \
            QRectF(0, 0, 400, 300)
        for stub in self.stubs:
            rect = rect.united(stub.sceneBoundingRect())
        self.setSceneRect(rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))  # explicit: no growing scans
        self.layoutChanged.emit()

    def _anchor_out(self, item: NodeItem) -> QPointF:
        x, y = item.at or (item.x(), item.y())
        if self.orientation == HORIZONTAL:
            return QPointF(x + item.bw, y + item.bh / 2)
        return QPointF(x + item.bw / 2, y + item.bh)

    def _anchor_in(self, item: NodeItem) -> QPointF:
        x, y = item.at or (item.x(), item.y())
        return QPointF(x, y + item.bh / 2) if self.orientation == HORIZONTAL else QPointF(x + item.bw / 2, y)

    def _edge(self, path: QPainterPath, parent: NodeItem, child: NodeItem) -> None:
        a, b = self._anchor_out(parent), self._anchor_in(child)
        path.moveTo(a)
        if self.orientation == HORIZONTAL:
            mid = (a.x() + b.x()) / 2
            path.cubicTo(QPointF(mid, a.y()), QPointF(mid, b.y()), b)
        else:
            mid = (a.y() + b.y()) / 2
            path.cubicTo(QPointF(a.x(), mid), QPointF(b.x(), mid), b)

    def _rebuild_edges(self) -> None:
        path, hl = QPainterPath(), QPainterPath()
        items = self.items_by_id
        lit = set(self._highlight_path)
        for item in items.values():
            parent = item.node.parent
            if isinstance(parent, Node) and parent.id in items:
                self._edge(path, items[parent.id], item)
                if item.node.id in lit and parent.id in lit:
                    self._edge(hl, items[parent.id], item)
        self.edges.setPath(path)
        self.hl_edges.setPath(hl)

    def _clear_links(self) -> None:
        for link in self.links:
            self.removeItem(link)
        for stub in self.stubs:
            self.removeItem(stub)
        self.links, self.stubs = [], []

    def _rebuild_links(self) -> None:
        """Subroutine calls as curves to the subroutine; behavior calls as clickable stubs."""
        self._clear_links()
        if self.behavior is None or self.package is None:
            return
        subs = self.behavior.subroutines()
        items = self.items_by_id
        for item in list(items.values()):
            node = item.node
            if node.type != "action":
                continue
            stub_row = 0
            for action in node.actions:
                key = action.get("action")
                if key == "_run_subroutine":
                    target = subs.get(action.get("subroutine"))  # type: ignore[arg-type]
                    if target is not None and target.id in items:
                        self.links.append(self._subroutine_link(item, items[target.id]))
                elif key in CALL_ACTIONS and key in STUB_KINDS:
                    uid = link_target(action.get("behavior_id"))
                    other = self.package.behavior_by_uid(uid) if uid else None
                    if other is not None:
                        b = item.body_scene_rect()
                        anchor = QPointF(b.right(), b.top() + 10 + 6 * stub_row)
                        at = QPointF(b.right() + 28, b.top() + 4 + 20 * stub_row)
                        stub = BehaviorStubItem(node, other, key, anchor, at)
                        self.addItem(stub)
                        self.stubs.append(stub)
                        stub_row += 1

    def _subroutine_link(self, source: NodeItem, target: NodeItem) -> LinkItem:
        a = source.body_scene_rect()
        b = target.body_scene_rect()
        start = QPointF(a.right(), a.center().y())
        end = QPointF(b.right(), b.center().y()) if self.orientation == VERTICAL else QPointF(b.center().x(), b.bottom())
        path = QPainterPath(start)
        bulge = max(60.0, abs(end.y() - start.y()) * 0.3)
        path.cubicTo(QPointF(start.x() + bulge, start.y()), QPointF(end.x() + bulge, end.y()), end)
        link = LinkItem(source.node, target.node, path)
        self.addItem(link)
        return link

    # -- view state helpers ------------------------------------------------------------------------------
    def set_orientation(self, orientation: str) -> None:
        if orientation not in (VERTICAL, HORIZONTAL):
            raise ValueError(f"orientation must be {VERTICAL!r} or {HORIZONTAL!r}")
        if orientation != self.orientation:
            self.orientation = orientation
            self.relayout()

    def set_collapsed(self, node: Node, collapsed: bool) -> None:
        ids = self.collapsed
        if collapsed and node.children:
            ids.add(node.id)
        else:
            ids.discard(node.id)
        self._structure_dirty = True
        self.sync()

    def collapse_all(self) -> None:
        if self.behavior is None:
            return
        self.collapsed.update(n.id for n in self.behavior.walk() if n.children)
        self._structure_dirty = True
        self.sync()

    def expand_all(self) -> None:
        self.collapsed.clear()
        self._structure_dirty = True
        self.sync()

    def reveal(self, node: Node) -> None:
        """Expand the collapsed ancestors of `node`."""
        p, changed = node.parent, False
        while isinstance(p, Node):
            if p.id in self.collapsed:
                self.collapsed.discard(p.id)
                changed = True
            p = p.parent
        if changed:
            self._structure_dirty = True
            self.sync()

    def set_breakpoints(self, ids: set[int]) -> None:
        self.breakpoints = set(ids)
        for nid, item in self.items_by_id.items():
            item.set_flags(breakpoint=nid in self.breakpoints)

    def set_highlight(self, ids: list[int]) -> None:
        self._highlight_path = list(ids)
        self.highlighted = set(ids)
        for nid, item in self.items_by_id.items():
            item.set_flags(highlighted=nid in self.highlighted)
        self._rebuild_edges()
