"""Fixtures for the template tests: an engine with the clock pinned to when the oracle was recorded."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from designer.templates import TemplateEngine

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ORACLE_FILE = FIXTURES / "twig" / "twig-oracle.jsonl"
PACKAGES_DIR = FIXTURES / "packages"
ORACLE_NOW = datetime(2026, 11, 22, 9, 11, 9, tzinfo=UTC)


def load_oracle() -> list[dict[str, Any]]:
    return [json.loads(line) for line in ORACLE_FILE.read_text(encoding="utf-8").split("\n") if line.strip()]


@pytest.fixture
def engine() -> TemplateEngine:
    return TemplateEngine(now=lambda: ORACLE_NOW, seed=7)


@pytest.fixture(scope="session")
def oracle_context() -> dict[str, Any]:
    return dict(load_oracle()[0]["context"])
