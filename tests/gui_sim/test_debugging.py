"""Breakpoints, Step / Continue / Stop, and a GUI thread that keeps running during a slow Lambda call."""
from __future__ import annotations

import itertools
import statistics
import threading
import time
from typing import Any

from PySide6.QtCore import Qt, QTimer

from tests.gui_sim.helpers import click, node_titled, start, type_answer, wait_idle


def click_gutter(qtbot: Any, w: Any, node: Any) -> None:
    """A mouse click on the node's breakpoint gutter (the dot left of its box) on the canvas."""
    w.show_behavior(node.behavior())
    item = w.canvas.node_item(node)
    w.canvas.ensureVisible(item, 40, 40)
    qtbot.wait(10)
    pos = w.canvas.mapFromScene(item.mapToScene(item.gutter_rect().center()))
    qtbot.mouseClick(w.canvas.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def _breakpoint_on_run_behavior(qtbot: Any, w: Any) -> Any:
    _, nodes = node_titled(w, "Run behavior")
    node = nodes[0]  # the Hostname branch's node that runs `_run_behavior`
    assert node.actions[0]["action"] == "_run_behavior"
    click_gutter(qtbot, w, node)  # the canvas emits breakpointToggled; the controller follows
    assert w.simulation.controller.breakpoints == {node.id}
    assert w.canvas.node_item(node).breakpoint
    return node


def test_breakpoint_step_continue(sample_window: Any, qtbot: Any) -> None:
    w, sim = sample_window, sample_window.simulation
    node = _breakpoint_on_run_behavior(qtbot, w)
    start(qtbot, sim)
    conv = sim.controller.conv
    assert conv.breakpoints == {sim.controller.to_configured[node.id]}
    click(qtbot, sim, "Hostname")
    turn = type_answer(qtbot, sim, "cerb.ai")
    assert turn.state == "paused"
    assert sim.panel.continue_button.isEnabled() and not sim.panel.message_edit.isEnabled()
    assert [n.id for n in w.canvas.selected_nodes()] == [node.id]  # revealed and selected
    assert sim.controller.editor_node(conv.paused_node)[1] is node
    assert any(t.startswith("●") for t in sim.debugger.trace_texts())
    assert sim.debugger.call_count() == 0  # not run yet

    # Step: runs the Run behavior node only (the sub-behavior's first node pauses next)
    n = len(conv.turns)
    sim.panel.step_button.click()
    turn = wait_idle(qtbot, sim, n + 1)
    assert turn.state == "paused"
    assert node.id in sim.controller.path
    behavior, paused = sim.controller.editor_node(conv.paused_node)
    assert behavior.title == "Invoke CerbDnsLookup Lambda function" and paused is not node
    assert w.canvas.behavior() is behavior and w.canvas.selected_nodes() == [paused]
    assert sim.debugger.call_count() == 0

    # Continue: to the next prompt, with the addresses
    n = len(conv.turns)
    sim.panel.continue_button.click()
    turn = wait_idle(qtbot, sim, n + 1)
    assert turn.state == "suspended"
    assert "104.18.50.1" in sim.panel.transcript_text()
    assert sim.debugger.call_count() == 1

    # the breakpoint removed on the canvas (a second gutter click) is gone from the conversation too
    click_gutter(qtbot, w, node)
    assert conv.breakpoints == set() and sim.controller.breakpoints == set()


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
    """The one timing check (the issue asks for it): a 10 ms heartbeat on the GUI thread while a Lambda call
    takes 1.5 s. The worker reports when the call returned, on which thread, and how long it took, so only
    the time the call is in flight is judged: GUI work before it (typing) and after it (drawing the answer)
    is not what this measures, and a loaded machine's noise outside that window cannot fail the test. A call
    made on the GUI thread leaves no beat inside its 1.5 s window and fails it whatever the load."""
    sim = sample_window.simulation
    start(qtbot, sim)
    click(qtbot, sim, "Hostname")
    sim.local.service.faults.slow(1, 1.5)
    calls: list[tuple[float, int, Any]] = []

    def on_trace(event: Any) -> None:  # the worker thread, right after the call returned
        if event.kind == "call" and isinstance(event.data, dict) and event.data.get("kind") == "http":
            calls.append((time.monotonic(), threading.get_ident(), event.data))

    unsubscribe = sim.controller.conv.subscribe(on_trace)
    beats: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: beats.append(time.monotonic()))
    timer.start()
    turn = type_answer(qtbot, sim, "cerb.ai")
    timer.stop()
    unsubscribe()
    assert turn.state == "suspended" and "104.18.50.1" in sim.panel.transcript_text()
    assert len(calls) == 1, calls
    returned, thread, call = calls[0]
    assert thread != threading.main_thread().ident, "the Lambda call ran on the GUI thread"
    in_flight = call["duration_ms"] / 1000
    assert in_flight >= 1.4, "the injected latency was applied"
    sent = returned - in_flight
    inside = [sent, *(b for b in beats if sent < b < returned), returned]
    gaps = [b - a for a, b in itertools.pairwise(inside)]
    worst, median = max(gaps), statistics.median(gaps)
    overall = max((b - a for a, b in itertools.pairwise(beats)), default=0.0)
    print(f"heartbeat during a {in_flight:.2f} s Lambda call: {len(inside) - 2} beats, median gap "
          f"{median * 1000:.1f} ms, max {worst * 1000:.1f} ms (whole turn, drawing included: {overall * 1000:.1f} ms)")
    assert worst < 0.1, f"the GUI thread stalled {worst * 1000:.0f} ms during the call"


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
