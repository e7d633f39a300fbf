"""A Runbook Automation custom-code script: prints go to the log, only the return value is the result."""
import platform


def lambda_handler(event, context):
    print("this line is only in the log")
    return {"python": platform.python_version().split(".")[0], "greeting": "hello " + str(event.get("name", "world"))}
