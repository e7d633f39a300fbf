"""Driving the simulator panel from tests the way a user does: mouse clicks on the panel's buttons, typing
into the input line; then waiting for the turn that comes back from the worker thread."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

TIMEOUT = 20_000
LEFT = Qt.MouseButton.LeftButton


def wait_idle(qtbot: Any, sim: Any, turns: int | None = None) -> Any:
    c = sim.controller

    def ready() -> bool:
        if c.busy or c.conv is None:
            return False
        return turns is None or len(c.conv.turns) >= turns

    qtbot.waitUntil(ready, timeout=TIMEOUT)
    return c.last_turn


def press(qtbot: Any, button: Any) -> None:
    """A real mouse click on a visible, enabled push button (a button just added to a shown layout appears
    on the next pass of the event loop, as it does for the user)."""
    qtbot.waitUntil(lambda: button.isVisible() and button.isEnabled(), timeout=5000)
    qtbot.mouseClick(button, LEFT)


def start(qtbot: Any, sim: Any, behavior: str = "DNS conversational behavior") -> Any:
    sim.panel.select_behavior(behavior)
    assert sim.panel.behavior_combo.currentText() == behavior
    press(qtbot, sim.panel.run_button)
    return wait_idle(qtbot, sim, 1)


def click(qtbot: Any, sim: Any, label: str) -> Any:
    n = len(sim.controller.conv.turns)
    assert label in sim.panel.prompt_options(), sim.panel.prompt_options()
    button = next(b for b in sim.panel.prompt_buttons if b.text() == label)
    press(qtbot, button)
    return wait_idle(qtbot, sim, n + 1)


def type_answer(qtbot: Any, sim: Any, text: str) -> Any:
    n = len(sim.controller.conv.turns)
    edit = sim.panel.message_edit
    assert edit.isEnabled()
    edit.setFocus()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    return wait_idle(qtbot, sim, n + 1)


def node_titled(window: Any, title: str, behavior_title: str = "DNS conversational behavior") -> Any:
    behavior = next(b for b in window.package.all_behaviors() if b.title == behavior_title)
    return behavior, [n for n in behavior.walk() if n.title == title]


def highlighted(window: Any) -> set[int]:
    return set(window.canvas.scene().highlighted)
