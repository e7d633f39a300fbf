"""Every behavior of every fixture package runs without an engine error, and Cerb's own dry-run simulator log
(tests/sim/fixtures/cerb-simulator-reference.jsonl) matches ours: ENTER lines, conditions, PASS/FAIL, outcomes."""
from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from functools import cache

import pytest

from designer.io import configure_package, load_package
from designer.sim import SimOptions, Simulator
from tests.sim.conftest import ROOT, SIM_FIXTURES

PACKAGES = sorted((ROOT / "tests" / "fixtures" / "packages").glob("*.json"))
REFERENCE = [json.loads(line) for line in (SIM_FIXTURES / "cerb-simulator-reference.jsonl").read_text().splitlines()
             if line.strip()]
CERB_NOW = datetime(2026, 11, 22, 9, 12, 7, tzinfo=UTC)  # when the reference was recorded (a Sunday)


@cache
def configured(name: str):
    pkg = load_package(ROOT / "tests" / "fixtures" / "packages" / name)
    given = {}
    for prompt in pkg.prompts:
        params = prompt.get("params") or {}
        if prompt.get("type") == "picklist":
            opts = params.get("options") or []
            given[prompt["key"]] = str(next(iter(opts.values())) if isinstance(opts, dict) else opts[0])
        else:
            given[prompt["key"]] = "1" if prompt.get("type") == "chooser" else "dummy"
    return configure_package(pkg, given)


def _cases():
    for path in PACKAGES:
        for b in configured(path.name).package.all_behaviors():
            yield pytest.param(path.name, b.uid, id=f"{path.stem}:{b.title}")


@pytest.mark.parametrize(("package", "uid"), list(_cases()))
def test_every_fixture_behavior_runs(package, uid):
    sim = Simulator(configured(package), options=SimOptions(time_limit_s=10, step_budget=20_000, loop_cap=100))
    conv = sim.start(uid)
    turn = conv.run()
    for text in ("test", "Yes", "1"):
        if turn.state != "suspended":
            break
        turn = conv.say(text)
    assert turn.state != "error", turn.error
    assert not [e for e in conv.trace if e.kind == "error" and e.message.startswith("engine error")]


def test_dry_run_of_an_endless_chat_loop_ends_by_a_guard():
    """Cerb's one-shot simulator spins on the seed chat behavior until PHP dies; ours ends with a guard entry."""
    sim = Simulator(configured("aws-lambda-bot.json"), options=SimOptions(loop_cap=25, time_limit_s=10))
    conv = sim.dry_run("DNS conversational behavior")
    turn = conv.run()
    assert turn.state == "stopped" and turn.stop_reason.startswith("guard: loop cap")
    assert conv.trace[-1].kind == "guard"


def _normal(lines: str | list[str]) -> list[str]:
    seq = lines.split("\n") if isinstance(lines, str) else lines
    return [html.unescape(x) for x in seq if x.strip() and not x.startswith("EVENT:")]


@pytest.mark.parametrize("row", [r for r in REFERENCE if "log" in r],
                         ids=lambda r: f"{r['package']}:{r['behavior']}")
def test_matches_cerbs_dry_run_log(row):
    sim = Simulator(configured(row["package"]), options=SimOptions(now=CERB_NOW, loop_cap=50, step_budget=5000,
                                                                   time_limit_s=10))
    values = json.loads(row["event_params_json"])
    conv = sim.dry_run(row["behavior"], event_values=values if isinstance(values, dict) else {})
    conv.run()
    assert _normal(conv.cerb_log) == _normal(row["log"])
