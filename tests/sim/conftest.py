"""Simulator fixtures: the real local Lambda service (real HTTP, no mocks) and a configured seed package."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from designer.credentials import EphemeralAccounts, bind_prompts
from designer.io import configure_package, load_package, read_package_value
from designer.locallambda import LocalLambdaService
from designer.sim import SimOptions, Simulator

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "packages" / "aws-lambda-bot.json"
FUNCTIONS = ROOT / "packages" / "functions"
SIM_FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def lambda_service() -> Iterator[LocalLambdaService]:
    svc = LocalLambdaService(FUNCTIONS, region="us-west-2").start()
    yield svc
    svc.stop()


def seed_accounts(svc: Any) -> EphemeralAccounts:
    accounts = EphemeralAccounts()
    accounts.add_aws("Local Lambda", access_key_id=svc.access_key_id, secret_access_key=svc.secret_access_key,
                     region=svc.region, endpoint_url=svc.endpoint)
    return accounts


def seed_simulator(svc: Any, options: SimOptions | None = None) -> Simulator:
    pkg = load_package(SEED)
    accounts = seed_accounts(svc)
    bound = bind_prompts(pkg.prompts, accounts)
    configured = configure_package(pkg, {"aws_account_id": bound["aws_account_id"]})
    return Simulator(configured, accounts=accounts, options=options or SimOptions(worker={"first_name": "Kina"}))


def behavior_package(nodes: list[dict[str, Any]], *, variables: dict[str, Any] | None = None,
                     event: str = "event.message.chat.worker", extra: list[dict[str, Any]] | None = None) -> Any:
    """A configured one-bot package whose first behavior holds `nodes`."""
    behaviors = [{"uid": "behavior_1", "title": "Main", "is_disabled": False, "is_private": False, "priority": 50,
                  "event": {"key": event}, "variables": variables or {}, "nodes": nodes}] + (extra or [])
    data = {"package": {"name": "t", "revision": 1, "requires": {"cerb_version": "9.1.0"},
                        "configure": {"prompts": [], "placeholders": []}},
            "bots": [{"uid": "bot_1", "name": "Test Bot", "owner": {"context": "cerberusweb.contexts.app", "id": 0},
                      "is_disabled": False, "params": {}, "behaviors": behaviors}]}
    pkg, _ = read_package_value(data, source="test")
    return configure_package(pkg, {})


def act(title: str, *actions: dict[str, Any], status: str = "live") -> dict[str, Any]:
    return {"type": "action", "title": title, "status": status, "params": {"actions": list(actions)}}


def say(text: str, fmt: str = "") -> dict[str, Any]:
    return {"action": "send_message", "message": text, "format": fmt, "delay_ms": "0"}


def outcome(title: str, *conditions: dict[str, Any], nodes: list[dict[str, Any]] | None = None,
            any_: int = 0) -> dict[str, Any]:
    return {"type": "outcome", "title": title, "status": "live",
            "params": {"groups": [{"any": any_, "conditions": list(conditions)}]}, "nodes": nodes or []}


def switch(title: str, *outcomes: dict[str, Any]) -> dict[str, Any]:
    return {"type": "switch", "title": title, "status": "live", "nodes": list(outcomes)}
