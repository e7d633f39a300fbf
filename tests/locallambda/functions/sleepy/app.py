import time


def handler(event, context):
    print("sleeping", event.get("seconds", 0))
    time.sleep(float(event.get("seconds", 0)))
    return {"slept": event.get("seconds", 0)}
