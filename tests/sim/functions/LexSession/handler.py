"""An Amazon Lex V1 fulfillment code hook written like seed 002's `close()` handler: it keeps a turn counter and
the previous transcript in the session attributes, and says what it was given."""
import json


def handler(event, context):
    session = dict(event.get("sessionAttributes") or {})
    turn = int(session.get("turns", "0")) + 1
    previous = session.get("last", "")
    session.update(turns=str(turn), last=event["inputTranscript"])
    intent = event["currentIntent"]
    content = (f"turn {turn} for {event['userId']} on {event['bot']['name']}/{event['bot']['alias']} "
               f"({event['invocationSource']}): {intent['name']} {json.dumps(intent['slots'], sort_keys=True)} "
               f"said={event['inputTranscript']!r} before={previous!r}")
    return {"sessionAttributes": session,
            "dialogAction": {"type": "Close", "fulfillmentState": "Fulfilled",
                             "message": {"contentType": "PlainText", "content": content}}}
