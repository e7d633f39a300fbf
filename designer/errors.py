"""The one error type every layer raises for expected failures: it carries what to do about it."""
from __future__ import annotations


class DesignerError(Exception):
    """An expected failure with a message for the user and, when known, what to do about it."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message
