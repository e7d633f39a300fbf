"""export(import(x)) == x, key order included, for every real package we have."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.io import dumps_package, load_package, read_package_text
from tests.conftest import FIXTURE_PACKAGES, SAMPLE_PACKAGE


def ordered(value):
    """A JSON value with key order made significant for ==."""
    if isinstance(value, dict):
        return [(k, ordered(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [ordered(v) for v in value]
    return value


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
