"""Editing sessions in the real window, with the mouse and the keyboard, on every fixture package: each edit is
one undo step; undo all gives back the original model, redo all the edited one, and the saved file re-imports
equal. Also: illegal drops, following behavior links, the view put back by undo, saving into a read-only folder."""
from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from designer.io import load_package
from designer.model import Node
from tests.canvas.conftest import click, drag, key, structure_ok, view_pos
from tests.conftest import FIXTURE_PACKAGES


def _action(window, name: str) -> QAction:
    action = window.findChild(QAction, name)
    assert action is not None, name
    return action


def _open_shown(make_window, qtbot, path: Path):
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    assert window.open_file(path, prompt=False)
    window.canvas.zoom_reset()
    return window


def _empty_point(canvas) -> QPoint:
    """A viewport point with no item under it (a click there clears the selection)."""
    vp = canvas.viewport().rect()
    for y in range(4, vp.height(), 17):
        for x in range(4, vp.width(), 17):
            if not canvas.items(QPoint(x, y)):
                return QPoint(x, y)
    raise AssertionError("the canvas has no empty spot")


def _undo_all(window) -> None:
    undo = _action(window, "action_undo")
    while window.undo_stack.canUndo():
        undo.trigger()


def _redo_all(window) -> None:
    redo = _action(window, "action_redo")
    while window.undo_stack.canRedo():
        redo.trigger()


@pytest.mark.parametrize("path", FIXTURE_PACKAGES, ids=lambda p: p.stem)
def test_mouse_and_keyboard_session_undo_redo_save(make_window, package_copy, qtbot, path):
    copy, original = package_copy(path.name)
    window = _open_shown(make_window, qtbot, copy)
    canvas, stack = window.canvas, window.undo_stack
    behavior = window.current_behavior()
    assert behavior is not None and canvas.behavior() is behavior
    first = behavior.children[0]
    steps = 0

    # copy with the mouse + keyboard, paste at the root end (a click on the background selects nothing)
    click(canvas, first)
    assert canvas.selected_nodes() == [first]
    key(canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     _empty_point(canvas))
    assert canvas.selected_nodes() == []
    key(canvas, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    pasted = behavior.children[-1]
    steps += 1
    assert pasted is not first and pasted.to_json() == first.to_json() and canvas.selected_nodes() == [pasted]

    # reorder with the keyboard
    index = behavior.children.index(pasted)
    key(canvas, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    steps += 1
    assert behavior.children.index(pasted) == index - 1

    # add a sibling with the keyboard
    key(canvas, Qt.Key.Key_Insert, Qt.KeyboardModifier.ShiftModifier)
    steps += 1
    added = canvas.selected_nodes()
    assert len(added) == 1 and added[0].parent is behavior and added[0].title.startswith("New ")

    # move with the mouse: drag the first copied node to the other end of the root row
    if behavior.children[0] is first:
        drag(canvas, first, behavior.children[-1], "right")
        assert behavior.children[-1] is first
    else:
        drag(canvas, first, behavior.children[0], "left")
        assert behavior.children[0] is first
    steps += 1

    # rename in place (F2), toggle status (Space)
    click(canvas, added[0])
    key(canvas, Qt.Key.Key_F2)
    editor = canvas._rename_editor
    editor.selectAll()
    QTest.keyClicks(editor, "Renamed in place")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    steps += 1
    assert added[0].title == "Renamed in place"
    key(canvas, Qt.Key.Key_Space)
    steps += 1
    assert added[0].status == "disabled"

    # delete with the keyboard
    click(canvas, pasted)
    key(canvas, Qt.Key.Key_Delete)
    steps += 1
    assert pasted.parent is None

    # paste into another behavior through the Edit menu
    others = [b for b in window.package.all_behaviors() if b is not behavior]
    if others:
        window.outline.select_object(others[0])
        assert canvas.behavior() is others[0]
        canvas.select_nodes([])
        _action(window, "action_paste").trigger()
        steps += 1
        assert others[0].children[-1].to_json() == first.to_json()

    assert stack.count() == steps, [stack.text(i) for i in range(stack.count())]  # every edit is one undo step
    assert structure_ok(window.package)
    edited = window.package.to_json()
    assert edited != original

    _undo_all(window)
    assert window.package.to_json() == original
    assert not window.isWindowModified()
    canvas.flush()
    shown = canvas.behavior()
    assert sorted(canvas.scene().items_by_id) == sorted(n.id for n in shown.walk())  # the canvas followed
    _redo_all(window)
    assert window.package.to_json() == edited
    assert window.isWindowModified()

    _action(window, "action_save").trigger()
    assert window.dialogs.calls == []
    assert not window.isWindowModified()
    assert load_package(copy).to_json() == window.package.to_json() == edited


def test_dropping_on_an_illegal_parent_is_refused_in_the_window(make_window, package_copy, qtbot):
    copy, original = package_copy("demo-bot.json")
    window = _open_shown(make_window, qtbot, copy)
    canvas = window.canvas
    behavior = window.current_behavior()
    switch = next(n for n in behavior.walk() if n.type == "switch")
    action = behavior.children[0]
    assert action.type == "action"
    with qtbot.waitSignal(canvas.editRefused):
        drag(canvas, action, switch, "center")  # Cerb: a switch holds only outcomes
    assert window.undo_stack.count() == 0 and window.package.to_json() == original
    assert "structure" in window.statusBar().currentMessage()
    assert not window.isWindowModified()
    # while hovering, the indicator said no
    vp = canvas.viewport()
    start = view_pos(canvas, action)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    end = view_pos(canvas, switch)  # (may scroll: the press is already on the action)
    for i in range(1, 6):
        QTest.mouseMove(vp, start + (end - start) * (i / 5))
    assert canvas.scene().drop_indicator.isVisible() and canvas.scene().drop_indicator.ok is False
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert window.undo_stack.count() == 0


def test_clicking_a_behavior_link_follows_it_in_the_window(make_window, package_copy, qtbot):
    copy, _ = package_copy("prompt-bot.json")
    window = _open_shown(make_window, qtbot, copy)
    canvas = window.canvas
    for behavior in window.package.all_behaviors():
        window.outline.select_object(behavior)
        if canvas.scene().stubs:
            break
    stub = canvas.scene().stubs[0]
    source = canvas.behavior()
    canvas.ensureVisible(stub.sceneBoundingRect())
    pos = canvas.mapFromScene(stub.mapToScene(stub.shape().boundingRect().center()))
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    assert stub.target is not source
    assert canvas.behavior() is stub.target and window.current_behavior() is stub.target
    assert window.outline.current_object() is stub.target


def test_undo_and_redo_put_the_scroll_and_selection_back(make_window, package_copy, qtbot):
    copy, _ = package_copy("demo-bot.json")
    window = _open_shown(make_window, qtbot, copy)
    canvas = window.canvas
    behavior = window.current_behavior()
    node = behavior.children[5]
    canvas.zoom_reset()
    canvas.ensure_visible(node)
    click(canvas, node)
    before = (canvas.zoom(), canvas.horizontalScrollBar().value(), canvas.verticalScrollBar().value())
    key(canvas, Qt.Key.Key_Delete)
    survivor = canvas.selected_nodes()
    after = (canvas.zoom(), canvas.horizontalScrollBar().value(), canvas.verticalScrollBar().value())
    # wander off: another zoom, another scroll, another selection
    canvas.zoom_out()
    canvas.zoom_out()
    canvas.horizontalScrollBar().setValue(canvas.horizontalScrollBar().minimum())
    canvas.select_nodes([behavior.children[0]])
    _action(window, "action_undo").trigger()
    assert node.parent is behavior and canvas.selected_nodes() == [node]
    assert (canvas.zoom(), canvas.horizontalScrollBar().value(), canvas.verticalScrollBar().value()) == before
    canvas.zoom_in()
    canvas.select_nodes([])
    _action(window, "action_redo").trigger()
    assert node.parent is None and canvas.selected_nodes() == survivor
    assert (canvas.zoom(), canvas.horizontalScrollBar().value(), canvas.verticalScrollBar().value()) == after


def test_undo_of_a_properties_edit_goes_back_to_its_node(make_window, package_copy, qtbot):
    copy, original = package_copy("aws-lambda-bot.json")
    window = _open_shown(make_window, qtbot, copy)
    behaviors = list(window.package.all_behaviors())
    node = behaviors[0].children[0]
    window.reveal(node)
    title = next(b for b in window.properties.bindings if b.field == "title").editor
    qtbot.keyClicks(title.edit, " (edited)")
    assert node.title.endswith(" (edited)") and window.undo_stack.count() == 1
    assert window.properties.target is node  # typing kept the form (no rebuild under the cursor)
    window.outline.select_object(behaviors[2])  # somewhere else
    assert window.canvas.behavior() is behaviors[2]
    _action(window, "action_undo").trigger()
    assert window.package.to_json() == original
    assert window.canvas.behavior() is behaviors[0] and window.current_behavior() is behaviors[0]
    assert window.canvas.selected_nodes() == [node] and window.properties.target is node
    assert window.outline.current_object() is behaviors[0]


def test_find_bar_keys(make_window, package_copy, qtbot):
    copy, _ = package_copy("aws-lambda-bot.json")
    window = _open_shown(make_window, qtbot, copy)
    bar = window.find_bar
    _action(window, "action_find").trigger()
    qtbot.keyClicks(bar.edit, "dns")
    assert len(bar.matches) >= 2
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert bar.index == 0 and window.canvas.selected_nodes() == [bar.matches[0].node]
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert bar.index == 1
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.index == 0
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()


def test_edit_menu_mirrors_the_canvas_actions(make_window, package_copy, qtbot):
    copy, _ = package_copy("demo-bot.json")
    window = _open_shown(make_window, qtbot, copy)
    window.canvas.select_nodes([])
    assert not _action(window, "action_delete").isEnabled() and not _action(window, "action_copy").isEnabled()
    window.canvas.select_nodes([window.current_behavior().children[0]])
    assert _action(window, "action_delete").isEnabled() and _action(window, "action_copy").isEnabled()
    assert _action(window, "action_minimap").isChecked() and window.docks["Minimap"].isVisible()
    _action(window, "action_minimap").trigger()
    assert not window.docks["Minimap"].isVisible()


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """Make `folder` refuse new entries: chmod for a user; root ignores modes, so an immutable folder then."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        undo = functools.partial(folder.chmod, 0o755)
    else:
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True, check=False).returncode:
            pytest.skip("running as root where chattr +i is unavailable: no folder is read-only for root")
        undo = functools.partial(subprocess.run, [chattr, "-i", str(folder)], check=True)
    try:
        probe = folder / ".probe"
        try:
            probe.write_text("x")
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip("could not make a read-only folder here")
        yield
    finally:
        undo()


def test_save_into_a_read_only_folder_fails_and_keeps_the_old_file(make_window, package_copy, qtbot, tmp_path,
                                                                   dialogs):
    folder = tmp_path / "ro"
    folder.mkdir()
    copy, _ = package_copy("slack-bot.json")
    path = folder / copy.name
    shutil.move(str(copy), path)
    before = path.read_bytes()
    window = _open_shown(make_window, qtbot, path)
    window.canvas.select_nodes([window.current_behavior().children[0]])
    key(window.canvas, Qt.Key.Key_Space)  # an edit to save
    assert window.isWindowModified()
    with _read_only(folder):
        assert not window.save()
        assert list(folder.iterdir()) == [path]  # no temporary file left behind
    assert dialogs.names() == ["error"]
    _title, text, details = dialogs.calls[0][1]
    assert "not saved" in text and str(path) in text and ("denied" in text or "not permitted" in text)
    assert "unchanged" in text + details
    assert path.read_bytes() == before
    assert window.isWindowModified()  # the edits are still open, still unsaved
    assert window.save()  # writable again: the same document saves
    assert load_package(path).to_json() == window.package.to_json()
    assert json.loads(path.read_text(encoding="utf-8")) != json.loads(before)


def test_every_window_edit_of_a_node_is_undoable_through_the_canvas_model(make_window, package_copy):
    """Edit ▸ Add node goes through the canvas (one step, the new node selected, undo reselects the anchor)."""
    copy, original = package_copy("demo-bot.json")
    window = make_window()
    window.open_file(copy, prompt=False)
    behavior = window.current_behavior()
    switch = next(n for n in behavior.walk() if n.type == "switch")
    window.canvas.select_nodes([switch])
    added = window.add_node("outcome")
    assert isinstance(added, Node) and added.parent is switch and window.canvas.selected_nodes() == [added]
    window.undo_stack.undo()
    assert window.canvas.selected_nodes() == [switch]
    assert window.package.to_json() == original
