"""Typed errors of the Lambda layer: each says what went wrong and, in its hint, what to do about it.

Every class subclasses `DesignerError`; `exit_code` is what the CLI returns (2 = invalid input).
`to_dict()` gives a structured form the simulator can show and cassettes can store.
"""
from __future__ import annotations

from typing import Any

from designer.errors import DesignerError

EXIT_FAILED, EXIT_INVALID = 1, 2


class LambdaError(DesignerError):
    """Base of every failure of a Lambda call (the call did not produce a function result)."""

    exit_code = EXIT_FAILED
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        function: str = "",
        code: str = "",
        status: int | None = None,
        attempts: int = 0,
    ) -> None:
        super().__init__(message, hint=hint)
        self.function = function
        self.code = code  # the AWS error code (x-amzn-ErrorType), when there was one
        self.status = status  # the HTTP status, when there was one
        self.attempts = attempts

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "hint": self.hint,
            "function": self.function,
            "code": self.code,
            "status": self.status,
            "attempts": self.attempts,
        }


class LambdaCredentialsError(LambdaError):
    """No usable credentials (none configured, unknown profile, expired SSO session)."""


class LambdaNoCredentialsError(LambdaCredentialsError):
    pass


class LambdaSsoTokenExpiredError(LambdaCredentialsError):
    pass


class LambdaAuthError(LambdaError):
    """AWS (or the local service) refused the caller: not allowed, bad signature, unknown key, expired token."""


class LambdaAccessDeniedError(LambdaAuthError):
    pass


class LambdaInvalidSignatureError(LambdaAuthError):
    pass


class LambdaUnknownKeyError(LambdaAuthError):
    pass


class LambdaExpiredTokenError(LambdaAuthError):
    pass


class LambdaFunctionNotFoundError(LambdaError):
    pass


class LambdaThrottledError(LambdaError):
    retryable = True


class LambdaServiceError(LambdaError):
    """A 5xx from the service (retried; this is raised once the retries are spent)."""

    retryable = True


class LambdaTimeoutError(LambdaError):
    """No answer within the deadline."""


class LambdaConnectionError(LambdaError):
    """The endpoint could not be reached (refused, DNS, TLS, reset)."""


class LambdaInvalidInputError(LambdaError):
    """The request is wrong before or as the service sees it: nothing to retry, fix the input."""

    exit_code = EXIT_INVALID


class LambdaPayloadTooLargeError(LambdaInvalidInputError):
    pass


class LambdaClientContextTooLargeError(LambdaInvalidInputError):
    pass


class LambdaInvalidRequestError(LambdaInvalidInputError):
    pass


class LambdaConflictError(LambdaError):
    """The function exists but is not ready, or already exists (control plane)."""


class LambdaApiError(LambdaError):
    """Any other service error, with AWS's code and message."""


class CassetteMissError(DesignerError):
    """Replay found no recorded interaction for a request."""

    exit_code = EXIT_FAILED


class CassetteFormatError(DesignerError):
    exit_code = EXIT_INVALID


class SigningError(DesignerError):
    """The request cannot be signed (Cerb: the URL's host is not an AWS host)."""

    exit_code = EXIT_INVALID


_BY_NAME: dict[str, type[DesignerError]] = {}


def _collect(cls: type[DesignerError]) -> None:
    _BY_NAME[cls.__name__] = cls
    for sub in cls.__subclasses__():
        _collect(sub)


def error_from_dict(data: dict[str, Any]) -> DesignerError:
    """Rebuild a recorded error (cassette replay) as the same typed error."""
    if not _BY_NAME:
        _collect(LambdaError)
        for other in (CassetteMissError, CassetteFormatError, SigningError):
            _BY_NAME[other.__name__] = other
    cls = _BY_NAME.get(str(data.get("error", "")), LambdaApiError)
    if issubclass(cls, LambdaError):
        return cls(
            str(data.get("message", "")),
            hint=str(data.get("hint", "")),
            function=str(data.get("function", "")),
            code=str(data.get("code", "")),
            status=data.get("status"),
            attempts=int(data.get("attempts") or 0),
        )
    return cls(str(data.get("message", "")), hint=str(data.get("hint", "")))
