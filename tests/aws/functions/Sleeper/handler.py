import time


def handler(event, context):
    """Sleeps `seconds` (top-level, or a Connect parameter) and answers a Connect-friendly string map."""
    seconds = event.get("seconds") or event.get("Details", {}).get("Parameters", {}).get("seconds") or 1
    time.sleep(float(seconds))
    return {"slept": str(seconds)}
