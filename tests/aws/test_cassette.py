"""Record against the live local service, stop it, replay: identical results, no secrets on disk."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from designer.aws import clients
from designer.aws.cassette import Cassette
from designer.aws.credentials import AwsCredentials
from designer.aws.errors import (
    CassetteFormatError,
    CassetteMissError,
    LambdaFunctionNotFoundError,
    LambdaInvalidRequestError,
)
from designer.aws.invoker import Invoker, InvokeRequest, InvokeResult
from designer.aws.profiles import build_lex_event, connect_invoke, lex_codehook
from designer.aws.profiles.lex import LexDependencyFailedError
from designer.aws.sigv4 import send_signed_http

URL = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/Echo/invocations"


def _creds(svc: Any) -> AwsCredentials:
    return AwsCredentials(svc.access_key_id, svc.secret_access_key, region=svc.region, endpoint_url=svc.endpoint)


def _same(a: InvokeResult, b: InvokeResult) -> None:
    for name in ("status_code", "payload_bytes", "payload_json", "function_error", "log_tail", "executed_version",
                 "request_id", "attempts"):
        assert getattr(a, name) == getattr(b, name), name


def _script(invoker: Invoker, creds: AwsCredentials) -> list[Any]:
    """A conversation's worth of calls; errors are returned, not raised, so both runs can be compared."""
    out: list[Any] = []
    requests = [
        InvokeRequest(creds, "Echo", {"turn": 1}, log_tail=True, client_context={"custom": {"a": "b"}}),
        InvokeRequest(creds, "Echo", {"turn": 2}, qualifier="live"),
        InvokeRequest(creds, "Echo", {"turn": 1}, log_tail=True),  # same request again: replays in order
        InvokeRequest(creds, "Raiser", {"why": "recorded"}, log_tail=True),
        InvokeRequest(creds, "Echo", {}, invocation_type="Event"),
        InvokeRequest(creds, "NoSuchFunction", {}),
    ]
    for request in requests:
        try:
            out.append(invoker.invoke(request))
        except LambdaFunctionNotFoundError as exc:
            out.append(exc)
    return out


def test_record_then_replay_with_the_service_stopped(own_service: Any, tmp_path: Path) -> None:
    path = tmp_path / "cassettes" / "conversation.json"
    creds = _creds(own_service)
    recorded = _script(Invoker(Cassette(path, "record")), creds)
    now = dt.datetime.now(dt.UTC)
    headers = [("Date", now.strftime("%a, %d %b %Y %H:%M:%S +0000")), ("X-AMZ-Client-Context", "e30="),
               ("X-AMZ-Date", now.strftime("%Y%m%dT%H%M%SZ"))]
    http_cassette = Cassette(path.with_name("http.json"), "record")
    http_recorded = send_signed_http("POST", URL, headers, '{"x": 1}', creds, raw_response_body=True,
                                     cassette=http_cassette)
    connect_recorded = connect_invoke(creds, "ConnectEcho", {"sentAttributeKey": "v"},
                                      invoker=Invoker(Cassette(path.with_name("connect.json"), "record")))
    lex_event = build_lex_event(intent_name="OrderFlowers", slots={"FlowerType": "roses"})
    with pytest.raises(LexDependencyFailedError):
        lex_codehook(creds, "LexOrderFlowersBuggy", lex_event,
                     invoker=Invoker(Cassette(path.with_name("lex.json"), "record")))

    own_service.stop()

    replayed = _script(Invoker(Cassette(path, "replay")), creds)
    assert len(replayed) == len(recorded)
    for a, b in zip(recorded, replayed, strict=True):
        assert type(a) is type(b)
        if isinstance(a, InvokeResult):
            _same(a, b)
            assert b.replayed
        else:
            assert a.message == b.message and a.hint == b.hint and a.code == b.code and a.status == b.status
    assert recorded[0].payload_json["client_context_custom"] == {"a": "b"}
    assert recorded[0].request_id != recorded[2].request_id
    assert replayed[2].request_id == recorded[2].request_id  # the second recording of the same request

    http_replayed = send_signed_http("POST", URL, headers, '{"x": 1}', creds, raw_response_body=True,
                                     cassette=Cassette(path.with_name("http.json"), "replay"))
    assert http_replayed == http_recorded
    decoded = send_signed_http("POST", URL, headers, '{"x": 1}', creds,
                               cassette=Cassette(path.with_name("http.json"), "replay"))
    assert decoded["body"] == json.loads(http_recorded["body"])

    connect_replayed = connect_invoke(creds, "ConnectEcho", {"sentAttributeKey": "v"},
                                      invoker=Invoker(Cassette(path.with_name("connect.json"), "replay")))
    assert connect_replayed.outcome == connect_recorded.outcome == "Success"
    assert connect_replayed.external == connect_recorded.external
    with pytest.raises(LexDependencyFailedError) as info:
        lex_codehook(creds, "LexOrderFlowersBuggy", lex_event,
                     invoker=Invoker(Cassette(path.with_name("lex.json"), "replay")))
    assert "close" in info.value.message

    # nothing is listening any more: live calls fail, replay did not touch the network
    with pytest.raises(Exception):  # noqa: B017
        Invoker().invoke(InvokeRequest(creds, "Echo", {"turn": 1}, timeout=2))


def test_cassette_files_hold_no_secret(own_service: Any, tmp_path: Path) -> None:
    creds = _creds(own_service)
    secret = own_service.secret_access_key
    path = tmp_path / "c.json"
    cassette = Cassette(path, "record")
    # the secret even appears in the payload: it must still not reach the file
    Invoker(cassette).invoke(InvokeRequest(creds, "Echo", {"oops": secret}))
    now = dt.datetime.now(dt.UTC)
    send_signed_http("POST", URL, [("X-Amz-Date", now.strftime("%Y%m%dT%H%M%SZ"))], "{}", creds, cassette=cassette)
    text = path.read_text()
    assert secret not in text
    assert "Signature=" in text and "***redacted***" in text
    data = json.loads(text)
    auth = next(v for k, v in data["interactions"][1]["request"]["headers"] if k == "Authorization")
    assert auth.startswith("AWS4-HMAC-SHA256 Credential=***redacted***")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # atomic write left no temp file


def test_replay_miss_says_to_re_record(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    Cassette(path, "record").save()
    creds = AwsCredentials("AKIAX", "secret", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(CassetteMissError) as info:
        Invoker(Cassette(path, "replay")).invoke(InvokeRequest(creds, "Echo", {"new": "payload"}))
    assert "re-record" in info.value.hint
    with pytest.raises(CassetteMissError):
        send_signed_http("POST", URL, [], "{}", creds, cassette=Cassette(path, "replay"))
    with pytest.raises(CassetteMissError) as missing:
        Cassette(tmp_path / "absent.json", "replay")
    assert "Record it first" in missing.value.hint


def test_bad_cassette_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    with pytest.raises(CassetteFormatError):
        Cassette(junk, "replay")
    junk.write_text('{"format": "something-else", "interactions": []}')
    with pytest.raises(CassetteFormatError):
        Cassette(junk, "replay")
    with pytest.raises(CassetteFormatError):
        Cassette(junk, "rewind")  # type: ignore[arg-type]


def test_live_mode_ignores_the_cassette(creds: AwsCredentials, tmp_path: Path) -> None:
    path = tmp_path / "live.json"
    assert Invoker(Cassette(path, "live")).invoke(InvokeRequest(creds, "Echo", {})).ok
    assert not path.exists()


CUSTOM_CODE = ("def lambda_handler(event, context):\n    print('in the log')\n"
               "    return {'sum': event['a'] + event['b']}\n")
CUSTOM_RAISES = "def lambda_handler(event, context):\n    raise ValueError('custom code failed')\n"
ROLE = "arn:aws:iam::123456789012:role/lambda-exec"


def test_custom_code_records_create_invoke_delete_and_replays_without_the_service(own_service: Any,
                                                                                   tmp_path: Path) -> None:
    from designer.aws.profiles import runbook_custom_code

    path = tmp_path / "custom.json"
    creds = _creds(own_service)
    secret = creds.secret_access_key
    steps = [  # a generated name (different at every run), a given name kept, a function error
        {"code": CUSTOM_CODE, "payload": {"a": 2, "b": 3, "oops": secret}, "description": f"has {secret}",
         "tags": {"key": secret}},
        {"code": CUSTOM_CODE, "payload": {"a": 1, "b": 1}, "function_name": "cc-kept", "delete_after": False},
        {"code": CUSTOM_RAISES},
        {"code": CUSTOM_CODE, "role_arn": "arn:aws:iam::1:role/too-short"},  # refused: the error replays
    ]

    def run(invoker: Invoker, creds: AwsCredentials) -> list[Any]:
        return [runbook_custom_code(creds, runtime="python3.11", invoker=invoker, **{"role_arn": ROLE, **step})
                for step in steps]

    recorded = run(Invoker(Cassette(path, "record")), creds)
    assert [r.outputs["functionWasDeleted"] for r in recorded] == ["true", "false", "true", "false"]
    assert recorded[2].outputs["invokeFunctionError"] == "Unhandled"
    assert isinstance(recorded[3].error, LambdaInvalidRequestError)
    data = json.loads(path.read_text())
    operations = [i["request"].get("operation", "Invoke") for i in data["interactions"]]
    assert operations == ["CreateFunction", "Invoke", "DeleteFunction", "CreateFunction", "Invoke",
                          "CreateFunction", "Invoke", "DeleteFunction", "CreateFunction"]
    text = path.read_text()
    assert secret not in text
    assert "in the log" not in json.dumps(data["interactions"][0]["request"])  # the code zip: digest only

    own_service.stop()
    clients.clear_client_cache()

    no_credentials = AwsCredentials("REPLAY", "REPLAY", label="cassette replay")  # no endpoint, no region
    replayed = run(Invoker(Cassette(path, "replay")), no_credentials)
    for a, b in zip(recorded, replayed, strict=True):
        assert b.outputs == a.outputs  # the generated function name too: the recorded one
        assert b.log == a.log
        assert type(b.error) is type(a.error) and b.cleanup_error is None
        assert b.invoke is None if a.invoke is None else b.invoke.replayed
    assert "in the log" in replayed[0].outputs["invokeExecutionLog"]

    with pytest.raises(CassetteMissError) as miss:  # other code: another zip, not in the cassette
        runbook_custom_code(no_credentials, role_arn=ROLE, runtime="python3.11",
                            code=CUSTOM_CODE.replace("+", "-"), invoker=Invoker(Cassette(path, "replay")))
    assert "CreateFunction" in miss.value.message and "re-record" in miss.value.hint
