"""Every action key of the catalogue has a handler, and each runs with empty and junk params without crashing."""
from __future__ import annotations

import json

import pytest

from designer.resources import resource_path
from designer.sim import SimOptions, Simulator
from designer.sim.actions import REGISTRY
from tests.sim.conftest import act, behavior_package

CATALOGUE = json.loads(resource_path("catalogue", "actions.json").read_text())["actions"]


def test_every_catalogue_action_has_a_handler():
    assert len(CATALOGUE) == 59
    assert sorted(set(CATALOGUE) - set(REGISTRY)) == []


@pytest.mark.parametrize("key", sorted(CATALOGUE))
@pytest.mark.parametrize("event", ["event.message.chat.worker", "event.macro.bot"])
def test_action_runs_with_empty_and_junk_params(key, event):
    junk = {"action": key, "var": "out", "value": "{{", "behavior_id": "nope", "options": "x", "message": "{{x",
            "http_url": "", "payload": "{", "format": "json", "parameters": "[", "run_in_simulator": "0"}
    sim = Simulator(behavior_package([act("a", {"action": key}), act("b", junk), act("c", {"action": "send_message",
                                                                                           "message": "end"})],
                                     event=event), options=SimOptions(time_limit_s=10))
    conv = sim.start("Main")
    turn = conv.run()
    for _ in range(3):
        if turn.state != "suspended":
            break
        turn = conv.say("x")
    assert turn.state != "error", turn.error
    assert "end" in [m for t in conv.turns for m in t.messages] or turn.state == "stopped"
