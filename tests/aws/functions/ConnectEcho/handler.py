"""An Amazon Connect "Invoke AWS Lambda function" handler (seed 001's resultMap).

The contact flow controls the answer through the `respond` parameter (JSON), so tests can make it
return nested values, bad characters or too much data; otherwise it returns a valid flat string map.
"""
import json


def handler(event, context):
    params = event["Details"]["Parameters"]
    if "respond" in params:
        return json.loads(params["respond"])
    if params.get("raise"):
        raise RuntimeError(params["raise"])
    contact = event["Details"]["ContactData"]
    return {
        "Name": "CustomerName",
        "CallerType": "Patient",
        "Channel": contact.get("Channel", ""),
        "Echo": params.get("sentAttributeKey", ""),
    }
