"""Caller profiles: how Amazon Connect, Amazon Lex V1 and Runbook Automation call Lambda.

Each is a plain function the simulator wraps as an action handler (see docs/lambda.md):

| action key                 | function                                  |
|----------------------------|-------------------------------------------|
| `aws.lambda.connect_invoke` | `connect.connect_invoke(...)`            |
| `aws.lambda.lex_codehook`   | `lex.lex_codehook(creds, fn, lex.build_lex_event(...))` |
| `aws.lambda.invoke`         | `runbook.runbook_invoke(...)`            |
| `aws.lambda.custom_code`    | `runbook.runbook_custom_code(...)`       |
"""
from __future__ import annotations

from designer.aws.profiles.connect import (
    ConnectChainBudget,
    ConnectInvokeResult,
    build_contact_flow_event,
    connect_invoke,
    default_contact_data,
)
from designer.aws.profiles.lex import (
    LexCodeHookError,
    LexCodeHookResult,
    LexDependencyFailedError,
    LexInvalidResponseError,
    LexLimitExceededError,
    build_lex_event,
    lex_codehook,
    validate_lex_response,
)
from designer.aws.profiles.runbook import RunbookResult, runbook_custom_code, runbook_invoke

ACTIONS = {
    "aws.lambda.connect_invoke": connect_invoke,
    "aws.lambda.lex_codehook": lex_codehook,
    "aws.lambda.invoke": runbook_invoke,
    "aws.lambda.custom_code": runbook_custom_code,
}

__all__ = [
    "ACTIONS",
    "ConnectChainBudget",
    "ConnectInvokeResult",
    "LexCodeHookError",
    "LexCodeHookResult",
    "LexDependencyFailedError",
    "LexInvalidResponseError",
    "LexLimitExceededError",
    "RunbookResult",
    "build_contact_flow_event",
    "build_lex_event",
    "connect_invoke",
    "default_contact_data",
    "lex_codehook",
    "runbook_custom_code",
    "runbook_invoke",
    "validate_lex_response",
]
