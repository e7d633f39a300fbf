"""CanvasMinimap: the whole tree in miniature with the canvas's visible area; click or drag to move there."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QGraphicsView, QWidget

from designer.canvas.view import BehaviorCanvas


class CanvasMinimap(QGraphicsView):
    def __init__(self, canvas: BehaviorCanvas, parent: QWidget | None = None) -> None:
        super().__init__(canvas.scene(), parent)
        self.canvas = canvas
        self.setInteractive(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.setMinimumSize(120, 90)
        canvas.scene().layoutChanged.connect(self.refit)
        canvas.horizontalScrollBar().valueChanged.connect(self.viewport().update)
        canvas.verticalScrollBar().valueChanged.connect(self.viewport().update)
        canvas.zoomChanged.connect(lambda _z: self.viewport().update())
        self._frame_pen = QPen(QColor("#1e88e5"), 0)
        self._frame_brush = QBrush(QColor(30, 136, 229, 40))

    def refit(self) -> None:
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self.viewport().update()

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
