"""The classic Amazon Lex (V1) "OrderFlowers" code hook, in Python.

DialogCodeHook: validate the slots (FlowerType, PickupDate, PickupTime) and answer ElicitSlot with a
message for the first bad one, or Delegate. FulfillmentCodeHook: Close with fulfillmentState Fulfilled.
SEED_BUG=1 (environment) reproduces the Lex tutorial's deliberate bug: the `close` helper is "missing", so
fulfillment fails with NameError: name 'close' is not defined (Lex would answer 424 DependencyFailed).
"""
from __future__ import annotations

import datetime
import logging
import os
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)

FLOWER_TYPES = ["lilies", "roses", "tulips"]


def elicit_slot(session_attributes: dict[str, Any], intent_name: str, slots: dict[str, Any], slot_to_elicit: str,
                message: dict[str, str]) -> dict[str, Any]:
    return {"sessionAttributes": session_attributes,
            "dialogAction": {"type": "ElicitSlot", "intentName": intent_name, "slots": slots,
                             "slotToElicit": slot_to_elicit, "message": message}}


def close(session_attributes: dict[str, Any], fulfillment_state: str, message: dict[str, str]) -> dict[str, Any]:
    return {"sessionAttributes": session_attributes,
            "dialogAction": {"type": "Close", "fulfillmentState": fulfillment_state, "message": message}}


def delegate(session_attributes: dict[str, Any], slots: dict[str, Any]) -> dict[str, Any]:
    return {"sessionAttributes": session_attributes, "dialogAction": {"type": "Delegate", "slots": slots}}


def _result(is_valid: bool, slot: str | None = None, text: str | None = None) -> dict[str, Any]:
    if text is None:
        return {"isValid": is_valid, "violatedSlot": slot}
    return {"isValid": is_valid, "violatedSlot": slot, "message": {"contentType": "PlainText", "content": text}}


def _parse_date(value: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None


def validate_order_flowers(flower_type: str | None, date: str | None, pickup_time: str | None,
                           today: datetime.date | None = None) -> dict[str, Any]:
    today = today or datetime.date.today()
    if flower_type is not None and flower_type.lower() not in FLOWER_TYPES:
        return _result(False, "FlowerType", f"We do not have {flower_type}, would you like a different type of "
                       "flower?  Our most popular flowers are roses")
    if date:
        parsed = _parse_date(date)
        if parsed is None:
            return _result(False, "PickupDate", "I did not understand that, what date would you like to pick "
                           "the flowers up?")
        if parsed <= today:
            return _result(False, "PickupDate", "You can pick up the flowers from tomorrow onwards.  What day "
                           "would you like to pick them up?")
    if pickup_time:
        if len(pickup_time) != 5 or pickup_time[2] != ":" or not (pickup_time[:2] + pickup_time[3:]).isdigit():
            return _result(False, "PickupTime", None)
        hour, minute = int(pickup_time[:2]), int(pickup_time[3:])
        if hour > 23 or minute > 59:
            return _result(False, "PickupTime", None)
        if hour < 10 or hour > 16:
            return _result(False, "PickupTime", "Our business hours are from ten a m. to five p m. Can you "
                           "specify a time during this range?")
    return _result(True)


def order_flowers(intent_request: dict[str, Any]) -> dict[str, Any]:
    slots = intent_request["currentIntent"]["slots"]
    flower_type = slots.get("FlowerType")
    date = slots.get("PickupDate")
    pickup_time = slots.get("PickupTime")
    source = intent_request["invocationSource"]
    session_attributes = intent_request.get("sessionAttributes") or {}

    if source == "DialogCodeHook":
        result = validate_order_flowers(flower_type, date, pickup_time)
        if not result["isValid"]:
            slots[result["violatedSlot"]] = None
            return elicit_slot(session_attributes, intent_request["currentIntent"]["name"], slots,
                               result["violatedSlot"], result.get("message"))  # type: ignore[arg-type]
        if flower_type is not None:
            session_attributes["Price"] = str(len(flower_type) * 5)  # elaborate pricing, as in the blueprint
        return delegate(session_attributes, slots)

    if os.environ.get("SEED_BUG") == "1":
        # The tutorial's deliberate bug: the helper that builds the Close response is not defined.
        raise NameError("name 'close' is not defined")
    return close(session_attributes, "Fulfilled",
                 {"contentType": "PlainText",
                  "content": f"Thanks, your order for {flower_type} has been placed and will be ready for pickup "
                             f"by {pickup_time} on {date}"})


def dispatch(intent_request: dict[str, Any]) -> dict[str, Any]:
    logger.info("dispatch userId=%s, intentName=%s", intent_request.get("userId"),
                intent_request["currentIntent"]["name"])
    intent_name = intent_request["currentIntent"]["name"]
    if intent_name == "OrderFlowers":
        return order_flowers(intent_request)
    raise Exception("Intent with name " + intent_name + " not supported")  # as in the blueprint


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    os.environ["TZ"] = "America/New_York"
    logger.debug("event.bot.name=%s", (event.get("bot") or {}).get("name"))
    return dispatch(event)
