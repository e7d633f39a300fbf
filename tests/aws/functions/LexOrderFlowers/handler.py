"""Seed 002's Lex V1 code hook with the fix (`close` defined), plus a DialogCodeHook that elicits a slot."""
import json

FLOWERS = ("roses", "tulips", "lilies")


def close(session_attributes, fulfillment_state, message):
    return {
        "sessionAttributes": session_attributes,
        "dialogAction": {"type": "Close", "fulfillmentState": fulfillment_state, "message": message},
    }


def elicit_slot(session_attributes, intent_name, slots, slot_to_elicit, message):
    return {
        "sessionAttributes": session_attributes,
        "dialogAction": {
            "type": "ElicitSlot",
            "intentName": intent_name,
            "slots": slots,
            "slotToElicit": slot_to_elicit,
            "message": message,
        },
    }


def dispatch(intent_request):
    intent_name = intent_request["currentIntent"]["name"]
    slots = intent_request["currentIntent"]["slots"]
    source = intent_request["invocationSource"]
    session_attributes = dict(intent_request.get("sessionAttributes") or {})
    session_attributes["turns"] = str(int(session_attributes.get("turns", "0")) + 1)
    if source == "DialogCodeHook":
        flower = slots.get("FlowerType")
        if flower == "broken":  # a deliberately invalid reply: ElicitSlot without slotToElicit
            return {"sessionAttributes": session_attributes, "dialogAction": {"type": "ElicitSlot"}}
        if flower is not None and flower.lower() not in FLOWERS:
            slots["FlowerType"] = None
            return elicit_slot(session_attributes, intent_name, slots, "FlowerType", {
                "contentType": "PlainText",
                "content": f"We do not have {flower}, would you like a different type of flower?",
            })
        return {"sessionAttributes": session_attributes, "dialogAction": {"type": "Delegate", "slots": slots}}
    return close(
        session_attributes,
        "Fulfilled",
        {"contentType": "PlainText", "content": f"Fulfill intent named {intent_name}\nBody: {json.dumps(slots)}"},
    )


def handler(event, context):
    return dispatch(event)
