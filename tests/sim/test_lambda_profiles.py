"""The Lambda caller-profile steps end to end: behaviors in the simulator → the real local Lambda service (real
HTTP, real SigV4) → handlers written like the seeds' (tests/sim/functions). Slowness comes from the service's
fault injection; nothing here asserts on timings."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from designer.credentials import EphemeralAccounts
from designer.locallambda import LocalLambdaService
from designer.sim import SimOptions, Simulator
from tests.sim.conftest import act, behavior_package, say

FUNCTIONS = Path(__file__).parent / "functions"
ROLE = "arn:aws:iam::123456789012:role/runbook-sim"


@pytest.fixture(scope="module")
def service() -> Iterator[LocalLambdaService]:
    svc = LocalLambdaService(FUNCTIONS, region="us-west-2").start()
    yield svc
    svc.stop()


@pytest.fixture()
def svc(service: LocalLambdaService) -> Iterator[LocalLambdaService]:
    service.faults.clear()
    yield service
    service.faults.clear()


@pytest.fixture()
def accounts(svc: LocalLambdaService) -> EphemeralAccounts:
    accts = EphemeralAccounts()
    accts.add_aws("Local Lambda", access_key_id=svc.access_key_id, secret_access_key=svc.secret_access_key,
                  region=svc.region, endpoint_url=svc.endpoint)
    return accts


def _sim(nodes: list[dict[str, Any]], accounts: Any, *, event: str = "event.message.chat.worker",
         **options: Any) -> Simulator:
    return Simulator(behavior_package(nodes, event=event), accounts=accounts, options=SimOptions(**options))


def _client(svc: LocalLambdaService) -> Any:
    return boto3.client("lambda", region_name=svc.region, endpoint_url=svc.endpoint,
                        aws_access_key_id=svc.access_key_id, aws_secret_access_key=svc.secret_access_key)


def connect(account: str, var: str, **params: Any) -> dict[str, Any]:
    return {"action": "aws.lambda.connect_invoke", "account_id": account, "function": "ConnectContact",
            "var": var, **params}


# -- Amazon Connect ----------------------------------------------------------------------------------------------
def test_connect_attributes_persist_and_contact_data_comes_from_the_contact_placeholder(accounts: Any) -> None:
    acct = accounts.list()[0].id
    contact = {"Channel": "CHAT", "CustomerEndpoint": {"Address": "+15550001111"}, "Attributes": {"lang": "en"}}
    first = connect(acct, "first", parameters={"mode": "lookup", "customer": "{{behavior_name}}"},
                    save_as_attributes="*")
    second = connect(acct, "second", parameters={"mode": "echo"}, response_validation="JSON",
                     save_as_attributes='{"seen_channel": "Channel"}')
    sim = _sim([act("lookup", first, second, say("{{first.outcome}} {{second.outcome}} "
                                                 "{{contact_attributes.CustomerTier}}"))],
               accounts, event="event.macro.bot", event_values={"contact": contact})
    conv = sim.dry_run("Main")
    assert conv.run().messages == ["Success Success gold"]
    seen = conv.dictionary["second"]["result"]["external"]
    # the second call sent the attributes the first one copied, over the placeholder's own
    assert json.loads(seen["Attributes"]) == {"AccountId": "A-42", "Asked": "Main", "CustomerTier": "gold",
                                              "lang": "en"}
    # ContactData: the `contact` placeholder merged over default_contact_data() (nested objects one level deep)
    assert seen["Channel"] == "CHAT" and seen["Address"] == "+15550001111"
    assert seen["ContactId"] == "4a573372-1f28-4e26-b97b-000000000001"
    assert json.loads(seen["Parameters"]) == {"mode": "echo"}
    # External is the latest call's result only; the attributes accumulate
    assert conv.dictionary["contact_external"] == seen and "CustomerTier" not in conv.dictionary["contact_external"]
    assert conv.dictionary["contact_attributes"] == {"CustomerTier": "gold", "AccountId": "A-42", "Asked": "Main",
                                                     "seen_channel": "CHAT"}
    assert conv.dictionary["second"]["result"]["attributes"] == {"seen_channel": "CHAT"}
    sent = conv.calls[1]["request"]["Details"]["ContactData"]["Attributes"]
    assert sent == {"lang": "en", "CustomerTier": "gold", "AccountId": "A-42", "Asked": "Main"}


def test_connect_attributes_survive_a_prompt_and_a_failed_call_clears_external(accounts: Any) -> None:
    acct = accounts.list()[0].id
    nodes = [act("lookup", connect(acct, "a", parameters={"mode": "lookup"}, save_as_attributes="1")),
             act("ask", {"action": "prompt_text", "var": "answer"}),
             act("bad", connect(acct, "b", parameters={"mode": "echo"})),  # STRING_MAP: JSON text in a value fails
             act("echo", connect(acct, "c", parameters={"mode": "echo"}, response_validation="JSON"),
                 say("{{b.outcome}}|{{contact_external|length}}|{{c.result.external.Attributes}}"))]
    conv = _sim(nodes, accounts).start("Main")
    assert conv.run().state == "suspended"
    turn = conv.say("next")
    outcome, _, attributes = turn.messages[0].split("|")
    assert outcome == "Error" and "not a valid STRING_MAP" in conv.dictionary["b"]["error"]
    assert json.loads(attributes) == {"AccountId": "A-42", "Asked": "", "CustomerTier": "gold"}
    assert conv.calls[1]["result"]["external"] == {}


def test_connect_timeout_and_qualifier_params_reach_the_call(svc: Any, accounts: Any) -> None:
    acct = accounts.list()[0].id
    svc.faults.slow(1, seconds=3.0, function="ConnectContact")
    nodes = [act("calls", connect(acct, "slow", parameters={"mode": "lookup"}, timeout="0.5"),
                 connect(acct, "clamped", parameters={"mode": "lookup"}, timeout="30", qualifier="$LATEST"),
                 connect(acct, "missing", parameters={"mode": "lookup"}, qualifier="no-such-alias"))]
    conv = _sim(nodes, accounts, event="event.macro.bot").dry_run("Main")
    conv.run()
    slow, clamped, missing = conv.calls
    assert slow["outcome"] == "Error" and slow["timeout_s"] == 0.5 and "0.5" in slow["error"]
    assert clamped["outcome"] == "Success" and clamped["timeout_s"] == 8.0
    assert missing["outcome"] == "Error" and "no-such-alias" in missing["error"]


def test_connect_chain_budget_is_per_conversation_and_ends_in_error(svc: Any, accounts: Any) -> None:
    acct = accounts.list()[0].id
    # the first call uses a third of the chain (a loaded machine may add a second and still leave some), the
    # second cannot finish in what is left
    svc.faults.slow(1, seconds=1.0, function="ConnectContact")
    svc.faults.slow(1, seconds=8.0, function="ConnectContact")
    nodes = [act("two", connect(acct, "one", parameters={"mode": "lookup"}),
                 connect(acct, "two", parameters={"mode": "lookup"})),
             act("ask", {"action": "prompt_text"}),
             act("three", connect(acct, "three", parameters={"mode": "lookup"}),
                 say("{{one.outcome}} {{two.outcome}} {{three.outcome}}"))]
    conv = _sim(nodes, accounts, connect_chain_s=3.0).start("Main")
    assert conv.run().state == "suspended"
    assert conv.say("go on").messages == ["Success Error Error"]
    assert "chain limit left only" in conv.dictionary["two"]["error"]
    assert "limit for a chain of Lambda functions is used up" in conv.dictionary["three"]["error"]
    assert conv.calls[2]["chain_remaining_s"] == 0.0
    # another conversation is another contact: a fresh budget
    fresh = _sim(nodes[:1], accounts, event="event.macro.bot", connect_chain_s=3.0).dry_run("Main")
    fresh.run()
    assert [c["outcome"] for c in fresh.calls] == ["Success", "Success"]


# -- Amazon Lex V1 -------------------------------------------------------------------------------------------------
def lex(account: str, **params: Any) -> dict[str, Any]:
    return {"action": "aws.lambda.lex_codehook", "account_id": account, "function": "LexSession",
            "intent_name": "OrderFlowers", "bot_name": "OrderFlowersBot", "bot_alias": "prod", "var": "hook",
            **params}


def test_lex_session_attributes_carry_across_turns(accounts: Any) -> None:
    acct = accounts.list()[0].id
    nodes = [act("ask", {"action": "prompt_text"}),
             act("hook", lex(acct), say("{{hook.result.message.content}}")),
             act("again", {"action": "prompt_text"}),
             act("hook2", lex(acct, slots='{"FlowerType": "{{message}}"}', session_attributes='{"vip": "yes"}'),
                 say("{{hook.result.message.content}} | {{lex_session_attributes.turns}} "
                     "{{lex_session_attributes.vip}}"))]
    conv = _sim(nodes, accounts, event_values={"slots": {"FlowerType": "roses", "PickupDate": "2030-01-01"}},
                worker={"at_mention_name": "ada"}).start("Main")
    conv.run()
    first = conv.say("I would like roses").messages[0]
    assert first == ('turn 1 for ada on OrderFlowersBot/prod (FulfillmentCodeHook): OrderFlowers '
                     '{"FlowerType": "roses", "PickupDate": "2030-01-01"} said=\'I would like roses\' before=\'\'')
    second = conv.say("tulips").messages[0]
    assert second.startswith('turn 2 for ada on OrderFlowersBot/prod (FulfillmentCodeHook): OrderFlowers '
                             '{"FlowerType": "tulips"} said=\'tulips\' before=\'I would like roses\'')
    assert second.endswith("| 2 yes")
    assert conv.calls[1]["request"]["sessionAttributes"] == {"turns": "1", "last": "I would like roses",
                                                             "vip": "yes"}
    assert conv.calls[1]["request"]["userId"] == "ada"


def test_lex_error_keeps_the_session(accounts: Any) -> None:
    acct = accounts.list()[0].id
    nodes = [act("hooks", lex(acct, user_id="u-7", var="a"), lex(acct, user_id="u-7", var="b", qualifier="gone"),
                 lex(acct, user_id="u-7", var="c"), lex(acct, user_id="u-8", var="d"),
                 say("{{a.outcome}} {{b.outcome}} {{c.outcome}} {{d.outcome}}"))]
    conv = _sim(nodes, accounts, event="event.macro.bot").dry_run("Main")
    assert conv.run().messages == ["Success Error Success Success"]
    assert conv.dictionary["b"]["result"]["status"] == 424
    assert "DependencyFailedException" in conv.dictionary["b"]["error"]
    # the failed call changed nothing; another user is another session
    assert [c["request"]["sessionAttributes"].get("turns") for c in conv.calls] == [None, "1", "1", None]


# -- Runbook Automation: custom code ----------------------------------------------------------------------------
CODE_OK = "def lambda_handler(event, context):\n    print('only in the log')\n    return {'hello': event['name']}\n"
CODE_RAISES = "def lambda_handler(event, context):\n    raise ValueError('bad input')\n"


def custom(account: str, name: str, code: str, **params: Any) -> dict[str, Any]:
    return {"action": "aws.lambda.custom_code", "account_id": account, "function_name": name, "code": code,
            "role_arn": ROLE, "runtime": "python3.12", "handler_name": "lambda_handler",
            "payload": '{"name": "{{behavior_name}}"}', **params}


def test_runbook_custom_code_deletes_even_when_the_code_fails(svc: Any, accounts: Any) -> None:
    acct = accounts.list()[0].id
    step = custom(acct, "sim-custom-fails", CODE_RAISES, delete_after="1", tags='{"team": "bots"}', var="run")
    conv = _sim([act("run", step)], accounts, event="event.macro.bot").dry_run("Main")
    conv.run()
    run = conv.dictionary["run"]
    assert run["outcome"] == "Error" and run["error"] == "function error: Unhandled"
    outputs = run["result"]
    assert (outputs["functionWasCreated"], outputs["functionWasInvoked"], outputs["functionWasDeleted"]) == (
        "true", "true", "true")
    assert "bad input" in outputs["invokeExecutionLog"]
    with pytest.raises(ClientError) as exc:
        _client(svc).get_function(FunctionName="sim-custom-fails")
    assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_runbook_custom_code_passes_description_tags_and_timeout(svc: Any, accounts: Any) -> None:
    acct = accounts.list()[0].id
    step = custom(acct, "sim-custom-kept", CODE_OK, delete_after="0", description="made by {{behavior_name}}",
                  tags="team=bots\nowner: {{behavior_name}}", function_timeout="7", var="run")
    conv = _sim([act("run", step, say("{{run.result.invokeResponsePayloadString}}"))], accounts,
                event="event.macro.bot").dry_run("Main")
    client = _client(svc)
    try:
        assert conv.run().messages == ['{"hello": "Main"}']
        outputs = conv.dictionary["run"]["result"]
        assert (outputs["functionWasCreated"], outputs["functionWasDeleted"]) == ("true", "false")
        assert "only in the log" in outputs["invokeExecutionLog"]
        got = client.get_function(FunctionName="sim-custom-kept")
        assert got["Tags"] == {"team": "bots", "owner": "Main"}
        assert got["Configuration"]["Description"] == "made by Main"
        assert got["Configuration"]["Timeout"] == 7
        assert conv.calls[0]["function"] == "sim-custom-kept"
    finally:
        client.delete_function(FunctionName="sim-custom-kept")
