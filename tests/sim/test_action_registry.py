"""Every action key of the catalogue has a handler, and each runs with empty and junk params without crashing."""
from __future__ import annotations

import json
import re

import pytest

from designer.resources import resource_path
from designer.sim import SimOptions, Simulator
from designer.sim.actions import REGISTRY
from tests.sim.conftest import ROOT, SEED, act, behavior_package

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


REFERENCE = ROOT.parent / "shared" / "reference" / "cerb-semantics.md"


def _fixture_action_keys() -> set[str]:
    keys: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            for a in value.get("actions") or [] if isinstance(value.get("actions"), list) else []:
                if isinstance(a, dict) and "action" in a:
                    keys.add(a["action"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in [*sorted((ROOT / "tests" / "fixtures" / "packages").glob("*.json")), SEED]:
        walk(json.loads(path.read_text(encoding="utf-8")))
    return keys


def _reference_action_keys(text: str) -> set[str]:
    """The action keys of cerb-semantics §5: first column of the §5.2/§5.4 tables, §5.3's own actions, §5.5."""
    section = text[text.index("## 5. Actions"):text.index("## 6.")]
    keys: set[str] = set()
    part = None
    for line in section.splitlines():
        heading = re.match(r"### (5\.\d)", line)
        if heading:
            part = heading.group(1)
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if part in ("5.2", "5.4"):
            for token in re.findall(r"`([^`]+)`", cells[0]):
                head, *more = ("var_*" if token.startswith("var_<") else token).split("/")
                keys.add(head)
                keys.update(head.rsplit("_", 1)[0] + "_" + m for m in more)  # create_comment/notification/…
        elif part == "5.3":
            keys.update(re.findall(r"`([a-z_]+) \{", cells[-1]))
    keys.update(re.findall(r"### 5\.5 `([a-z_.]+)`", section))
    keys.update(re.findall(r"`(wgm\.[a-z_.]+)` action", text))
    return keys


def _handled(key: str) -> bool:
    return key in REGISTRY or (key.startswith("var_") and "var_*" in REGISTRY)


def test_every_action_key_of_the_fixtures_has_a_handler():
    keys = _fixture_action_keys()
    assert len(keys) == 24, sorted(keys)
    assert sorted(k for k in keys if not _handled(k)) == []


@pytest.mark.skipif(not REFERENCE.exists(), reason="the shared reference is not present")
def test_every_action_key_of_the_reference_has_a_handler():
    keys = _reference_action_keys(REFERENCE.read_text(encoding="utf-8"))
    assert len(keys) >= 34, sorted(keys)
    assert sorted(k for k in keys if not _handled(k)) == []
    assert len(keys | _fixture_action_keys()) == 40  # what the fixtures and the reference name, all handled


@pytest.mark.parametrize("key", sorted(_fixture_action_keys()))
def test_fixture_actions_are_never_reported_as_not_simulated(key):
    sim = Simulator(behavior_package([act("a", {"action": key})]), options=SimOptions(time_limit_s=10))
    conv = sim.start("Main")
    conv.run()
    entered = [e for e in conv.trace if e.kind == "enter"]
    assert len(entered) == 1  # the action node ran
    assert [e.message for e in conv.trace if e.message.startswith(("not simulated", "engine error"))] == []
