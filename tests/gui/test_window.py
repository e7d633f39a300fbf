"""The designer window driven through its real widgets (offscreen)."""
from __future__ import annotations

import json
import os

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication

from designer.io import load_package
from designer.model import Behavior, Node
from tests.conftest import FIXTURE_PACKAGES


def _action(window, name):
    from PySide6.QtGui import QAction

    action = window.findChild(QAction, name)
    assert action is not None, name
    return action


def _size(node):
    return sum(1 for _ in node.walk())  # the node and its subtree


def _title_editor(window):
    binding = next(b for b in window.properties.bindings if b.field == "title")
    return binding.editor


@pytest.mark.parametrize("path", FIXTURE_PACKAGES, ids=lambda p: p.stem)
def test_every_fixture_opens_and_each_behavior_shows(make_window, path):
    window = make_window()
    assert window.open_file(path, prompt=False)
    assert window.package.to_json() == json.loads(path.read_text(encoding="utf-8"))
    assert not window.isWindowModified()
    assert path.name in window.windowTitle()
    for behavior in window.package.all_behaviors():
        assert window.outline.select_object(behavior)
        assert window.current_behavior() is behavior
        assert window.properties.target is behavior
        assert window.canvas.behavior() is behavior
    assert window.dialogs.calls == []


@pytest.mark.parametrize("name", [p.name for p in FIXTURE_PACKAGES])
def test_edit_title_in_properties_then_undo_restores_the_model(make_window, package_copy, qtbot, name):
    path, original = package_copy(name)
    window = make_window()
    window.open_file(path, prompt=False)
    node = next(n for b in window.package.all_behaviors() for n in b.walk())
    window.reveal(node)
    assert window.properties.target is node
    editor = _title_editor(window)
    qtbot.keyClicks(editor.edit, " edited")
    assert node.title.endswith(" edited")
    assert window.isWindowModified()
    assert window.undo_stack.count() == 1  # typing merges into one step per (node, field)
    _action(window, "action_undo").trigger()
    assert window.package.to_json() == original
    assert not window.isWindowModified()
    assert editor.value() == node.title  # the model event updated the editor
    _action(window, "action_redo").trigger()
    assert node.title.endswith(" edited")


def test_empty_title_is_flagged_and_not_written(make_window, package_copy, qtbot):
    path, original = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    node = next(window.package.all_behaviors()).children[0]
    window.reveal(node)
    editor = _title_editor(window)
    editor.edit.selectAll()
    qtbot.keyClick(editor.edit, Qt.Key.Key_Delete)
    assert "required" in window.properties.problem_label.text()
    assert node.title  # never emptied
    assert window.package.to_json() == original


def test_action_param_edit_and_raw_json_round_trip(make_window, package_copy, qtbot):
    path, original = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    node = next(n for b in window.package.all_behaviors() for n in b.walk()
                if any(a.get("action") == "send_message" for a in n.actions))
    window.reveal(node)
    binding = next(b for b in window.properties.bindings if b.path[-1:] == ("message",))
    binding.editor.edit.setPlainText("Hello {{worker_first_name}}")
    index = next(i for i, a in enumerate(node.params["actions"]) if a.get("action") == "send_message")
    assert node.params["actions"][index]["message"] == "Hello {{worker_first_name}}"
    # the raw view shows it, and keeps keys the catalogue does not know
    raw = json.loads(window.properties.raw_edit.toPlainText())
    raw["actions"][index]["x_unknown"] = {"kept": True}
    window.properties.raw_edit.setPlainText(json.dumps(raw))
    assert window.properties.apply_raw()
    assert node.params["actions"][index]["x_unknown"] == {"kept": True}
    window.properties.raw_edit.setPlainText("{not json")
    assert not window.properties.apply_raw()
    assert "Invalid JSON" in window.properties.raw_status.text()
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.package.to_json() == original


def test_invalid_json_param_is_reported_not_written(make_window, package_copy):
    path, original = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    node = next(n for b in window.package.all_behaviors() for n in b.walk()
                if any(a.get("action") == "core.va.action.http_request" for a in n.actions))
    window.reveal(node)
    json_bindings = [b for b in window.properties.bindings if b.editor.spec.get("type") == "json"]
    if not json_bindings:
        pytest.skip("no JSON-typed param in this package")
    json_bindings[0].editor.edit.setPlainText('{"a": ')
    assert "invalid JSON" in window.properties.problem_label.text()
    assert window.package.to_json() == original


def test_add_and_delete_nodes_through_menu_actions(make_window, package_copy):
    path, original = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    behavior = window.current_behavior()
    before = behavior.node_count()
    window.canvas.select_nodes([])
    _action(window, "action_add_action").trigger()
    assert behavior.node_count() == before + 1
    added = window.canvas.selected_nodes()
    assert len(added) == 1 and added[0].type == "action" and added[0].parent is behavior
    _action(window, "action_add_switch").trigger()  # an action holds no switch: it goes after the action
    assert behavior.node_count() == before + 2
    switch = window.canvas.selected_nodes()[0]
    assert switch.type == "switch" and behavior.children.index(switch) == behavior.children.index(added[0]) + 1
    _action(window, "action_add_outcome").trigger()  # a switch holds outcomes: inside it
    assert switch.children and switch.children[-1].type == "outcome"
    window.canvas.select_nodes(added)
    _action(window, "action_delete").trigger()
    assert added[0].parent is None and behavior.node_count() == before + 2
    survivor = window.canvas.selected_nodes()
    assert len(survivor) == 1  # the delete selected a neighbour
    size = _size(survivor[0])
    _action(window, "action_duplicate").trigger()
    assert behavior.node_count() == before + 2 + size
    assert window.undo_stack.count() == 5  # one step per edit
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.package.to_json() == original


def test_copy_paste_nodes_through_the_edit_menu_and_between_windows(make_window, package_copy):
    path, original = package_copy("aws-lambda-bot.json")
    other_path, other_original = package_copy("slack-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    behavior = window.current_behavior()
    before = behavior.node_count()
    first = behavior.children[0]
    window.canvas.select_nodes([first])
    _action(window, "action_copy").trigger()
    assert json.loads(QGuiApplication.clipboard().text()) == [first.to_json()]
    window.canvas.select_nodes([])
    _action(window, "action_paste").trigger()
    assert behavior.node_count() == before + _size(first)
    pasted = behavior.children[-1]
    assert pasted.to_json() == first.to_json() and pasted.id != first.id
    # another behavior of the same package
    target = list(window.package.all_behaviors())[3]
    window.outline.select_object(target)
    count = target.node_count()
    _action(window, "action_paste").trigger()
    assert target.node_count() == count + _size(first)
    # another window (another package)
    second = make_window()
    second.open_file(other_path, prompt=False)
    into = second.current_behavior()
    second.canvas.select_nodes([])
    _action(second, "action_paste").trigger()
    assert into.children[-1].to_json() == first.to_json() and second.undo_stack.count() == 1
    # cut: copy + delete as one step
    window.reveal(pasted)
    assert window.canvas.selected_nodes() == [pasted]
    steps = window.undo_stack.count()
    _action(window, "action_cut").trigger()
    assert pasted.parent is None and window.undo_stack.count() == steps + 1
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.package.to_json() == original
    second.undo_stack.undo()
    assert second.package.to_json() == other_original


@pytest.mark.parametrize("name", [p.name for p in FIXTURE_PACKAGES])
def test_save_writes_a_file_that_reimports_equal(make_window, package_copy, qtbot, name):
    path, _ = package_copy(name)
    window = make_window()
    window.open_file(path, prompt=False)
    assert str(path.resolve()) in window.settings.recent_files()
    node = next(n for b in window.package.all_behaviors() for n in b.walk())
    window.reveal(node)
    qtbot.keyClicks(_title_editor(window).edit, "!")
    assert window.isWindowModified()
    _action(window, "action_save").trigger()
    assert not window.isWindowModified()
    assert load_package(path).to_json() == window.package.to_json()
    assert window.dialogs.calls == []


def test_save_as_to_a_new_path(make_window, package_copy, tmp_path, dialogs):
    path, _ = package_copy("slack-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    target = tmp_path / "saved-as.json"
    dialogs.save_path = str(target)
    assert window.save_as()
    assert window.file_path == target.resolve()
    assert load_package(target).to_json() == window.package.to_json()


def test_failed_save_shows_why_and_keeps_the_old_file(make_window, package_copy, monkeypatch, qtbot, dialogs):
    path, _ = package_copy("aws-lambda-bot.json")
    before = path.read_bytes()
    window = make_window()
    window.open_file(path, prompt=False)
    window.reveal(next(window.package.all_behaviors()).children[0])
    qtbot.keyClicks(_title_editor(window).edit, "x")

    def refuse(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    assert not window.save()
    assert dialogs.names() == ["error"]
    _title, text, details = dialogs.calls[0][1]
    assert "No space left on device" in text and "unchanged" in (text + details)
    assert path.read_bytes() == before
    assert window.isWindowModified()
    assert not list(path.parent.glob(".*.tmp"))  # no temporary left behind


def test_save_into_an_unwritable_location_is_an_error(make_window, package_copy, tmp_path, dialogs):
    path, _ = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file")
    assert not window.save_to(blocker / "package.json")  # the parent is a file: even root cannot write there
    assert dialogs.names() == ["error"]
    assert blocker.read_text() == "a regular file"


def test_autosave_then_crash_then_recovery_brings_the_edits_back(make_window, package_copy, qtbot, dialogs):
    import shiboken6

    path, _ = package_copy("aws-lambda-bot.json")
    window = make_window(track=False)
    window.open_file(path, prompt=False)
    node = next(window.package.all_behaviors()).children[0]
    window.reveal(node)
    qtbot.keyClicks(_title_editor(window).edit, " recovered")
    edited = window.package.to_json()
    saved = window.autosave_now()
    assert saved is not None and saved.exists()
    window.autosave_timer.stop()
    shiboken6.delete(window)  # a crash: no close event, no cleanup
    assert saved.exists()

    again = make_window()
    assert "recover" in dialogs.names()
    assert again.package.to_json() == edited
    assert again.file_path == path.resolve()
    assert again.isWindowModified()
    assert load_package(path).to_json() != edited  # the file itself was never touched


def test_recovery_declined_discards_the_files(make_window, package_copy, qtbot, dialogs):
    import shiboken6

    path, _ = package_copy("aws-lambda-bot.json")
    window = make_window(track=False)
    window.open_file(path, prompt=False)
    window.reveal(next(window.package.all_behaviors()).children[0])
    qtbot.keyClicks(_title_editor(window).edit, "z")
    saved = window.autosave_now()
    window.autosave_timer.stop()
    shiboken6.delete(window)
    dialogs.recover_answer = False
    make_window()
    assert "recover" in dialogs.names()
    assert not saved.exists()
    dialogs.calls.clear()
    make_window()
    assert "recover" not in dialogs.names()


def test_no_recovery_offer_after_a_clean_close(make_window, package_copy, qtbot, dialogs):
    path, _ = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    window.reveal(next(window.package.all_behaviors()).children[0])
    qtbot.keyClicks(_title_editor(window).edit, "z")
    window.autosave_now()
    dialogs.unsaved_answer = "discard"
    assert window.close()
    dialogs.calls.clear()
    make_window()
    assert dialogs.names() == []


def test_unsaved_changes_prompt_on_close(make_window, package_copy, qtbot, dialogs):
    path, _ = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.show()
    window.open_file(path, prompt=False)
    window.reveal(next(window.package.all_behaviors()).children[0])
    qtbot.keyClicks(_title_editor(window).edit, "?")
    dialogs.unsaved_answer = "cancel"
    assert not window.close()
    assert window.isVisible()
    assert dialogs.names() == ["unsaved_changes"]
    dialogs.unsaved_answer = "save"
    assert window.close()
    assert load_package(path).to_json() == window.package.to_json()


def test_unsaved_changes_prompt_before_opening_another_file(make_window, package_copy, qtbot, dialogs):
    path, _ = package_copy("aws-lambda-bot.json")
    other, _ = package_copy("slack-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    window.reveal(next(window.package.all_behaviors()).children[0])
    qtbot.keyClicks(_title_editor(window).edit, "?")
    dialogs.unsaved_answer = "cancel"
    assert not window.open_file(other)
    assert window.file_path == path.resolve()
    dialogs.unsaved_answer = "discard"
    assert window.open_file(other)
    assert window.file_path == other.resolve()


def test_external_change_is_noticed_and_reloaded(make_window, package_copy, qtbot, dialogs):
    path, original = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    changed = json.loads(json.dumps(original))
    changed["package"]["name"] = "Changed elsewhere"
    path.write_text(json.dumps(changed, indent=4), encoding="utf-8")
    qtbot.waitUntil(lambda: "reload_changed_file" in dialogs.names(), timeout=5000)
    assert window.package.name == "Changed elsewhere"


def test_own_save_is_not_an_external_change(make_window, package_copy, qtbot, dialogs):
    path, _ = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    window.reveal(next(window.package.all_behaviors()).children[0])
    qtbot.keyClicks(_title_editor(window).edit, "s")
    assert window.save()
    qtbot.wait(400)
    assert not window.check_external_change()
    assert "reload_changed_file" not in dialogs.names()


def test_find_next_previous_selects_nodes_across_behaviors(make_window, package_copy, qtbot):
    path, _ = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    _action(window, "action_find").trigger()
    assert window.find_bar.isVisibleTo(window)
    qtbot.keyClicks(window.find_bar.edit, "behavior_id")  # a param key's value? no: search text of params
    window.find_bar.edit.clear()
    qtbot.keyClicks(window.find_bar.edit, "dns")
    matches = window.find_bar.matches
    assert len(matches) >= 2
    assert len({m.behavior.uid for m in matches}) >= 2  # found in more than one behavior
    first = window.find_bar.find_next()
    assert window.canvas.selected_nodes() == [first.node]
    assert window.current_behavior() is first.behavior
    second = window.find_bar.find_next()
    assert second is matches[1]
    back = window.find_bar.find_previous()
    assert back is matches[0]
    wrapped = window.find_bar.find_previous()
    assert wrapped is matches[-1]
    assert window.current_behavior() is wrapped.behavior
    assert window.canvas.selected_nodes() == [wrapped.node]
    _action(window, "action_find_next").trigger()
    assert window.canvas.selected_nodes() == [matches[0].node]


def test_find_searches_template_text_and_placeholders(make_window, package_copy):
    from designer.panels.find import find_matches

    path, _ = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    templates = find_matches(window.package, "{{")
    assert templates and all(m.where != "title" for m in templates[:1])
    assert find_matches(window.package, "no such text anywhere 123") == []


def test_problems_panel_shows_twitter_warnings_and_click_selects_node(make_window, package_copy, qtbot):
    path, _ = package_copy("twitter-bot.json")
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.open_file(path, prompt=False)
    panel = window.problems
    qtbot.waitUntil(lambda: len(panel.problems) == 2, timeout=5000)
    assert [p.code for p in panel.problems] == ["unknown-placeholder", "unknown-placeholder"]
    assert panel.list.topLevelItemCount() == 2
    dock = window.docks["Problems"]
    dock.setFloating(True)  # away from any docks tabbed with it, and big enough to click in
    dock.resize(700, 300)
    dock.raise_()
    qtbot.waitUntil(lambda: panel.list.viewport().height() > 60)
    item = panel.list.topLevelItem(1)
    panel.list.scrollToItem(item)
    rect = panel.list.visualItemRect(item)
    where = QPoint(rect.left() + 10, rect.center().y())
    assert panel.list.viewport().rect().contains(where)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=where)
    problem = panel.problems[1]
    node = window.package.find_node(problem.node_id)
    assert window.canvas.selected_nodes() == [node]
    assert window.current_behavior() is node.behavior()
    assert window.properties.target is node


def test_problems_refresh_after_an_edit(make_window, package_copy, qtbot):
    path, _ = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    assert window.problems.problems == []
    behavior = window.current_behavior()
    qtbot.waitUntil(lambda: not window.problems.timer.isActive(), timeout=3000)
    for i in range(5):  # a burst of edits: the lint waits for the burst to end (debounced)
        window.edits.insert_node(behavior, len(behavior.children), Node("switch", f"Empty decision {i}"))
        assert window.problems.timer.isActive() and window.problems.problems == []
    qtbot.waitUntil(lambda: any(p.code == "switch-no-outcome" for p in window.problems.problems), timeout=3000)
    assert sum(p.code == "switch-no-outcome" for p in window.problems.problems) == 5
    for _ in range(4):
        window.undo_stack.undo()
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.problems.problems == [], timeout=3000)


def test_problem_paths_resolve_to_live_objects(make_window, package_copy):
    from designer.panels.problems import resolve_path

    path, _ = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    package = window.package
    assert resolve_path(package, "bots[0]") is package.bots[0]
    assert resolve_path(package, "bots[0].behaviors[0]") is package.bots[0].behaviors[0]
    assert resolve_path(package, "bots[0].behaviors[0].nodes[0]") is package.bots[0].behaviors[0].children[0]
    assert resolve_path(package, "bots[9]") is None


def test_big_packages_are_linted_off_the_gui_thread(make_window, qtbot, tmp_path):
    from designer.io import save_package
    from designer.model import Behavior as B
    from designer.model import Bot, Package

    package = Package("Big")
    bot = Bot("bot_1", "Big bot")
    package.insert_bot(0, bot)
    behavior = B("behavior_1", "Many nodes")
    package.insert_behavior(bot, 0, behavior)
    for i in range(2100):
        package.insert_node(behavior, i, Node("action", f"Step {i}", params={"actions": []}))
    package.insert_node(behavior, 0, Node("switch", "Empty decision"))
    path = tmp_path / "big.json"
    save_package(package, path)
    window = make_window()
    window.open_file(path, prompt=False)
    qtbot.waitUntil(lambda: any(p.code == "switch-no-outcome" for p in window.problems.problems), timeout=20000)
    problem = next(p for p in window.problems.problems if p.code == "switch-no-outcome")
    target = window.problems.target_of(problem)
    assert isinstance(target, Node) and target.title == "Empty decision"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # QDragEnterEvent(QPoint, …): the only constructor
def test_dropping_a_package_file_opens_it(make_window, package_copy, qtbot):
    path, original = package_copy("prompt-bot.json")
    window = make_window()
    window.show()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    from PySide6.QtGui import QDragEnterEvent

    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPoint(10, 10).toPointF(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: window.file_path == path.resolve(), timeout=3000)
    assert window.package.to_json() == original


def test_outline_creates_renames_reorders_and_deletes_behaviors_and_bots(make_window, package_copy, qtbot):
    path, original = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    outline = window.outline
    bot = window.package.bots[0]
    count = len(bot.behaviors)
    outline.select_object(bot)
    behavior = outline.add_behavior()
    assert isinstance(behavior, Behavior) and behavior in bot.behaviors and len(bot.behaviors) == count + 1
    item = outline.item_for(behavior)
    item.setText(0, "Renamed behavior")  # what an inline edit commits
    assert behavior.title == "Renamed behavior"
    outline.select_object(behavior)
    outline.move_current(-1)
    assert bot.behaviors.index(behavior) == count - 1
    assert outline.current_object() is behavior
    outline.delete_current()
    assert behavior not in bot.behaviors
    new_bot = outline.add_bot()
    assert new_bot in window.package.bots
    outline.move_current(-1)
    assert window.package.bots.index(new_bot) == 0
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.package.to_json() == original


def test_behavior_variables_and_event_params_edit_through_commands(make_window, package_copy):
    path, original = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    behavior = next(b for b in window.package.all_behaviors() if b.event_key == "event.interactions.get.worker")
    window.outline.select_object(behavior)
    binding = next(b for b in window.properties.bindings if b.field == "event")
    binding.editor.edit.setPlainText("global\r\nmail.*")
    assert behavior.event_params["listen_points"] == "global\r\nmail.*"
    key = window.properties.add_variable(behavior, "Mode")
    assert key in behavior.variable_defs
    editor = next(b for b in window.properties.bindings if b.field == "variables").editor
    assert key in editor.value()  # the form followed the model
    editor.table.item(editor.table.rowCount() - 1, 1).setText("Mode of lookup")
    assert behavior.variable_defs[key]["label"] == "Mode of lookup"
    editor.table.item(editor.table.rowCount() - 1, 0).setText("Bad Key")
    assert "var_name" in window.properties.problem_label.text()
    assert key in behavior.variable_defs  # not written
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.package.to_json() == original


def test_import_asks_the_prompts_and_export_writes_a_configured_file(make_window, package_copy, tmp_path, dialogs):
    source, original = package_copy("aws-lambda-bot.json")
    package = load_package(source)
    keys = [p["key"] for p in package.prompts]
    assert keys  # the test needs a package with configure prompts
    dialogs.prompt_values = {k: f"VALUE_{k}" for k in keys}
    window = make_window()
    assert window.import_with_prompts_dialog(source)  # the plain import (import_package runs the modal wizard)
    assert ("prompts", keys) in dialogs.calls
    assert window.file_path is None and window.isWindowModified()  # a configured copy, not the file
    text = json.dumps(window.package.to_json())
    assert "{{{" not in text and "VALUE_aws_region" in text
    assert json.loads(source.read_text(encoding="utf-8")) == original
    imported = window.package
    dialogs.unsaved_answer = "discard"
    dialogs.prompt_values = None  # cancelling the prompts imports nothing
    assert not window.import_with_prompts_dialog(source)
    assert window.package is imported
    target = tmp_path / "configured.json"
    dialogs.save_path = str(target)
    dialogs.prompt_values = {k: f"VALUE_{k}" for k in keys}
    window2 = make_window()
    window2.open_file(source, prompt=False)
    assert window2.export_dialog()
    exported = target.read_text(encoding="utf-8")
    assert "{{{" not in exported and "VALUE_aws_account_id" in exported
    assert window2.package.to_json() == original  # the open document keeps its placeholders


def test_window_api_for_extensions(make_window, tmp_path):
    from PySide6.QtWidgets import QLabel

    window = make_window(local_lambda_dir=tmp_path)
    assert window.local_lambda_dir == tmp_path
    assert set(window.menus) >= {"File", "Edit", "View", "Simulate", "Tools"}
    dock = window.add_dock("Extra", QLabel("x"), Qt.DockWidgetArea.RightDockWidgetArea)
    assert dock.objectName() == "dock_extra"
    seen = []
    window.documentChanged.connect(seen.append)
    window.new_document(prompt=False)
    assert seen == [window.package]


def test_dock_layout_is_remembered(make_window, qtbot, dialogs):
    window = make_window()
    window.show()
    window.docks["Problems"].hide()
    assert window.close()
    again = make_window()
    again.show()
    assert not again.docks["Problems"].isVisible()
    again.docks["Problems"].show()
    again.close()


def test_view_actions_do_not_fail(make_window, package_copy):
    path, _ = package_copy("demo-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    for name in ("action_zoom_in", "action_zoom_out", "action_zoom_fit", "action_zoom_reset",
                 "action_collapse_all", "action_expand_all", "action_orientation_horizontal",
                 "action_orientation_vertical"):
        _action(window, name).trigger()


def test_standard_shortcuts(make_window):
    from PySide6.QtGui import QKeySequence

    window = make_window()
    assert _action(window, "action_save").shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    assert _action(window, "action_find").shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert _action(window, "action_find_next").shortcut().toString() == "F3"
    assert _action(window, "action_undo").shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)


def test_opening_a_broken_file_reports_where(make_window, tmp_path, dialogs):
    bad = tmp_path / "bad.json"
    bad.write_text('{"package": {"name": "x"}, "bots": [{"uid": 1}]}')
    window = make_window()
    assert not window.open_file(bad, prompt=False)
    assert dialogs.names() == ["error"]
    assert "bots[0]" in dialogs.calls[0][1][2]


def test_opening_from_the_menu_then_an_external_edit_is_noticed(make_window, package_copy, qtbot, dialogs):
    first, _ = package_copy("slack-bot.json")
    second, original = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(first, prompt=False)
    dialogs.open_path = str(second)
    _action(window, "action_open").trigger()
    assert window.file_path == second.resolve()
    assert not window.check_external_change()  # nothing changed yet
    changed = json.loads(json.dumps(original))
    changed["package"]["name"] = "Edited by another program"
    second.write_text(json.dumps(changed), encoding="utf-8")
    dialogs.reload_answer = False
    qtbot.waitUntil(lambda: "reload_changed_file" in dialogs.names(), timeout=5000)
    assert window.package.name != "Edited by another program"  # declined: the open document is kept


def test_outcome_conditions_get_operators_by_value_type(make_window, package_copy):
    path, original = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    outcome = next(n for b in window.package.all_behaviors() for n in b.walk()
                   if n.type == "outcome" and any(c.get("condition") == "message"
                                                  for g in n.groups for c in g.get("conditions", [])))
    window.reveal(outcome)
    oper = next(b for b in window.properties.bindings if b.path[-1:] == ("oper",))
    assert {"is", "!is", "contains", "like", "regexp", "!regexp"} <= set(oper.editor.values)
    gi, ci = oper.path[1], oper.path[3]
    oper.editor.combo.setCurrentIndex(oper.editor.values.index("!contains"))
    oper.editor.combo.activated.emit(oper.editor.combo.currentIndex())
    assert outcome.params["groups"][gi]["conditions"][ci]["oper"] == "!contains"
    value = next(b for b in window.properties.bindings if b.path == ("groups", gi, "conditions", ci, "value"))
    value.editor.edit.setText("dns")
    value.editor.edit.textEdited.emit("dns")
    assert outcome.params["groups"][gi]["conditions"][ci]["value"] == "dns"
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.package.to_json() == original


def test_loop_and_behavior_forms(make_window, package_copy):
    path, _ = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    loop = next((n for b in window.package.all_behaviors() for n in b.walk() if n.type == "loop"), None)
    if loop is not None:
        window.reveal(loop)
        keys = {b.path[-1] for b in window.properties.bindings if b.path}
        assert {"foreach_json", "as_placeholder"} <= keys
    behavior = window.current_behavior()
    window.outline.select_object(behavior)
    fields = {b.field for b in window.properties.bindings}
    assert {"title", "priority", "is_disabled", "is_private", "variables"} <= fields


def test_autosave_timer_writes_only_while_modified(make_window, package_copy, qtbot):
    from designer.app import recovery

    path, _ = package_copy("aws-lambda-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    window.autosave_timer.setInterval(30)
    target = window.recovery_folder / f"{window.session}.json"
    qtbot.wait(120)
    assert not target.exists()  # nothing to save yet
    window.reveal(next(window.package.all_behaviors()).children[0])
    qtbot.keyClicks(_title_editor(window).edit, "+")
    qtbot.waitUntil(target.exists, timeout=3000)
    assert recovery.pending(window.recovery_folder) == []  # a live window's file is not offered
    assert window.save()
    assert not target.exists()


def test_open_recent_and_new(make_window, package_copy, dialogs):
    path, _ = package_copy("demo-bot.json")
    window = make_window()
    window.open_file(path, prompt=False)
    window._fill_recent_menu()
    texts = [a.text() for a in window.recent_menu.actions()]
    assert str(path.resolve()) in texts
    _action(window, "action_new").trigger()
    assert window.file_path is None and window.windowTitle().startswith("New package[*]")
    assert not window.isWindowModified()
    assert len(window.package.bots) == 1
    recent = next(a for a in window.recent_menu.actions() if a.text() == str(path.resolve()))
    recent.trigger()
    assert window.file_path == path.resolve()


def test_the_window_fits_a_laptop_screen(make_window, package_copy):
    """Every dock stacked at its minimum still leaves the window no taller than a 1366 × 768 screen minus a
    panel (the form panels scroll inside their docks), and the simulator's chat line stays in view."""
    path, _ = package_copy("demo-bot.json")
    window = make_window()
    window.show()
    window.open_file(path, prompt=False)
    hint = window.minimumSizeHint()
    assert hint.height() <= 720 and hint.width() <= 1280, hint
    window.resize(1280, 720)
    QGuiApplication.processEvents()
    panel = window.simulation.panel
    line = panel.message_edit.mapTo(window, panel.message_edit.rect().bottomLeft())
    assert window.rect().contains(line) and panel.message_edit.visibleRegion().boundingRect().height() > 0
