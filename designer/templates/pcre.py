"""PHP PCRE patterns (``/.../flags``) on the ``regex`` module: PCRE-like syntax (``(?<name>…)``, ``\\h``, ``\\G``,
possessive quantifiers) and a match timeout, so a catastrophic pattern from an imported package cannot hang a
render or a condition. ``regex`` is a required dependency: plain ``re`` has no timeout."""
from __future__ import annotations

import functools
import logging
from typing import Any

import regex

from designer.templates.errors import TemplateError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 1.0
_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}
_FLAGS = {"i": regex.I, "m": regex.M, "s": regex.S, "x": regex.X}
_TOO_SLOW = "Regular expression took too long (backtracking limit)"


@functools.lru_cache(maxsize=512)
def compile_php_regex(pattern: str) -> regex.Pattern[str] | None:
    """Compile ``/body/flags``; an invalid pattern gives None (PHP warns and preg_* return false)."""
    stripped = pattern.lstrip(" \t\n\r\v\f")
    if not stripped or stripped[0].isalnum() or stripped[0] == "\\":
        return None
    delim = stripped[0]
    end_delim = _PAIRS.get(delim, delim)
    end = stripped.rfind(end_delim)
    if end <= 0:
        return None
    body, modifiers = stripped[1:end], stripped[end + 1:]
    flags = regex.V0
    for modifier in modifiers:
        if modifier in _FLAGS:
            flags |= _FLAGS[modifier]
        elif modifier not in "uDSUAX\n ":
            return None
    if "u" not in modifiers:  # without /u PCRE works on bytes: \w, \d, \s, \b and /i know only ASCII
        flags |= regex.ASCII
    if "A" in modifiers:
        body = r"\G(?:" + body + ")"
    try:
        return regex.compile(body.replace(r"\z", r"\Z"), flags)
    except Exception:  # noqa: BLE001 - any compile failure is PHP's "false"
        log.debug("invalid PCRE pattern %r", pattern)
        return None


def search(compiled: regex.Pattern[str], subject: str) -> Any:
    """``compiled.search`` with the timeout; a timeout is a TemplateError (PHP's backtrack-limit false)."""
    try:
        return compiled.search(subject, timeout=TIMEOUT_SECONDS)
    except TimeoutError:
        raise TemplateError(_TOO_SLOW) from None


def preg_match(pattern: str, subject: str) -> Any:
    compiled = compile_php_regex(pattern)
    if compiled is None:
        return None
    return search(compiled, subject)


def preg_match_all(pattern: str, subject: str) -> list[Any] | None:
    compiled = compile_php_regex(pattern)
    if compiled is None:
        return None
    try:
        return list(compiled.finditer(subject, timeout=TIMEOUT_SECONDS))
    except TimeoutError:
        raise TemplateError(_TOO_SLOW) from None

