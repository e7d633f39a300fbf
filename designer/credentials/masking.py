"""Secret masking: a process-wide set of known secrets, `redact()` for traces/cassettes/crash reports,
and a logging hook that masks every record on every handler.

Secrets are registered by the account layer whenever it reads or writes one (and by anyone holding an
`AwsCredentials`, via `register_aws_credentials`). Secrets shorter than `MIN_SECRET_LENGTH` characters are
not masked in free text (they would mangle every log line); the account layer still never logs them.
"""
from __future__ import annotations

import logging
import re
import threading
import urllib.parse
from base64 import b64encode
from collections.abc import Iterable
from typing import Any

MASK = "****"
MIN_SECRET_LENGTH = 4

_lock = threading.RLock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_installed = False
_FLAG = "_bot_designer_masking"


def _variants(secret: str) -> set[str]:
    out = {secret}
    quoted = urllib.parse.quote(secret, safe="")
    if quoted != secret:
        out.add(quoted)
    plus = urllib.parse.quote_plus(secret, safe="")
    if plus != secret:
        out.add(plus)
    return out


def register_secret(secret: str | None) -> None:
    """Mask this value (and its URL-encoded forms) from now on in logs and `redact()`."""
    global _pattern
    if not secret or not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH:
        return
    with _lock:
        new = _variants(secret) - _secrets
        if new:
            _secrets.update(new)
            _pattern = None


def register_secrets(secrets: Iterable[str | None]) -> None:
    for s in secrets:
        register_secret(s)


def register_basic_auth(username: str, password: str) -> str:
    """Register a Basic auth token (base64 of user:password) and return it."""
    token = b64encode(f"{username}:{password}".encode()).decode("ascii")
    register_secret(password)
    register_secret(token)
    return token


def register_aws_credentials(creds: Any) -> None:
    register_secrets(getattr(creds, "secrets", ()) or ())


def known_secrets() -> set[str]:
    with _lock:
        return set(_secrets)


def forget_all() -> None:
    """For tests: clear the registry."""
    global _pattern
    with _lock:
        _secrets.clear()
        _pattern = None


def _compiled() -> re.Pattern[str] | None:
    global _pattern
    with _lock:
        if _pattern is None and _secrets:
            ordered = sorted(_secrets, key=len, reverse=True)  # longest first: no partial leftovers
            _pattern = re.compile("|".join(re.escape(s) for s in ordered))
        return _pattern


def redact(value: Any, secrets: Iterable[str] | None = None) -> Any:
    """Mask every known secret (plus `secrets`) in a string, bytes, or a JSON-like structure (recursively,
    keys included). Other values are returned unchanged."""
    pattern = _compiled()
    if secrets:
        extra = {v for s in secrets if s and len(s) >= MIN_SECRET_LENGTH for v in _variants(s)}
        if extra:
            allv = sorted(extra | known_secrets(), key=len, reverse=True)
            pattern = re.compile("|".join(re.escape(s) for s in allv))
    if pattern is None:
        return value
    return _redact(value, pattern)


def _redact(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(MASK, value)
    if isinstance(value, bytes | bytearray):
        try:
            text = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            text = bytes(value).decode("latin-1")
            return pattern.sub(MASK, text).encode("latin-1")
        return pattern.sub(MASK, text).encode("utf-8")
    if isinstance(value, dict):
        return {_redact(k, pattern): _redact(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, pattern) for v in value]
    if isinstance(value, tuple):
        return tuple(_redact(v, pattern) for v in value)
    return value


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask secrets in a record in place: message (after % formatting), exception text, stack info."""
    if getattr(record, _FLAG, False):
        return record
    pattern = _compiled()
    if pattern is not None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string: let logging report it as usual
            message = None
        if message is not None:
            masked = pattern.sub(MASK, message)
            if masked != message:
                record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = pattern.sub(MASK, record.exc_text)
        if record.stack_info:
            record.stack_info = pattern.sub(MASK, record.stack_info)
        setattr(record, _FLAG, True)
    return record


class SecretMaskingFilter(logging.Filter):
    """Masks known secrets; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


_filter = SecretMaskingFilter()
_original_handle = logging.Handler.handle


def _masking_handle(self: logging.Handler, record: logging.LogRecord) -> Any:
    mask_record(record)
    return _original_handle(self, record)


setattr(_masking_handle, _FLAG, True)


def install_secret_masking() -> None:
    """Idempotently mask secrets in every log record: a filter on the root logger and its handlers, and a
    wrapper around `logging.Handler.handle`, so handlers added later and records propagated from child
    loggers (which skip the root logger's own filters) are masked too."""
    global _installed
    with _lock:
        root = logging.getLogger()
        if _filter not in root.filters:
            root.addFilter(_filter)
        for handler in root.handlers:
            if _filter not in handler.filters:
                handler.addFilter(_filter)
        if not getattr(logging.Handler.handle, _FLAG, False):
            logging.Handler.handle = _masking_handle  # type: ignore[method-assign]
        _hook_aws_credentials()
        _installed = True


def _hook_aws_credentials() -> None:
    """Register the secrets of every `AwsCredentials` when it is made (wherever it comes from: an account,
    the environment, a `lambda serve` ready line), so they are masked like the accounts' own."""
    from designer.aws.credentials import CREATED_HOOKS

    if register_aws_credentials not in CREATED_HOOKS:
        CREATED_HOOKS.append(register_aws_credentials)


def is_installed() -> bool:
    return _installed and getattr(logging.Handler.handle, _FLAG, False)
