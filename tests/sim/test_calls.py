"""HTTP and Lambda-profile steps against the real local Lambda service (real HTTP, no mocks)."""
from __future__ import annotations

import base64
import json

import pytest

from designer.credentials import EphemeralAccounts
from designer.io import configure_package, read_package_value
from designer.sim import SimOptions, Simulator
from tests.sim.conftest import act, outcome, say, seed_accounts, switch
from tests.support import header_echo_server


def _sim(nodes, accounts, *, event="event.message.chat.worker", options=None):
    data = {"package": {"name": "t", "revision": 1, "requires": {"cerb_version": "9.1.0"},
                        "configure": {"prompts": [], "placeholders": []}},
            "bots": [{"uid": "bot_1", "name": "B", "owner": {"context": "cerberusweb.contexts.app", "id": 0},
                      "is_disabled": False, "params": {},
                      "behaviors": [{"uid": "behavior_1", "title": "Main", "is_disabled": False,
                                     "is_private": False, "priority": 50, "event": {"key": event},
                                     "nodes": nodes}]}]}
    pkg, _ = read_package_value(data, source="test")
    return Simulator(configure_package(pkg, {}), accounts=accounts, options=options or SimOptions())


def _http(account_id, run_in_simulator="1", url="https://lambda.us-west-2.amazonaws.com/2015-03-31/functions/"
                                                 "CerbDnsLookup/invocations"):
    return {"action": "core.va.action.http_request", "http_verb": "post", "http_url": url,
            "http_headers": "X-AMZ-Date: {{'now'|date('Ymd\\\\THis\\\\Z', 'UTC')}}",
            "http_body": '{"mode":"mx","value":"example.org"}', "auth": "connected_account",
            "auth_connected_account_id": account_id, "options": {"raw_response_body": "1"},
            "run_in_simulator": run_in_simulator, "response_placeholder": "resp"}


def test_signed_http_request_reaches_the_local_function(lambda_service):
    accounts = seed_accounts(lambda_service)
    acct = accounts.list()[0].id
    sim = _sim([act("call", _http(acct), say("{{resp.info.http_code}} {{resp.body}}"))], accounts,
               event="event.macro.bot")
    conv = sim.dry_run("Main")
    turn = conv.run()
    assert conv.dictionary["resp"]["info"]["http_code"] == 200
    assert json.loads(conv.dictionary["resp"]["body"])[0]["exchange"] == "mx2.example.org"
    call = conv.calls[0]
    assert call["signed"] and call["request"]["method"] == "POST" and call["duration_ms"] >= 0
    assert lambda_service.secret_access_key not in json.dumps([e.to_json() for e in conv.trace], default=str)
    assert turn.state == "stopped"


def test_dry_run_respects_run_in_simulator_and_the_live_switch(lambda_service):
    accounts = seed_accounts(lambda_service)
    acct = accounts.list()[0].id
    nodes = [act("call", _http(acct, run_in_simulator="0"))]
    conv = _sim(nodes, accounts, event="event.macro.bot").dry_run("Main")
    conv.run()
    assert "resp" not in conv.dictionary and not conv.calls
    assert any("not configured to run in the simulator" in e.message for e in conv.trace)
    conv = _sim(nodes, accounts, event="event.macro.bot",
                options=SimOptions(live_everything=True)).dry_run("Main")
    conv.run()
    assert conv.dictionary["resp"]["info"]["http_code"] == 200


def test_unknown_account_gives_false_and_bad_host_transport_error(lambda_service):
    accounts = seed_accounts(lambda_service)
    conv = _sim([act("call", _http("acct-000000000000"))], accounts, event="event.macro.bot").dry_run("Main")
    conv.run()
    assert conv.dictionary["resp"] is False
    unsigned = {**_http(""), "auth": "", "http_url": "http://127.0.0.1:9/nothing"}
    conv = _sim([act("call", unsigned)], accounts, event="event.macro.bot").dry_run("Main")
    conv.run()
    resp = conv.dictionary["resp"]
    assert resp["error"] and resp["body"] == '{"mode":"mx","value":"example.org"}'  # Cerb's quirk, kept


def test_lambda_profile_step_outcome_placeholder(lambda_service):
    accounts = seed_accounts(lambda_service)
    acct = accounts.list()[0].id
    step = {"action": "aws.lambda.invoke", "account_id": acct, "function": "CerbDnsLookup",
            "payload": '{"mode":"resolve","value":"{{message}}"}', "var": "step"}
    branch = switch("ok?", outcome("yes", {"condition": "_custom_script", "tpl": "{{step.outcome}}", "oper": "is",
                                           "value": "Success"},
                                   nodes=[act("y", say("ok {{step.result.invokeResponsePayloadString}}"))]),
                    outcome("no", nodes=[act("n", say("failed: {{step.error}}"))]))
    sim = _sim([act("ask", {"action": "prompt_text"}), act("call", step), branch], accounts)
    conv = sim.start("Main")
    conv.run()
    assert conv.say("cerb.ai").messages == ['ok ["104.18.50.1", "104.18.51.1"]']
    assert conv.say("").state == "suspended"  # stopped → starts over, prompts again
    turn = conv.say("nowhere.invalid")
    assert turn.messages[0].startswith("failed: function error")
    assert [c["outcome"] for c in conv.calls] == ["Success", "Error"]
    conv2 = _sim([act("call", {**step, "account_id": ""})], accounts, event="event.macro.bot").dry_run("Main")
    conv2.run()
    assert conv2.dictionary["step"]["outcome"] == "Error"


def test_trace_shows_signed_headers_redacted(lambda_service):
    accounts = seed_accounts(lambda_service)
    conv = _sim([act("call", _http(accounts.list()[0].id))], accounts, event="event.macro.bot").dry_run("Main")
    conv.run()
    request = conv.calls[0]["request"]
    auth = dict(request["headers"])["Authorization"]
    assert auth.startswith("AWS4-HMAC-SHA256") and "SignedHeaders=" in auth and "Signature=" in auth
    assert lambda_service.access_key_id not in auth and request["sent_to"].startswith(lambda_service.endpoint)
    assert (request["service"], request["region"]) == ("lambda", "us-west-2")


@pytest.mark.parametrize("provider", ["headers", "http_basic", "bearer"])
def test_http_auth_account_secrets_never_reach_trace_calls_or_cassette(tmp_path, provider):
    secret = "S3cr3t-" + provider + "-0123456789"
    accounts = EphemeralAccounts()
    fields, secrets = {
        "headers": ({"headers": ["X-Zendesk-Auth"]}, {"X-Zendesk-Auth": secret}),
        "http_basic": ({"username": "ada"}, {"password": secret}),
        "bearer": ({}, {"token": secret}),
    }[provider]
    account = accounts.add("api", provider, fields=fields, secrets=secrets)
    cassette = tmp_path / "api.cassette.json"
    with header_echo_server() as base:
        step = {"action": "core.va.action.http_request", "http_verb": "post",
                "http_url": f"{base}/api", "http_headers": "",
                "http_body": "{}", "auth": "connected_account", "auth_connected_account_id": account.id,
                "run_in_simulator": "1", "response_placeholder": "resp"}
        sim = _sim([act("call", step, say("{{resp.info.http_code}} {{resp.body|json_encode}}"))], accounts,
                   event="event.macro.bot", options=SimOptions(http_mode="record", cassette=str(cassette)))
        conv = sim.dry_run("Main")
        turn = conv.run()
    assert turn.messages[0].startswith("200 ")
    echoed = conv.dictionary["resp"]["body"]  # the bot itself sees the real response, as in Cerb
    sent = echoed.get("X-Zendesk-Auth") or echoed.get("Authorization")
    assert sent and (secret in sent or base64.b64encode(f"ada:{secret}".encode()).decode() in sent)
    token = base64.b64encode(f"ada:{secret}".encode()).decode()
    haystacks = {"trace": json.dumps([e.to_json() for e in conv.trace], default=str),
                 "calls": json.dumps(conv.calls, default=str), "cassette": cassette.read_text()}
    leaks = [where for where, text in haystacks.items() if secret in text or token in text]
    assert leaks == []
