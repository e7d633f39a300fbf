"""Seed 002's Lex V1 code hook, ported to Python WITH the deliberate bug: `close` is never defined."""
import json


def dispatch(intent_request):
    intent_name = intent_request["currentIntent"]["name"]
    slots = intent_request["currentIntent"]["slots"]
    source = intent_request["invocationSource"]
    session_attributes = intent_request["sessionAttributes"]
    if source != "DialogCodeHook":
        return close(  # noqa: F821 - the bug the tutorial finds through CloudWatch
            session_attributes,
            "Fulfilled",
            {"contentType": "PlainText", "content": f"Fulfill intent named {intent_name}\nBody: {json.dumps(slots)}"},
        )


def handler(event, context):
    return dispatch(event)
