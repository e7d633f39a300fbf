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


# Cerb's sample worker in the reference run, and where our dry-run text differs from Cerb's on purpose.
CERB_WORKER = {"id": 1, "first_name": "Admin", "last_name": "Oracle", "title": "Administrator"}
OWN_TEXT = {
    "Execute HTTP request": "we describe the request with redacted signed headers, not Cerb's proxy round trip",
    "Record create": "a simulated effect ('would create …' + the record) instead of Cerb's '>>> Creating …'",
    "Behavior call subroutine": "Cerb prints its database node id (#134); ours is the package's node id",
    "Prompt with images": "Cerb 10.4 prints 'Prompting with buttons:' for an images prompt (a copy-paste slip)",
}
# random()/shuffle() results differ from PHP's; `?v=` is a record's update time in Cerb's database.
VOLATILE_CONTENT = ("{{secret_number}}", "Google Assistant", "Let's recap", "Checking my notes", "Let's see", "?v=")


def _text(s: str) -> str:
    return "\n".join(line.rstrip() for line in html.unescape(s).replace("\r\n", "\n").strip().split("\n"))


def _compare_actions(row) -> tuple[int, list[str]]:
    """(entries compared, differences) between Cerb's simulator action output for `row` and our dry-run trace."""
    sim = Simulator(configured(row["package"]), options=SimOptions(now=CERB_NOW, loop_cap=50, step_budget=5000,
                                                                   time_limit_s=10, worker=CERB_WORKER))
    values = json.loads(row["event_params_json"])
    conv = sim.dry_run(row["behavior"], event_values=values if isinstance(values, dict) else {})
    conv.run()
    ours = {_text(e.message) for e in conv.trace if e.kind in ("action", "prompt")}
    compared, problems = 0, []
    after_http: set[str] = set()  # what follows a request in its node depends on Cerb's (failed) round trip
    for entry in row["actions"]:
        content = _text(entry["content"])
        if entry["title"] == "Execute HTTP request":
            after_http.add(entry["action"])
        if entry["title"] in OWN_TEXT or entry["action"] in after_http or any(v in content for v in VOLATILE_CONTENT):
            continue
        compared += 1
        if content not in ours:
            problems.append(f"{entry['action']!r} / {entry['title']}: Cerb printed {content!r}")
    return compared, problems


ACTION_ROWS = [r for r in REFERENCE if r.get("actions")]


@pytest.mark.parametrize("row", ACTION_ROWS, ids=lambda r: f"{r['package']}:{r['behavior']}")
def test_dry_run_action_output_matches_cerbs(row):
    """Each action output Cerb's simulator printed (`>>> Sending response message …`, prompts, placeholders,
    webhook responses, worklists, scripts, `_run_behavior` errors) is in our dry-run trace word for word."""
    _, problems = _compare_actions(row)
    assert problems == []


def test_most_of_cerbs_action_output_is_compared():
    total = sum(len(r["actions"]) for r in ACTION_ROWS)
    compared = sum(_compare_actions(r)[0] for r in ACTION_ROWS)
    assert compared >= 60 and compared * 2 >= total, (compared, total)  # 62 of 111 when written
