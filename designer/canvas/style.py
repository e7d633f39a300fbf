"""Shared pens, brushes, fonts and shapes: created once, shared by every item (cheap paints, less memory)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainterPath, QPen, QPolygonF

BACKGROUND = QColor("#fafafa")
TYPE_COLOURS = {
    "switch": ("#fff3cd", "#b58105"),
    "outcome": ("#e3f4e1", "#3a8a35"),
    "action": ("#e3eefc", "#2f6bc2"),
    "loop": ("#efe4fa", "#7a43b6"),
    "subroutine": ("#dcf3f1", "#1f8a80"),
}
DISABLED_FILL, DISABLED_LINE, DISABLED_TEXT = QColor("#ececec"), QColor("#a0a0a0"), QColor("#8a8a8a")
TEXT = QColor("#202020")
SUMMARY_TEXT = QColor("#555555")
SELECTED = QColor("#1e88e5")
HIGHLIGHT = QColor("#ff8f00")
BREAKPOINT = QColor("#d32f2f")
SIM_BADGE = QColor("#6a1b9a")
LINK = QColor("#8e24aa")
EDGE = QColor("#9aa0a6")
DROP_OK, DROP_BAD = QColor("#1e88e5"), QColor("#d32f2f")

GUTTER = 16.0  # left of the body: the breakpoint dot
TOGGLE = 12.0  # below (vertical) / right of (horizontal) the body: the collapse toggle
MIN_W, MAX_W, PAD = 110.0, 240.0, 10.0
TITLE_H, SUMMARY_H = 22.0, 18.0


@dataclass
class Style:
    title_font: QFont
    summary_font: QFont
    badge_font: QFont
    title_metrics: QFontMetricsF
    summary_metrics: QFontMetricsF
    fills: dict[tuple[str, bool], QBrush] = field(default_factory=dict)
    lines: dict[tuple[str, bool], QPen] = field(default_factory=dict)
    text_pen: QPen = field(default_factory=lambda: QPen(TEXT))
    summary_pen: QPen = field(default_factory=lambda: QPen(SUMMARY_TEXT))
    disabled_text_pen: QPen = field(default_factory=lambda: QPen(DISABLED_TEXT))
    selected_pen: QPen = field(default_factory=lambda: QPen(SELECTED, 3.0))
    highlight_pen: QPen = field(default_factory=lambda: QPen(HIGHLIGHT, 4.0))
    edge_pen: QPen = field(default_factory=lambda: QPen(EDGE, 1.5))
    highlight_edge_pen: QPen = field(default_factory=lambda: QPen(HIGHLIGHT, 3.5))
    link_pen: QPen = field(default_factory=lambda: QPen(LINK, 1.5, Qt.PenStyle.DashLine))
    breakpoint_brush: QBrush = field(default_factory=lambda: QBrush(BREAKPOINT))
    gutter_pen: QPen = field(default_factory=lambda: QPen(QColor("#c8c8c8"), 1.0))
    sim_brush: QBrush = field(default_factory=lambda: QBrush(SIM_BADGE))
    white_pen: QPen = field(default_factory=lambda: QPen(QColor("white")))


@cache
def style() -> Style:
    """The shared style (needs a QGuiApplication; made once)."""
    title = QFont()
    title.setPointSizeF(9.5)
    title.setBold(True)
    summary = QFont()
    summary.setPointSizeF(8.5)
    badge = QFont()
    badge.setPointSizeF(7.0)
    badge.setBold(True)
    s = Style(title, summary, badge, QFontMetricsF(title), QFontMetricsF(summary))
    for kind, (fill, line) in TYPE_COLOURS.items():
        for disabled in (False, True):
            s.fills[kind, disabled] = QBrush(DISABLED_FILL if disabled else QColor(fill))
            pen = QPen(DISABLED_LINE if disabled else QColor(line), 1.6)
            if disabled:
                pen.setStyle(Qt.PenStyle.DashLine)
            s.lines[kind, disabled] = pen
    return s


@lru_cache(maxsize=20_000)
def text_width(text: str, summary: bool = False) -> float:
    """Measured width of a title (or summary) string; cached: trees repeat their texts a lot."""
    s = style()
    return (s.summary_metrics if summary else s.title_metrics).horizontalAdvance(text)


@lru_cache(maxsize=20_000)
def elided(text: str, width: float, summary: bool = False) -> str:
    s = style()
    return (s.summary_metrics if summary else s.title_metrics).elidedText(text, Qt.TextElideMode.ElideRight, width)


@lru_cache(maxsize=1024)
def body_path(kind: str, w: float, h: float) -> QPainterPath:
    """The outline of a node body at (0, 0) by type: switch hexagon (diamond-ish), outcome pill, action box,
    loop box with a notched corner, subroutine box with double sides. Cached: a tree has a handful of distinct
    (type, size) pairs, and items share the (implicitly shared, never modified) path."""
    path = QPainterPath()
    rect = QRectF(0, 0, w, h)
    if kind == "switch":
        d = min(14.0, h / 2)
        path.addPolygon(QPolygonF([QPointF(d, 0), QPointF(w - d, 0), QPointF(w, h / 2),
                                   QPointF(w - d, h), QPointF(d, h), QPointF(0, h / 2)]))
        path.closeSubpath()
    elif kind == "outcome":
        path.addRoundedRect(rect, h / 2, h / 2)
    elif kind == "loop":
        path.addRoundedRect(rect, 8, 8)
    else:
        path.addRoundedRect(rect, 3, 3)
    return path
