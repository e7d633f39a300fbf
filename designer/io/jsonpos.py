"""Line and column of a JSON path in the source text: used only to explain errors, never on the fast path."""
from __future__ import annotations

import json
import re

_decoder = json.JSONDecoder()
_ws = re.compile(r"[ \t\n\r]*")
_token = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(path: str) -> list[str | int]:
    """`bots[0].behaviors[2]` → ['bots', 0, 'behaviors', 2]."""
    return [int(idx) if idx else key for key, idx in _token.findall(path)]


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def _skip_ws(text: str, i: int) -> int:
    m = _ws.match(text, i)
    return m.end() if m else i


def locate(text: str, path: str) -> tuple[int, int] | None:
    """The (line, column) where the value at `path` starts, or the deepest ancestor that exists."""
    try:
        return line_col(text, _offset(text, parse_path(path)))
    except (ValueError, IndexError):
        return None


def _offset(text: str, tokens: list[str | int]) -> int:
    i = _skip_ws(text, 0)
    if text.startswith("\ufeff", i):
        i = _skip_ws(text, i + 1)
    for token in tokens:
        found = _child_offset(text, i, token)
        if found is None:
            return i  # the closest existing ancestor
        i = found
    return i


def _child_offset(text: str, i: int, token: str | int) -> int | None:
    opener = text[i]
    if opener == "{" and isinstance(token, str):
        i = _skip_ws(text, i + 1)
        while text[i] != "}":
            key, i = _decoder.raw_decode(text, i)
            i = _skip_ws(text, i)
            i = _skip_ws(text, i + 1)  # the colon
            if key == token:
                return i
            _, i = _decoder.raw_decode(text, i)
            i = _skip_ws(text, i)
            if text[i] == ",":
                i = _skip_ws(text, i + 1)
        return None
    if opener == "[" and isinstance(token, int):
        i = _skip_ws(text, i + 1)
        index = 0
        while text[i] != "]":
            if index == token:
                return i
            _, i = _decoder.raw_decode(text, i)
            i = _skip_ws(text, i)
            if text[i] == ",":
                i = _skip_ws(text, i + 1)
            index += 1
        return None
    return None
