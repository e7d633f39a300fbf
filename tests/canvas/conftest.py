from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest

from designer.canvas import BehaviorCanvas
from designer.io import load_package
from tests.conftest import FIXTURE_PACKAGES


def fixture_path(name: str):
    return next(p for p in FIXTURE_PACKAGES if p.name == name)


def dump(package) -> str:
    return json.dumps(package.to_json())


@pytest.fixture(autouse=True)
def _release_clipboard(qapp):
    """Qt deletes clipboard QMimeData in a C++ exit handler, after Python is gone (segfault): clear it."""
    yield
    qapp.clipboard().clear()


@pytest.fixture
def make_canvas(qtbot):
    """make_canvas(package_or_name, behavior_index=0) → (canvas, package, stack), shown 1000×800."""
    stacks = []

    def make(pkg="demo-bot.json", behavior: int | None = 0):
        package = load_package(fixture_path(pkg)) if isinstance(pkg, str) else pkg
        stack = QUndoStack()
        stacks.append(stack)
        canvas = BehaviorCanvas()
        qtbot.addWidget(canvas)
        canvas.set_document(package, stack)
        canvas.resize(1000, 800)
        canvas.show()
        qtbot.waitExposed(canvas)
        if behavior is not None:
            canvas.show_behavior(list(package.all_behaviors())[behavior])
            canvas.zoom_reset()
        return canvas, package, stack

    yield make
    for s in stacks:
        s.clear()


def view_pos(canvas, node, where: str = "center") -> QPoint:
    canvas.ensure_visible(node)
    rect = canvas.node_item(node).body_scene_rect()
    point = rect.center()
    if where in ("left", "right"):  # the "beside it" zones (vertical orientation)
        point.setX(rect.left() + rect.width() * (0.1 if where == "left" else 0.9))
    return canvas.mapFromScene(point)


def click(canvas, node, modifier=Qt.KeyboardModifier.NoModifier, where="center"):
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, modifier, view_pos(canvas, node, where))


def drag(canvas, node, target, where="center", release_modifier=Qt.KeyboardModifier.NoModifier):
    """Press on `node`, move in steps onto `target` (its `where` part), release."""
    start = view_pos(canvas, node)
    vp = canvas.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    end = view_pos(canvas, target, where) if not isinstance(target, QPoint) else target
    for i in range(1, 6):
        QTest.mouseMove(vp, start + (end - start) * (i / 5))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, release_modifier, end)


def key(canvas, k, modifier=Qt.KeyboardModifier.NoModifier):
    canvas.setFocus()
    QTest.keyClick(canvas, k, modifier)
    canvas.flush()


def structure_ok(package) -> bool:
    from designer.model import structure_error

    for behavior in package.all_behaviors():
        stack = [(behavior, n) for n in behavior.children]
        while stack:
            parent, node = stack.pop()
            if node.parent is not parent or structure_error(parent.type, node.type):
                return False
            stack.extend((node, c) for c in node.children)
    return True
