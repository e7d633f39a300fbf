"""The sample functions of packages/functions, the function-folder format, and `serve()`."""
from __future__ import annotations

import io
import json
import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from designer.errors import DesignerError
from designer.locallambda import LocalLambdaService, read_definition, serve


def _call(client: Any, name: str, event: Any) -> tuple[dict[str, Any], Any]:
    resp = client.invoke(FunctionName=name, Payload=json.dumps(event))
    return resp, json.loads(resp["Payload"].read())


def test_dns_resolve_and_reverse(client: Any) -> None:
    assert _call(client, "CerbDnsLookup", {"mode": "resolve", "value": "cerb.ai"})[1] == ["104.18.50.1", "104.18.51.1"]
    # any other mode resolves
    assert _call(client, "CerbDnsLookup", {"mode": "A", "value": "example.com"})[1] == ["93.184.215.14"]
    assert _call(client, "CerbDnsLookup", {"mode": "reverse", "value": "8.8.8.8"})[1] == ["dns.google"]


def test_dns_mx_list_is_in_resolver_order_not_priority_order(client: Any) -> None:
    _, mx = _call(client, "CerbDnsLookup", {"mode": "mx", "value": "cerb.ai"})
    assert len(mx) >= 3
    assert all(set(r) == {"exchange", "priority"} for r in mx)
    priorities = [r["priority"] for r in mx]
    assert priorities != sorted(priorities)
    assert [r["exchange"] for r in mx] != sorted(r["exchange"] for r in mx)
    assert {"exchange": "aspmx.l.google.com", "priority": 1} in mx


@pytest.mark.parametrize("event, message", [
    ({"mode": "resolve", "value": "unknown.invalid"}, "queryA ENOTFOUND unknown.invalid"),
    ({"mode": "mx", "value": "unknown.invalid"}, "queryMx ENOTFOUND unknown.invalid"),
    ({"mode": "reverse", "value": "10.9.8.7"}, "getHostByAddr ENOTFOUND 10.9.8.7"),
    ({"value": "cerb.ai", "mode": ""}, "The 'mode' parameter is required."),
    ({"mode": "resolve"}, "The 'value' parameter is required."),
])
def test_dns_errors_mimic_node(client: Any, event: dict[str, Any], message: str) -> None:
    resp, body = _call(client, "CerbDnsLookup", event)
    assert resp["StatusCode"] == 200 and resp["FunctionError"] == "Unhandled"
    assert body["errorMessage"] == message


def test_original_node_dns_function_missing_mode(client: Any) -> None:
    resp, body = _call(client, "CerbDnsLookupNode", {"value": "cerb.ai"})
    assert resp["FunctionError"] == "Handled"
    assert body == {"errorMessage": "The 'mode' parameter is required."}


def test_connect_result_map(client: Any) -> None:
    event = {"Name": "ContactFlowEvent", "Details": {
        "ContactData": {"Attributes": {}, "Channel": "VOICE", "ContactId": "c-1",
                        "CustomerEndpoint": {"Address": "+15555550100", "Type": "TELEPHONE_NUMBER"}},
        "Parameters": {"sentAttributeKey": "sentAttributeValue"}}}
    _, body = _call(client, "ConnectResultMap", event)
    assert body["Name"] == "Jane_Doe" and body["Found"] == "true" and body["ReceivedAttribute"] == "sentAttributeValue"
    assert all(isinstance(v, str) for v in body.values())
    event["Details"]["Parameters"] = {"phoneNumber": "+10000000000", "responseShape": "nested"}
    _, body = _call(client, "ConnectResultMap", event)
    assert body["Found"] == "false" and isinstance(body["Details"], dict)


def _lex_event(source: str, slots: dict[str, Any]) -> dict[str, Any]:
    return {"messageVersion": "1.0", "invocationSource": source, "userId": "u1", "sessionAttributes": {},
            "bot": {"name": "OrderFlowers", "alias": "$LATEST", "version": "$LATEST"}, "outputDialogMode": "Text",
            "currentIntent": {"name": "OrderFlowers", "slots": slots, "confirmationStatus": "None"},
            "inputTranscript": "I would like to order flowers"}


def test_lex_order_flowers(client: Any, svc: LocalLambdaService) -> None:
    slots = {"FlowerType": "cactus", "PickupDate": None, "PickupTime": None}
    _, body = _call(client, "LexOrderFlowers", _lex_event("DialogCodeHook", slots))
    action = body["dialogAction"]
    assert action["type"] == "ElicitSlot" and action["slotToElicit"] == "FlowerType"
    assert "We do not have cactus" in action["message"]["content"]
    slots = {"FlowerType": "roses", "PickupDate": None, "PickupTime": None}
    _, body = _call(client, "LexOrderFlowers", _lex_event("DialogCodeHook", slots))
    assert body["dialogAction"]["type"] == "Delegate" and body["sessionAttributes"]["Price"] == "25"
    slots = {"FlowerType": "roses", "PickupDate": "2030-01-02", "PickupTime": "10:00"}
    _, body = _call(client, "LexOrderFlowers", _lex_event("FulfillmentCodeHook", slots))
    assert body["dialogAction"]["type"] == "Close" and body["dialogAction"]["fulfillmentState"] == "Fulfilled"
    assert "roses" in body["dialogAction"]["message"]["content"]


def test_lex_order_flowers_seed_bug(client: Any) -> None:
    client.update_function_configuration(FunctionName="LexOrderFlowers", Environment={"Variables": {"SEED_BUG": "1"}})
    try:
        slots = {"FlowerType": "roses", "PickupDate": "2030-01-02", "PickupTime": "10:00"}
        resp, body = _call(client, "LexOrderFlowers", _lex_event("FulfillmentCodeHook", slots))
        assert resp["FunctionError"] == "Unhandled"
        assert body["errorType"] == "NameError" and "close" in body["errorMessage"]
    finally:
        client.update_function_configuration(FunctionName="LexOrderFlowers",
                                             Environment={"Variables": {"SEED_BUG": "0"}})


def test_read_definition_defaults_and_errors(tmp_path: Path) -> None:
    (tmp_path / "function.json").write_text('{"runtime": "nodejs20.x"}')
    name, cfg, extras = read_definition(tmp_path)
    assert name == tmp_path.name and cfg.handler == "index.handler" and cfg.timeout == 3 and cfg.memory_size == 128
    assert extras["reserved_concurrency"] is None
    (tmp_path / "function.json").write_text('{"runtime": "ruby3.2"}')
    with pytest.raises(DesignerError):
        read_definition(tmp_path)
    (tmp_path / "function.json").write_text("not json")
    with pytest.raises(DesignerError):
        read_definition(tmp_path)


def test_missing_functions_dir_is_a_designer_error(tmp_path: Path) -> None:
    with pytest.raises(DesignerError):
        LocalLambdaService(tmp_path / "absent").start()


def test_serve_prints_one_ready_line_and_stops_cleanly(functions_dir: Path) -> None:
    out = io.StringIO()
    stop = threading.Event()
    result: list[int] = []
    t = threading.Thread(target=lambda: result.append(serve(functions_dir, 0, "AKIASERVE", "serve-secret",
                                                             "eu-west-1", out=out, stop_event=stop)))
    t.start()
    try:
        for _ in range(500):
            if out.getvalue().endswith("\n"):
                break
            threading.Event().wait(0.01)
        ready = json.loads(out.getvalue())
        assert ready["region"] == "eu-west-1" and ready["access_key_id"] == "AKIASERVE"
        assert ready["secret_access_key"] == "serve-secret" and ready["endpoint"].startswith("http://127.0.0.1:")
        c = boto3.client("lambda", endpoint_url=ready["endpoint"], region_name="eu-west-1",
                         aws_access_key_id="AKIASERVE", aws_secret_access_key="serve-secret",
                         config=Config(retries={"total_max_attempts": 1}))
        reply = c.invoke(FunctionName="CerbDnsLookup", Payload=b'{"mode":"resolve","value":"cerb.ai"}')
        assert json.loads(reply["Payload"].read())[0] == "104.18.50.1"
    finally:
        stop.set()
        t.join(10)
    assert result == [0]
    assert out.getvalue().count("\n") == 1


def test_workers_die_at_interpreter_exit_without_stop(functions_dir: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    script = tmp_path / "leak.py"
    script.write_text(
        "import json, sys, boto3\n"
        "from botocore.config import Config\n"
        "from designer.locallambda import LocalLambdaService\n"
        f"svc = LocalLambdaService({str(functions_dir)!r}).start()\n"
        "c = boto3.client('lambda', endpoint_url=svc.endpoint, region_name=svc.region,\n"
        "    aws_access_key_id=svc.access_key_id, aws_secret_access_key=svc.secret_access_key,\n"
        "    config=Config(retries={'total_max_attempts': 1}))\n"
        "print(json.loads(c.invoke(FunctionName='crasher', Payload=b'{}')['Payload'].read())['pid'])\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, env=env,
                         check=False)
    assert out.returncode == 0, out.stderr
    pid = int(out.stdout.strip())
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"worker {pid} outlived its service's interpreter")


def test_service_restarts_after_stop(functions_dir: Path) -> None:
    from .conftest import make_client

    svc = LocalLambdaService(functions_dir)
    for _ in range(2):
        with svc:
            assert json.loads(make_client(svc).invoke(FunctionName="crasher")["Payload"].read())["pid"] > 0


def test_failed_event_call_is_retried(client: Any, svc: LocalLambdaService, tmp_path: Path) -> None:
    marker = tmp_path / "attempts"
    code = ("import os\n"
            "def handler(event, context):\n"
            "    with open(event['path'], 'a') as fh:\n"
            "        fh.write('x')\n"
            "    raise RuntimeError('always fails')\n")
    import io
    import time
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("f.py", code)
    client.create_function(FunctionName="AlwaysFails", Runtime="python3.12", Handler="f.handler",
                           Role="arn:aws:iam::123456789012:role/r", Code={"ZipFile": buf.getvalue()})
    try:
        resp = client.invoke(FunctionName="AlwaysFails", InvocationType="Event",
                             Payload=json.dumps({"path": str(marker)}))
        assert resp["StatusCode"] == 202
        deadline = time.monotonic() + 20
        while (not marker.exists() or len(marker.read_text()) < 3) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.read_text() == "xxx"  # the call plus AWS's two retries
    finally:
        client.delete_function(FunctionName="AlwaysFails")


def test_busy_workers_exit_when_the_service_is_killed(functions_dir: Path, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "killed.py"
    script.write_text(
        "import sys, threading, boto3\n"
        "from botocore.config import Config\n"
        "from designer.locallambda import LocalLambdaService\n"
        f"svc = LocalLambdaService({str(functions_dir)!r}).start()\n"
        "c = boto3.client('lambda', endpoint_url=svc.endpoint, region_name=svc.region,\n"
        "    aws_access_key_id=svc.access_key_id, aws_secret_access_key=svc.secret_access_key,\n"
        "    config=Config(retries={'total_max_attempts': 1}, read_timeout=60))\n"
        "threading.Thread(target=lambda: c.invoke(FunctionName='gate', "
        f"Payload=b'{{\"release\": \"{tmp_path}/never\"}}'),\n"
        "                 daemon=True).start()\n"
        "import time\n"
        "while not svc.pool._all: time.sleep(0.01)\n"
        "w = next(iter(svc.pool._all))\n"
        "print(w.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        pid = int(proc.stdout.readline())
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    for _ in range(100):  # the worker's orphan watchdog notices within a second
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"worker {pid} outlived its killed service")
