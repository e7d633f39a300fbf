"""Echoes the event, the client context and the version that ran (tests/aws)."""


def handler(event, context):
    print("echo handler saw", type(event).__name__)
    cc = context.client_context
    return {
        "event": event,
        "client_context_custom": getattr(cc, "custom", None) if cc else None,
        "function_version": context.function_version,
    }
