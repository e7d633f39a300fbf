"""The scene mirrors one behavior of the model through the package's events.

Model events only mark what is dirty; one posted request per event loop turn then syncs items (created for
visible nodes only: collapsed subtrees create none), refreshes texts, runs the tidy layout once and redraws
the edge paths and the cross-links. Items never write the model.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF, QRectF, Signal
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsScene

from designer.analysis.graph import CALL_ACTIONS
from designer.canvas.items import STUB_KINDS, BehaviorStubItem, DropIndicator, EdgesItem, LinkItem, NodeItem
from designer.canvas.style import BACKGROUND, GUTTER, style
from designer.model import Behavior, ChildInserted, ChildRemoved, FieldChanged, Node, Package
from designer.model.bulk import gc_paused
from designer.model.layout import HORIZONTAL, VERTICAL, tidy_layout
from designer.model.links import link_target

log = logging.getLogger(__name__)

_SYNC_EVENT = QEvent.Type(QEvent.registerEventType())
MARGIN = 60.0
BIG_SCENE = 2000  # items: above this, no DeviceCoordinateCache
EDGE_CHUNK = 200  # tree edges per path item: a view culls whole chunks, so at 100 % it strokes only a few
_children = attrgetter("children")


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
        self.edges: list[EdgesItem] = []  # the tree's edges, EDGE_CHUNK to an item, in document order
        self._order: list[NodeItem] = []  # the items in document order, as last laid out
        self.hl_edges = EdgesItem(style().highlight_edge_pen, -0.5)
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
        self._order = []
        self._clear_links()
        self._rebuild_edges()
        self.hl_edges.set_path(QPainterPath())

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
            with gc_paused():  # thousands of new items and layout lists: see designer/model/bulk.py
                self._sync()
        finally:
            self._syncing = False

    def _sync(self) -> None:
        self._posted = False
        self.sync_count += 1
        self.update()  # see _relayout: items come and go too
        if self._structure_dirty:
            self._structure_dirty = False
            self._sync_items()
        for nid in self._refresh:
            item = self.items_by_id.get(nid)
            if item is not None:
                item.refresh()
        self._refresh.clear()
        self.relayout()

    def _sync_items(self) -> None:
        """Create the items of newly visible nodes and remove those of nodes no longer visible."""
        visible = self.visible_nodes()
        items = self.items_by_id
        keep = {n.id for n in visible}
        for nid in [nid for nid in items if nid not in keep]:
            self.removeItem(items.pop(nid))
        cached = len(visible) <= BIG_SCENE  # thousands of per-item pixmaps cost more memory than they save
        horizontal = self.orientation == HORIZONTAL
        marked = self.breakpoints | self.highlighted
        for node in visible:
            item = items.get(node.id)
            if item is None or item.node is not node:
                if item is not None:
                    self.removeItem(item)
                item = NodeItem(node, horizontal=horizontal, cached=cached)
                if node.id in marked:
                    item.set_flags(breakpoint=node.id in self.breakpoints,
                                   highlighted=node.id in self.highlighted)
                self.addItem(item)
                items[node.id] = item

    def relayout(self) -> None:
        with gc_paused():
            self._relayout()

    def _relayout(self) -> None:
        # A relayout moves many items: one repaint of the whole scene costs less than Qt working out each
        # moved item's old and new area (its dirty-item pass skips them all while a full update is pending).
        self.update()
        horizontal = self.orientation == HORIZONTAL
        items = self.items_by_id
        collapsed = self.collapsed
        for item in items.values():
            if item.horizontal != horizontal:
                item.set_orientation(horizontal)
        # collapse marks (breakpoint and highlight marks are kept by their setters and _sync_items)
        for item in [i for i in items.values() if i.collapsed] + [items[c] for c in collapsed if c in items]:
            n = item.node
            folded = n.id in collapsed and bool(n.children)
            item.set_flags(collapsed=folded, hidden=sum(1 for _ in n.walk()) - 1 if folded else 0)
        if self.behavior is not None:
            positions = tidy_layout(self.behavior.children, _children, lambda n: items[n.id].layout_size,
                                    orientation=self.orientation, sibling_gap=self.sibling_gap,
                                    level_gap=self.level_gap, collapsed=collapsed)
        else:
            positions = {}
        order = self._order = []
        right = bottom = 0.0  # the layout's boxes start at 0 on both axes
        for nid, (x, y) in positions.items():
            item = items[nid]
            at = (x + GUTTER, y)
            if item.at != at:  # unchanged items keep their place in the BSP index
                item.setPos(*at)
                item.at = at
            order.append(item)
            right = max(right, at[0] + item.bw)
            bottom = max(bottom, y + item.bh)
        self._rebuild_edges()
        self._rebuild_highlight_edges()
        self._rebuild_links()
        rect = QRectF(0, -10, right + 60, bottom + 30) if order else QRectF(0, 0, 400, 300)
        for stub in self.stubs:
            rect = rect.united(stub.sceneBoundingRect())
        self.setSceneRect(rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))  # explicit: no growing scans
        self.layoutChanged.emit()

    def _edge_function(self) -> Callable[[QPainterPath, NodeItem, NodeItem], None]:
        return _edge_across if self.orientation == HORIZONTAL else _edge_down

    def _rebuild_edges(self) -> None:
        """The tree's edges in chunks of EDGE_CHUNK along the document order: neighbours in that order are
        neighbours on the canvas, so each chunk's bounds stay small and a paint skips those out of view."""
        items = self.items_by_id
        add_edge = self._edge_function()
        paths: list[QPainterPath] = []
        path = QPainterPath()
        count = EDGE_CHUNK
        for item in self._order:
            parent = item.node.parent
            if isinstance(parent, Node) and parent.id in items:
                if count == EDGE_CHUNK:
                    path = QPainterPath()
                    paths.append(path)
                    count = 0
                add_edge(path, items[parent.id], item)
                count += 1
        for chunk in self.edges[len(paths):]:
            self.removeItem(chunk)
        del self.edges[len(paths):]
        while len(self.edges) < len(paths):
            chunk = EdgesItem(style().edge_pen, -1)
            self.addItem(chunk)
            self.edges.append(chunk)
        for chunk, path in zip(self.edges, paths, strict=True):
            chunk.set_path(path)

    def _rebuild_highlight_edges(self) -> None:
        hl = QPainterPath()
        add_edge = self._edge_function()
        items = self.items_by_id
        lit = set(self._highlight_path)
        for nid in lit:
            item = items.get(nid)
            parent = item.node.parent if item is not None else None
            if isinstance(parent, Node) and parent.id in lit and parent.id in items:
                add_edge(hl, items[parent.id], item)
        self.hl_edges.set_path(hl)

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
        for item in [i for i in items.values() if i.calls]:
            node = item.node
            stub_row = 0
            for action in item.calls:
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
        end = (QPointF(b.right(), b.center().y()) if self.orientation == VERTICAL
               else QPointF(b.center().x(), b.bottom()))
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

    # Items' marks always match these sets (_sync_items marks new items): only ids that change are visited.
    def set_breakpoints(self, ids: set[int]) -> None:
        changed, self.breakpoints = self.breakpoints ^ set(ids), set(ids)
        for nid in changed & self.items_by_id.keys():
            self.items_by_id[nid].set_flags(breakpoint=nid in self.breakpoints)

    def set_highlight(self, ids: list[int]) -> None:
        changed = self.highlighted ^ set(ids)
        self._highlight_path = list(ids)
        self.highlighted = set(ids)
        for nid in changed & self.items_by_id.keys():
            self.items_by_id[nid].set_flags(highlighted=nid in self.highlighted)
        self._rebuild_highlight_edges()


def _edge_down(path: QPainterPath, parent: NodeItem, child: NodeItem) -> None:
    """Vertical: a curve from the middle of the parent's bottom to the middle of the child's top (plain
    floats, no QPointFs: ten thousand edges are built on every relayout)."""
    (px, py), (cx, cy) = parent.at or (parent.x(), parent.y()), child.at or (child.x(), child.y())
    ax, ay, bx = px + parent.bw / 2, py + parent.bh, cx + child.bw / 2
    mid = (ay + cy) / 2
    path.moveTo(ax, ay)
    path.cubicTo(ax, mid, bx, mid, bx, cy)


def _edge_across(path: QPainterPath, parent: NodeItem, child: NodeItem) -> None:
    """Horizontal: from the middle of the parent's right side to the middle of the child's left side."""
    (px, py), (cx, cy) = parent.at or (parent.x(), parent.y()), child.at or (child.x(), child.y())
    ax, ay, by = px + parent.bw, py + parent.bh / 2, cy + child.bh / 2
    mid = (ax + cx) / 2
    path.moveTo(ax, ay)
    path.cubicTo(mid, ay, mid, by, cx, by)
