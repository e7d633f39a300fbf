"""Canvas items. They draw a node and report which part of them was hit; they never write the model
(the view turns clicks into commands)."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyle, QStyleOptionGraphicsItem, QWidget

from designer.canvas.style import (
    DROP_BAD,
    DROP_OK,
    GUTTER,
    MAX_W,
    MIN_W,
    PAD,
    SUMMARY_H,
    TITLE_H,
    TOGGLE,
    body_path,
    elided,
    style,
    text_width,
)
from designer.canvas.summary import node_summary
from designer.model import Behavior, Node

STUB_KINDS = ("_run_behavior", "switch_behavior", "return_interaction")  # behavior calls shown as stubs
LINKED_ACTIONS = frozenset({"_run_subroutine", *STUB_KINDS})  # actions the scene draws a link or a stub for
LOD_BOXES, LOD_TITLES = 0.3, 0.6  # below: boxes only; below: titles only; above: everything
# Qt enum members looked up once: each lookup through PySide6's enum classes costs more than the call using it
_SELECTABLE = QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
_DEVICE_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache
_SELECTED = QStyle.StateFlag.State_Selected
_NO_BRUSH = Qt.BrushStyle.NoBrush
_NO_PEN = Qt.PenStyle.NoPen
_LEFT_MIDDLE = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@lru_cache(maxsize=1024)
def _geometry(w: float, h: float, horizontal: bool) -> tuple[QRectF, QRectF, tuple[float, float]]:
    """(body, bounding rect, layout box) of a w × h body, shared read-only by every item of that size: a tree
    has a handful of sizes, and making the rects took longer than the rest of an item's geometry."""
    extra_w = TOGGLE + 40 if horizontal else 0
    extra_h = 0 if horizontal else TOGGLE + 4
    bounds = QRectF(-GUTTER, -8, w + GUTTER + 8 + extra_w, h + 8 + 4 + extra_h)
    # the box the tidy layout reserves: body + gutter + toggle (kept, as every relayout asks each item)
    layout = (w + GUTTER + TOGGLE + 4, h) if horizontal else (w + GUTTER, h + TOGGLE + 4)
    return QRectF(0, 0, w, h), bounds, layout


class NodeItem(QGraphicsItem):
    """One decision-tree node. Local (0, 0) is the top-left of the body; the gutter (breakpoint dot) is to
    the left, the collapse toggle below (vertical) or to the right (horizontal)."""

    Type = QGraphicsItem.UserType + 1

    def __init__(self, node: Node, *, horizontal: bool = False, cached: bool = True) -> None:
        super().__init__()
        self.node = node
        self.horizontal = horizontal
        self.collapsed = False
        self.hidden_count = 0
        self.breakpoint = False
        self.highlighted = False
        self.at: tuple[float, float] | None = None  # scene position of the body's top-left, as laid out
        self.bw = self.bh = 0.0
        self.setFlag(_SELECTABLE, True)
        if cached:
            self.setCacheMode(_DEVICE_CACHE)
        self._measure()

    def type(self) -> int:
        return self.Type

    # -- geometry -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute texts and size from the node (after a FieldChanged)."""
        self._measure()
        self.update()

    def _measure(self) -> None:
        node = self.node
        self.title = node.title or "(untitled)"
        self.summary = node_summary(node)
        want = max(text_width(self.title) + 2 * PAD + 24,
                   text_width(self.summary, True) + 2 * PAD if self.summary else 0)
        w = min(MAX_W, max(MIN_W, want))
        h = TITLE_H + (SUMMARY_H if self.summary else 0) + 6
        # the calls the scene links (params change only through FieldChanged, which refreshes: as the summary)
        self.calls = [a for a in node.actions if a.get("action") in LINKED_ACTIONS] if node.type == "action" \
            else []
        self._path = body_path(node.type, w, h)
        self._elided: tuple[str, str] | None = None  # at the first paint with text: most items never paint
        if (w, h) != (self.bw, self.bh):  # an unchanged box keeps its place in the BSP index
            self.prepareGeometryChange()
            self.bw, self.bh = w, h  # plain floats: the scene's edge and bounds math avoids Qt calls
            self._update_bounds()

    def _update_bounds(self) -> None:
        self.body, self._bounds, self.layout_size = _geometry(self.bw, self.bh, self.horizontal)

    def set_orientation(self, horizontal: bool) -> None:
        if horizontal != self.horizontal:
            self.prepareGeometryChange()
            self.horizontal = horizontal
            self._update_bounds()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        path = QPainterPath(self._path)
        path.addRect(self.gutter_rect())
        if self.node.children:
            path.addRect(self.toggle_rect())
        return path

    def gutter_rect(self) -> QRectF:
        return QRectF(-GUTTER, self.bh / 2 - 7, 14, 14)

    def toggle_rect(self) -> QRectF:
        if self.horizontal:
            return QRectF(self.bw + 2, self.bh / 2 - TOGGLE / 2, TOGGLE, TOGGLE)
        return QRectF(self.bw / 2 - TOGGLE / 2, self.bh + 2, TOGGLE, TOGGLE)

    def hit_part(self, local: QPointF) -> str:
        """"gutter", "toggle", "body" or ""."""
        if self.gutter_rect().contains(local):
            return "gutter"
        if self.node.children and self.toggle_rect().adjusted(-3, -3, 3, 3).contains(local):
            return "toggle"
        if self.body.contains(local):
            return "body"
        return ""

    def body_scene_rect(self) -> QRectF:
        return self.mapRectToScene(self.body)

    # -- state flags set by the scene -------------------------------------------------------------------
    def set_flags(self, *, collapsed: bool | None = None, hidden: int | None = None,
                  breakpoint: bool | None = None, highlighted: bool | None = None) -> None:
        if ((collapsed is None or collapsed == self.collapsed) and (hidden is None or hidden == self.hidden_count)
                and (breakpoint is None or breakpoint == self.breakpoint)
                and (highlighted is None or highlighted == self.highlighted)):
            return  # the common case in a relayout: nothing to repaint
        if collapsed is not None:
            self.collapsed = collapsed
        if hidden is not None:
            self.hidden_count = hidden
        if breakpoint is not None:
            self.breakpoint = breakpoint
        if highlighted is not None:
            self.highlighted = highlighted
        self.update()

    # -- painting ---------------------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        s = style()
        node = self.node
        disabled = node.effective_status == "disabled"
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setPen(s.lines[node.type, disabled] if node.type in ("switch", "outcome", "action", "loop",
                                                                        "subroutine") else s.gutter_pen)
        painter.setBrush(s.fills.get((node.type, disabled), QBrush()))
        painter.drawPath(self._path)
        w, h = self.bw, self.bh
        if node.type == "subroutine":
            painter.drawLine(QPointF(6, 0), QPointF(6, h))
            painter.drawLine(QPointF(w - 6, 0), QPointF(w - 6, h))
        if self.highlighted:
            painter.setBrush(_NO_BRUSH)
            painter.setPen(s.highlight_pen)
            painter.drawPath(self._path)
        if option.state & _SELECTED:
            painter.setBrush(_NO_BRUSH)
            painter.setPen(s.selected_pen)
            painter.drawPath(self._path)
        if self.breakpoint:
            painter.setPen(_NO_PEN)
            painter.setBrush(s.breakpoint_brush)
            painter.drawEllipse(self.gutter_rect().adjusted(2, 2, -2, -2))
        if lod < LOD_BOXES:
            return
        if node.children:
            self._paint_toggle(painter)
        if self._elided is None:
            self._elided = (elided(self.title, w - 2 * PAD - 20), elided(self.summary, w - 2 * PAD, True))
        title, summary = self._elided
        painter.setFont(s.title_font)
        painter.setPen(s.disabled_text_pen if disabled else s.text_pen)
        left = PAD + (6 if node.type in ("subroutine", "switch") else 0)
        painter.drawText(QRectF(left, 3, w - left - PAD, TITLE_H), _LEFT_MIDDLE, title)
        if node.effective_status == "simulator":
            self._paint_badge(painter, "SIM", s.sim_brush)
        if lod < LOD_TITLES or not self.summary:
            return
        painter.setFont(s.summary_font)
        painter.setPen(s.disabled_text_pen if disabled else s.summary_pen)
        painter.drawText(QRectF(left, TITLE_H, w - left - PAD, SUMMARY_H), _LEFT_MIDDLE, summary)

    def _paint_badge(self, painter: QPainter, text: str, brush: QBrush) -> None:
        s = style()
        r = QRectF(self.bw - 30, -6, 28, 13)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(brush)
        painter.drawRoundedRect(r, 4, 4)
        painter.setFont(s.badge_font)
        painter.setPen(s.white_pen)
        painter.drawText(r, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_toggle(self, painter: QPainter) -> None:
        s = style()
        r = self.toggle_rect()
        painter.setPen(s.gutter_pen)
        painter.setBrush(QBrush(QColor("white")))
        painter.drawEllipse(r)
        painter.setPen(s.text_pen)
        c = r.center()
        painter.drawLine(QPointF(c.x() - 3, c.y()), QPointF(c.x() + 3, c.y()))
        if self.collapsed:
            painter.drawLine(QPointF(c.x(), c.y() - 3), QPointF(c.x(), c.y() + 3))
            painter.setFont(s.badge_font)
            label = f"+{self.hidden_count}"
            at = QRectF(r.right() + 2, r.top() - 1, 40, r.height() + 2)
            painter.drawText(at, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)


class LinkItem(QGraphicsPathItem):
    """A curved overlay edge for a subroutine call, drawn over the tree (not laid out)."""

    Type = QGraphicsItem.UserType + 2

    def __init__(self, source: Node, target: Node, path: QPainterPath) -> None:
        super().__init__(path)
        self.source, self.target = source, target
        self.setPen(style().link_pen)
        self.setZValue(2)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def type(self) -> int:
        return self.Type

    def shape(self) -> QPainterPath:  # a widened stroke for hit tests
        stroker = QPainterPathStroker()
        stroker.setWidth(8)
        return stroker.createStroke(self.path())


class EdgesItem(QGraphicsItem):
    """Tree edges, many curves in one path, drawn under the nodes; the mouse never hits them."""

    def __init__(self, pen: QPen, z: float) -> None:
        super().__init__()
        self._pen = pen
        self._path = QPainterPath()
        self._bounds = QRectF()
        self.setZValue(z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def path(self) -> QPainterPath:
        return self._path

    def set_path(self, path: QPainterPath) -> None:
        if path == self._path:
            return  # unchanged: it keeps its place in the BSP index
        self.prepareGeometryChange()
        self._path = path
        # the control points' box (it holds every curve) widened by the pen: QGraphicsPathItem strokes the
        # whole path to find its bounds, which took longer than building the path
        pad = self._pen.widthF()
        self._bounds = path.controlPointRect().adjusted(-pad, -pad, pad, pad)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        return QPainterPath()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setPen(self._pen)
        painter.setBrush(_NO_BRUSH)
        painter.drawPath(self._path)


class BehaviorStubItem(QGraphicsItem):
    """A tag beside an action node that calls another behavior; clicking it follows the link."""

    Type = QGraphicsItem.UserType + 3

    def __init__(self, node: Node, target: Behavior, kind: str, anchor: QPointF, at: QPointF) -> None:
        super().__init__()
        s = style()
        self.node, self.target, self.kind = node, target, kind
        verb = {"_run_behavior": "runs", "switch_behavior": "switches to",
                "return_interaction": "offers"}.get(kind, "→")
        self.text = f"{verb} ▸ {target.title}"
        w = min(220.0, s.summary_metrics.horizontalAdvance(self.text) + 14)
        self.setPos(at)
        self._rect = QRectF(0, -9, w, 18)
        self._elided = s.summary_metrics.elidedText(self.text, Qt.TextElideMode.ElideRight, w - 10)
        local_anchor = anchor - at
        self._curve = QPainterPath(local_anchor)
        self._curve.cubicTo(QPointF(local_anchor.x() + 20, local_anchor.y()), QPointF(-20, 0), QPointF(0, 0))
        self._bounds = self._rect.united(self._curve.boundingRect()).adjusted(-2, -2, 2, 2)
        self.setZValue(3)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"{self.text} (click to open)")

    def type(self) -> int:
        return self.Type

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self._rect)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        s = style()
        painter.setPen(s.link_pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._curve)
        if option.levelOfDetailFromTransform(painter.worldTransform()) < LOD_BOXES:
            return
        painter.setPen(QPen(s.link_pen.color(), 1))
        painter.setBrush(QBrush(QColor("#f6eafb")))
        painter.drawRoundedRect(self._rect, 9, 9)
        painter.setFont(s.summary_font)
        painter.setPen(s.text_pen)
        painter.drawText(self._rect.adjusted(7, 0, -3, 0), Qt.AlignmentFlag.AlignVCenter, self._elided)


class DropIndicator(QGraphicsItem):
    """Where a dragged node would land: a line between siblings, or a box around the new parent."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(10)
        self._rect = QRectF()
        self._as_line = True
        self.ok = True
        self.setVisible(False)

    def show_at(self, rect: QRectF, *, line: bool, ok: bool) -> None:
        self.prepareGeometryChange()
        self._rect, self._as_line, self.ok = QRectF(rect), line, ok
        self.setVisible(True)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-4, -4, 4, 4)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        colour = DROP_OK if self.ok else DROP_BAD
        pen_style = Qt.PenStyle.SolidLine if self.ok else Qt.PenStyle.DashLine
        painter.setPen(QPen(colour, 3 if self._as_line else 2, pen_style))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self._as_line:
            r = self._rect
            if r.width() < r.height():
                painter.drawLine(QPointF(r.center().x(), r.top()), QPointF(r.center().x(), r.bottom()))
            else:
                painter.drawLine(QPointF(r.left(), r.center().y()), QPointF(r.right(), r.center().y()))
        else:
            painter.drawRoundedRect(self._rect, 6, 6)
