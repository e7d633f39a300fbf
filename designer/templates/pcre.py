"""PHP PCRE patterns (``/.../flags``) on Python: the ``regex`` module when installed (PCRE-like syntax and a
match timeout, so a catastrophic pattern cannot hang a render), else ``re`` with a small translation."""
from __future__ import annotations

import functools
import logging
import re
from typing import Any

from designer.templates.errors import TemplateError

log = logging.getLogger(__name__)

try:  # optional: better PCRE compatibility and a timeout
    import regex as _regex
except ImportError:  # pragma: no cover - depends on the machine
    _regex = None

TIMEOUT_SECONDS = 1.0
_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}


@functools.lru_cache(maxsize=512)
def compile_php_regex(pattern: str) -> Any:
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
    flags_text = ""
    for modifier in modifiers:
        if modifier in "imsx":
            flags_text += modifier
        elif modifier in "uDSUAX\n ":
            continue
        else:
            return None
    if "A" in modifiers:
        body = r"\G(?:" + body + ")" if _regex else "(?:" + body + ")"
    try:
        if _regex is not None:
            body = body.replace(r"\z", r"\Z")
            flags = _regex.V0
            for ch in flags_text:
                flags |= {"i": _regex.I, "m": _regex.M, "s": _regex.S, "x": _regex.X}[ch]
            return _regex.compile(body, flags)
        body = body.replace(r"\z", r"\Z").replace(r"\h", r"[ \t]").replace("(?<", "(?P<").replace("(?P<=", "(?<=")
        body = body.replace("(?P<!", "(?<!")
        flags = 0
        for ch in flags_text:
            flags |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}[ch]
        return re.compile(body, flags)
    except Exception:  # noqa: BLE001 - any compile failure is PHP's "false"
        log.debug("invalid PCRE pattern %r", pattern)
        return None


def _search(compiled: Any, subject: str) -> Any:
    if _regex is not None and isinstance(compiled, _regex.Pattern):
        try:
            return compiled.search(subject, timeout=TIMEOUT_SECONDS)
        except TimeoutError:
            raise TemplateError("Regular expression took too long (backtracking limit)") from None
    return compiled.search(subject)


def _finditer(compiled: Any, subject: str) -> list[Any]:
    if _regex is not None and isinstance(compiled, _regex.Pattern):
        try:
            return list(compiled.finditer(subject, timeout=TIMEOUT_SECONDS))
        except TimeoutError:
            raise TemplateError("Regular expression took too long (backtracking limit)") from None
    return list(compiled.finditer(subject))


def preg_match(pattern: str, subject: str) -> Any:
    compiled = compile_php_regex(pattern)
    if compiled is None:
        return None
    return _search(compiled, subject)


def preg_match_all(pattern: str, subject: str) -> list[Any] | None:
    compiled = compile_php_regex(pattern)
    if compiled is None:
        return None
    return _finditer(compiled, subject)


def preg_replace(pattern: str, replacement: str, subject: str) -> str | None:
    compiled = compile_php_regex(pattern)
    if compiled is None:
        return None
    template = re.sub(r"\\(\d+)|\$\{(\d+)\}|\$(\d+)", lambda m: f"\\g<{m.group(1) or m.group(2) or m.group(3)}>",
                      replacement.replace("\\\\", "\x00"))
    template = template.replace("\x00", "\\\\")
    try:
        if _regex is not None and isinstance(compiled, _regex.Pattern):
            return compiled.sub(template, subject, timeout=TIMEOUT_SECONDS)
        return compiled.sub(template, subject)
    except TimeoutError:
        raise TemplateError("Regular expression took too long (backtracking limit)") from None
    except (re.error, IndexError):
        return None
