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
    chat["nodes"][1]["nodes"][2]["nodes"][0]["nodes"][1]["params"]["actions"][0]["behavior_id"] = "{{{uid.behavior_999}}}"
    chat["nodes"][1]["nodes"][2]["nodes"][1]["nodes"][2]["params"]["actions"][0]["subroutine"] = "parse()"
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
