"""The one error the template layer raises: a Twig syntax, sandbox or runtime failure (Cerb's build() → false)."""
from __future__ import annotations

from designer.errors import DesignerError


class TemplateError(DesignerError):
    """A template failed to compile or render; ``line`` is the template line when known."""

    def __init__(self, message: str, *, hint: str = "", line: int | None = None) -> None:
        super().__init__(message, hint=hint)
        self.line = line


class SecurityError(TemplateError):
    """The template tried something the sandbox does not allow (a tag, filter, function or Python internals)."""
