"""Run in a subprocess with QT_QPA_PLATFORM=xcb under Xvfb: open the seed package in a real X window, show
the conversational behavior with a node selected, save PNGs and print pixel probes as JSON.

Usage: python tests/gui/screenshot_app.py PACKAGE OUT_DIR
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication

BEHAVIOR = "DNS conversational behavior"


def main() -> int:
    package_path, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    QStandardPaths.setTestModeEnabled(True)
    app = QApplication([sys.argv[0]])
    from designer.app.window import MainWindow

    class QuietDialogs:
        def __getattr__(self, name):  # every dialog: record nothing, answer "no"
            return lambda *a, **k: None if name != "unsaved_changes" else "discard"

    window = MainWindow(dialogs=QuietDialogs(), offer_recovery=False)
    window.resize(1240, 760)
    window.move(10, 10)
    window.show()
    assert window.open_file(package_path, prompt=False)
    behavior = next(b for b in window.package.all_behaviors() if b.title == BEHAVIOR)
    window.outline.select_object(behavior)
    node = behavior.children[0] if behavior.children else None
    result: dict = {"platform": app.platformName(), "behavior": behavior.title}

    def shoot() -> None:
        canvas = window.canvas
        if node is not None:
            window.reveal(node)
        app.processEvents()
        image = window.grab().toImage()
        image.save(str(out_dir / "designer-window.png"))
        screen = app.primaryScreen().grabWindow(0)  # the X server's own pixels, not a widget render
        screen.save(str(out_dir / "designer-screen.png"))
        screen_image = screen.toImage()
        viewport = canvas.viewport()
        background = None
        for x in range(2, viewport.width(), 23):
            for y in range(2, viewport.height(), 23):
                if canvas.itemAt(QPoint(x, y)) is None:
                    background = viewport.mapTo(window, QPoint(x, y))
                    break
            if background is not None:
                break
        bg = image.pixelColor(background).name() if background is not None else None
        from designer.canvas.style import SELECTED, style

        def near(colour, want, tolerance=24) -> bool:
            return abs(colour.red() - want.red()) + abs(colour.green() - want.green()) \
                + abs(colour.blue() - want.blue()) <= tolerance

        def row_has(img, to_img, rect, y, want) -> bool:
            """Is `want` painted somewhere on the body's row `y` (scene coordinates)?"""
            for i in range(2, 40):
                x = rect.left() + rect.width() * i / 41
                p = to_img(canvas.mapFromScene(QPointF(x, y)))
                if 0 <= p.x() < img.width() and 0 <= p.y() < img.height() and near(img.pixelColor(p), want):
                    return True
            return False

        def in_window(p: QPoint) -> QPoint:
            return viewport.mapTo(window, p)

        def on_screen(p: QPoint) -> QPoint:
            return viewport.mapToGlobal(p)

        items = canvas.scene().items_by_id

        def probe(img, screen_img, limit=40, row=0.85) -> list[dict]:
            """For the nodes wholly in view: the pixels at their body, and whether their type's fill shows."""
            found = []
            for node_id, item in list(items.items())[:limit]:
                rect = item.body_scene_rect()
                centre = canvas.mapFromScene(rect.center())
                if not viewport.rect().contains(canvas.mapFromScene(rect).boundingRect()):
                    continue  # only nodes wholly in view
                at = viewport.mapTo(window, centre)
                # a few pixels left of centre too (the centre may fall on text anti-aliasing)
                left = viewport.mapTo(window, QPoint(int(canvas.mapFromScene(rect.topLeft()).x()) + 6, centre.y()))
                fill = style().fills[item.node.type, item.node.effective_status == "disabled"].color()
                y = rect.top() + rect.height() * row  # below the text lines (none when zoomed out): the fill
                found.append({"node": node_id, "type": item.node.type, "centre": img.pixelColor(at).name(),
                              "edge": img.pixelColor(left).name(), "x": at.x(), "y": at.y(), "fill": fill.name(),
                              "fill_in_window": row_has(img, in_window, rect, y, fill),
                              "fill_on_screen": row_has(screen_img, on_screen, rect, y, fill)})
            return found

        probes = probe(image, screen_image)
        selected_frame = None
        if node is not None and node.id in items:
            rect = items[node.id].body_scene_rect()
            selected_frame = row_has(image, in_window, rect.adjusted(-4, 0, 4, 0), rect.top() + 1, SELECTED) or \
                row_has(image, in_window, rect.adjusted(-4, 0, 4, 0), rect.bottom() - 1, SELECTED)
        # the whole tree fitted: all node types at once, told apart by colour
        canvas.zoom_fit()
        app.processEvents()
        fitted = window.grab().toImage()
        fitted.save(str(out_dir / "designer-window-fit.png"))
        fit_probes = probe(fitted, app.primaryScreen().grabWindow(0).toImage(), limit=200, row=0.5)
        result.update(background=bg, probes=probes, fit_probes=fit_probes,
                      selected=[n.id for n in canvas.selected_nodes()], node=node.id if node is not None else None,
                      size=[image.width(), image.height()], selected_frame=selected_frame)
        print("RESULT " + json.dumps(result))
        window._forced_dirty = False
        window.undo_stack.setClean()
        app.quit()

    QTimer.singleShot(800, shoot)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
