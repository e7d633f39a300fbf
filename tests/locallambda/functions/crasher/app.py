import os


def handler(event, context):
    if event.get("crash"):
        os._exit(3)
    return {"pid": os.getpid()}
