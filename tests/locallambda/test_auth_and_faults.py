"""SigV4 checks (boto3 and a Cerb-style raw signed POST) and fault injection (Python API and HTTP)."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from email.utils import formatdate
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from botocore.exceptions import ClientError

from designer.locallambda import LocalLambdaService

from .conftest import make_client


def test_wrong_secret_is_invalid_signature(svc: LocalLambdaService) -> None:
    bad = make_client(svc, secret="wrong-secret")
    with pytest.raises(ClientError) as info:  # not a modeled Lambda error: botocore gives ClientError + code
        bad.invoke(FunctionName="echo", Payload=b"{}")
    assert info.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "x-amzn-requestid" in info.value.response["ResponseMetadata"]["HTTPHeaders"]


def test_unknown_key_is_unrecognized_client(svc: LocalLambdaService) -> None:
    bad = make_client(svc, key="AKIAUNKNOWNKEY000000", secret=svc.secret_access_key)
    with pytest.raises(ClientError) as info:
        bad.list_functions()
    assert info.value.response["Error"]["Code"] == "UnrecognizedClientException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unsigned_request_is_refused(svc: LocalLambdaService) -> None:
    req = urllib.request.Request(f"{svc.endpoint}/2015-03-31/functions/echo/invocations", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req)
    assert info.value.code == 403
    assert info.value.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


# -- a Cerb-style request, signed the way cerb-semantics.md §8 describes (independent of the service's code)
def _cerb_sign(method: str, url: str, headers: dict[str, str], body: bytes, key: str, secret: str,
               region: str) -> dict[str, str]:
    parts = urlsplit(url)
    all_headers = dict(headers, Host=parts.netloc)
    amz_date = all_headers.get("X-AMZ-Date") or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = "/".join(quote(seg, safe="") for seg in parts.path.split("/")) or "/"
    names = sorted(all_headers, key=str.lower)
    canonical = "\n".join([
        method.upper(), path, "",
        "".join(f"{n.lower().strip()}:{all_headers[n].strip()}\n" for n in names),
        ";".join(n.lower() for n in names),
        hashlib.sha256(body).hexdigest(),
    ])
    scope = f"{time.strftime('%Y%m%d', time.gmtime())}/{region}/lambda/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    k = hmac.new(("AWS4" + secret).encode(), scope.split("/")[0].encode(), hashlib.sha256).digest()
    for part in (region, "lambda", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    signed = ";".join(n.lower() for n in names)
    return dict(all_headers, Authorization=f"AWS4-HMAC-SHA256 Credential={key}/{scope}, SignedHeaders={signed}, "
                                           f"Signature={sig}")


def _cerb_post(svc: LocalLambdaService, event: dict[str, Any], secret: str | None = None) -> tuple[int, dict, bytes]:
    url = f"{svc.endpoint}/2015-03-31/functions/CerbDnsLookup/invocations"
    body = json.dumps(event).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Date": formatdate(usegmt=True),
        "X-AMZ-Client-Context": "e30=",
        "X-AMZ-Date": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
    }
    signed = _cerb_sign("POST", url, headers, body, svc.access_key_id, secret or svc.secret_access_key, svc.region)
    req = urllib.request.Request(url, data=body, method="POST", headers=signed)
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_cerb_style_raw_signed_post_is_accepted(svc: LocalLambdaService) -> None:
    status, headers, body = _cerb_post(svc, {"mode": "resolve", "value": "cerb.ai"})
    assert status == 200
    assert json.loads(body) == ["104.18.50.1", "104.18.51.1"]
    assert headers["X-Amz-Executed-Version"] == "$LATEST"
    status, headers, body = _cerb_post(svc, {"mode": "mx", "value": "no-such-host.example"})
    assert status == 200 and headers["X-Amz-Function-Error"] == "Unhandled"
    assert json.loads(body)["errorMessage"] == "queryMx ENOTFOUND no-such-host.example"


def test_cerb_style_post_with_a_wrong_secret_is_refused(svc: LocalLambdaService) -> None:
    status, headers, _ = _cerb_post(svc, {"mode": "resolve", "value": "cerb.ai"}, secret="nope")
    assert status == 403 and headers["x-amzn-ErrorType"] == "InvalidSignatureException"


# -- faults ------------------------------------------------------------------------------------------------
def test_throttle_fault(client: Any, svc: LocalLambdaService) -> None:
    svc.faults.throttle(n=2)
    for _ in range(2):
        with pytest.raises(client.exceptions.TooManyRequestsException):
            client.invoke(FunctionName="echo", Payload=b"{}")
    assert client.invoke(FunctionName="echo", Payload=b"{}")["StatusCode"] == 200


def test_server_error_fault(client: Any, svc: LocalLambdaService) -> None:
    svc.faults.server_error(n=1, status=503)
    with pytest.raises(ClientError) as info:
        client.invoke(FunctionName="echo", Payload=b"{}")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    svc.faults.server_error()
    with pytest.raises(client.exceptions.ServiceException):
        client.invoke(FunctionName="echo", Payload=b"{}")
    assert client.invoke(FunctionName="echo", Payload=b"{}")["StatusCode"] == 200


def test_slow_fault(client: Any, svc: LocalLambdaService) -> None:
    svc.faults.slow(n=1, seconds=0.2, function="echo")
    resp = client.invoke(FunctionName="echo", Payload=b"{}")
    assert resp["StatusCode"] == 200 and "FunctionError" not in resp
    assert any("[echo] fault: slow 0.20s" in line for line in svc.log_lines(50))
    assert svc.faults.pending() == []


def test_fail_fault_only_hits_its_function(client: Any, svc: LocalLambdaService) -> None:
    svc.faults.fail(n=1, message="database down", function="crasher")
    resp = client.invoke(FunctionName="echo", Payload=b"{}")
    assert "FunctionError" not in resp
    resp = client.invoke(FunctionName="crasher", Payload=b"{}")
    assert resp["FunctionError"] == "Unhandled"
    assert json.loads(resp["Payload"].read())["errorMessage"] == "database down"
    assert "FunctionError" not in client.invoke(FunctionName="crasher", Payload=b"{}")


def test_faults_over_http(client: Any, svc: LocalLambdaService) -> None:
    url = f"{svc.endpoint}/_local/faults"
    secret = {"x-local-lambda-secret": svc.secret_access_key, "Content-Type": "application/json"}
    with pytest.raises(urllib.error.HTTPError) as info:  # the control path needs the secret (or SigV4)
        urllib.request.urlopen(urllib.request.Request(url, data=b'{"kind":"throttle"}', method="POST"))
    assert info.value.code == 403
    req = urllib.request.Request(url, method="POST", headers=secret,
                                 data=json.dumps({"kind": "fail", "n": 1, "message": "via http"}).encode())
    with urllib.request.urlopen(req) as resp:
        assert resp.status == 201
        assert json.loads(resp.read())["faults"][0]["kind"] == "fail"
    resp = client.invoke(FunctionName="echo", Payload=b"{}")
    assert json.loads(resp["Payload"].read())["errorMessage"] == "via http"
    urllib.request.urlopen(urllib.request.Request(url, method="POST", headers=secret,
                                                  data=b'{"kind": "throttle", "n": 5}'))
    urllib.request.urlopen(urllib.request.Request(url, method="DELETE", headers=secret))
    assert client.invoke(FunctionName="echo", Payload=b"{}")["StatusCode"] == 200
    with urllib.request.urlopen(urllib.request.Request(f"{svc.endpoint}/_local/logs?limit=5", headers=secret)) as r:
        assert len(json.loads(r.read())["lines"]) == 5


def test_deny_fault_is_access_denied_and_covers_dry_run(client: Any, svc: LocalLambdaService) -> None:
    svc.faults.deny(n=2, function="echo")
    for kind in ("RequestResponse", "DryRun"):  # DryRun is exactly the "may the caller invoke?" check
        with pytest.raises(ClientError) as info:
            client.invoke(FunctionName="echo", InvocationType=kind, Payload=b"{}")
        err = info.value.response
        assert err["Error"]["Code"] == "AccessDeniedException"
        assert err["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert "is not authorized to perform: lambda:InvokeFunction" in err["Error"]["Message"]
        assert "function:echo" in err["Error"]["Message"]
    assert svc.faults.pending() == []
    assert client.invoke(FunctionName="echo", InvocationType="DryRun")["StatusCode"] == 204


def test_deny_fault_does_not_consume_other_rules(client: Any, svc: LocalLambdaService) -> None:
    svc.faults.fail(n=1, message="after the denial")
    svc.faults.deny(n=1)
    with pytest.raises(ClientError):
        client.invoke(FunctionName="echo", Payload=b"{}")
    assert [f["kind"] for f in svc.faults.pending()] == ["fail"]
    resp = client.invoke(FunctionName="echo", Payload=b"{}")
    assert json.loads(resp["Payload"].read())["errorMessage"] == "after the denial"
    with pytest.raises(ValueError, match="unknown fault kind"):
        svc.faults.add({"kind": "explode"})
    assert svc.faults.add({"kind": "deny", "n": 1, "function": "echo"}).kind == "deny"
    svc.faults.clear()
