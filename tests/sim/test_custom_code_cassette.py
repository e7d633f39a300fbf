"""`aws.lambda.custom_code` through the simulator: recorded (create, invoke, delete) against the real local
Lambda service, then replayed with the service stopped and no accounts at all; no secret in the cassette."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from designer.aws import clients
from designer.credentials import EphemeralAccounts
from designer.locallambda import LocalLambdaService
from designer.sim import SimOptions, Simulator
from tests.sim.conftest import act, behavior_package, say
from tests.support import header_echo_server

FUNCTIONS = Path(__file__).parent / "functions"
ROLE = "arn:aws:iam::123456789012:role/runbook-sim"
CODE = "def lambda_handler(event, context):\n    print('only in the log')\n    return {'hello': event['name']}\n"


@pytest.fixture()
def service() -> Iterator[LocalLambdaService]:
    """A service of this test's own: it is stopped before the replay."""
    svc = LocalLambdaService(FUNCTIONS, region="us-west-2").start()
    yield svc
    svc.stop()  # again: stopping is idempotent


def _accounts(svc: LocalLambdaService) -> EphemeralAccounts:
    accounts = EphemeralAccounts()
    accounts.add_aws("Local Lambda", access_key_id=svc.access_key_id, secret_access_key=svc.secret_access_key,
                     region=svc.region, endpoint_url=svc.endpoint)
    return accounts


def _custom(account: str, **params: Any) -> dict[str, Any]:
    return {"action": "aws.lambda.custom_code", "account_id": account, "code": CODE, "role_arn": ROLE,
            "runtime": "python3.12", "handler_name": "lambda_handler", "var": "run", **params}


def _conversation(nodes: list[dict[str, Any]], accounts: Any, mode: str, cassette: Path) -> Any:
    sim = Simulator(behavior_package(nodes, event="event.macro.bot"), accounts=accounts,
                    options=SimOptions(http_mode=mode, cassette=str(cassette)))  # type: ignore[arg-type]
    return sim.dry_run("Main")


def test_custom_code_replays_from_the_cassette_without_service_or_accounts(service: Any, tmp_path: Path) -> None:
    cassette = tmp_path / "custom.cassette.json"
    accounts = _accounts(service)
    step = _custom(accounts.list()[0].id, payload='{"name": "{{behavior_name}}"}')  # a generated function name
    nodes = [act("run", step, say("{{run.outcome}} {{run.result.functionName}} "
                                  "{{run.result.invokeResponsePayloadString}}"))]
    recorded = _conversation(nodes, accounts, "record", cassette)
    recorded_turn = recorded.run()
    result = recorded.dictionary["run"]["result"]
    assert recorded.dictionary["run"]["outcome"] == "Success", recorded.dictionary["run"]["error"]
    assert (result["functionWasCreated"], result["functionWasInvoked"], result["functionWasDeleted"]) == (
        "true", "true", "true")
    kinds = [(i["kind"], i["request"].get("operation")) for i in json.loads(cassette.read_text())["interactions"]]
    assert kinds == [("api", "CreateFunction"), ("invoke", None), ("api", "DeleteFunction")]
    assert service.secret_access_key not in cassette.read_text()

    service.stop()
    clients.clear_client_cache()

    replayed = _conversation(nodes, None, "replay", cassette)
    turn = replayed.run()
    assert turn.messages == recorded_turn.messages
    assert turn.messages[0].startswith("Success rundeck-generated-function-")
    assert replayed.dictionary["run"] == recorded.dictionary["run"]
    assert "only in the log" in replayed.dictionary["run"]["result"]["invokeExecutionLog"]
    assert replayed.calls[0]["steps"] == recorded.calls[0]["steps"]


def test_a_header_secret_echoed_into_custom_code_never_reaches_the_cassette(service: Any, tmp_path: Path) -> None:
    """A server echoes an HTTP account's header; the behavior puts it into the step's description and payload,
    and the function returns it: the cassette holds none of it."""
    secret = "hdr-secret-0123456789abcdef"
    accounts = _accounts(service)
    api = accounts.add("api", "headers", fields={"headers": ["X-Api-Key"]}, secrets={"X-Api-Key": secret})
    cassette = tmp_path / "secret.cassette.json"
    with header_echo_server() as base:
        http_step = {"action": "core.va.action.http_request", "http_verb": "post",
                     "http_url": f"{base}/echo", "http_headers": "",
                     "http_body": "{}", "auth": "connected_account", "auth_connected_account_id": api.id,
                     "run_in_simulator": "1", "response_placeholder": "resp"}
        echoed = "{{resp.body['X-Api-Key']}}"
        step = _custom(accounts.get("Local Lambda").id, function_name="cc-echo", description=f"key {echoed}",
                       payload=f'{{"name": "{echoed}"}}')
        conv = _conversation([act("call", http_step, step)], accounts, "record", cassette)
        conv.run()
    run = conv.dictionary["run"]
    assert run["outcome"] == "Success", run["error"]
    assert secret in run["result"]["invokeResponsePayloadString"]  # the bot itself sees it, as in Cerb
    text = cassette.read_text()
    assert "CreateFunction" in text and "DeleteFunction" in text
    assert secret not in text
