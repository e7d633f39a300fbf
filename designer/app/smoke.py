"""`bot-designer gui --smoke`: prove an installation (or a desktop bundle) works end to end, then exit.

Starts the window the way the app does (its frame painted first, the rest built after it), opens the sample
package with the embedded local Lambda service serving the sample functions, and plays the seed conversation
(Hostname → cerb.ai → Bye) through the window's simulator panel, as a user would: the Run button, the prompt's
buttons, the input line. The turns run on the panel's worker thread; the Lambda call must reach the local
service. Exit status 0 when everything answered as it should, 1 with the reason otherwise.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from designer.resources import sample_path

SAMPLE = "aws-lambda-bot.json"
BEHAVIOR = "DNS conversational behavior"
# (what the user says — "" for Run —, what must be shown after it: new transcript text, prompt or placeholder)
CONVERSATION = (("", "What would you like to look up?"), ("Hostname", "e.g. cerb.ai"),
                ("cerb.ai", "104.18.50.1"), ("Bye", "Bye!"))
TURN_TIMEOUT = 60.0  # seconds; a cold bundle starts its function worker on the first call


class SmokeFailure(Exception):
    pass


def _pump_until(app: Any, done: Callable[[], bool], failure: Callable[[], str]) -> None:
    """Run the event loop until `done()`, or raise SmokeFailure(failure()) after TURN_TIMEOUT."""
    deadline = time.monotonic() + TURN_TIMEOUT
    while not done():
        if time.monotonic() > deadline:
            raise SmokeFailure(failure())
        app.processEvents()
        time.sleep(0.01)


def _wait_turn(app: Any, sim: Any, turns: int, shown: list[Any]) -> None:
    """Until the worker's turn is back and its prompt is shown."""
    c = sim.controller
    _pump_until(app, lambda: c.conv is not None and not c.busy and len(c.conv.turns) >= turns
                and len(shown) >= turns,
                lambda: f"no answer within {TURN_TIMEOUT:.0f} s (turn {turns}; panel says "
                        f"{sim.panel.status_label.text()!r})")


def _wait_started(app: Any, window: Any) -> None:
    """Until the new window has built itself and opened its package (create_window's own handler of `built`
    runs first)."""
    started: list[bool] = []
    window.built.connect(lambda: started.append(True))
    _pump_until(app, lambda: bool(started), lambda: f"the window did not build itself within {TURN_TIMEOUT:.0f} s")


def _shown(panel: Any, before: int) -> str:
    """What the user sees since `before`: the new transcript text, the prompt's buttons and placeholder."""
    return "\n".join([panel.transcript_text()[before:], *panel.prompt_options(),
                      panel.message_edit.placeholderText()])


def play(app: Any, window: Any, conversation: tuple[tuple[str, str], ...] = CONVERSATION) -> str:
    """Play `conversation` through the window's simulator panel; the summary, or SmokeFailure."""
    sim = window.simulation
    panel = sim.panel
    panel.delay_scale = 0.0  # Cerb's typing delays would only slow the check down
    shown: list[Any] = []
    panel.promptShown.connect(shown.append)
    panel.select_behavior(BEHAVIOR)
    if panel.selected_behavior() is None or panel.selected_behavior().title != BEHAVIOR:
        raise SmokeFailure(f"the simulator cannot find the behavior {BEHAVIOR!r}")
    for n, (say, expected) in enumerate(conversation, start=1):
        before = len(panel.transcript_text())
        if not say:
            panel.run_button.click()
        elif say in panel.prompt_options():
            panel.click_option(say)
        else:
            panel.message_edit.setText(say)
            panel.send_button.click()
        if not sim.controller.busy and (sim.controller.conv is None or len(sim.controller.conv.turns) < n):
            raise SmokeFailure(f"the panel did not start the turn for {say!r}: {panel.status_label.text()!r}")
        _wait_turn(app, sim, n, shown)
        text = _shown(panel, before)
        if expected not in text:
            raise SmokeFailure(f"after {say!r} the bot said {text!r}, expected {expected!r}")
    service = sim.local.service
    calls = list(sim.controller.conv.calls) if sim.controller.conv is not None else []
    sent = [str((c.get("request") or {}).get("sent_to", "")) for c in calls]
    if service is None or not any(s.startswith(service.endpoint) for s in sent):
        raise SmokeFailure(f"the Lambda call did not reach the local service (calls sent to {sent})")
    if sim.controller.state != "stopped":
        raise SmokeFailure(f"the conversation did not end (state {sim.controller.state})")
    return f"{len(calls)} Lambda call(s) answered by the local service at {service.endpoint}"


def run_smoke(app: Any, *, package: str | Path | None = None, functions: str | Path | None = None,
              conversation: tuple[tuple[str, str], ...] = CONVERSATION) -> int:
    from designer.app.main import create_window

    package_path = Path(package) if package is not None else sample_path(SAMPLE)
    functions_dir = Path(functions) if functions is not None else sample_path("functions")
    # the app's own start (the frame paints first, the rest is built after it); never a modal question in an
    # unattended run, so no crash recovery
    window = create_window(str(package_path), str(functions_dir), recover=False)
    try:
        _wait_started(app, window)
        behavior = window.current_behavior()
        drawn = len(window.canvas.scene().items())
        if window.package is None or behavior is None or drawn == 0:
            print(f"smoke: the sample package did not open in the window ({package_path})", file=sys.stderr)
            return 1
        summary = play(app, window, conversation)
        print(f"smoke: ok — {package_path.name} opened ({drawn} items drawn), the conversation was played through "
              f"the simulator panel and ended with 'Bye!'; {summary}")
        return 0
    except SmokeFailure as exc:
        print(f"smoke: {exc}", file=sys.stderr)
        return 1
    finally:
        sim = getattr(window, "simulation", None)
        if sim is not None:
            sim.controller.end()
            sim.local.stop()
        window.undo_stack.setClean()
        window.setWindowModified(False)
        window.close()
