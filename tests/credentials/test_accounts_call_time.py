"""The simulator's Lambda step and HTTP action take credentials from the account store at call time: a secret
changed in the real keyring is used by the next call, and a vanished entry is an error naming the account."""
from __future__ import annotations

import json

import keyring
import pytest

from designer.credentials import AccountStore
from designer.locallambda import LocalLambdaService
from designer.sim import Simulator
from tests.credentials.conftest import secret_value, service_of, unique
from tests.sim.conftest import FUNCTIONS, act, behavior_package, say

pytestmark = pytest.mark.keyring

DNS_URL = "https://lambda.us-west-2.amazonaws.com/2015-03-31/functions/CerbDnsLookup/invocations"


def _nodes(account_id: str) -> list[dict]:
    invoke = {"action": "aws.lambda.invoke", "account_id": account_id, "function": "CerbDnsLookup",
              "payload": '{"mode":"mx","value":"example.org"}', "var": "step"}
    http = {"action": "core.va.action.http_request", "http_verb": "post", "http_url": DNS_URL,
            "http_headers": "X-AMZ-Date: {{'now'|date('Ymd\\\\THis\\\\Z', 'UTC')}}",
            "http_body": '{"mode":"mx","value":"example.org"}', "auth": "connected_account",
            "auth_connected_account_id": account_id, "options": {"raw_response_body": "1"},
            "run_in_simulator": "1", "response_placeholder": "resp"}
    return [act("call", invoke, http, say("{{step.outcome}} / {{resp.info.http_code}}"))]


def _run(sim: Simulator) -> tuple[str, str, str]:
    """(what the bot said, the Lambda step's error, the trace text) of one fresh conversation."""
    conv = sim.dry_run("Main")
    turn = conv.run()
    trace = json.dumps([e.to_json() for e in conv.trace], default=str)
    return " ".join(turn.messages), str(conv.dictionary["step"]["error"]), trace


def test_secrets_are_read_from_the_keyring_at_each_call(real_store: AccountStore) -> None:
    secret = secret_value("ll")
    with LocalLambdaService(FUNCTIONS, access_key_id="AKIACALLTIME", secret_access_key=secret,
                            region="us-west-2") as svc:
        name = unique("Call time")
        account = real_store.add(name, "aws", fields={"access_key_id": svc.access_key_id, "region": svc.region,
                                                      "endpoint_url": svc.endpoint},
                                 secrets={"secret_access_key": secret})
        sim = Simulator(behavior_package(_nodes(account.id), event="event.macro.bot"), accounts=real_store)
        said, _, trace = _run(sim)
        assert said == "Success / 200"
        assert secret not in trace

        # changed behind the simulator's back: the very next call signs with the new (wrong) secret
        keyring.set_password(service_of(account.id), "secret_access_key", secret_value("wrong"))
        said, error, _ = _run(sim)
        assert said == "Error / 403", said
        assert error

        # put back: works again, with the same Simulator object
        keyring.set_password(service_of(account.id), "secret_access_key", secret)
        assert _run(sim)[0] == "Success / 200"

        # the entry vanished: both steps fail, and the error names the account and the field
        keyring.delete_password(service_of(account.id), "secret_access_key")
        said, error, trace = _run(sim)
        assert said.startswith("Error / "), said
        assert name in error and "secret_access_key" in error and "missing from the OS keyring" in error
        assert f"connected account '{account.id}' cannot be used" in trace and name in trace
