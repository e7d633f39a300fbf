def handler(event, context):
    return {"dialogAction": {"type": "Close", "fulfillmentState": "Fulfilled"}}
