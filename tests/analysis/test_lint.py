"""Lint rules, each shown to fire (and not to fire on the clean fixtures)."""
from __future__ import annotations

import json

import pytest

from designer.analysis import behavior_graph, lint, subroutine_graph
from designer.io import load_package, read_package_value
from tests.conftest import FIXTURE_PACKAGES, SAMPLE_PACKAGE


def sample():
    return json.loads(SAMPLE_PACKAGE.read_text())


def codes(data) -> dict[str, list]:
    package, _ = read_package_value(data)
    found: dict[str, list] = {}
    for p in lint(package):
        found.setdefault(p.code, []).append(p)
    return found


@pytest.mark.parametrize("path", FIXTURE_PACKAGES, ids=lambda p: p.name)
def test_fixtures_have_no_lint_errors(path):
    assert [p for p in lint(load_package(path)) if p.severity == "error"] == []


def test_twitter_bot_forgot_uid_prefix():
    found = {p.code: p for p in lint(load_package(next(p for p in FIXTURE_PACKAGES if p.name == "twitter-bot.json")))}
    assert "uid.behavior_22" in found["unknown-placeholder"].message


def test_call_graph_of_the_sample():
    graph = behavior_graph(load_package(SAMPLE_PACKAGE))
    edges = {(u, v, k) for u, v, k in graph.edges(data="kind")}
    assert ("behavior_180", "behavior_181", "_run_behavior") in edges
    assert ("behavior_179", "behavior_180", "switch_behavior") in edges
    assert ("behavior_178", "behavior_179", "return_interaction") in edges


def test_dangling_link_and_unknown_subroutine():
    data = sample()
    chat = data["bots"][0]["behaviors"][0]
    menu = chat["nodes"][1]["nodes"][2]["nodes"]
    menu[0]["nodes"][1]["params"]["actions"][0]["behavior_id"] = "{{{uid.behavior_999}}}"
    menu[1]["nodes"][2]["params"]["actions"][0]["subroutine"] = "parse()"
    found = codes(data)
    assert found["dangling-uid"][0].path == "bots[0].behaviors[0].nodes[1].nodes[2].nodes[0].nodes[1]"
    assert found["dangling-uid"][0].severity == "error"
    assert "parse()" in found["unknown-subroutine"][0].message


def test_unreachable_subroutine_and_recursion():
    data = sample()
    chat = data["bots"][0]["behaviors"][0]
    chat["nodes"].append({"type": "subroutine", "title": "unused", "status": "live", "nodes": []})
    invoke = data["bots"][0]["behaviors"][3]
    invoke["nodes"][0]["params"]["actions"].append(
        {"action": "_run_behavior", "on": "_trigger_va_id", "behavior_id": "{{{uid.behavior_180}}}", "var": "x"})
    found = codes(data)
    assert "'unused'" in found["unreachable-subroutine"][0].message
    assert "behavior_180" in found["recursive-call"][0].message


def test_switch_rules():
    data = sample()
    switch = data["bots"][0]["behaviors"][0]["nodes"][1]["nodes"][2]
    switch["nodes"].insert(3, {"type": "outcome", "title": "Anything", "status": "live",
                               "params": {"groups": [{"any": 0, "conditions": []}]}})
    switch["nodes"][0]["nodes"].insert(0, {"type": "switch", "title": "empty", "status": "live"})
    found = codes(data)
    assert [p.message for p in found["unreachable-outcome"]] == [
        "never reached: the outcome 'Anything' before it has no conditions and always passes"]
    assert found["switch-no-outcome"]


def test_endless_loop_and_titles_and_unknown_actions():
    data = sample()
    nodes = data["bots"][0]["behaviors"][3]["nodes"]
    nodes.append({"type": "loop", "title": " ", "status": "live",
                  "params": {"foreach_json": "[\"*\"]", "as_placeholder": "i"},
                  "nodes": [{"type": "action", "title": "say", "status": "live",
                             "params": {"actions": [{"action": "acme.teleport"}]}}]})
    found = codes(data)
    assert found["endless-loop"][0].severity == "error"
    assert found["empty-title"] and "acme.teleport" in found["unknown-action"][0].message


def test_sample_loop_is_not_endless_and_subroutines_are_called():
    package = load_package(SAMPLE_PACKAGE)
    assert lint(package) == []
    calls = subroutine_graph(package.behavior_by_uid("behavior_180"))
    assert set(calls.successors("")) == {"parseResponse()"}


def run_behavior(target: str) -> dict:
    return {"type": "action", "title": f"run {target}", "status": "live", "params": {"actions": [
        {"action": "_run_behavior", "on": "_trigger_va_id", "behavior_id": "{{{uid." + target + "}}}", "var": "x"}]}}


def test_every_reference_to_a_missing_uid_is_reported():
    data = sample()
    behaviors = data["bots"][0]["behaviors"]
    behaviors[0]["nodes"].append(run_behavior("gone"))
    behaviors[3]["nodes"].append(run_behavior("gone"))
    found = codes(data)
    assert [p.path for p in found["dangling-uid"]] == ["bots[0].behaviors[0].nodes[3]", "bots[0].behaviors[3].nodes[1]"]


def test_dangling_links_outside_the_trees():
    data = sample()
    data["records"] = [{"uid": "task_1", "_context": "task", "owner": "{{{uid.bot_1}}}"}]
    data["bots"][0]["behaviors"][2]["event"]["params"] = {"behavior_id": "{{{uid.behavior_0}}}"}
    found = codes(data)
    assert {p.path for p in found["dangling-uid"]} == {"records[0]", "bots[0].behaviors[2]"}
    assert all(p.severity == "error" for p in found["dangling-uid"])


def test_links_from_records_are_in_the_graph():
    package = load_package(next(p for p in FIXTURE_PACKAGES if p.name == "sync-accounts.json"))
    graph = behavior_graph(package)
    [(_, target, data)] = [e for e in graph.edges(data=True) if e[0] == package.collections["records"][0]["uid"]]
    assert target == "behavior_webhook" and data["kind"] == "link" and not data["dangling"]
    assert data["path"] == "records[0]" and data["node_id"] is None


def test_recursion_is_reported_in_call_order():
    data = sample()
    behaviors = data["bots"][0]["behaviors"]  # 180, 178, 179, 181; 179 already switches to 180
    behaviors[0]["nodes"].append(run_behavior("behavior_178"))  # 180 → 178
    behaviors[1]["nodes"].append(run_behavior("behavior_179"))  # 178 → 179 (→ 180)
    messages = [p.message for p in codes(data)["recursive-call"]]
    assert "behaviors call each other in a loop: behavior_178 → behavior_179 → behavior_180 → behavior_178" in messages


def test_a_behavior_that_runs_itself_recurses():
    data = sample()
    data["bots"][0]["behaviors"][3]["nodes"].append(run_behavior("behavior_181"))
    [problem] = codes(data)["recursive-call"]
    assert problem.message.endswith("behavior_181 → behavior_181") and problem.path == "bots[0].behaviors[3]"


def subroutine(title: str, calls: str) -> dict:
    return {"type": "subroutine", "title": title, "status": "live", "nodes": [
        {"type": "action", "title": "call", "status": "live",
         "params": {"actions": [{"action": "_run_subroutine", "subroutine": calls}]}}]}


def test_subroutines_that_call_each_other_recurse():
    data = sample()
    invoke = data["bots"][0]["behaviors"][3]
    invoke["nodes"][0]["params"]["actions"].append({"action": "_run_subroutine", "subroutine": "a"})
    invoke["nodes"] += [subroutine("a", "b"), subroutine("b", "a")]
    found = codes(data)
    [problem] = found["recursive-call"]
    assert "subroutines call each other in a loop: a → b → a" in problem.message
    assert "unreachable-subroutine" not in found


def test_a_subroutine_called_only_by_an_unreachable_one_is_unreachable():
    data = sample()
    data["bots"][0]["behaviors"][3]["nodes"] += [subroutine("lonely", "helper"), subroutine("helper", "parse()")]
    found = codes(data)
    assert {p.message for p in found["unreachable-subroutine"]} == {"subroutine 'lonely' is never run",
                                                                     "subroutine 'helper' is never run"}
    assert found["unknown-subroutine"][0].path == "bots[0].behaviors[3].nodes[2].nodes[0]"


def test_a_disabled_else_does_not_hide_the_outcomes_after_it():
    data = sample()
    switch = data["bots"][0]["behaviors"][0]["nodes"][1]["nodes"][2]
    switch["nodes"].insert(0, {"type": "outcome", "title": "Off", "status": "disabled",
                               "params": {"groups": [{"any": 0, "conditions": []}]}})
    assert "unreachable-outcome" not in codes(data)


def endless(inside: list) -> dict:
    return {"type": "loop", "title": "spin", "status": "live",
            "params": {"foreach_json": "[\"*\"]", "as_placeholder": "i"}, "nodes": inside}


def action(*actions: dict) -> dict:
    return {"type": "action", "title": "act", "status": "live", "params": {"actions": list(actions)}}


@pytest.mark.parametrize("inside, spins", [
    ([], True),
    ([action({"action": "send_message", "message": "again"})], True),
    ([action({"action": "prompt_text", "placeholder": "ok"})], False),
    ([action({"action": "_exit", "mode": "stop"})], False),
    ([action({"action": "_set_custom_var", "var": "i__stack", "value": "[]"})], False),
    ([action({"action": "_run_subroutine", "subroutine": "stop"})], False),
    ([action({"action": "_run_subroutine", "subroutine": "talk"})], True),
])
def test_star_loops_need_a_way_out(inside, spins):
    data = sample()
    nodes = data["bots"][0]["behaviors"][3]["nodes"]
    nodes.append(endless(inside))
    nodes.append({"type": "subroutine", "title": "stop", "status": "live",
                  "nodes": [action({"action": "_exit", "mode": "stop"})]})
    nodes.append({"type": "subroutine", "title": "talk", "status": "live",
                  "nodes": [action({"action": "send_message", "message": "hi"})]})
    found = codes(data)
    assert ("endless-loop" in found) is spins
    if spins:
        assert found["endless-loop"][0].path == "bots[0].behaviors[3].nodes[1]"


def test_empty_titles_of_behaviors_and_nodes():
    data = sample()
    data["bots"][0]["behaviors"][2]["title"] = ""
    data["bots"][0]["behaviors"][3]["nodes"][0]["title"] = "   "
    found = codes(data)
    assert {p.path for p in found["empty-title"]} == {"bots[0].behaviors[2]", "bots[0].behaviors[3].nodes[0]"}
    assert {p.severity for p in found["empty-title"]} == {"warning"}


def test_unknown_action_is_a_warning_and_is_kept():
    from designer.io import dumps_package

    data = sample()
    data["bots"][0]["behaviors"][3]["nodes"][0]["params"]["actions"].append({"action": "acme.teleport", "to": "moon"})
    package, _ = read_package_value(data)
    [problem] = [p for p in lint(package) if p.code == "unknown-action"]
    assert problem.severity == "warning"
    assert json.loads(dumps_package(package)) == data


def test_variable_actions_are_known_only_for_declared_variables():
    data = sample()
    invoke = data["bots"][0]["behaviors"][3]
    declared = next(iter(invoke["variables"]))
    invoke["nodes"].append(action({"action": declared, "value": "1"}, {"action": "var_undeclared", "value": "1"}))
    [problem] = codes(data)["unknown-action"]
    assert "var_undeclared" in problem.message


def test_the_lint_rules_of_the_issue_exist_with_their_severities():
    """One package breaking every rule of the issue once: each rule fires, with its severity."""
    data = sample()
    chat, invoke = data["bots"][0]["behaviors"][0], data["bots"][0]["behaviors"][3]
    invoke["nodes"] += [
        run_behavior("gone"),  # dangling uid link
        action({"action": "_run_subroutine", "subroutine": "nope"}),  # unknown subroutine title
        subroutine("never", "never"),  # unreachable (and calls itself)
        run_behavior("behavior_181"),  # a call that recurses
        {"type": "switch", "title": "empty", "status": "live"},  # a switch with no outcome
        endless([]),  # a ["*"] loop with no way out
        action({"action": "acme.teleport"}),  # unknown action key
        {"type": "action", "title": " ", "status": "live"},  # empty title
    ]
    chat["nodes"][1]["nodes"][2]["nodes"].insert(0, {"type": "outcome", "title": "else", "status": "live"})
    severities = {code: {p.severity for p in found} for code, found in codes(data).items()}
    assert severities == {
        "dangling-uid": {"error"}, "unknown-subroutine": {"error"}, "unreachable-subroutine": {"warning"},
        "recursive-call": {"warning"}, "switch-no-outcome": {"warning"}, "unreachable-outcome": {"warning"},
        "endless-loop": {"error"}, "empty-title": {"warning"}, "unknown-action": {"warning"},
    }


def test_lint_of_every_fixture_is_errors_first():
    for path in FIXTURE_PACKAGES:
        severities = [p.severity for p in lint(load_package(path))]
        assert severities == sorted(severities, key=["error", "warning", "info"].index)
