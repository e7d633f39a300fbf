"""A long loop (tens of thousands of steps) in the panel: the trace is batched and capped, the path is not
re-lit per iteration, and the turn completes."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.gui_sim.helpers import wait_idle


def test_long_loop_is_batched_and_capped(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    from designer.panels.simulation import inspector

    items = json.dumps(list(range(8000)))
    body = {"type": "action", "title": "count", "status": "live", "params": {"actions": [
        {"action": "_set_custom_var", "var": "n", "value": "{{x}}", "format": "", "is_simulator_only": "0"}]}}
    nodes = [{"type": "loop", "title": "L", "status": "live",
              "params": {"foreach_json": items, "as_placeholder": "x"}, "nodes": [body]},
             {"type": "action", "title": "done", "status": "live", "params": {"actions": [
                 {"action": "send_message", "message": "done {{n}}", "format": "", "delay_ms": "0"}]}}]
    data = {"package": {"name": "loop", "revision": 1, "requires": {"cerb_version": "9.1.0"},
                        "configure": {"prompts": [], "placeholders": []}},
            "bots": [{"uid": "bot_1", "name": "Loop Bot", "owner": {"context": "cerberusweb.contexts.app", "id": 0},
                      "is_disabled": False, "params": {},
                      "behaviors": [{"uid": "behavior_1", "title": "Main", "is_disabled": False, "is_private": False,
                                     "priority": 50, "event": {"key": "event.message.chat.worker"},
                                     "variables": {}, "nodes": nodes}]}]}
    path = tmp_path / "loop.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    w = make_window()
    assert w.open_file(path, prompt=False)
    sim = w.simulation
    sim.panel.delay_scale = 0.0
    batches: list[int] = []
    sim.controller.eventsArrived.connect(lambda events: batches.append(len(events)))
    sim.panel.select_behavior("Main")
    assert sim.panel.start()
    turn = wait_idle(qtbot, sim, 1)
    assert turn.state == "stopped", turn
    assert "done 7999" in sim.panel.transcript_text()
    assert len(sim.controller.conv.trace) > inspector.MAX_TRACE_ROWS // 2
    assert sim.debugger.trace_list.count() <= inspector.MAX_TRACE_ROWS
    assert len(batches) < len(sim.controller.conv.trace) / 10  # delivered in batches, not one signal per event
    assert len(sim.controller.path) == len(set(sim.controller.path)) <= 4  # each node lit once
