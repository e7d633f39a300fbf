"""Invoke through an unmodified boto3 client over real HTTP with real SigV4."""
from __future__ import annotations

import base64
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from designer.locallambda import LocalLambdaService


def _call(client: Any, name: str, event: Any = None, **kw: Any) -> tuple[dict[str, Any], Any]:
    resp = client.invoke(FunctionName=name, Payload=json.dumps(event if event is not None else {}), **kw)
    raw = resp["Payload"].read()
    return resp, json.loads(raw) if raw else None


def _headers(resp: dict[str, Any]) -> dict[str, str]:
    return resp["ResponseMetadata"]["HTTPHeaders"]


def test_request_response_returns_the_handler_result_and_headers(client: Any, svc: LocalLambdaService) -> None:
    resp, body = _call(client, "echo", {"a": 1})
    assert resp["StatusCode"] == 200
    assert "FunctionError" not in resp
    assert resp["ExecutedVersion"] == "$LATEST"
    assert _headers(resp)["x-amzn-requestid"] == body["aws_request_id"]
    assert body["event"] == {"a": 1}
    assert body["greeting"] == "hello"
    assert body["function_name"] == "echo"
    assert body["function_version"] == "$LATEST"
    assert body["invoked_function_arn"] == f"arn:aws:lambda:{svc.region}:{svc.account_id}:function:echo"
    assert body["memory_limit_in_mb"] == "256"
    assert body["log_group_name"] == "/aws/lambda/echo"
    assert "[$LATEST]" in body["log_stream_name"]
    assert 0 < body["remaining_ms"] <= 2000
    assert body["client_context"] is None and body["identity"] is None


def test_empty_payload_is_an_empty_object(client: Any) -> None:
    resp = client.invoke(FunctionName="echo")
    assert json.loads(resp["Payload"].read())["event"] == {}


def test_event_invocation_returns_202_and_really_runs(client: Any, tmp_path: Path) -> None:
    marker = tmp_path / "marker.txt"
    resp = client.invoke(FunctionName="marker", InvocationType="Event",
                         Payload=json.dumps({"path": str(marker), "text": "async"}))
    assert resp["StatusCode"] == 202
    assert resp["Payload"].read() == b""
    deadline = time.monotonic() + 15
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.read_text().startswith("async ")


def test_dry_run_returns_204_and_runs_nothing(client: Any, tmp_path: Path) -> None:
    marker = tmp_path / "never.txt"
    resp = client.invoke(FunctionName="marker", InvocationType="DryRun", Payload=json.dumps({"path": str(marker)}))
    assert resp["StatusCode"] == 204
    time.sleep(0.2)
    assert not marker.exists()


def test_tail_log_has_start_end_report_and_the_output(client: Any) -> None:
    resp, body = _call(client, "echo", {"x": "y"}, LogType="Tail")
    text = base64.b64decode(resp["LogResult"]).decode()
    rid = body["aws_request_id"]
    assert f"START RequestId: {rid} Version: $LATEST" in text
    assert "echo got {'x': 'y'}" in text
    assert f"\t{rid}\tvia logging" in text and "[INFO]" in text
    assert f"END RequestId: {rid}" in text
    assert f"REPORT RequestId: {rid}" in text
    for field in ("Duration:", "Billed Duration:", "Memory Size: 256 MB", "Max Memory Used:"):
        assert field in text


def test_tail_log_is_the_last_4kb(client: Any) -> None:
    resp, _ = _call(client, "chatty", {}, LogType="Tail")
    raw = base64.b64decode(resp["LogResult"])
    assert len(raw) == 4096
    text = raw.decode()
    assert "line 0399" in text and "line 0000" not in text
    assert "END RequestId:" in text and "REPORT RequestId:" in text


def test_client_context_reaches_the_handler(client: Any) -> None:
    ctx = {"custom": {"bot": "cerb"}, "env": {"locale": "en_US"}, "client": {"installation_id": "i-1"}}
    _, body = _call(client, "echo", {}, ClientContext=base64.b64encode(json.dumps(ctx).encode()).decode())
    assert body["client_context"] == ctx


def test_bad_client_context_is_rejected(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidRequestContentException):
        client.invoke(FunctionName="echo", ClientContext="not base64 json!")


def test_unhandled_exception_has_type_message_and_stack(client: Any) -> None:
    resp, body = _call(client, "echo", {"raise": "boom"}, LogType="Tail")
    assert resp["StatusCode"] == 200
    assert resp["FunctionError"] == "Unhandled"
    assert body["errorType"] == "ValueError" and body["errorMessage"] == "boom"
    assert any("app.py" in frame and "in handler" in frame for frame in body["stackTrace"])
    assert "[ERROR] ValueError: boom" in base64.b64decode(resp["LogResult"]).decode()


def test_timeout_is_sandbox_timedout_and_the_next_call_works(client: Any) -> None:
    resp, body = _call(client, "sleepy", {"seconds": 5}, LogType="Tail")
    assert resp["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 0.50 seconds" in body["errorMessage"]
    assert "Task timed out after 0.50 seconds" in base64.b64decode(resp["LogResult"]).decode()
    resp, body = _call(client, "sleepy", {"seconds": 0})
    assert "FunctionError" not in resp and body == {"slept": 0}


def test_memory_limit_gives_out_of_memory_and_recycles(client: Any) -> None:
    resp, body = _call(client, "hog", {"mb": 1})
    assert "FunctionError" not in resp
    first_pid = body["pid"]
    resp, body = _call(client, "hog", {"mb": 400})
    assert resp["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.OutOfMemory"
    resp, body = _call(client, "hog", {"mb": 1})
    assert "FunctionError" not in resp and body["pid"] != first_pid


def test_crashed_worker_is_recycled(client: Any) -> None:
    _, before = _call(client, "crasher", {})
    resp, body = _call(client, "crasher", {"crash": True})
    assert resp["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ExitError"
    assert "exit status 3" in body["errorMessage"]
    resp, after = _call(client, "crasher", {})
    assert "FunctionError" not in resp
    assert after["pid"] != before["pid"]


def test_workers_stay_warm_between_calls(client: Any, svc: LocalLambdaService) -> None:
    svc.pool.retire("crasher")
    r1, b1 = _call(client, "crasher", {}, LogType="Tail")  # cold: a new worker, Init Duration reported
    r2, b2 = _call(client, "crasher", {}, LogType="Tail")  # warm: the same process
    assert b1["pid"] == b2["pid"]
    assert "Init Duration:" in base64.b64decode(r1["LogResult"]).decode()
    assert "Init Duration:" not in base64.b64decode(r2["LogResult"]).decode()
    assert b1["pid"] in svc.warm_workers("crasher")


def test_concurrency_beyond_reserved_is_throttled(client: Any, svc: LocalLambdaService, tmp_path: Path) -> None:
    release = tmp_path / "release"
    results: list[Any] = []

    def held_call() -> None:  # occupies gate's only slot until the test lets it go
        results.append(_call(client, "gate", {"release": str(release)})[1])

    t = threading.Thread(target=held_call)
    t.start()
    try:
        deadline = time.monotonic() + 10
        while svc.in_flight("gate") < 1 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert svc.in_flight("gate") == 1
        with pytest.raises(client.exceptions.TooManyRequestsException) as info:
            client.invoke(FunctionName="gate", Payload=json.dumps({"release": str(release)}))
        err = info.value.response
        assert err["ResponseMetadata"]["HTTPStatusCode"] == 429
        assert err["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
        assert err["message"] == "Rate Exceeded."
    finally:
        release.touch()
        t.join()
    assert results == [{"released": True}]


def test_node_callback_handler(client: Any) -> None:
    ctx = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    resp, body = _call(client, "nodecb", {"n": 1}, LogType="Tail", ClientContext=ctx)
    assert "FunctionError" not in resp
    assert body["ok"] is True and body["echo"] == {"n": 1} and body["functionName"] == "nodecb"
    assert body["remaining"] is True and body["custom"] == {"k": "v"}
    log = base64.b64decode(resp["LogResult"]).decode()
    assert f"\t{body['requestId']}\tINFO\tnodecb got" in log


def test_node_callback_string_and_error(client: Any) -> None:
    resp, body = _call(client, "nodecb", {"fail": "string"})
    assert resp["FunctionError"] == "Handled"
    assert body == {"errorMessage": "plain string failure"}
    resp, body = _call(client, "nodecb", {"fail": "error"})
    assert resp["FunctionError"] == "Handled"
    assert body["errorType"] == "TypeError" and body["errorMessage"] == "typed failure"
    assert isinstance(body["stackTrace"], list) and body["stackTrace"]
    resp, body = _call(client, "nodecb", {"fail": "throw"})
    assert resp["FunctionError"] == "Unhandled" and body["errorMessage"] == "thrown synchronously"


def test_node_async_handler(client: Any) -> None:
    resp, body = _call(client, "nodeasync", {"a": 2, "b": 3})
    assert "FunctionError" not in resp and body == {"async": True, "sum": 5}
    resp, body = _call(client, "nodeasync", {"reject": True})
    assert resp["FunctionError"] == "Unhandled"
    assert body["errorType"] == "RangeError" and body["errorMessage"] == "async failure"
    resp, body = _call(client, "nodeasync", {"hang": True})
    assert body["errorType"] == "Sandbox.Timedout"
    resp, body = _call(client, "nodeasync", {"a": 1})
    assert body["sum"] == 1


def test_unknown_function_and_qualifier_are_404(client: Any, svc: LocalLambdaService) -> None:
    arn = f"arn:aws:lambda:{svc.region}:{svc.account_id}:function"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.invoke(FunctionName="NoSuchFunction")
    assert info.value.response["Error"]["Message"] == f"Function not found: {arn}:NoSuchFunction"
    assert info.value.response["Type"] == "User"
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.invoke(FunctionName="echo", Qualifier="nope")
    assert info.value.response["Error"]["Message"] == f"Function not found: {arn}:echo:nope"


def test_function_name_as_arn_or_partial_arn(client: Any, svc: LocalLambdaService) -> None:
    full = f"arn:aws:lambda:{svc.region}:{svc.account_id}:function:echo"
    assert _call(client, full, {"via": "arn"})[1]["event"] == {"via": "arn"}
    assert _call(client, f"{svc.account_id}:function:echo", {"via": "partial"})[1]["event"] == {"via": "partial"}
    assert _call(client, f"{full}:$LATEST", {})[0]["ExecutedVersion"] == "$LATEST"


def test_body_not_json_is_400(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidRequestContentException):
        client.invoke(FunctionName="echo", Payload=b"this is not json")


def test_payload_over_6mb_is_413(client: Any) -> None:
    big = json.dumps({"blob": "x" * (6 * 1024 * 1024)})
    with pytest.raises(client.exceptions.RequestTooLargeException):
        client.invoke(FunctionName="echo", Payload=big)


def test_stop_kills_every_worker(functions_dir: Path) -> None:
    from .conftest import make_client

    with LocalLambdaService(functions_dir) as svc:
        c = make_client(svc)
        pid = json.loads(c.invoke(FunctionName="crasher", Payload=b"{}")["Payload"].read())["pid"]
        assert svc.warm_workers() == [pid]
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_service_wide_concurrency_limit(functions_dir: Path) -> None:
    from .conftest import make_client

    with LocalLambdaService(functions_dir, concurrency=1) as one:
        c = make_client(one)
        t = threading.Thread(target=lambda: c.invoke(FunctionName="echo", Payload=b'{"hold": 1}'))
        one.faults.slow(n=1, seconds=0.0, function="nothing")  # no effect on echo: scoped faults stay put
        one.pool.reserve("someone-else", None)  # occupy the only slot, as a long call would
        try:
            with pytest.raises(c.exceptions.TooManyRequestsException) as info:
                c.invoke(FunctionName="echo", Payload=b"{}")
            assert info.value.response["Reason"] == "ConcurrentInvocationLimitExceeded"
        finally:
            one.pool.release("someone-else")
        t.start()
        t.join()
        assert one.faults.pending()[0]["function"] == "nothing"


def test_node_out_of_memory_recycles_the_worker(client: Any) -> None:
    _, before = _call(client, "nodehog", {})
    resp, body = _call(client, "nodehog", {"grow": True})
    assert resp["FunctionError"] == "Unhandled" and body["errorType"] == "Runtime.OutOfMemory"
    _, after = _call(client, "nodehog", {})
    assert after["pid"] != before["pid"]


def test_result_that_is_not_json_is_a_marshal_error(client: Any) -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("m.py", "def handler(event, context):\n    return {1, 2}\n")
    client.create_function(FunctionName="Unmarshalable", Runtime="python3.12", Handler="m.handler",
                           Role="arn:aws:iam::123456789012:role/r", Code={"ZipFile": buf.getvalue()})
    try:
        resp, body = _call(client, "Unmarshalable", {})
        assert resp["FunctionError"] == "Unhandled" and body["errorType"] == "Runtime.MarshalError"
        client.update_function_configuration(FunctionName="Unmarshalable", Handler="m.absent")
        resp, body = _call(client, "Unmarshalable", {})
        assert body["errorType"] == "Runtime.HandlerNotFound"
    finally:
        client.delete_function(FunctionName="Unmarshalable")
