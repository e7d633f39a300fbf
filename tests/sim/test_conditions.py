"""Every condition operator per value type (cerb-semantics.md §4)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from designer.sim.conditions import evaluate_condition, evaluate_groups

NOW = datetime(2026, 1, 5, 10, 30, tzinfo=UTC)  # a Monday
TYPES = {"message": "T", "name": "S", "n": "N", "when": "E", "flag": "C", "pick": "D", "multi": "X",
         "items": "M", "owner": "W", "tickets": "ctx"}


def check(cond, values, render=lambda s: s.replace("{{x}}", "MX")):
    return evaluate_condition(cond, values, TYPES, render, NOW)[0]


@pytest.mark.parametrize(("oper", "value", "left", "expected"), [
    ("is", "Hostname", "hostname", True), ("is", "Hostname", "Hostnames", False), ("!is", "Hostname", "x", True),
    ("contains", "LOOK", "please look up", True), ("!contains", "look", "please look up", False),
    ("is", "CAFÉ", "café", False), ("is", "Café", "CAFé", True), ("contains", "É", "café", False),  # ASCII fold
    ("like", "cerb*", "Cerb.ai", True), ("like", "*.ai", "cerb.ai.com", False), ("like", "a*c", "a.b.c", True),
    ("like", "a*c", "a\nb c", False),  # Cerb's strToRegExp has no /s: `*` does not cross a line break
    ("like", "a/b*", "A/B/c", True), ("like", "(x)*[y]", "(x) [y]", True), ("like", "(x)*", "x", False),
    ("regexp", "/^\\d+$/", "123", True), ("regexp", "/^abc/i", "ABCdef", True), ("regexp", "#x#", "y", False),
    ("!regexp", "/^\\d+$/", "12a", True), ("regexp", "not a pattern", "x", False),
    ("bogus", "x", "y", True),  # an operator the type does not handle: passes
])
def test_text(oper, value, left, expected):
    assert check({"condition": "message", "oper": oper, "value": value}, {"message": left}) is expected


def test_catastrophic_patterns_fail_instead_of_hanging():
    """PHP's preg_match gives false at its backtrack limit; ours times out (regex module) and fails the same way."""
    evil = {"message": "a" * 40 + "!"}
    assert not check({"condition": "message", "oper": "regexp", "value": "/^(a|aa)+$/"}, evil)
    assert check({"condition": "message", "oper": "!regexp", "value": "/^(a|aa)+$/"}, evil)
    assert not check({"condition": "_custom_script", "tpl": "{{message}}", "oper": "regexp",
                      "value": "/^(a|aa)+$/"}, evil, render=lambda s: evil["message"])


def test_text_value_is_not_templated_and_null_is_empty():
    assert check({"condition": "message", "oper": "is", "value": ""}, {"message": None})
    assert not check({"condition": "message", "oper": "is", "value": "{{x}}"}, {"message": "MX"})


@pytest.mark.parametrize(("oper", "value", "left", "expected"), [
    ("is", "5", "5", True), ("is", "5", "5abc", True), ("gt", "3", 4, True), ("lt", "3", 4, False),
    ("!gt", "3", 4, False), ("!is", "1", 2, True)])
def test_number(oper, value, left, expected):
    assert check({"condition": "n", "oper": oper, "value": value}, {"n": left}) is expected


def test_custom_script_trims_and_compares_case_insensitively():
    assert check({"condition": "_custom_script", "tpl": " {{x}}\n", "oper": "is", "value": "mx"}, {})
    assert check({"condition": "_custom_script", "tpl": "{{x}}", "oper": "!is", "value": ""}, {})


def test_custom_script_render_error_fails_even_negated():
    def boom(_):
        raise ValueError("bad template")
    assert not check({"condition": "_custom_script", "tpl": "{{", "oper": "!is", "value": "x"}, {}, boom)


def test_boolean_picklist_multi_list_worker_ctx():
    assert check({"condition": "flag", "bool": 1}, {"flag": 1})
    assert check({"condition": "flag", "bool": 0}, {"flag": "0"})
    assert not check({"condition": "flag", "bool": 1}, {"flag": ""})
    assert check({"condition": "pick", "oper": "in", "values": ["a", "b"]}, {"pick": "b"})
    assert check({"condition": "pick", "oper": "!in", "values": ["a"]}, {"pick": "b"})
    assert check({"condition": "pick", "oper": "is", "values": ["a"]}, {"pick": "b"})  # `is` unhandled → passes
    assert check({"condition": "multi", "oper": "is", "values": ["a", "b"]}, {"multi": ["a", "b", "c"]})
    assert not check({"condition": "multi", "oper": "is", "values": ["a", "z"]}, {"multi": ["a", "b"]})
    assert check({"condition": "multi", "oper": "in", "values": ["a", "z"]}, {"multi": ["a", "b"]})
    assert check({"condition": "items", "oper": "contains", "value": "{{x}}"}, {"items": ["mx", "a"]})
    assert check({"condition": "owner", "oper": "in", "worker_id": [3, 4]}, {"owner": "4"})
    assert check({"condition": "owner", "oper": "in", "worker_id": []}, {"owner": 0})
    assert check({"condition": "tickets", "oper": "gt", "value": "1"}, {"tickets": {"1": {}, "2": {}}})
    assert check({"condition": "tickets", "oper": "is", "value": "0"}, {"tickets": []})


def test_dates_and_clock():
    ts = int(NOW.timestamp())
    assert check({"condition": "when", "oper": "is", "from": "2026-01-01", "to": "2026-01-10"}, {"when": ts})
    assert not check({"condition": "when", "oper": "is", "from": "2026-02-01", "to": "2026-02-10"}, {"when": ts})
    assert check({"condition": "_day_of_week", "oper": "is", "day": ["1"]}, {})
    assert check({"condition": "_day_of_week", "oper": "!is", "day": ["6", "7"]}, {})
    assert check({"condition": "_month_of_year", "oper": "is", "month": ["1"]}, {})
    assert check({"condition": "_day_of_month", "oper": "gt", "value": "4"}, {})
    assert check({"condition": "_time_of_day", "oper": "between", "from": "9:00", "to": "17:00"}, {})
    assert check({"condition": "_time_of_day", "oper": "!between", "from": "22:00", "to": "06:00"}, {})
    assert check({"condition": "_time_of_day", "oper": "between", "from": "22:00", "to": "11:00"}, {})


def test_unknown_condition_key_fails():
    assert not check({"condition": "no_such_key", "oper": "!is", "value": "x"}, {})
    # a key present in the dictionary is compared by its value's type
    assert check({"condition": "dns_mode", "oper": "is", "value": "mx"}, {"dns_mode": "MX"})


def test_groups_all_any_and_else():
    results = iter([True, False])
    assert not evaluate_groups([{"any": 0, "conditions": [{"condition": "a"}, {"condition": "b"}]}],
                               lambda c: next(results))[0]
    results = iter([False, True])
    assert evaluate_groups([{"any": 1, "conditions": [{"condition": "a"}, {"condition": "b"}]}],
                           lambda c: next(results))[0]
    assert evaluate_groups([], lambda c: False)[0]
    assert evaluate_groups([{"any": 0, "conditions": []}], lambda c: False)[0]
    assert not evaluate_groups([{"any": 1, "conditions": [{"condition": "a"}]}, {"any": 0, "conditions": []}],
                               lambda c: False)[0]
    assert evaluate_groups([{"any": 0, "conditions": [{"oper": "is"}]}], lambda c: False)[0]  # no `condition`: skipped
