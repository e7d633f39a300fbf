"""Cerb-style SigV4 (cerb-semantics.md §8): accepted by the local service; equal to botocore's signature."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from designer.aws.credentials import AwsCredentials
from designer.aws.errors import SigningError
from designer.aws.sigv4 import (
    REDACTED,
    prepare_cerb_request,
    redact_headers,
    rewrite_for_endpoint,
    send_signed_http,
    service_and_region,
    sign_request,
)
from tests.support import header_echo_server

AWS_URL = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/{}/invocations"
NOW = dt.datetime(2026, 11, 23, 1, 2, 3, tzinfo=dt.UTC)


def cerb_headers(now: dt.datetime = NOW) -> list[tuple[str, str]]:
    """The example bot's three template headers."""
    return [
        ("Date", now.strftime("%a, %d %b %Y %H:%M:%S +0000")),
        ("X-AMZ-Client-Context", "e30="),
        ("X-AMZ-Date", now.strftime("%Y%m%dT%H%M%SZ")),
    ]


@pytest.mark.parametrize(("host", "expected"), [
    ("lambda.us-west-2.amazonaws.com", ("lambda", "us-west-2")),
    ("LAMBDA.EU-WEST-1.amazonaws.com", ("lambda", "eu-west-1")),
    ("s3.dualstack.us-east-1.amazonaws.com", ("s3", "dualstack.us-east-1")),
    ("iam.amazonaws.com", ("iam", "us-east-1")),
])
def test_service_and_region_from_host(host: str, expected: tuple[str, str]) -> None:
    assert service_and_region(host) == expected


def test_non_aws_host_cannot_be_signed() -> None:
    with pytest.raises(SigningError) as info:
        service_and_region("example.com")
    assert info.value.hint
    creds = AwsCredentials("AKIAX", "secret")
    assert send_signed_http("POST", "https://example.com/x", [], b"{}", creds) is False


def test_prepare_adds_host_and_default_content_type() -> None:
    headers = prepare_cerb_request("post", AWS_URL.format("F"), "Date: x\r\n\r\n  X-A:  b  \r\nnot a header")
    assert headers == [("Host", "lambda.us-east-1.amazonaws.com"), ("Date", "x"), ("X-A", "b"),
                       ("Content-Type", "application/x-www-form-urlencoded")]
    assert ("Content-Type", "application/x-www-form-urlencoded") not in prepare_cerb_request("GET", AWS_URL, [])


def test_every_header_is_signed_and_x_amz_date_honoured() -> None:
    creds = AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    url = AWS_URL.format("CerbDnsLookup")
    headers = prepare_cerb_request("POST", url, cerb_headers())
    later = NOW + dt.timedelta(days=1)
    signed = sign_request("POST", url, headers, b'{"mode":"resolve"}', creds, now=later)
    auth = dict(signed)["Authorization"]
    assert "SignedHeaders=content-type;date;host;x-amz-client-context;x-amz-date," in auth
    # the scope date is today's date even though x-amz-date says yesterday (Cerb's behaviour)
    assert f"Credential=AKIDEXAMPLE/{later:%Y%m%d}/us-east-1/lambda/aws4_request" in auth
    assert [k for k, _ in signed][-1] == "Authorization"
    assert len([k for k, _ in signed if k.lower() == "authorization"]) == 1


def test_matches_botocore_sigv4_over_the_same_headers() -> None:
    """A known vector: botocore's SigV4Auth signs the same header set to the same signature."""
    creds = AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    url = AWS_URL.format("CerbDnsLookup") + "?Qualifier=live"
    body = b'{"mode":"resolve","value":"cerb.ai"}'
    headers = prepare_cerb_request("POST", url, cerb_headers())
    ours = dict(sign_request("POST", url, headers, body, creds, now=NOW))["Authorization"]

    request = AWSRequest(method="POST", url=url, data=body, headers=dict(headers))
    request.context["timestamp"] = NOW.strftime("%Y%m%dT%H%M%SZ")
    auth = SigV4Auth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "lambda", "us-east-1")
    canonical = auth.canonical_request(request)
    signature = auth.signature(auth.string_to_sign(request, canonical), request)
    signed_headers = auth.signed_headers(auth.headers_to_sign(request))
    assert signed_headers == "content-type;date;host;x-amz-client-context;x-amz-date"
    assert ours.endswith(f"Signature={signature}")
    # and a frozen vector, so a change in either implementation is noticed
    assert signature == FROZEN_SIGNATURE


FROZEN_SIGNATURE = "886d27a47a4baa98c98c6bc6334db790005b61a8b68791294c1191d90ad473cf"


def test_signed_request_is_accepted_by_the_local_service(creds: AwsCredentials) -> None:
    body = json.dumps({"mode": "resolve", "value": "cerb.ai"})
    now = dt.datetime.now(dt.UTC)
    resp = send_signed_http("POST", AWS_URL.format("Echo"), cerb_headers(now), body, creds)
    assert isinstance(resp, dict)
    assert resp["error"] is None
    assert resp["info"] == {"url": AWS_URL.format("Echo"), "http_code": 200}
    assert resp["content_type"] == "application/json"
    assert resp["body"]["event"] == {"mode": "resolve", "value": "cerb.ai"}
    assert "x-amzn-requestid" in resp["headers"]
    raw = send_signed_http("POST", AWS_URL.format("Echo"), cerb_headers(now), body, creds, raw_response_body=True)
    assert isinstance(raw["body"], str) and json.loads(raw["body"])["event"]["value"] == "cerb.ai"


def test_signed_request_with_only_a_date_header(creds: AwsCredentials) -> None:
    now = dt.datetime.now(dt.UTC)
    headers = f"Content-Type: application/json\r\nX-Amz-Date: {now:%Y%m%dT%H%M%SZ}"
    assert send_signed_http("POST", AWS_URL.format("Echo"), headers, "{}", creds)["info"]["http_code"] == 200


def test_cerb_without_any_date_header_is_refused(creds: AwsCredentials) -> None:
    """Cerb signs with the current time but adds no X-Amz-Date header: AWS refuses such a request (403),
    which is why the example bot sets X-AMZ-Date itself."""
    resp = send_signed_http("POST", AWS_URL.format("Echo"), "Content-Type: application/json", "{}", creds)
    assert resp["info"]["http_code"] == 403


def test_function_error_is_still_http_200(creds: AwsCredentials) -> None:
    now = dt.datetime.now(dt.UTC)
    resp = send_signed_http("POST", AWS_URL.format("Raiser"), cerb_headers(now), '{"why": "http"}', creds,
                            raw_response_body=True)
    assert resp["info"]["http_code"] == 200
    assert resp["headers"]["x-amz-function-error"] == "Unhandled"
    assert json.loads(resp["body"])["errorMessage"] == "boom: http"


def test_bad_secret_is_a_normal_403_response(creds: AwsCredentials) -> None:
    bad = dataclasses.replace(creds, secret_access_key="wrong")
    resp = send_signed_http("POST", AWS_URL.format("Echo"), cerb_headers(dt.datetime.now(dt.UTC)), "{}", bad)
    assert resp["info"]["http_code"] == 403
    assert resp["error"] is None


def test_transport_failure_shape(closed_port: int) -> None:
    creds = AwsCredentials("AKIAX", "secret", endpoint_url=f"http://127.0.0.1:{closed_port}")
    resp = send_signed_http("POST", AWS_URL.format("Echo"), cerb_headers(), '{"q": 1}', creds)
    assert resp["content_type"] is None
    assert resp["headers"] == [] and resp["info"] == []
    assert resp["body"] == '{"q": 1}'  # Cerb puts the REQUEST body there
    assert "Connection refused" in resp["error"] and "local Lambda service" in resp["error"]


def test_endpoint_rewrite_keeps_path_and_query() -> None:
    assert rewrite_for_endpoint("https://lambda.us-east-1.amazonaws.com/a/b?x=1", "http://127.0.0.1:9000") == \
        "http://127.0.0.1:9000/a/b?x=1"
    assert rewrite_for_endpoint("https://h.amazonaws.com/a", "http://localhost:4566/prefix/") == \
        "http://localhost:4566/prefix/a"


def test_redact_headers() -> None:
    creds = AwsCredentials("AKIDEXAMPLE", "topsecret", session_token="tok")
    signed = sign_request("POST", AWS_URL.format("F"), cerb_headers(), b"", creds, now=NOW)
    shown = redact_headers([*signed, ("X-Amz-Security-Token", "tok"), ("Cookie", "a=b")])
    text = repr(shown)
    assert "AKIDEXAMPLE" not in text and "Signature=" + REDACTED in text
    assert "SignedHeaders=date;host;x-amz-client-context;x-amz-date" in text
    assert ("X-Amz-Security-Token", REDACTED) in shown and ("Cookie", REDACTED) in shown
    assert ("Date", cerb_headers()[0][1]) in shown
    as_dict = redact_headers({"authorization": "Bearer abc", "content-type": "x"})
    assert as_dict == {"authorization": REDACTED, "content-type": "x"}


def test_redact_headers_masks_values_holding_a_given_secret() -> None:
    headers = [("X-Zendesk-Auth", "zd-0123456789"), ("X-Custom", "Token zd-0123456789"), ("Accept", "x")]
    assert redact_headers(headers) == headers  # the names look harmless …
    assert redact_headers(headers, ["zd-0123456789", ""]) == [  # … the values are known secrets
        ("X-Zendesk-Auth", REDACTED), ("X-Custom", REDACTED), ("Accept", "x")]


def test_unsigned_send_scrubs_caller_secrets_from_the_cassette(tmp_path: Path) -> None:
    from designer.aws.cassette import Cassette

    secret = "zd-" + "7" * 24
    path = tmp_path / "headers.cassette.json"
    with header_echo_server() as base:
        url = f"{base}/api"
        result = send_signed_http("POST", url, [("X-Zendesk-Auth", secret)], "{}", None,
                                  cassette=Cassette(path, "record"), secrets=[secret])
    assert isinstance(result, dict) and result["body"]["X-Zendesk-Auth"] == secret  # really sent
    text = path.read_text()
    assert secret not in text  # neither in the recorded request headers nor in the echoed response body
    recorded = json.loads(text)["interactions"][0]
    assert ["X-Zendesk-Auth", REDACTED] in recorded["request"]["headers"]
