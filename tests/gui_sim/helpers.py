"""Driving the simulator panel from tests: wait for turns, click prompt buttons, type answers."""
from __future__ import annotations

from typing import Any

TIMEOUT = 20_000


def wait_idle(qtbot: Any, sim: Any, turns: int | None = None) -> Any:
    c = sim.controller

    def ready() -> bool:
        if c.busy or c.conv is None:
            return False
        return turns is None or len(c.conv.turns) >= turns

    qtbot.waitUntil(ready, timeout=TIMEOUT)
    return c.last_turn


def start(qtbot: Any, sim: Any, behavior: str = "DNS conversational behavior") -> Any:
    sim.panel.select_behavior(behavior)
    assert sim.panel.start()
    return wait_idle(qtbot, sim, 1)


def click(qtbot: Any, sim: Any, label: str) -> Any:
    n = len(sim.controller.conv.turns)
    assert label in sim.panel.prompt_options(), sim.panel.prompt_options()
    assert sim.panel.click_option(label)
    return wait_idle(qtbot, sim, n + 1)


def type_answer(qtbot: Any, sim: Any, text: str) -> Any:
    from PySide6.QtCore import Qt
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
