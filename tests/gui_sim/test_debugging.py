"""Breakpoints, Step / Continue / Stop, and a GUI thread that keeps running during a slow Lambda call."""
from __future__ import annotations

import itertools
import statistics
import time
from typing import Any

from PySide6.QtCore import QTimer

from tests.gui_sim.helpers import click, node_titled, start, type_answer, wait_idle


def _breakpoint_on_run_behavior(w: Any) -> Any:
    behavior, nodes = node_titled(w, "Run behavior")
    node = nodes[0]  # the Hostname branch's node that runs `_run_behavior`
    assert node.actions[0]["action"] == "_run_behavior"
    w.show_behavior(behavior)
    w.canvas.select_nodes([node])
    w.canvas.toggle_breakpoint()  # the canvas gutter / F9: emits breakpointToggled
    assert node.id in w.simulation.controller.breakpoints
    return node


def test_breakpoint_step_continue(sample_window: Any, qtbot: Any) -> None:
    w, sim = sample_window, sample_window.simulation
    node = _breakpoint_on_run_behavior(w)
    start(qtbot, sim)
    conv = sim.controller.conv
    assert conv.breakpoints == {sim.controller.to_configured[node.id]}
    click(qtbot, sim, "Hostname")
    turn = type_answer(qtbot, sim, "cerb.ai")
    assert turn.state == "paused"
    assert sim.panel.continue_button.isEnabled() and not sim.panel.message_edit.isEnabled()
    assert [n.id for n in w.canvas.selected_nodes()] == [node.id]  # revealed and selected
    assert any(t.startswith("●") for t in sim.debugger.trace_texts())
    assert sim.debugger.call_count() == 0  # not run yet

    # Step: runs the Run behavior node only (the sub-behavior's first node pauses next)
    n = len(conv.turns)
    sim.panel.step_button.click()
    turn = wait_idle(qtbot, sim, n + 1)
    assert turn.state == "paused"
    assert node.id in sim.controller.path

    # Continue: to the next prompt, with the addresses
    n = len(conv.turns)
    sim.panel.continue_button.click()
    turn = wait_idle(qtbot, sim, n + 1)
    assert turn.state == "suspended"
    assert "104.18.50.1" in sim.panel.transcript_text()
    assert sim.debugger.call_count() == 1

    # the breakpoint removed from the canvas is gone from the conversation too
    w.show_behavior(node.behavior())
    w.canvas.select_nodes([node])
    w.canvas.toggle_breakpoint()
    assert conv.breakpoints == set()


def test_menu_actions_drive_the_run(sample_window: Any, qtbot: Any) -> None:
    w, sim = sample_window, sample_window.simulation
    sim.panel.select_behavior("DNS conversational behavior")
    sim.actions["step"].trigger()  # F10 with no conversation: starts it paused at the first node
    turn = wait_idle(qtbot, sim, 1)
    assert turn.state == "paused"
    sim.actions["run"].trigger()  # F5 continues
    turn = wait_idle(qtbot, sim, 2)
    assert turn.state == "suspended"
    sim.actions["stop"].trigger()  # Shift+F5 when idle: ends the conversation
    assert sim.controller.conv is None
    assert not w.canvas.scene().highlighted


def test_gui_thread_not_blocked_by_slow_lambda(sample_window: Any, qtbot: Any) -> None:
    """The one timing check: a 10 ms heartbeat keeps beating while a Lambda call takes 1.5 s."""
    sim = sample_window.simulation
    start(qtbot, sim)
    click(qtbot, sim, "Hostname")
    sim.local.service.faults.slow(1, 1.5)
    beats: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: beats.append(time.monotonic()))
    timer.start()
    began = time.monotonic()
    turn = type_answer(qtbot, sim, "cerb.ai")
    took = time.monotonic() - began
    timer.stop()
    assert turn.state == "suspended" and "104.18.50.1" in sim.panel.transcript_text()
    assert took >= 1.4, "the injected latency was applied"
    gaps = [b - a for a, b in itertools.pairwise(beats)]
    assert len(gaps) > 50
    worst, median = max(gaps), statistics.median(gaps)
    print(f"heartbeat gaps during a 1.5 s Lambda call: median {median * 1000:.1f} ms, max {worst * 1000:.1f} ms")
    assert median < 0.03
    assert worst < 0.1, f"the GUI thread stalled {worst * 1000:.0f} ms"


def test_stop_cancels_a_running_turn(sample_window: Any, qtbot: Any) -> None:
    sim = sample_window.simulation
    start(qtbot, sim)
    click(qtbot, sim, "Hostname")
    sim.local.service.faults.slow(1, 1.0)
    n = len(sim.controller.conv.turns)
    sim.panel.message_edit.setText("cerb.ai")
    sim.panel.send_typed()
    qtbot.waitUntil(lambda: sim.panel.busy_bar.isVisible(), timeout=5000)
    assert sim.panel.stop_button.isEnabled()
    sim.panel.stop_button.click()
    turn = wait_idle(qtbot, sim, n + 1)
    assert turn.state == "stopped" and turn.stop_reason == "cancelled"
    assert not sim.panel.busy_bar.isVisible()


def test_keyboard_shortcuts(sample_window: Any, qtbot: Any) -> None:
    from PySide6.QtCore import Qt
    w, sim = sample_window, sample_window.simulation
    w.activateWindow()
    qtbot.waitUntil(lambda: w.isActiveWindow(), timeout=5000)
    sim.panel.select_behavior("DNS conversational behavior")
    # F9 on the canvas: a breakpoint on the selected node (the canvas's own action)
    behavior = next(b for b in w.package.all_behaviors() if b.title == "DNS conversational behavior")
    first = behavior.children[0]
    w.show_behavior(behavior)
    w.canvas.select_nodes([first])
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_F9)
    assert first.id in sim.controller.breakpoints
    qtbot.keyClick(w, Qt.Key.Key_F5)  # Run: pauses at the breakpoint on the first node
    turn = wait_idle(qtbot, sim, 1)
    assert turn.state == "paused"
    qtbot.keyClick(w, Qt.Key.Key_F10)  # Step
    turn = wait_idle(qtbot, sim, 2)
    assert turn.state == "paused"
    qtbot.keyClick(w, Qt.Key.Key_F5)  # Continue
    turn = wait_idle(qtbot, sim, 3)
    assert turn.state == "suspended"
    qtbot.keyClick(w, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)  # Stop (idle: ends the conversation)
    assert sim.controller.conv is None
