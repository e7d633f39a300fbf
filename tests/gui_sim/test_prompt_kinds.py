"""The other prompt kinds in the panel (date, chooser, images, text default, markdown), on a small package
opened in the real window."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.gui_sim.helpers import click, press, type_answer, wait_idle


def _act(title: str, *actions: dict[str, Any]) -> dict[str, Any]:
    return {"type": "action", "title": title, "status": "live", "params": {"actions": list(actions)}}


def _say(text: str, fmt: str = "") -> dict[str, Any]:
    return {"action": "send_message", "message": text, "format": fmt, "delay_ms": "0"}


def _package(tmp_path: Path) -> Path:
    nodes = [
        _act("Date", _say("When?"), {"action": "prompt_date", "placeholder": "e.g. Friday", "var": "when"}),
        _act("Pick", _say("Which ticket?"), {"action": "prompt_chooser", "context": "cerberusweb.contexts.ticket",
                                            "query": "status:open", "var": "ticket_id"}),
        _act("Images", _say("Mood?"), {"action": "prompt_images", "images": ["a", "b"], "labels": ["Happy", "Sad"],
                                       "var": "mood"}),
        _act("Text", {"action": "prompt_text", "placeholder": "your name", "default": "Kina", "var": "name"}),
        _act("Done", _say("**{{name}}**, {{mood}} on {{when}}: ticket {{ticket_id}}", "markdown")),
    ]
    data = {"package": {"name": "prompts", "revision": 1, "requires": {"cerb_version": "9.1.0"},
                        "configure": {"prompts": [], "placeholders": []}},
            "bots": [{"uid": "bot_1", "name": "Prompt Bot", "owner": {"context": "cerberusweb.contexts.app", "id": 0},
                      "is_disabled": False, "params": {},
                      "behaviors": [{"uid": "behavior_1", "title": "Main", "is_disabled": False, "is_private": False,
                                     "priority": 50, "event": {"key": "event.message.chat.worker"},
                                     "variables": {}, "nodes": nodes}]}]}
    path = tmp_path / "prompts.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _started(make_window: Any, qtbot: Any, package: Path, behavior: str) -> tuple[Any, Any, Any]:
    """The window on `package`, its conversation with `behavior` started and at its first prompt."""
    w = make_window()
    assert w.open_file(package, prompt=False)
    w.show()
    sim = w.simulation
    panel = sim.panel
    panel.delay_scale = 0.0
    panel.select_behavior(behavior)
    assert panel.start()
    wait_idle(qtbot, sim, 1)
    return w, sim, panel


def test_prompt_kinds(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    _, sim, panel = _started(make_window, qtbot, _package(tmp_path), "Main")
    assert "date" in panel.prompt_label.text() and panel.message_edit.placeholderText() == "e.g. Friday"
    type_answer(qtbot, sim, "Friday")
    assert "cerberusweb.contexts.ticket" in panel.prompt_label.text() and "status:open" in panel.prompt_label.text()
    type_answer(qtbot, sim, "42")
    assert panel.prompt_options() == ["Happy", "Sad"]
    click(qtbot, sim, "Happy")
    assert panel.message_edit.text() == "Kina"  # the text prompt's default
    assert panel.message_edit.placeholderText() == "your name"
    n = len(sim.controller.conv.turns)
    panel.send_button.click()
    turn = wait_idle(qtbot, sim, n + 1)
    assert turn.state == "stopped"
    assert "Kina, Happy on Friday: ticket 42" in panel.transcript_text()
    assert "<b>Kina</b>" in turn.outputs[0].html or "<strong>Kina</strong>" in turn.outputs[0].html
    assert "font-weight" in panel.transcript.toHtml()  # rendered as rich text


TICKET = "cerberusweb.contexts.ticket"


def _widgets_package(tmp_path: Path) -> Path:
    """A ticket created before a chooser, a date with a var_format, a file read back through record.retrieve."""
    nodes = [
        _act("Make", {"action": "core.bot.action.record.create", "context": TICKET,
                      "changeset_json": '{"subject":"Printer on fire"}', "object_placeholder": "made"},
             {"action": "core.bot.action.record.create", "context": TICKET,
              "changeset_json": '{"subject":"Coffee machine"}', "object_placeholder": "made2"}),
        _act("Date", _say("When?"), {"action": "prompt_date", "var": "when", "var_format": "{{message|date('U')}}"}),
        _act("Pick", _say("Which ticket?"), {"action": "prompt_chooser", "context": TICKET, "var": "ticket_id"}),
        _act("File", _say("Your file?"), {"action": "prompt_file", "var": "file_id"}),
        _act("Read", {"action": "core.bot.action.record.retrieve", "context": "cerberusweb.contexts.attachment",
                      "id": "{{file_id}}", "object_placeholder": "file"},
             _say("on {{when|date('D j M Y H:i')}} ({{when}}), ticket {{ticket_id}}: {{file.name}} "
                  "{{file.size}} bytes {{file.mime_type}}")),
    ]
    data = json.loads(_package(tmp_path).read_text(encoding="utf-8"))
    data["bots"][0]["behaviors"][0].update(title="Widgets", nodes=nodes)
    path = tmp_path / "widgets.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _button(panel: Any, text: str) -> Any:
    from PySide6.QtWidgets import QPushButton
    return next(b for b in panel.prompt_widgets if isinstance(b, QPushButton) and b.text() == text)


def _gone(widget: Any) -> bool:
    import shiboken6
    return not shiboken6.isValid(widget) or widget.isHidden()


def test_date_chooser_and_file_widgets(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    import calendar

    from PySide6.QtCore import QDate, QDateTime, QTime

    from tests.gui_sim.helpers import LEFT

    w, sim, panel = _started(make_window, qtbot, _widgets_package(tmp_path), "Widgets")

    # prompt_date: a calendar date-time editor and its Send button (typing still possible in the input line)
    edit = panel.prompt_date_edit
    assert edit is not None and edit.calendarPopup() and panel.message_edit.isEnabled()
    assert panel.message_edit.placeholderText() == "e.g. tomorrow 5pm, 2 hours"
    edit.setDateTime(QDateTime(QDate(2031, 5, 17), QTime(17, 30)))
    send_date = _button(panel, "Send date")
    press(qtbot, send_date)
    wait_idle(qtbot, sim, 2)
    stamp = calendar.timegm((2031, 5, 17, 17, 30, 0))
    assert sim.controller.conv.dictionary["when"] == str(stamp)  # the var_format parsed what the widget sent
    assert panel.prompt_date_edit is None and _gone(edit)  # cleared with the turn

    # prompt_chooser: the tickets this conversation created; choose the second one in the popup with the mouse
    combo = panel.prompt_chooser
    assert combo is not None
    assert [combo.itemText(i) for i in range(combo.count())] == ["#1001 Printer on fire", "#1002 Coffee machine"]
    assert combo.currentIndex() == -1 and combo.lineEdit().placeholderText() == "choose a ticket or type its id"
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=5000)
    rect = view.visualRect(combo.model().index(1, 0))
    qtbot.mouseClick(view.viewport(), LEFT, pos=rect.center())
    qtbot.waitUntil(lambda: combo.currentIndex() == 1, timeout=5000)
    press(qtbot, _button(panel, "Send id"))
    wait_idle(qtbot, sim, 3)
    assert sim.controller.conv.dictionary["ticket_id"] == "1002"
    assert sim.controller.conv.dictionary["ticket__context"] == TICKET
    assert panel.prompt_chooser is None and _gone(combo)

    # prompt_file: the window's file dialog (the test's recorder answers with a real file)
    upload = tmp_path / "report.csv"
    upload.write_text("a,b\n1,2\n", encoding="utf-8")
    w.dialogs.open_path = str(upload)
    button = panel.prompt_file_button
    assert button is not None and button.text() == "Choose file…"
    press(qtbot, button)
    turn = wait_idle(qtbot, sim, 4)
    assert ("open_file", ("Attach a file",)) in w.dialogs.calls
    assert turn.state == "stopped", turn.error
    record = sim.controller.conv.sim.store.get("cerberusweb.contexts.attachment", 1003)
    assert record is not None and record["name"] == "report.csv" and record["size"] == 8
    assert sim.controller.conv.dictionary["file_id"] == "1003"
    text = panel.transcript_text()
    assert "attached report.csv (8 bytes, text/csv) as attachment #1003" in text
    assert f"on Sat 17 May 2031 17:30 ({stamp}), ticket 1002: report.csv 8 bytes text/csv" in text
    assert panel.prompt_file_button is None and not panel.prompt_widgets and _gone(button)


def test_chooser_without_records_and_typed_answers(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    """No record of the context yet: the combo says so; a typed id and a typed date still go through."""
    _, sim, panel = _started(make_window, qtbot, _package(tmp_path), "Main")
    assert panel.prompt_date_edit is not None
    type_answer(qtbot, sim, "tomorrow 5pm")
    combo = panel.prompt_chooser
    assert combo is not None and combo.count() == 0
    assert combo.lineEdit().placeholderText() == "no ticket records in this conversation yet: type an id"
    n = len(sim.controller.conv.turns)
    combo.lineEdit().setFocus()
    qtbot.keyClicks(combo.lineEdit(), "#77")
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)
    wait_idle(qtbot, sim, n + 1)
    assert sim.controller.conv.dictionary["ticket_id"] == "77"
    assert sim.controller.conv.dictionary["when"] == "tomorrow 5pm"  # no var_format: the text as typed
    assert panel.prompt_options() == ["Happy", "Sad"]
    press(qtbot, panel.stop_button)  # idle: ends the conversation, and the prompt with it
    assert sim.controller.conv is None and panel.prompt_options() == [] and not panel.prompt_widgets
