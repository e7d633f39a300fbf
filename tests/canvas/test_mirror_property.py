"""Property-based: whatever legal commands do to the model, the canvas mirrors it exactly (after the one
coalesced sync), through undo and redo too."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QUndoStack

from designer.canvas import BehaviorCanvas
from tests.commands.test_properties import one_step, packages


def mirrored(canvas: BehaviorCanvas) -> bool:
    canvas.flush()
    behavior = canvas.behavior()
    items = canvas.scene().items_by_id
    visible = canvas.scene().visible_nodes()
    return sorted(items) == sorted(n.id for n in visible) and all(items[n.id].node is n for n in visible) and all(
        items[n.id].title == (n.title or "(untitled)") for n in visible) and behavior is not None


@given(packages(), st.data())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
def test_canvas_mirrors_random_edits(qtbot, package, data):
    stack = QUndoStack()
    canvas = BehaviorCanvas()
    canvas.set_document(package, stack)
    canvas.show_behavior(next(package.all_behaviors()))
    if data.draw(st.booleans()):
        canvas.collapse_all()
    for _ in range(data.draw(st.integers(1, 15))):
        one_step(data, package, stack)
        assert mirrored(canvas)
    while stack.canUndo():
        stack.undo()
    assert mirrored(canvas)
    while stack.canRedo():
        stack.redo()
    assert mirrored(canvas)
    canvas.set_document(None, None)
    stack.clear()
    canvas.deleteLater()
