"""The invoker against the real local Lambda service over HTTP, with an unmodified boto3 client."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import boto3
import botocore.exceptions as bce
import pytest

from designer.aws import clients
from designer.aws.credentials import AwsCredentials
from designer.aws.errors import (
    LambdaAccessDeniedError,
    LambdaClientContextTooLargeError,
    LambdaConnectionError,
    LambdaError,
    LambdaFunctionNotFoundError,
    LambdaInvalidRequestError,
    LambdaInvalidSignatureError,
    LambdaNoCredentialsError,
    LambdaPayloadTooLargeError,
    LambdaServiceError,
    LambdaSsoTokenExpiredError,
    LambdaThrottledError,
    LambdaTimeoutError,
    LambdaUnknownKeyError,
)
from designer.aws.invoker import (
    CLIENT_CONTEXT_LIMIT,
    Invoker,
    InvokeRequest,
    RetryPolicy,
    attempt_read_timeout,
    map_exception,
)
from designer.errors import DesignerError
from tests.aws.realaws import Target, with_key, with_secret

FAST = RetryPolicy(max_attempts=4, base_delay=0.01, max_delay=0.05)
# Tests taking `target` run against the local service and, opt-in (marker `aws`), against real AWS
# (tests/aws/realaws.py); tests taking `creds`/`svc` need the local service (fault injection, its endpoint).


def call(creds: AwsCredentials, function: str = "Echo", payload: Any = None, **kw: Any):
    return Invoker().invoke(InvokeRequest(creds, function, {"hello": "world"} if payload is None else payload, **kw))


def assert_actionable(exc: LambdaError) -> None:
    assert isinstance(exc, DesignerError)
    assert exc.message and exc.hint, "every typed error says what happened and what to do"


# ------------------------------------------------------------------ invocation types and options
def test_request_response_returns_payload_and_metadata(target: Target) -> None:
    result = call(target.creds, target.fn("Echo"), payload={"a": 1})
    assert result.status_code == 200
    assert result.payload_json["event"] == {"a": 1}
    assert json.loads(result.payload_bytes) == result.payload_json
    assert result.function_error is None and result.ok
    assert result.executed_version == "$LATEST"
    assert result.request_id
    assert result.attempts == 1
    assert result.log_tail == ""
    assert result.duration_ms > 0


def test_payload_may_be_bytes_or_str(target: Target) -> None:
    assert call(target.creds, target.fn("Echo"), payload=b'{"b": 2}').payload_json["event"] == {"b": 2}
    assert call(target.creds, target.fn("Echo"), payload='{"c": 3}').payload_json["event"] == {"c": 3}


def test_event_invocation_is_accepted_without_payload(target: Target) -> None:
    result = call(target.creds, target.fn("Echo"), invocation_type="Event")
    assert result.status_code == 202
    assert result.payload_bytes == b""
    assert result.payload_json is None


def test_dry_run_checks_without_running(target: Target) -> None:
    result = call(target.creds, target.fn("Echo"), invocation_type="DryRun")
    assert result.status_code == 204
    assert result.payload_bytes == b""


def test_log_tail_is_decoded(target: Target) -> None:
    result = call(target.creds, target.fn("Echo"), log_tail=True)
    assert "START RequestId:" in result.log_tail
    assert "echo handler saw dict" in result.log_tail
    assert "REPORT RequestId:" in result.log_tail
    assert len(result.log_tail.encode()) <= 4096


def test_client_context_reaches_the_handler(target: Target) -> None:
    result = call(target.creds, target.fn("Echo"), client_context={"custom": {"tenant": "acme", "n": 7}})
    assert result.payload_json["client_context_custom"] == {"tenant": "acme", "n": 7}


def test_too_large_client_context_is_refused_before_sending(closed_port: int) -> None:
    # nothing listens on the endpoint: a connection error would mean the request was attempted
    creds = AwsCredentials("AKIAX", "secret", endpoint_url=f"http://127.0.0.1:{closed_port}")
    big = {"custom": {"blob": "x" * 3000}}
    with pytest.raises(LambdaClientContextTooLargeError) as info:
        call(creds, client_context=big)
    assert f"{CLIENT_CONTEXT_LIMIT:,}" in info.value.message
    assert info.value.exit_code == 2
    assert_actionable(info.value)


def test_client_context_limit_is_exactly_3583_bytes_of_base64(target: Target) -> None:
    # '{"custom":{"blob":"…"}}' is 22 bytes + the blob; base64 grows in steps of 4 characters per 3 bytes,
    # so 2,685 bytes of JSON → 3,580 characters (the largest that fits) and 2,686 → 3,584 (one too many)
    largest = {"custom": {"blob": "x" * 2663}}
    result = call(target.creds, target.fn("Echo"), client_context=largest)
    assert result.payload_json["client_context_custom"] == largest["custom"]  # sent, and seen by the handler
    with pytest.raises(LambdaClientContextTooLargeError) as info:
        call(target.creds, target.fn("Echo"), client_context={"custom": {"blob": "x" * 2664}})
    assert "3,584 bytes" in info.value.message


def test_qualifier_alias_latest_and_unknown(target: Target) -> None:
    assert call(target.creds, target.fn("Echo"), qualifier="live").status_code == 200
    assert call(target.creds, target.fn("Echo"), qualifier="$LATEST").executed_version == "$LATEST"
    with pytest.raises(LambdaFunctionNotFoundError) as info:
        call(target.creds, target.fn("Echo"), qualifier="no-such-alias")
    assert "Echo" in info.value.message
    assert "qualifier" in info.value.hint


def test_published_version_qualifier(target: Target) -> None:
    client = clients.lambda_client(target.creds)
    version = client.publish_version(FunctionName=target.fn("Echo"))["Version"]
    result = call(target.creds, target.fn("Echo"), qualifier=version)
    assert result.executed_version == version


def test_full_arn_as_function_name(target: Target) -> None:
    result = call(target.creds, function=target.arn("Echo"))
    assert result.status_code == 200


# ------------------------------------------------------------------ retries
def test_three_throttles_then_success(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.throttle(n=3, function="Echo")
    result = call(creds, retry=FAST)
    assert result.status_code == 200
    assert result.attempts == 4


def test_throttled_past_max_attempts_is_a_typed_error(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.throttle(n=10, function="Echo")
    with pytest.raises(LambdaThrottledError) as info:
        call(creds, retry=FAST)
    assert info.value.attempts == 4
    assert info.value.status == 429
    assert_actionable(info.value)


def test_throttled_past_the_deadline_is_a_typed_error(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.throttle(n=1000, function="Echo")
    patient = RetryPolicy(max_attempts=10_000, base_delay=0.05, max_delay=0.2)
    with pytest.raises(LambdaThrottledError) as info:
        call(creds, retry=patient, timeout=1.0)
    assert "deadline" in info.value.message
    assert 1 < info.value.attempts < 10_000


def test_server_errors_are_retried(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.server_error(n=2, status=503, function="Echo")
    result = call(creds, retry=FAST)
    assert result.attempts == 3
    assert result.ok


def test_server_errors_past_the_retries(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.server_error(n=10, status=500, function="Echo")
    with pytest.raises(LambdaServiceError) as info:
        call(creds, retry=FAST)
    assert info.value.attempts == 4
    assert info.value.status == 500
    assert_actionable(info.value)


def test_no_retry_policy(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.throttle(n=1, function="Echo")
    with pytest.raises(LambdaThrottledError) as info:
        call(creds, retry=RetryPolicy(max_attempts=1))
    assert info.value.attempts == 1


def test_function_errors_are_results_and_never_retried(target: Target) -> None:
    result = call(target.creds, target.fn("Raiser"), payload={"why": "testing"}, retry=FAST, log_tail=True)
    assert result.status_code == 200
    assert result.function_error == "Unhandled"
    assert result.attempts == 1
    assert "boom: testing" in result.error_message
    assert result.payload_json["errorType"] == "ValueError"
    assert "about to fail" in result.log_tail


def test_injected_function_failure_is_not_retried(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.fail(n=1, message="injected failure", function="Echo")
    result = call(creds, retry=FAST)
    assert result.function_error in ("Handled", "Unhandled")
    assert result.attempts == 1
    assert call(creds).ok  # the fault was consumed once


# ------------------------------------------------------------------ the error catalogue
def test_function_not_found(target: Target) -> None:
    with pytest.raises(LambdaFunctionNotFoundError) as info:
        call(target.creds, function="NoSuchFunction")
    assert "NoSuchFunction" in info.value.message
    assert info.value.status == 404
    assert_actionable(info.value)


def test_access_denied_is_typed_and_never_retried(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.deny(n=1, function="Echo")  # the local service's stand-in for a missing IAM permission
    with pytest.raises(LambdaAccessDeniedError) as info:
        call(creds, retry=FAST)
    err = info.value
    assert err.status == 403 and err.code == "AccessDeniedException"
    assert err.attempts == 1  # a permission problem does not go away by retrying
    assert "not authorized to perform: lambda:InvokeFunction" in err.message
    assert "lambda:InvokeFunction" in err.hint
    assert_actionable(err)
    assert call(creds).ok


def test_dry_run_reports_access_denied(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.deny(n=1, function="Echo")
    with pytest.raises(LambdaAccessDeniedError):
        call(creds, invocation_type="DryRun")
    assert call(creds, invocation_type="DryRun").status_code == 204


def test_bad_secret(target: Target) -> None:
    with pytest.raises(LambdaInvalidSignatureError) as info:
        call(with_secret(target, "not-the-secret"), target.fn("Echo"))
    assert "secret" in info.value.hint
    assert "not-the-secret" not in str(info.value)
    assert_actionable(info.value)


def test_unknown_access_key(target: Target) -> None:
    with pytest.raises(LambdaUnknownKeyError) as info:
        call(with_key(target, "AKIANOBODYKNOWS0000"), target.fn("Echo"))
    assert "access key ID" in info.value.message
    assert_actionable(info.value)


def test_connection_refused_on_a_closed_port(closed_port: int) -> None:
    creds = AwsCredentials("AKIAX", "secret", endpoint_url=f"http://127.0.0.1:{closed_port}")
    with pytest.raises(LambdaConnectionError) as info:
        call(creds)
    assert "Is the local Lambda service running?" in info.value.message
    assert str(closed_port) in info.value.message
    assert "endpoint" in info.value.hint
    assert_actionable(info.value)


def test_timeout_is_the_deadline(target: Target) -> None:
    with pytest.raises(LambdaTimeoutError) as info:
        call(target.creds, target.fn("Sleeper"), payload={"seconds": 4}, timeout=1.0)
    assert "deadline" in info.value.message or "did not answer" in info.value.message
    assert_actionable(info.value)


def test_payload_too_large_sync_and_event(creds: AwsCredentials) -> None:
    big = b'"' + b"x" * (6 * 1024 * 1024) + b'"'
    with pytest.raises(LambdaPayloadTooLargeError) as info:
        call(creds, payload=big)
    assert info.value.exit_code == 2
    assert_actionable(info.value)
    with pytest.raises(LambdaPayloadTooLargeError):
        call(creds, payload=b'"' + b"x" * (1024 * 1024) + b'"', invocation_type="Event")


def test_the_services_413_maps_to_payload_too_large(creds: AwsCredentials) -> None:
    # the invoker refuses such payloads before sending; a plain client shows what the service answers
    raw = clients.lambda_client(creds)
    with pytest.raises(bce.ClientError) as info:
        raw.invoke(FunctionName="Echo", Payload=b'"' + b"x" * (6 * 1024 * 1024) + b'"')
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    error = map_exception(info.value, "Echo", creds)
    assert isinstance(error, LambdaPayloadTooLargeError)
    assert error.code == "RequestTooLargeException" and error.exit_code == 2
    assert "6 MB" in error.hint
    assert_actionable(error)


def test_invalid_json_payload_is_invalid_request_content(target: Target) -> None:
    with pytest.raises(LambdaInvalidRequestError) as info:
        call(target.creds, target.fn("Echo"), payload=b"this is not json")
    assert info.value.code == "InvalidRequestContentException"
    assert_actionable(info.value)


def test_no_credentials(isolated_aws_env: Path, svc: Any) -> None:
    creds = AwsCredentials(region=svc.region, endpoint_url=svc.endpoint)
    with pytest.raises(LambdaNoCredentialsError) as info:
        call(creds)
    assert "AWS_ACCESS_KEY_ID" in info.value.hint
    assert_actionable(info.value)


def test_unknown_profile(isolated_aws_env: Path, svc: Any) -> None:
    creds = AwsCredentials(profile="does-not-exist", endpoint_url=svc.endpoint)
    with pytest.raises(LambdaNoCredentialsError) as info:
        call(creds)
    assert "does-not-exist" in info.value.message


def _write_expired_sso_profile(home: Path, profile: str) -> None:
    start_url = "https://designer-test.awsapps.com/start"
    aws = home / ".aws"
    (aws / "sso" / "cache").mkdir(parents=True)
    (aws / "config").write_text(
        f"[profile {profile}]\n"
        f"sso_start_url = {start_url}\n"
        "sso_region = us-east-1\n"
        "sso_account_id = 123456789012\n"
        "sso_role_name = Developer\n"
        "region = us-east-1\n"
    )
    expired = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    cache_file = aws / "sso" / "cache" / (hashlib.sha1(start_url.encode()).hexdigest() + ".json")
    cache_file.write_text(json.dumps({
        "startUrl": start_url, "region": "us-east-1", "accessToken": "expired-token", "expiresAt": expired,
    }))


def test_expired_sso_token(isolated_aws_env: Path, svc: Any) -> None:
    _write_expired_sso_profile(isolated_aws_env, "expired-sso")
    # botocore itself refuses the cached token
    session = boto3.session.Session(profile_name="expired-sso")
    with pytest.raises((bce.UnauthorizedSSOTokenError, bce.SSOTokenLoadError)):
        session.client("lambda", endpoint_url=svc.endpoint).invoke(FunctionName="Echo", Payload=b"{}")
    creds = AwsCredentials(profile="expired-sso", endpoint_url=svc.endpoint)
    with pytest.raises(LambdaSsoTokenExpiredError) as info:
        call(creds)
    assert "aws sso login --profile expired-sso" in info.value.hint
    assert_actionable(info.value)


def test_profile_with_keys_works(isolated_aws_env: Path, svc: Any) -> None:
    aws = isolated_aws_env / ".aws"
    aws.mkdir()
    (aws / "credentials").write_text(
        f"[local]\naws_access_key_id = {svc.access_key_id}\naws_secret_access_key = {svc.secret_access_key}\n")
    (aws / "config").write_text(f"[profile local]\nregion = {svc.region}\n")
    assert call(AwsCredentials(profile="local", endpoint_url=svc.endpoint)).ok


# ------------------------------------------------------------------ client cache
def test_clients_are_cached_and_reused(creds: AwsCredentials) -> None:
    a = clients.lambda_client(creds, read_timeout=30.0)
    assert clients.lambda_client(creds, read_timeout=30.0) is a
    call(creds, timeout=30.0)
    size = len(clients._clients)
    call(creds, timeout=30.0)
    call(creds, timeout=30.0)
    assert len(clients._clients) == size
    other = dataclasses.replace(creds, region="eu-west-1")
    assert clients.lambda_client(other, read_timeout=30.0) is not a
    elsewhere = dataclasses.replace(creds, endpoint_url=creds.endpoint_url.replace("127.0.0.1", "localhost"))
    assert clients.lambda_client(elsewhere, read_timeout=30.0) is not a
    another_account = dataclasses.replace(creds, access_key_id="AKIAOTHERACCOUNT0001")
    assert clients.lambda_client(another_account, read_timeout=30.0) is not a
    assert clients.lambda_client(dataclasses.replace(creds, label="renamed"), read_timeout=30.0) is a


def test_errors_are_structured(target: Target) -> None:
    with pytest.raises(LambdaFunctionNotFoundError) as info:
        call(target.creds, function="Missing")
    data = info.value.to_dict()
    assert data["error"] == "LambdaFunctionNotFoundError"
    assert data["code"] == "ResourceNotFoundException"
    assert data["function"] == "Missing"


# ------------------------------------------------------------------ opt-in real AWS
def _real_aws_enabled() -> bool:
    if os.environ.get("BOT_DESIGNER_AWS_TESTS") != "1":
        return False
    return boto3.session.Session().get_credentials() is not None


@pytest.mark.aws
@pytest.mark.skipif(not _real_aws_enabled(), reason="set BOT_DESIGNER_AWS_TESTS=1 with AWS credentials")
def test_real_aws_unknown_function_is_not_found() -> None:
    creds = AwsCredentials(region=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1")
    with pytest.raises((LambdaFunctionNotFoundError, LambdaError)) as info:
        call(creds, function="bot-designer-no-such-function-4d1c")
    assert_actionable(info.value)


@pytest.mark.aws
@pytest.mark.skipif(not _real_aws_enabled() or not os.environ.get("BOT_DESIGNER_AWS_FUNCTION"),
                    reason="set BOT_DESIGNER_AWS_TESTS=1, AWS credentials and BOT_DESIGNER_AWS_FUNCTION")
def test_real_aws_invoke_named_function() -> None:
    creds = AwsCredentials(region=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1")
    result = call(creds, function=os.environ["BOT_DESIGNER_AWS_FUNCTION"], payload={}, log_tail=True)
    assert result.status_code == 200
    assert result.request_id


def test_backoff_is_bounded_full_jitter() -> None:
    policy = RetryPolicy(base_delay=0.1, max_delay=1.0)
    assert policy.delay(1, lambda: 1.0) == pytest.approx(0.1)
    assert policy.delay(3, lambda: 1.0) == pytest.approx(0.4)
    assert policy.delay(10, lambda: 1.0) == pytest.approx(1.0)  # capped
    assert policy.delay(2, lambda: 0.0) > 0  # never a busy loop
    assert not policy.should_retry(LambdaFunctionNotFoundError("x"))
    assert policy.should_retry(LambdaThrottledError("x"))
    assert not RetryPolicy(retry_server_errors=False).should_retry(LambdaServiceError("x"))


def test_attempt_read_timeout_stays_inside_the_deadline() -> None:
    assert attempt_read_timeout(8.0) == 8.0  # Connect's whole budget, exactly
    assert attempt_read_timeout(7.3) == 7.5  # after retries: at most a quarter second over, not most of one
    assert attempt_read_timeout(0.3) == 0.5
    assert attempt_read_timeout(0.0) == attempt_read_timeout(-1.0) == 0.25  # never a zero (= no) timeout
    assert len({attempt_read_timeout(29.0 + i / 1000) for i in range(1, 1000)}) == 4  # few distinct clients


def test_invalid_invocation_type_and_empty_name(creds: AwsCredentials) -> None:
    with pytest.raises(LambdaInvalidRequestError):
        call(creds, invocation_type="Sometimes")
    with pytest.raises(LambdaInvalidRequestError):
        call(creds, function="")
