"""An Amazon Connect "Invoke AWS Lambda function" target: a flat string map for $.External.<key>.

Input: the ContactFlowEvent envelope {"Details": {"ContactData": {...}, "Parameters": {...}}, "Name": ...}.
The caller is looked up by Parameters.phoneNumber, else ContactData.CustomerEndpoint.Address, in a fixed
table. Parameters.responseShape = "nested" deliberately breaks Connect's flat-map contract (for lint/sim
tests); Parameters.delaySeconds sleeps first (for timeout budgets).
"""
from __future__ import annotations

import time
from typing import Any

CUSTOMERS: dict[str, dict[str, str]] = {
    "+15555550100": {"Name": "Jane_Doe", "AccountId": "A-1001", "CallerType": "Patient", "Tier": "Gold"},
    "+15555550101": {"Name": "John_Smith", "AccountId": "A-1002", "CallerType": "Doctor", "Tier": "Silver"},
    "+1234567890": {"Name": "CustomerName", "AccountId": "A-0001", "CallerType": "Patient", "Tier": "Bronze"},
}


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    details = (event or {}).get("Details") or {}
    params = details.get("Parameters") or {}
    contact = details.get("ContactData") or {}
    delay = float(params.get("delaySeconds") or 0)
    if delay > 0:
        time.sleep(delay)
    phone = params.get("phoneNumber") or (contact.get("CustomerEndpoint") or {}).get("Address") or ""
    print(f"Looking up caller {phone!r} for contact {contact.get('ContactId')}")
    customer = CUSTOMERS.get(phone)
    result: dict[str, Any] = {
        "Found": "true" if customer else "false",
        "Channel": str(contact.get("Channel") or "VOICE"),
        **(customer or {"Name": "Unknown", "CallerType": "Unknown"}),
    }
    if "sentAttributeKey" in params:
        result["ReceivedAttribute"] = str(params["sentAttributeKey"])
    if params.get("responseShape") == "nested":
        result["Details"] = {"nested": True, "phone": phone}  # not a flat string map: Connect's Error branch
    return result
