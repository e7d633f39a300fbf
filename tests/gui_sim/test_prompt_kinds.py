"""The other prompt kinds in the panel (date, chooser, images, text default, markdown), on a small package
opened in the real window."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.gui_sim.helpers import click, type_answer, wait_idle


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


def test_prompt_kinds(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    w = make_window()
    assert w.open_file(_package(tmp_path), prompt=False)
    w.show()
    sim = w.simulation
    panel = sim.panel
    panel.delay_scale = 0.0
    panel.select_behavior("Main")
    assert panel.start()
    wait_idle(qtbot, sim, 1)
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
