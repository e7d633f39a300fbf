"""An Amazon Connect "Invoke AWS Lambda function" handler: `mode=lookup` answers a flat string map (seed 001's
resultMap style); `mode=echo` answers what it saw of the contact, for JSON validation."""
import json


def handler(event, context):
    details = event["Details"]
    params = details["Parameters"]
    contact = details["ContactData"]
    if params.get("mode") == "lookup":
        return {"CustomerTier": "gold", "AccountId": "A-42", "Asked": params.get("customer", "")}
    return {
        "Attributes": json.dumps(contact["Attributes"], sort_keys=True),
        "Channel": contact["Channel"],
        "Address": contact["CustomerEndpoint"]["Address"],
        "ContactId": contact["ContactId"],
        "Parameters": json.dumps(params, sort_keys=True),
    }
