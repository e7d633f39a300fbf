"""Bad input: clean errors with paths and lines, never a traceback."""
from __future__ import annotations

import contextlib
import copy
import json
import random

import pytest

from designer.analysis import lint
from designer.cli.package_commands import render_tree
from designer.io import (
    ConfigureError,
    PackageFormatError,
    configure_package,
    dumps_package,
    load_package,
    read_package_text,
    read_package_value,
)
from designer.io.reader import MAX_DEPTH
from designer.model import Problem
from tests.conftest import FIXTURE_PACKAGES, SAMPLE_PACKAGE


def seed_json():
    return json.loads(SAMPLE_PACKAGE.read_text())


def errors_of(raw) -> list:
    with pytest.raises(PackageFormatError) as info:
        read_package_text(raw, source="bad.json")
    assert info.value.problems
    assert "Traceback" not in str(info.value)
    return info.value.problems


def test_truncated_json_names_line_and_column():
    text = SAMPLE_PACKAGE.read_text()
    cut = text[: len(text) // 2]
    [problem] = errors_of(cut)
    assert problem.code == "json-syntax" and problem.line == cut.count("\n") + 1


def test_not_utf8_names_the_byte():
    raw = SAMPLE_PACKAGE.read_bytes().replace(b"AWS Lambda Bot", b"AWS \xff Bot", 1)
    [problem] = errors_of(raw)
    assert problem.code == "encoding" and problem.line == 3 and "0xff" in problem.message


def test_wrong_types_at_every_level_are_all_reported():
    data = seed_json()
    data["package"]["configure"]["prompts"] = "nope"
    bot = data["bots"][0]
    bot["behaviors"][0]["nodes"][0]["params"] = 7
    bot["behaviors"][1]["event"] = []
    bot["behaviors"][2]["nodes"][0]["nodes"] = {}
    bot["behaviors"][3]["title"] = None
    text = json.dumps(data, indent=2)
    problems = errors_of(text)
    paths = {p.path for p in problems}
    assert {
        "package.configure.prompts",
        "bots[0].behaviors[0].nodes[0].params",
        "bots[0].behaviors[1].event",
        "bots[0].behaviors[2].nodes[0].nodes",
        "bots[0].behaviors[3].title",
    } <= paths
    assert all(p.line and p.line > 1 for p in problems)


def test_unknown_node_type_and_structure():
    data = seed_json()
    nodes = data["bots"][0]["behaviors"][0]["nodes"]
    nodes[0]["type"] = "goto"
    nodes[1]["nodes"][0]["nodes"] = [{"type": "outcome", "title": "o"}]
    problems = errors_of(json.dumps(data))
    messages = {p.path: p.message for p in problems}
    assert "unknown node type 'goto'" in messages["bots[0].behaviors[0].nodes[0].type"]
    assert messages["bots[0].behaviors[0].nodes[1].nodes[0].nodes[0]"].startswith("outcome must be a child of a switch")


def test_duplicate_uids():
    data = seed_json()
    data["bots"][0]["behaviors"][1]["uid"] = "behavior_180"
    [problem] = errors_of(json.dumps(data))
    assert problem.code == "duplicate-uid" and "bots[0].behaviors[0]" in problem.message


def test_missing_package_header():
    problems = errors_of('{"bots": []}')
    assert problems[0].code == "missing-key"


def nested(depth: int) -> dict:
    node = {"type": "action", "title": "leaf", "status": "live"}
    for i in range(depth):
        node = {"type": "loop", "title": f"l{i}", "params": {"foreach_json": "[1]", "as_placeholder": "x"},
                "nodes": [node]}
    return node


def behavior_with(nodes: list) -> dict:
    data = seed_json()
    data["bots"][0]["behaviors"][0]["nodes"] = nodes
    return data


def test_fifty_levels_of_nesting_are_fine():
    data = behavior_with([nested(50)])
    package, _ = read_package_value(data)
    assert package.behavior_by_uid("behavior_180").node_count() == 51


def test_absurd_nesting_is_refused_cleanly():
    data = behavior_with([nested(MAX_DEPTH + 5)])
    with pytest.raises(PackageFormatError) as info:
        read_package_value(data)
    assert info.value.problems[0].code == "too-deep"
    deep_json = "[" * 100_000 + "]" * 100_000
    errors_of(deep_json)


def test_twenty_megabyte_string_is_kept():
    data = seed_json()
    data["package"]["library"] = {"description": "x" * (20 * 1024 * 1024)}
    package = read_package_text(json.dumps(data))
    assert len(package.header["library"]["description"]) == 20 * 1024 * 1024


def test_links_cycle_still_loads():
    data = seed_json()
    actions = data["bots"][0]["behaviors"][3]["nodes"][0]["params"]["actions"]
    actions.append(
        {"action": "_run_behavior", "behavior_id": "{{{uid.behavior_180}}}", "var": "x", "on": "_trigger_va_id"}
    )
    read_package_value(data)


def test_missing_file_is_a_clean_error(tmp_path):
    from designer.errors import DesignerError

    with pytest.raises(DesignerError, match="cannot read"):
        load_package(tmp_path / "nope.json")


def mutate(value, rng: random.Random, depth: int = 0):
    """One random structural mutation somewhere inside a JSON value."""
    junk = [None, 0, -1, 1.5, "", "x", True, [], {}, [1, 2], {"type": "outcome"}, "{{{uid.nowhere}}}"]
    if isinstance(value, dict) and value:
        key = rng.choice(list(value))
        roll = rng.random()
        if roll < 0.25 and depth > 0:
            del value[key]
        elif roll < 0.5 or not isinstance(value[key], (dict, list)):
            value[key] = rng.choice(junk)
        else:
            mutate(value[key], rng, depth + 1)
    elif isinstance(value, list) and value:
        i = rng.randrange(len(value))
        roll = rng.random()
        if roll < 0.2:
            value.insert(i, copy.deepcopy(rng.choice(value)))
        elif roll < 0.35:
            del value[i]
        elif roll < 0.55 or not isinstance(value[i], (dict, list)):
            value[i] = rng.choice(junk)
        else:
            mutate(value[i], rng, depth + 1)


def test_fuzz_mutated_real_packages_never_crash():
    rng = random.Random(20261123)
    originals = [json.loads(p.read_text()) for p in FIXTURE_PACKAGES]
    outcomes = {"ok": 0, "error": 0}
    for i in range(5000):
        data = copy.deepcopy(originals[i % len(originals)])
        for _ in range(rng.randint(1, 4)):
            mutate(data, rng)
        text = json.dumps(data)
        if rng.random() < 0.1:
            pos = rng.randrange(len(text))
            text = text[:pos] + rng.choice(['"', "}", ",", "\\", "\x00"]) + text[pos + 1 :]
        try:
            package = read_package_text(text)
        except PackageFormatError as exc:
            assert exc.problems and all(isinstance(p.message, str) for p in exc.problems)
            str(exc)
            outcomes["error"] += 1
        else:
            # what validate, show and export do with a package that loads must not crash either
            json.loads(dumps_package(package))
            assert all(isinstance(p, Problem) for p in lint(package))
            for behavior in package.all_behaviors():
                render_tree(behavior)
            with contextlib.suppress(ConfigureError, PackageFormatError):
                configure_package(package, {str(p.get("key")): "1" for p in package.prompts})
            outcomes["ok"] += 1
    assert outcomes["ok"] > 100 and outcomes["error"] > 100


def json_paths(value, prefix=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*prefix, k)
            yield from json_paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (*prefix, i)
            yield from json_paths(v, (*prefix, i))


def test_wrong_type_at_every_path_of_the_sample_is_clean():
    """Systematic, not random: every value of the sample (every level, every key) replaced by each of a few
    wrongly typed values either loads (and lints) or is refused with problems that all name a path."""
    original = seed_json()
    refused = 0
    for path in json_paths(original):
        for junk in (None, 0, "x", {}):
            data = copy.deepcopy(original)
            target = data
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = junk
            try:
                package, _ = read_package_value(data)
            except PackageFormatError as exc:
                refused += 1
                # only a missing top-level key is reported at the root ("(package)"); everything else has a path
                assert exc.problems and [p for p in exc.problems if not p.path and p.code != "missing-key"] == [], path
            else:
                lint(package)
    assert refused > 500
