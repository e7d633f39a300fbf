"""export(import(x)) == x, key order included, for every real package we have."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.io import dumps_package, load_package, read_package_text
from tests.conftest import FIXTURE_PACKAGES, SAMPLE_PACKAGE
from tests.support import ordered


def shared_packages() -> list[Path]:
    folder = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "cerb-packages"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@pytest.mark.parametrize("path", [*FIXTURE_PACKAGES, SAMPLE_PACKAGE, *shared_packages()], ids=lambda p: p.name)
def test_round_trip_is_exact(path: Path) -> None:
    original = json.loads(path.read_text(encoding="utf-8"))
    package = load_package(path)
    exported = json.loads(dumps_package(package))
    assert ordered(exported) == ordered(original)


@pytest.mark.parametrize("path", FIXTURE_PACKAGES, ids=lambda p: p.name)
def test_round_trip_twice_is_byte_stable(path: Path) -> None:
    once = dumps_package(load_package(path))
    twice = dumps_package(read_package_text(once))
    assert once == twice


def test_export_uses_cerb_formatting() -> None:
    text = dumps_package(load_package(SAMPLE_PACKAGE))
    assert text.startswith('{\n    "package": {\n        "name": "AWS Lambda Bot",')
    assert "https://lambda.{{{aws_region}}}.amazonaws.com/2015-03-31/functions/CerbDnsLookup/invocations" in text
    assert text.endswith("}\n")


def test_unicode_is_escaped_like_php() -> None:
    package = read_package_text('{"package": {"name": "Caf\\u00e9 / bot"}, "bots": []}')
    assert '"name": "Caf\\u00e9 / bot"' in dumps_package(package)


def test_sample_package_is_the_guides_json() -> None:
    assert json.loads(SAMPLE_PACKAGE.read_text()) == json.loads((FIXTURE_PACKAGES[0]).read_text())


SHARED_FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "cerb-packages"
SHARED_SEEDS = SHARED_FIXTURES.parent.parent / "seeds"


def guide_json(seed_text: str) -> str:
    """The package JSON of the guide: the {% raw %} … {% endraw %} block that holds a package."""
    blocks = [b.split("{% endraw %}")[0] for b in seed_text.split("{% raw %}\n")[1:]]
    [package] = [b for b in blocks if b.lstrip().startswith('{\n  "package"')]
    return package


def test_every_shared_fixture_is_covered() -> None:
    """The shared fixtures are all in the round-trip test above (when ../shared is beside the checkout), and the
    copies that travel with the repository are the same files."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip("../shared is not beside the checkout")
    shared = shared_packages()
    assert len(shared) == 11
    ours = {p.name: p.read_bytes() for p in FIXTURE_PACKAGES}
    for path in shared:
        assert ours.get(path.name) == path.read_bytes(), f"tests/fixtures/packages/{path.name} differs from ../shared"


def test_sample_package_is_byte_for_byte_the_guides_json() -> None:
    seeds = sorted(SHARED_SEEDS.glob("000_*.txt")) if SHARED_SEEDS.is_dir() else []
    if not seeds:
        pytest.skip("../shared/seeds is not beside the checkout")
    expected = guide_json(seeds[0].read_text(encoding="utf-8"))
    assert SAMPLE_PACKAGE.read_text(encoding="utf-8") == expected
    # the shared fixture is the same package re-indented: same value, same key order
    fixture = json.loads((SHARED_FIXTURES / "aws-lambda-bot.json").read_text(encoding="utf-8"))
    assert ordered(json.loads(expected)) == ordered(fixture)


def test_sample_package_keeps_the_guides_formatting() -> None:
    """Without ../shared: the sample is still the guide's text (2-space indent, header keys not indented), not
    a re-export of it."""
    text = SAMPLE_PACKAGE.read_text(encoding="utf-8")
    assert text.startswith('{\n  "package": {\n  "name": "AWS Lambda Bot",\n  "cerb_version": "9.1.0",\n')
    assert text.endswith("\n    }\n  ]\n}\n") and dumps_package(load_package(SAMPLE_PACKAGE)) != text


@pytest.mark.parametrize("path", [*FIXTURE_PACKAGES, *shared_packages()], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_compact_export_round_trips_too(path: Path) -> None:
    original = json.loads(path.read_text(encoding="utf-8"))
    exported = dumps_package(load_package(path), indent=None)
    assert "\n" not in exported and ordered(json.loads(exported)) == ordered(original)


def test_a_behaviors_uri_survives_in_its_place() -> None:
    """Cerb 10 exports a behavior's `uri` after its title (cerb-semantics.md §1.5)."""
    behavior = {"uid": "behavior_1", "title": "T", "uri": "dns.lookup", "is_disabled": False, "is_private": False,
                "priority": 50, "event": {"key": "event.macro.bot"}, "nodes": []}
    data = {"package": {"name": "uri"}, "bots": [{"uid": "bot_1", "name": "B", "owner": {}, "is_disabled": False,
                                                  "params": {}, "behaviors": [behavior]}]}
    exported = json.loads(dumps_package(read_package_text(json.dumps(data))))
    assert ordered(exported) == ordered(data)
