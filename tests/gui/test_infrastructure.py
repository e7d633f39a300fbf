"""The pieces under the window: the editor factory over the catalogue, the error hook, the task runner, the CLI."""
from __future__ import annotations

import json
import threading

import pytest

from designer.model.catalogue import action_specs
from designer.panels import editors
from designer.panels import properties as props


def test_every_catalogue_param_type_has_an_editor(qapp):
    types = {p["type"] for spec in action_specs().values() for p in spec.params}
    types |= {p["type"] for c in props.condition_catalogue()["conditions"].values() for p in c.get("params", [])}
    types |= {p["type"] for e in props.event_catalogue().values() for p in e.get("params", [])}
    assert types <= set(editors.EDITOR_FACTORY), types - set(editors.EDITOR_FACTORY)
    for kind in types:
        editor = editors.make_editor({"key": "k", "type": kind, "label": "K", "options": ["a", "b"]})
        assert isinstance(editor, editors.FieldEditor)


def test_catalogue_files_are_well_formed():
    conditions = props.condition_catalogue()
    assert {o["oper"] for o in conditions["operators"]["text"]} == {
        "is", "!is", "contains", "!contains", "like", "!like", "regexp", "!regexp"}
    assert {o["oper"] for o in conditions["operators"]["number"]} == {"is", "!is", "gt", "lt"}
    for key, cond in conditions["conditions"].items():
        assert cond["type"] in conditions["operators"], key
    events = props.event_catalogue()
    assert "message" in events["event.message.chat.worker"]["placeholders"]
    assert "point" in events["event.interactions.get.worker"]["placeholders"]
    data = json.loads(props.resource_path("catalogue", "actions.json").read_text())
    assert data["version"] == 1
    for key, item in data["actions"].items():
        for p in item.get("params", []):
            assert {"key", "type", "label"} <= set(p), (key, p)


def _one_node_package(event: dict, node: dict):
    from designer.io import read_package_value

    behavior = {"uid": "behavior_1", "title": "Main", "is_disabled": False, "is_private": False, "priority": 50,
                "event": event, "variables": {}, "nodes": [node]}
    data = {"package": {"name": "t", "revision": 1, "requires": {"cerb_version": "9.1.0"}},
            "bots": [{"uid": "bot_1", "name": "Bot", "owner": {"context": "cerberusweb.contexts.app", "id": 0},
                      "is_disabled": False, "params": {}, "behaviors": [behavior]}]}
    package, _ = read_package_value(data, source="test")
    return package


def _hover_tooltip(qtbot, editor) -> str:
    """What a user sees hovering the editor's input: a real ToolTip event on the inner widget, which Qt passes
    up to the field editor that carries the help."""
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip, QWidget

    inner = next(w for w in editor.findChildren(QWidget) if w.isVisible())
    assert inner.toolTip() == ""  # the help comes from the field editor, not the inner widget
    QToolTip.hideText()
    QApplication.sendEvent(inner, QHelpEvent(QEvent.Type.ToolTip, QPoint(2, 2), inner.mapToGlobal(QPoint(2, 2))))
    qtbot.waitUntil(QToolTip.isVisible)
    text = QToolTip.text()
    QToolTip.hideText()
    return text


def test_action_form_shows_each_params_help_as_its_tooltip(qtbot):
    node = {"type": "action", "title": "Ask Lambda", "status": "live", "params": {"actions": [
        {"action": "aws.lambda.connect_invoke", "function": "Fn", "timeout": "5", "x_unknown": "kept"},
        {"action": "send_message", "message": "hi", "format": ""}]}}
    panel = props.PropertiesPanel()
    qtbot.addWidget(panel)
    panel.set_document(_one_node_package({"key": "event.message.chat.worker"}, node), None)
    panel.show()
    action = panel.package.bots[0].behaviors[0].children[0]
    panel.show_object(action)
    by_path = {b.path: b.editor for b in panel.bindings}
    specs = [("aws.lambda.connect_invoke", 0), ("send_message", 1)]
    for key, index in specs:
        for pspec in action_specs()[key].params:
            editor = by_path[("actions", index, pspec["key"])]
            assert pspec["help"] and editor.toolTip() == pspec["help"], (key, pspec["key"])
    assert by_path[("actions", 0, "x_unknown")].toolTip() == ""  # a param the catalogue does not know has no help
    timeout = next(p for p in action_specs()["aws.lambda.connect_invoke"].params if p["key"] == "timeout")
    assert _hover_tooltip(qtbot, by_path[("actions", 0, "timeout")]) == timeout["help"]
    template = by_path[("actions", 1, "message")]
    assert _hover_tooltip(qtbot, template) == next(
        p["help"] for p in action_specs()["send_message"].params if p["key"] == "message")


def test_condition_and_event_param_forms_show_their_help(qtbot):
    outcome = {"type": "outcome", "title": "Office hours", "status": "live", "params": {"groups": [
        {"any": 0, "conditions": [{"condition": "_time_of_day", "oper": "between", "from": "9am", "to": "5pm"}]}]}}
    node = {"type": "switch", "title": "When?", "status": "live", "nodes": [outcome]}
    package = _one_node_package({"key": "event.interactions.get.worker", "params": {"listen_points": "global"}}, node)
    panel = props.PropertiesPanel()
    qtbot.addWidget(panel)
    panel.set_document(package, None)
    behavior = package.bots[0].behaviors[0]
    panel.show_object(behavior.children[0].children[0])
    cond_help = {p["key"]: p["help"] for p in props.condition_catalogue()["conditions"]["_time_of_day"]["params"]}
    by_path = {b.path: b.editor for b in panel.bindings}
    for key in ("from", "to"):
        assert by_path[("groups", 0, "conditions", 0, key)].toolTip() == cond_help[key]
    panel.show_object(behavior)
    editor = next(b.editor for b in panel.bindings if b.path == ("params", "listen_points"))
    assert editor.toolTip() == props.event_catalogue()["event.interactions.get.worker"]["params"][0]["help"]


def test_bool01_keeps_the_json_type(qapp):
    editor = editors.make_editor({"key": "f", "type": "bool01", "label": "F"})
    for value, flipped in (("0", "1"), (0, 1), (False, True)):
        editor.set_value(value)
        editor.box.setChecked(True)
        assert editor.value() == flipped and type(editor.value()) is type(value)


def test_bool01_shows_the_catalogue_default_when_the_param_is_absent(qapp):
    """The Lambda steps run in the simulator unless told not to: an absent flag shows as checked."""
    from designer.model import ABSENT
    on_by_default = editors.make_editor({"key": "run_in_simulator", "type": "bool01", "label": "R", "default": "1"})
    off_by_default = editors.make_editor({"key": "f", "type": "bool01", "label": "F"})
    for absent in (None, ABSENT):
        on_by_default.set_value(absent)
        off_by_default.set_value(absent)
        assert on_by_default.box.isChecked() and not off_by_default.box.isChecked()
    on_by_default.set_value("0")
    assert not on_by_default.box.isChecked()


def test_json_editor_validates(qapp):
    editor = editors.make_editor({"key": "j", "type": "json", "label": "J"})
    editor.set_value({"a": 1})
    assert editor.value() == {"a": 1} and editor.problem() is None
    editor.edit.setPlainText("{bad")
    assert "invalid JSON" in editor.problem()
    editor.edit.setPlainText("{{ templated }}")
    assert editor.problem() is None


def test_template_completion_offers_placeholders(qapp, qtbot):
    from designer.io import load_package
    from tests.conftest import SAMPLE_PACKAGE

    package = load_package(SAMPLE_PACKAGE)
    behavior = next(b for b in package.all_behaviors() if b.event_key == "event.message.chat.worker")
    last = list(behavior.walk())[-1]
    names = props.placeholders_for(behavior, last)
    assert "message" in names and "worker_first_name" in names
    set_vars = {a["var"] for n in behavior.walk() for a in n.actions if a.get("action") == "_set_custom_var"}
    assert set_vars and set_vars <= set(names)
    editor = editors.make_editor({"key": "t", "type": "template", "label": "T"})
    editor.set_placeholders(names)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.keyClicks(editor.edit, "Hi {{ work")
    completer = editor.edit.completer
    assert completer.completionPrefix() == "work"
    assert completer.completionCount() >= 1
    assert completer.currentCompletion().startswith("worker")
    editor.edit.insert_completion("worker_first_name")
    assert editor.value() == "Hi {{ worker_first_name"


def test_twig_highlighter_colours_tags(qapp):
    editor = editors.make_editor({"key": "t", "type": "template", "label": "T"})
    editor.set_value("a {{ b }} c")
    block = editor.edit.document().firstBlock()
    formats = block.layout().formats()
    assert any(f.start <= 3 < f.start + f.length for f in formats)


def test_excepthook_shows_one_dialog_for_any_thread(qtbot):
    from designer.app.errors import ExceptHook

    shown = []
    hook = ExceptHook(lambda title, text, details: shown.append((title, text, details)))
    hook.install()
    try:
        def boom():
            raise ValueError("from a worker")

        t = threading.Thread(target=boom)
        t.start()
        t.join()
        qtbot.waitUntil(lambda: len(shown) == 1)
        _title, text, details = shown[0]
        assert "ValueError: from a worker" in text and "Traceback" in details
    finally:
        hook.uninstall()


def test_task_runner_reports_results_and_errors_on_the_gui_thread(qtbot):
    from designer.app.tasks import TaskRunner

    runner = TaskRunner()
    results, errors, threads = [], [], []
    main = threading.get_ident()
    runner.run(lambda x: x * 2, 21, on_done=lambda r: (results.append(r), threads.append(threading.get_ident())))
    runner.run(lambda: 1 / 0, on_error=lambda exc, details: errors.append(type(exc).__name__))
    qtbot.waitUntil(lambda: bool(results and errors), timeout=5000)
    assert results == [42] and errors == ["ZeroDivisionError"] and threads == [main]
    gate = threading.Event()
    late = []
    task = runner.run(lambda: gate.wait(5) and "late", on_done=late.append)
    task.cancel()
    gate.set()
    assert task.done.wait(5)
    qtbot.wait(50)
    assert late == []


def test_gui_command_is_registered():
    from designer.cli import build_parser

    args = build_parser().parse_args(["gui", "--local-lambda", "packages/functions", "packages/aws-lambda-bot.json"])
    assert args.command == "gui" and args.local_lambda == "packages/functions"
    assert args.file == "packages/aws-lambda-bot.json"


@pytest.mark.parametrize("argv", [["--help"]])
def test_gui_launcher_help(argv, capsys):
    from designer.app.main import main

    with pytest.raises(SystemExit):
        main(argv)
    assert "--local-lambda" in capsys.readouterr().out


def test_launch_command_opens_the_sample_package(qtbot, dialogs):
    """What `scripts/run-designer` does: `gui --local-lambda packages/functions packages/aws-lambda-bot.json`.
    The window's frame is painted first; the canvas, the panels and the package follow right after."""
    from designer.app.main import create_window
    from tests.conftest import SAMPLE_FUNCTIONS, SAMPLE_PACKAGE

    window = create_window(str(SAMPLE_PACKAGE), str(SAMPLE_FUNCTIONS), dialogs=dialogs)
    qtbot.addWidget(window)
    assert window.isVisible() and not window.is_built
    assert set(window.docks) >= {"Outline", "Properties", "Problems", "Simulator"}
    assert window.statusBar().currentMessage() == "Opening aws-lambda-bot.json…"
    with qtbot.waitSignal(window.built, timeout=30_000):
        pass  # the first paint schedules the build; waiting runs the event loop
    assert window.file_path == SAMPLE_PACKAGE.resolve()
    assert window.local_lambda_dir == SAMPLE_FUNCTIONS
    assert window.current_behavior().title == "DNS conversational behavior"
    assert window.canvas.scene().items() and window.outline.tree.topLevelItemCount() > 0
    assert all(dock.widget() is not None for dock in window.docks.values())
    assert dialogs.calls == []
    window.simulation.local.stop()


def test_a_staged_window_builds_even_if_it_is_never_painted(qtbot, dialogs):
    """A window shown minimised (or on a platform that delays the first expose) still builds itself."""
    from designer.app.window import MainWindow

    window = MainWindow(dialogs=dialogs, offer_recovery=False, staged=True)
    qtbot.addWidget(window)
    assert not window.is_built and window.docks["Outline"].widget() is None
    built = []
    window.built.connect(lambda: built.append(True))
    qtbot.waitUntil(lambda: window.is_built, timeout=10_000)
    window.build()  # once only
    assert built == [True] and window.package is not None and window.canvas.isVisibleTo(window)


def test_launch_with_a_missing_file_says_so(qtbot, dialogs, tmp_path):
    from designer.app.main import create_window

    window = create_window(str(tmp_path / "nope.json"), dialogs=dialogs)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.is_built, timeout=30_000)
    assert dialogs.names() == ["error"]
    assert window.statusBar().currentMessage() == ""  # no "Opening nope.json…" left behind


def test_a_staged_window_closed_before_its_build_never_builds(qtbot, dialogs):
    """Quitting at once must not start the panels (and the local Lambda service) of a window already closed."""
    from designer.app.window import BUILD_AT_THE_LATEST_MS, MainWindow

    window = MainWindow(dialogs=dialogs, offer_recovery=False, staged=True, local_lambda_dir=".")
    qtbot.addWidget(window)
    assert window.close()
    qtbot.wait(BUILD_AT_THE_LATEST_MS + 300)  # past the moment the fallback would have built it
    assert not window.is_built and not hasattr(window, "simulation")


def test_a_staged_window_opening_a_file_before_its_first_paint_builds_first(qtbot, dialogs):
    """A file dropped (or opened) before the first paint must not meet a window without its panels."""
    from designer.app.window import MainWindow
    from tests.conftest import SAMPLE_PACKAGE

    window = MainWindow(dialogs=dialogs, offer_recovery=False, staged=True)
    qtbot.addWidget(window)
    assert not window.is_built
    assert window.open_file(SAMPLE_PACKAGE, prompt=False)
    assert window.is_built and window.current_behavior().title == "DNS conversational behavior"
    assert window.canvas.scene().items()


def test_the_app_start_offers_recovery_after_its_build_before_opening_the_file(qtbot, dialogs, package_copy):
    """A crashed session's autosave: the staged start builds, then asks; accepted, the recovered edits open
    instead of the file named on the command line."""
    import shiboken6

    from designer.app.main import create_window
    from designer.app.window import MainWindow
    from tests.conftest import SAMPLE_PACKAGE

    path, _ = package_copy("demo-bot.json")
    crashed = MainWindow(dialogs=dialogs, offer_recovery=False)
    crashed.open_file(path, prompt=False)
    crashed.set_document(crashed.package, crashed.file_path, modified=True)
    edited = crashed.package.to_json()
    assert crashed.autosave_now() is not None
    crashed.autosave_timer.stop()
    shiboken6.delete(crashed)  # a crash: no close event, no cleanup

    window = create_window(str(SAMPLE_PACKAGE), dialogs=dialogs)
    qtbot.addWidget(window)
    assert dialogs.names() == []  # nothing is asked before the window has painted and built itself
    qtbot.waitUntil(lambda: window.is_built and "recover" in dialogs.names(), timeout=30_000)
    assert window.package.to_json() == edited and window.file_path == path.resolve()
    assert window.isWindowModified()
    window._forced_dirty = False
