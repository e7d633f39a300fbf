"""Run in a subprocess with QT_QPA_PLATFORM=xcb under Xvfb: open the seed package in a real X window, show
the conversational behavior with a node selected, save PNGs and print pixel probes as JSON.

Usage: python tests/gui/screenshot_app.py PACKAGE OUT_DIR
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, QStandardPaths, QTimer
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
        screen = app.primaryScreen().grabWindow(0)
        screen.save(str(out_dir / "designer-screen.png"))
        viewport = canvas.viewport()
        probes = []
        background = None
        for x in range(2, viewport.width(), 23):
            for y in range(2, viewport.height(), 23):
                if canvas.itemAt(QPoint(x, y)) is None:
                    background = viewport.mapTo(window, QPoint(x, y))
                    break
            if background is not None:
                break
        bg = image.pixelColor(background).name() if background is not None else None
        items = getattr(canvas.scene(), "items_by_id", {})
        for node_id, item in list(items.items())[:40]:
            rect = item.body_scene_rect() if hasattr(item, "body_scene_rect") else item.sceneBoundingRect()
            centre = canvas.mapFromScene(rect.center())
            if not viewport.rect().contains(centre):
                continue
            at = viewport.mapTo(window, centre)
            # probe a few pixels left of centre too (the centre may fall on text anti-aliasing)
            left = viewport.mapTo(window, QPoint(int(canvas.mapFromScene(rect.topLeft()).x()) + 6, centre.y()))
            probes.append({"node": node_id, "centre": image.pixelColor(at).name(), "edge": image.pixelColor(left).name(),
                           "x": at.x(), "y": at.y()})
        result.update(background=bg, probes=probes, selected=[n.id for n in canvas.selected_nodes()],
                      node=node.id if node is not None else None, size=[image.width(), image.height()])
        print("RESULT " + json.dumps(result))
        window._forced_dirty = False
        window.undo_stack.setClean()
        app.quit()

    QTimer.singleShot(800, shoot)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
