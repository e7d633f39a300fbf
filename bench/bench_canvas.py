"""The canvas at 10,000 nodes: first painted frame, a full relayout (nothing moved, then every node moved),
fit/zoom + repaint, memory — each next to the same measurement on an empty window in the same run."""
from __future__ import annotations

import os
import resource
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsView

from bench.common import Figure, measure, row
from bench.generate import generate_package
from designer.canvas import BehaviorCanvas, CanvasMinimap
from designer.io import read_package_value


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(nodes: int = 10_000) -> list[str]:
    app = QApplication.instance() or QApplication([])
    package, _ = read_package_value(generate_package(nodes))
    behavior = package.bots[0].behaviors[0]
    stack = QUndoStack()

    def first_frame_ours() -> BehaviorCanvas:
        canvas = BehaviorCanvas()
        canvas.resize(1280, 800)
        canvas.set_document(package, stack)
        canvas.show_behavior(behavior)
        canvas.flush()
        canvas.show()
        canvas.grab()  # paints the viewport
        return canvas

    def first_frame_empty() -> QGraphicsView:
        scene = QGraphicsScene()
        view = QGraphicsView(scene)
        scene.setParent(view)  # the view does not own its scene
        view.resize(1280, 800)
        view.show()
        view.grab()
        return view

    rss_before = _rss_mb()
    keep: list = []
    ours = measure(f"first painted frame ({nodes} nodes)", lambda: keep.append(first_frame_ours()), repeat=3)
    base = measure("empty QGraphicsView window", lambda: keep.append(first_frame_empty()), repeat=3)
    rows = [row(ours, base, "< 1.5 s")]
    for widget in keep[:-2]:
        widget.close()
        widget.deleteLater()
    app.processEvents()
    canvas = first_frame_ours()
    empty = first_frame_empty()

    relayout = measure("full relayout", canvas.scene().relayout, repeat=5)
    empty_layout = measure("empty scene: sceneRect + update", lambda: empty.scene().setSceneRect(0, 0, 10, 10))
    rows.append(row(relayout, empty_layout, "< 200 ms"))

    scene = canvas.scene()

    def relayout_all_moved() -> None:
        scene.sibling_gap = 23.0 if scene.sibling_gap == 22.0 else 22.0  # nearly every node moves
        scene.relayout()

    moved = measure("full relayout, nearly every node moved", relayout_all_moved, repeat=5)
    scene.sibling_gap = 22.0
    scene.relayout()
    rows.append(row(moved, empty_layout))

    def fit_and_paint() -> None:
        canvas.zoom_fit()
        canvas.viewport().grab()  # paints the whole viewport into a pixmap

    def empty_paint() -> None:
        empty.viewport().grab()

    fit = measure("fit + paint (zoomed out)", fit_and_paint, repeat=9)
    paint_empty = measure("empty window paint", empty_paint, repeat=9)
    fps = 1 / fit.median if fit.median else float("inf")
    rows.append(row(Figure(f"{fit.name}: {fps:.0f} fps", fit.median, fit.low, fit.high), paint_empty, "60 fps"))

    def zoomed_paint() -> None:
        canvas.zoom_reset()
        canvas.viewport().grab()  # paints the whole viewport into a pixmap

    at100 = measure("paint at 100 %", zoomed_paint, repeat=9)
    rows.append(row(at100, paint_empty))

    minimap = CanvasMinimap(canvas)
    minimap.resize(240, 180)
    minimap.show()
    minimap.grab()  # draws the tree once
    bar = canvas.verticalScrollBar()

    def scroll_step() -> None:  # what a wheel step costs the window: the canvas and the minimap's frame
        bar.setValue(bar.minimum() if bar.value() >= bar.maximum() else bar.value() + 40)
        canvas.viewport().grab()
        minimap.viewport().grab()

    scroll = measure("scroll step at 100 %, minimap shown", scroll_step, repeat=9)
    rows.append(row(scroll, paint_empty))
    minimap.close()
    peak = Figure(f"peak RSS with the 10k-node canvas: {_rss_mb():.0f} MB (before: {rss_before:.0f} MB)", 0, 0, 0)
    rows.append(f"| {peak.name} | | | | |")
    canvas.close()
    empty.close()
    return rows


if __name__ == "__main__":
    t = time.perf_counter()
    print("\n".join(run()))
    print(f"({time.perf_counter() - t:.1f} s)")
