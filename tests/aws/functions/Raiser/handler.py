def handler(event, context):
    print("about to fail")
    raise ValueError("boom: " + str(event.get("why", "no reason")))
