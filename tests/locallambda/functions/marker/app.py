from pathlib import Path


def handler(event, context):
    Path(event["path"]).write_text(event.get("text", "ran") + " " + context.aws_request_id)
    return "written"
