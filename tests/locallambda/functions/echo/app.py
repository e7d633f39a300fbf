import logging
import os

logging.getLogger().setLevel(logging.INFO)


def handler(event, context):
    print("echo got", event)
    logging.info("via logging")  # the root logger is what the runtime captures
    if isinstance(event, dict) and event.get("raise"):
        raise ValueError(event["raise"])
    cc = context.client_context
    return {
        "event": event,
        "pid": os.getpid(),
        "greeting": os.environ.get("GREETING"),
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "identity": context.identity.cognito_identity_id,
        "client_context": None if cc is None else {
            "custom": cc.custom, "env": cc.env,
            "client": None if cc.client is None else vars(cc.client)},
    }
