"""The `simulate` transcript names every kind of prompt with what it asks (placeholder, labels, record type)."""
from __future__ import annotations

import io

import pytest

from designer.cli.simulate_commands import _print_turn
from designer.sim import SimOptions, Simulator
from tests.sim.conftest import act, behavior_package, say


@pytest.mark.parametrize(("prompt", "line"), [
    ({"action": "prompt_buttons", "options": "Yes\nNo"}, "bot: [buttons] Yes | No"),
    ({"action": "prompt_text", "placeholder": "e.g. {{ 'cerb' }}.ai"}, "bot: [text prompt] e.g. cerb.ai"),
    ({"action": "prompt_date", "placeholder": ""}, "bot: [date prompt] e.g. tomorrow 5pm, 2 hours"),
    ({"action": "prompt_chooser", "context": "cerberusweb.contexts.worker", "query": "isDisabled:n"},
     "bot: [chooser prompt] cerberusweb.contexts.worker isDisabled:n"),
    ({"action": "prompt_images", "images": ["a.png", "b.png"], "labels": ["Cat", "Dog"]},
     "bot: [images prompt] Cat | Dog"),
    ({"action": "prompt_file"}, "bot: [file prompt]"),
])
def test_each_prompt_kind_is_shown(prompt, line):
    sim = Simulator(behavior_package([act("ask", say("Question?"), prompt)]), options=SimOptions(time_limit_s=10))
    turn = sim.start("Main").run()
    assert turn.state == "suspended"
    out = io.StringIO()
    _print_turn(turn, out)
    assert out.getvalue().splitlines() == ["bot: Question?", line]
