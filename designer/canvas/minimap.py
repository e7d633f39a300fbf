"""CanvasMinimap: the whole tree in miniature with the canvas's visible area; click or drag to move there."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QWidget

from designer.canvas.view import BehaviorCanvas


class CanvasMinimap(QGraphicsView):
    """The canvas's scene drawn once per layout into a picture: at 10,000 nodes one paint of every item costs
    several frames, and the canvas's every scroll step moves the frame drawn over it. The view shows an empty
    scene with the canvas scene's rect, so its mapping (clicks, the frame) is the canvas scene's."""

    def __init__(self, canvas: BehaviorCanvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.canvas = canvas
        self._picture: QPixmap | None = None
        self.setInteractive(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setMinimumSize(120, 90)
        canvas.scene().layoutChanged.connect(self.refit)
        canvas.horizontalScrollBar().valueChanged.connect(self.viewport().update)
        canvas.verticalScrollBar().valueChanged.connect(self.viewport().update)
        canvas.zoomChanged.connect(lambda _z: self.viewport().update())
        self._frame_pen = QPen(QColor("#1e88e5"), 0)
        self._frame_brush = QBrush(QColor(30, 136, 229, 40))
        self.render_count = 0  # how often the tree was drawn (tests check that scrolling does not redraw it)

    def refit(self) -> None:
        self.scene().setSceneRect(self.canvas.scene().sceneRect())
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self._picture = None
        self.viewport().update()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        viewport = self.viewport()
        ratio = viewport.devicePixelRatioF()
        if self._picture is None or self._picture.deviceIndependentSize().toSize() != viewport.size():
            self._picture = self._draw_tree(ratio)
        painter.save()
        painter.resetTransform()
        painter.drawPixmap(0, 0, self._picture)
        painter.restore()

    def _draw_tree(self, ratio: float) -> QPixmap:
        viewport = self.viewport()
        picture = QPixmap(viewport.size() * ratio)
        picture.setDevicePixelRatio(ratio)
        picture.fill(self.canvas.scene().backgroundBrush().color())
        shown = self.mapToScene(viewport.rect()).boundingRect()
        painter = QPainter(picture)
        self.canvas.scene().render(painter, QRectF(viewport.rect()), shown, Qt.AspectRatioMode.IgnoreAspectRatio)
        painter.end()
        self.render_count += 1
        return picture

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.refit()

    def visible_area(self) -> QRectF:
        """The part of the scene the canvas shows, in scene coordinates."""
        return self.canvas.mapToScene(self.canvas.viewport().rect()).boundingRect()

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        painter.setPen(self._frame_pen)
        painter.setBrush(self._frame_brush)
        painter.drawRect(self.visible_area())

    def _go(self, event: QMouseEvent) -> None:
        self.canvas.centerOn(self.mapToScene(event.position().toPoint()))
        self.viewport().update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._go(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._go(event)

    def center(self) -> QPointF:
        return self.visible_area().center()
