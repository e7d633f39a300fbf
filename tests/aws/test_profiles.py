"""Caller profiles end to end against the real local Lambda service."""
from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from designer.aws import clients
from designer.aws.credentials import AwsCredentials
from designer.aws.errors import (
    LambdaAccessDeniedError,
    LambdaFunctionNotFoundError,
    LambdaInvalidInputError,
    LambdaServiceError,
    LambdaThrottledError,
)
from designer.aws.profiles import (
    ConnectChainBudget,
    LexDependencyFailedError,
    LexInvalidResponseError,
    LexLimitExceededError,
    build_contact_flow_event,
    build_lex_event,
    connect_invoke,
    default_contact_data,
    lex_codehook,
    runbook_custom_code,
    runbook_invoke,
    validate_lex_response,
)
from designer.aws.profiles.connect import validate_string_map
from tests.aws.realaws import Target

ROLE = "arn:aws:iam::123456789012:role/lambda-exec"


# ================================================================== Amazon Connect
def test_connect_envelope_shape() -> None:
    event = build_contact_flow_event({"a": "1", "n": 2}, default_contact_data(Channel="CHAT"))
    assert event["Name"] == "ContactFlowEvent"
    assert event["Details"]["Parameters"] == {"a": "1", "n": "2"}
    assert event["Details"]["ContactData"]["Channel"] == "CHAT"
    assert event["Details"]["ContactData"]["Attributes"] == {}


def test_connect_success_external_and_attributes(creds: AwsCredentials) -> None:
    contact = default_contact_data(Attributes={"lang": "en"})
    result = connect_invoke(
        creds, "ConnectEcho", {"sentAttributeKey": "sentAttributeValue"}, contact_data=contact,
        save_as_attributes={"returnedContactName": "Name", "returnedContactType": "CallerType", "x": "Absent"},
    )
    assert result.outcome == "Success" and result.ok and result.error is None
    assert result.external == {"Name": "CustomerName", "CallerType": "Patient", "Channel": "VOICE",
                               "Echo": "sentAttributeValue"}
    assert result.attributes == {"returnedContactName": "CustomerName", "returnedContactType": "Patient"}
    assert result.event["Details"]["ContactData"]["Attributes"] == {"lang": "en"}
    assert result.invoke is not None and result.invoke.attempts == 1


def test_connect_timeout_is_clamped_to_8_seconds(creds: AwsCredentials) -> None:
    assert connect_invoke(creds, "ConnectEcho", {}, timeout=30).timeout == 8.0


def _respond(creds: AwsCredentials, answer: Any, **kw: Any):
    return connect_invoke(creds, "ConnectEcho", {"respond": json.dumps(answer)}, **kw)


def test_connect_string_map_rejects_nested_values(creds: AwsCredentials) -> None:
    result = _respond(creds, {"Name": "x", "Address": {"Street": "Main"}})
    assert result.outcome == "Error"
    assert "nested" in result.error and "Address" in result.error
    assert result.external == {} and result.attributes == {}


def test_connect_string_map_rejects_other_characters(creds: AwsCredentials) -> None:
    result = _respond(creds, {"Address": "1234 Main Road!"})
    assert result.outcome == "Error"
    assert "alphanumeric, dash and underscore" in result.error
    assert "' '" in result.error and "'!'" in result.error


def test_connect_string_map_rejects_non_strings_and_non_objects(creds: AwsCredentials) -> None:
    assert "not a string" in _respond(creds, {"count": 3}).error
    assert "flat JSON object" in _respond(creds, ["a", "b"]).error


def test_connect_string_map_rejects_32kb(creds: AwsCredentials) -> None:
    result = _respond(creds, {"Big": "x" * (32 * 1024)})
    assert result.outcome == "Error"
    assert "32 KB" in result.error


def test_string_map_limit_is_strictly_less_than_32kb() -> None:
    just_under = json.dumps({"k": "x" * (32 * 1024 - 20)}).encode()
    assert len(just_under) < 32 * 1024
    assert validate_string_map(just_under, json.loads(just_under)) == []
    exactly = json.dumps({"k": "x" * (32 * 1024 - 9)}).encode()
    assert len(exactly) == 32 * 1024
    assert validate_string_map(exactly, json.loads(exactly))


def test_connect_json_mode_accepts_nested(creds: AwsCredentials) -> None:
    answer = {"Customer": {"Name": "Ana", "Tier": "gold"}, "Open": True}
    result = _respond(creds, answer, response_validation="JSON", save_as_attributes={"cust": "Customer"})
    assert result.outcome == "Success"
    assert result.external == answer
    assert json.loads(result.attributes["cust"]) == {"Name": "Ana", "Tier": "gold"}


def test_connect_function_error_takes_the_error_branch(creds: AwsCredentials) -> None:
    result = connect_invoke(creds, "ConnectEcho", {"raise": "database down"})
    assert result.outcome == "Error"
    assert "database down" in result.error and "Unhandled" in result.error


def test_connect_retries_throttling_within_the_budget(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.throttle(n=3, function="ConnectEcho")
    result = connect_invoke(creds, "ConnectEcho", {})
    assert result.outcome == "Success"
    assert result.invoke.attempts == 4


def test_connect_throttled_past_retries_is_error(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.throttle(n=20, function="ConnectEcho")
    result = connect_invoke(creds, "ConnectEcho", {}, timeout=2)
    assert result.outcome == "Error"
    assert isinstance(result.failure, LambdaThrottledError)
    assert "throttled" in result.error


def test_connect_5xx_then_success(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.server_error(n=2, function="ConnectEcho")
    assert connect_invoke(creds, "ConnectEcho", {}).invoke.attempts == 3


def test_connect_timeout_is_error(creds: AwsCredentials) -> None:
    result = connect_invoke(creds, "Sleeper", {"seconds": "3"}, timeout=1)
    assert result.outcome == "Error"
    assert "did not answer" in result.error


def test_connect_unknown_function_is_error(creds: AwsCredentials) -> None:
    result = connect_invoke(creds, "NoSuchConnectFunction", {})
    assert result.outcome == "Error"
    assert isinstance(result.failure, LambdaFunctionNotFoundError)


def test_connect_chain_budget(creds: AwsCredentials) -> None:
    budget = ConnectChainBudget()
    assert budget.total_seconds == 20.0
    assert connect_invoke(creds, "ConnectEcho", {}, budget=budget).ok
    assert 0 < budget.used < 20
    budget.charge(19.5)  # as if earlier functions of this contact had taken 19.5 s
    result = connect_invoke(creds, "Sleeper", {"seconds": "2"}, budget=budget)
    assert result.outcome == "Error"
    assert result.timeout <= 0.5
    assert "chain limit" in result.error
    assert budget.exhausted
    blocked = connect_invoke(creds, "ConnectEcho", {}, budget=budget)
    assert blocked.outcome == "Error" and "20 s limit" in blocked.error and blocked.invoke is None
    budget.reset()  # a Play prompt between functions breaks the chain
    assert connect_invoke(creds, "ConnectEcho", {}, budget=budget).ok


# ================================================================== Amazon Lex V1
def _order_event(source: str = "FulfillmentCodeHook", **slots: Any) -> dict:
    return build_lex_event(
        intent_name="OrderFlowers", slots={"FlowerType": None, "PickupDate": None, **slots},
        invocation_source=source, user_id="u-1", session_attributes={"lang": "en"},
        bot_name="OrderFlowersBot", input_transcript="I would like to order flowers",
    )


def test_lex_event_shape() -> None:
    event = _order_event()
    assert event["messageVersion"] == "1.0"
    assert event["invocationSource"] == "FulfillmentCodeHook"
    assert event["bot"] == {"name": "OrderFlowersBot", "alias": "$LATEST", "version": "$LATEST"}
    assert event["currentIntent"]["confirmationStatus"] == "None"
    assert event["outputDialogMode"] == "Text"
    assert event["requestAttributes"] is None
    assert "slotDetails" not in event["currentIntent"]


def test_lex_seed_bug_close_missing_is_424(creds: AwsCredentials) -> None:
    with pytest.raises(LexDependencyFailedError) as info:
        lex_codehook(creds, "LexOrderFlowersBuggy", _order_event(FlowerType="roses"))
    err = info.value
    assert err.status_code == 424
    assert err.code == "DependencyFailedException"
    assert "close" in err.message and "Unhandled" in err.message
    assert "NameError" in err.invoke.log_tail  # the log shows what CloudWatch showed the tutorial's author
    assert err.to_dict()["status"] == 424


def test_lex_fixed_close_fulfilled_and_session_carried(creds: AwsCredentials) -> None:
    result = lex_codehook(creds, "LexOrderFlowers", _order_event(FlowerType="roses"))
    assert result.type == "Close"
    assert result.dialog_action["fulfillmentState"] == "Fulfilled"
    assert result.message["contentType"] == "PlainText"
    assert result.message["content"].startswith("Fulfill intent named OrderFlowers")
    assert result.session_attributes == {"lang": "en", "turns": "1"}
    again = dict(_order_event(FlowerType="roses"), sessionAttributes=result.session_attributes)
    assert lex_codehook(creds, "LexOrderFlowers", again).session_attributes["turns"] == "2"


def test_lex_dialog_code_hook_elicit_slot_and_delegate(creds: AwsCredentials) -> None:
    result = lex_codehook(creds, "LexOrderFlowers", _order_event("DialogCodeHook", FlowerType="daisies"))
    assert result.type == "ElicitSlot"
    assert result.dialog_action["slotToElicit"] == "FlowerType"
    assert result.dialog_action["slots"]["FlowerType"] is None
    assert "daisies" in result.message["content"]
    delegate = lex_codehook(creds, "LexOrderFlowers", _order_event("DialogCodeHook", FlowerType="tulips"))
    assert delegate.type == "Delegate"


def test_lex_invalid_dialog_action(creds: AwsCredentials) -> None:
    with pytest.raises(LexInvalidResponseError) as info:
        lex_codehook(creds, "LexOrderFlowers", _order_event("DialogCodeHook", FlowerType="broken"))
    err = info.value
    assert err.status_code == 424
    assert "Invalid Lambda Response" in err.message
    assert set(err.problems) == {"ElicitSlot needs dialogAction.intentName", "ElicitSlot needs dialogAction.slots",
                                 "ElicitSlot needs dialogAction.slotToElicit"}


def test_lex_reply_without_dialog_action(creds: AwsCredentials) -> None:
    with pytest.raises(LexInvalidResponseError) as info:
        lex_codehook(creds, "Echo", _order_event())
    assert "dialogAction is missing" in info.value.message


def test_lex_throttled_is_429(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.throttle(n=1, function="LexOrderFlowers")
    with pytest.raises(LexLimitExceededError) as info:
        lex_codehook(creds, "LexOrderFlowers", _order_event(FlowerType="roses"))
    assert info.value.status_code == 429
    assert info.value.code == "LimitExceededException"


def test_lex_concurrency_exhausted_is_429(creds: AwsCredentials) -> None:
    with pytest.raises(LexLimitExceededError) as info:
        lex_codehook(creds, "LexNoConcurrency", _order_event(FlowerType="roses"))
    assert info.value.status_code == 429
    assert "maximum concurrency" in info.value.message
    assert info.value.to_dict()["code"] == "LimitExceededException"


@pytest.mark.parametrize(("reply", "problem"), [
    ({"dialogAction": {"type": "Close"}}, "Close needs dialogAction.fulfillmentState"),
    ({"dialogAction": {"type": "Close", "fulfillmentState": "Done"}}, "Fulfilled or Failed"),
    ({"dialogAction": {"type": "ConfirmIntent", "slots": {}}}, "ConfirmIntent needs dialogAction.intentName"),
    ({"dialogAction": {"type": "Delegate"}}, "Delegate needs dialogAction.slots"),
    ({"dialogAction": {"type": "Hangup"}}, "dialogAction.type must be one of"),
    ({"dialogAction": {"type": "ElicitIntent", "message": {"contentType": "HTML", "content": "x"}}},
     "contentType must be one of PlainText, SSML, CustomPayload"),
    ({"sessionAttributes": {"n": 1}, "dialogAction": {"type": "ElicitIntent"}}, "sessionAttributes.n must be a string"),
    ("just text", "must be a JSON object"),
])
def test_lex_reply_validation(reply: Any, problem: str) -> None:
    assert any(problem in p for p in validate_lex_response(reply)), validate_lex_response(reply)


def test_lex_valid_replies() -> None:
    ok = [
        {"dialogAction": {"type": "ElicitIntent", "message": {"contentType": "SSML", "content": "<speak>Hi</speak>"}}},
        {"dialogAction": {"type": "ConfirmIntent", "intentName": "I", "slots": {}}},
        {"sessionAttributes": {}, "dialogAction": {"type": "Delegate", "slots": {"a": None}}},
    ]
    for reply in ok:
        assert validate_lex_response(reply, "DialogCodeHook") == []
    assert validate_lex_response({"dialogAction": {"type": "Delegate", "slots": {}}}, "FulfillmentCodeHook")


# ================================================================== Runbook Automation
def test_runbook_invoke_existing_function(creds: AwsCredentials) -> None:
    result = runbook_invoke(creds, "RunbookScript", payload={"name": "ops"})
    out = result.outputs
    assert result.ok
    assert json.loads(out["invokeResponsePayloadString"]) == {"python": "3", "greeting": "hello ops"}
    assert out["functionName"] == "RunbookScript"
    assert out["functionWasInvoked"] == "true"
    assert out["invokeFunctionError"] is None
    assert "this line is only in the log" in out["invokeExecutionLog"]
    assert "this line is only in the log" not in out["invokeResponsePayloadString"]


def test_runbook_invoke_event_qualifier_and_client_context(creds: AwsCredentials) -> None:
    event = runbook_invoke(creds, "Echo", payload={"x": 1}, invocation_type="Event", qualifier="live")
    assert event.ok and event.outputs["statusCode"] == 202 and event.outputs["invokeResponsePayloadString"] == ""
    sync = runbook_invoke(creds, "Echo", payload={"x": 1}, client_context={"custom": {"job": "42"}})
    assert json.loads(sync.outputs["invokeResponsePayloadString"])["client_context_custom"] == {"job": "42"}


def test_runbook_invoke_function_error_and_missing_function(creds: AwsCredentials) -> None:
    failed = runbook_invoke(creds, "Raiser", payload={})
    assert not failed.ok
    assert failed.outputs["invokeFunctionError"] == "Unhandled"
    assert failed.outputs["functionWasInvoked"] == "true"
    missing = runbook_invoke(creds, "NoSuchRunbookFunction")
    assert isinstance(missing.error, LambdaFunctionNotFoundError)
    assert missing.outputs["functionWasInvoked"] == "false"
    bad_type = runbook_invoke(creds, "Echo", invocation_type="Sometimes")
    assert isinstance(bad_type.error, LambdaInvalidInputError)


CODE_OK = '''
def lambda_handler(event, context):
    print("printed, not returned")
    return {"sum": event["a"] + event["b"]}
'''

CODE_RAISES = '''
def lambda_handler(event, context):
    raise RuntimeError("custom code failed")
'''


def _exists(creds: AwsCredentials, name: str) -> bool:
    try:
        clients.lambda_client(creds).get_function(FunctionName=name)
        return True
    except clients.lambda_client(creds).exceptions.ResourceNotFoundException:
        return False


def test_runbook_custom_code_create_invoke_delete(target: Target) -> None:
    creds = target.creds  # the local service, and opt-in real AWS (tests/aws/realaws.py)
    result = runbook_custom_code(creds, code=CODE_OK, role_arn=target.role_arn, runtime=target.python_runtime,
                                 handler_name="lambda_handler", description="made by a test",
                                 tags={"origin": "bot-designer-tests"}, payload={"a": 2, "b": 3})
    out = result.outputs
    assert result.ok, result.error
    assert out["functionName"].startswith("rundeck-generated-function-")
    assert out["functionWasCreated"] == "true"
    assert out["functionWasInvoked"] == "true"
    assert out["functionWasDeleted"] == "true"
    assert json.loads(out["invokeResponsePayloadString"]) == {"sum": 5}
    assert out["invokeFunctionError"] is None
    assert "printed, not returned" in out["invokeExecutionLog"]
    assert not _exists(creds, out["functionName"])


def test_runbook_custom_code_deleted_after_a_function_error(target: Target) -> None:
    creds = target.creds
    result = runbook_custom_code(creds, code=CODE_RAISES, role_arn=target.role_arn, runtime=target.python_runtime)
    out = result.outputs
    assert not result.ok
    assert out["invokeFunctionError"] == "Unhandled"
    assert "custom code failed" in out["invokeResponsePayloadString"]
    assert out["functionWasDeleted"] == "true"
    assert not _exists(creds, out["functionName"])


def test_runbook_custom_code_deleted_after_a_failed_invocation(creds: AwsCredentials, svc: Any) -> None:
    name = "rb-custom-invoke-fails"
    svc.faults.throttle(n=1000, function=name)
    result = runbook_custom_code(creds, code=CODE_OK, role_arn=ROLE, runtime="python3.11", function_name=name,
                                 timeout=3)
    out = result.outputs
    assert isinstance(result.error, LambdaThrottledError)
    assert out["functionWasCreated"] == "true"
    assert out["functionWasInvoked"] == "false"
    assert out["functionWasDeleted"] == "true"
    svc.faults.clear()
    assert not _exists(creds, name)


def test_runbook_custom_code_kept_when_not_asked_to_delete(creds: AwsCredentials) -> None:
    result = runbook_custom_code(creds, code=CODE_OK, role_arn=ROLE, runtime="python3.11",
                                 payload={"a": 1, "b": 1}, delete_after=False)
    name = result.outputs["functionName"]
    try:
        assert result.outputs["functionWasDeleted"] == "false"
        assert _exists(creds, name)
    finally:
        clients.lambda_client(creds).delete_function(FunctionName=name)


def test_runbook_custom_code_rejects_compiled_runtimes(creds: AwsCredentials) -> None:
    result = runbook_custom_code(creds, code="class A {}", role_arn=ROLE, runtime="java17")
    assert isinstance(result.error, LambdaInvalidInputError)
    assert result.outputs["functionWasCreated"] == "false"


# ================================================================== seeds' own handlers, and edge cases
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")


def test_connect_seed_result_map_fails_string_map_but_passes_json(creds: AwsCredentials) -> None:
    # seed 001's own example answers "1234 Main Road": spaces break the STRING_MAP rule the same page states
    strict = connect_invoke(creds, "ConnectSeedResultMap", {"sentAttributeKey": "sentAttributeValue"})
    assert strict.outcome == "Error"
    expected = "'Address' = \"1234 Main Road\" has characters other than alphanumeric, dash and underscore: ' '"
    assert strict.problems == [expected]
    relaxed = connect_invoke(creds, "ConnectSeedResultMap", {}, response_validation="JSON",
                             save_as_attributes={"returnedContactName": "Name"})
    assert relaxed.outcome == "Success"
    assert relaxed.external == {"Name": "CustomerName", "Address": "1234 Main Road", "CallerType": "Patient"}
    assert relaxed.attributes == {"returnedContactName": "CustomerName"}


def test_connect_access_denied_is_the_error_branch(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.deny(n=1, function="ConnectEcho")
    result = connect_invoke(creds, "ConnectEcho", {})
    assert result.outcome == "Error"
    assert isinstance(result.failure, LambdaAccessDeniedError)
    assert result.invoke is None and result.external == {}


def test_connect_server_errors_past_the_retries_is_error(creds: AwsCredentials, svc: Any) -> None:
    svc.faults.server_error(n=10, status=503, function="ConnectEcho")
    result = connect_invoke(creds, "ConnectEcho", {})
    assert result.outcome == "Error"
    assert isinstance(result.failure, LambdaServiceError)
    assert result.failure.attempts == 4  # the call and Connect's 3 retries
    svc.faults.clear()


def test_lex_code_hook_timeout_is_424(creds: AwsCredentials) -> None:
    with pytest.raises(LexDependencyFailedError) as info:
        lex_codehook(creds, "Sleeper", dict(_order_event(), seconds=4), timeout=1)
    assert info.value.status_code == 424
    assert "did not answer within 1 s" in info.value.message


@needs_node
def test_lex_seed_node_handler_with_its_bug_is_424(creds: AwsCredentials) -> None:
    with pytest.raises(LexDependencyFailedError) as info:
        lex_codehook(creds, "LexClassifiedsNodeBuggy", _order_event(FlowerType="roses"))
    assert info.value.status_code == 424
    assert "close is not defined" in info.value.message


@needs_node
def test_lex_seed_node_handler_fixed_closes_fulfilled(creds: AwsCredentials) -> None:
    result = lex_codehook(creds, "LexClassifiedsNode", _order_event(FlowerType="roses"))
    assert result.type == "Close"
    assert result.dialog_action["fulfillmentState"] == "Fulfilled"
    assert result.message["content"].startswith("Fulfill intent named OrderFlowers")
    assert '"FlowerType":"roses"' in result.message["content"]
    assert result.session_attributes == {"lang": "en"}  # the function sent the session's attributes back


def test_runbook_custom_code_log_is_the_last_4kb(creds: AwsCredentials) -> None:
    code = ('def lambda_handler(event, context):\n    for i in range(400):\n'
            '        print(f"line {i:04d} " + "x" * 20)\n    return "done"\n')
    result = runbook_custom_code(creds, code=code, role_arn=ROLE, runtime="python3.11")
    log = result.outputs["invokeExecutionLog"]
    assert result.ok and result.outputs["invokeResponsePayloadString"] == '"done"'
    assert len(log.encode()) <= 4096 and "REPORT RequestId:" in log and "line 0399" in log
    assert "line 0000" not in log  # the start of the log fell out of the window
