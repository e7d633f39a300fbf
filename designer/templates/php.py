"""PHP value semantics the Twig dialect needs: printing, emptiness, truthiness, loose comparison, JSON, sorting.

PHP arrays are ordered maps. Here a PHP array whose keys are exactly 0..n-1 in order is a Python ``list``;
every other PHP array is a ``dict`` (keys ``str`` or ``int``; numeric-string keys are normalised to ``int``
when we build arrays ourselves, as PHP does). JSON ``null``/``true``/numbers/strings map to the obvious
Python scalars. Everything here is PHP 8 behaviour (the PHP that Cerb 10.4 and PHP Twig 3.5 run on).
"""
from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypedDict

log = logging.getLogger(__name__)

INT_MAX = 2**63 - 1
INT_MIN = -(2**63)

_NUMERIC_RE = re.compile(r"^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$")
_LEADING_NUMERIC_RE = re.compile(r"^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_INT_KEY_RE = re.compile(r"^(0|-?[1-9][0-9]*)$")


class _Missing:
    """Marks a key or attribute that does not exist (distinct from a null value)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


# --- conversions -------------------------------------------------------------------------------------------

def php_float_to_string(value: float, precision: int = 14) -> str:
    """PHP's (string)$float with ``precision=14``: ``1.0`` → ``1``, ``1e20`` → ``1.0E+20``."""
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    text = f"{value:.{precision}G}"
    if "E" in text:
        mantissa, exp = text.split("E")
        if "." not in mantissa:
            mantissa += ".0"
        sign = "-" if exp.startswith("-") else "+"
        return f"{mantissa}E{sign}{int(exp.lstrip('+-'))}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def to_php_string(value: Any) -> str:
    """Twig's printing rule: null/false → '', true → '1', 1.0 → '1', arrays → 'Array'."""
    if isinstance(value, str):
        return value
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return php_float_to_string(value)
    if isinstance(value, (list, dict, tuple)):
        return "Array"
    to_string = getattr(type(value), "__php_string__", None)
    if to_string is not None:
        return str(to_string(value))
    return ""


def is_numeric(value: Any) -> bool:
    """PHP ``is_numeric``: ints, floats and numeric strings (leading whitespace allowed, trailing too in PHP 8)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and bool(_NUMERIC_RE.match(value))


def _str_to_number(text: str) -> int | float:
    text = text.strip(" \t\n\r\v\f")
    if re.fullmatch(r"[+-]?\d+", text):
        number = int(text)
        return number if INT_MIN <= number <= INT_MAX else float(number)
    return float(text)


def to_number(value: Any) -> int | float:
    """PHP numeric conversion for arithmetic: numeric strings parse, leading-numeric strings take the prefix,
    other strings/null/false are 0, true is 1, arrays count as 1 when non-empty (PHP would throw)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if value is None:
        return 0
    if isinstance(value, str):
        if _NUMERIC_RE.match(value):
            return _str_to_number(value)
        match = _LEADING_NUMERIC_RE.match(value)
        return _str_to_number(match.group(0)) if match else 0
    if isinstance(value, (list, dict)):
        return 1 if value else 0
    return 0


def to_int(value: Any) -> int:
    """PHP ``(int)``: floats truncate toward zero, NaN/Inf become 0 (PHP 8 on 64-bit), huge values clamp."""
    number = to_number(value)
    if isinstance(number, float):
        if math.isnan(number) or math.isinf(number):
            return 0
        number = int(number)
    return max(INT_MIN, min(INT_MAX, number))


def normalize_number(value: float) -> int | float:
    """Integers outside PHP's 64-bit range become floats, as PHP arithmetic does."""
    if isinstance(value, int) and not isinstance(value, bool) and not INT_MIN <= value <= INT_MAX:
        return float(value)
    return value


def normalize_key(key: Any) -> str | int:
    """PHP array key casting: '5' → 5, true → 1, null → '', 2.7 → 2."""
    if isinstance(key, bool):
        return int(key)
    if isinstance(key, int):
        return key
    if isinstance(key, float):
        return to_int(key)
    if key is None:
        return ""
    text = to_php_string(key)
    if _INT_KEY_RE.match(text):
        number = int(text)
        if INT_MIN <= number <= INT_MAX:
            return number
    return text


def is_list_keys(keys: list[Any]) -> bool:
    return all(k == i and not isinstance(k, bool) for i, k in enumerate(keys))


def make_array(pairs: list[tuple[Any, Any]]) -> list[Any] | dict[Any, Any]:
    """Build a PHP array from (key, value) pairs: keys normalised, 0..n-1 keys → a list."""
    result: dict[Any, Any] = {}
    for key, value in pairs:
        result[normalize_key(key)] = value
    if result and is_list_keys(list(result)):
        return list(result.values())
    return result


def array_items(value: Any) -> list[tuple[Any, Any]]:
    """(key, value) pairs of a PHP array; anything else has none."""
    if isinstance(value, list):
        return list(enumerate(value))
    if isinstance(value, tuple):
        return list(enumerate(value))
    if isinstance(value, Mapping):
        # Keys as PHP sees them: a JSON key "2" is the integer 2 in a PHP array.
        return [(k if isinstance(k, int) or not (isinstance(k, str) and _INT_KEY_RE.match(k)) else normalize_key(k), v)
                for k, v in value.items()]
    return []


def array_values(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, Mapping):
        return list(value.values())
    return []


def is_array(value: Any) -> bool:
    return isinstance(value, (list, dict, tuple))


def is_php_empty(value: Any) -> bool:
    """Twig's ``empty`` test: '', null, false and [] are empty; ``"0"`` and ``0`` are not."""
    if value is None or value is False or (isinstance(value, str) and value == ""):
        return True
    if isinstance(value, (list, dict, tuple)):
        return len(value) == 0
    to_string = getattr(type(value), "__php_string__", None)
    if to_string is not None:
        return str(to_string(value)) == ""
    return False


def php_truthy(value: Any) -> bool:
    """PHP boolean conversion: '', '0', 0, 0.0, null, false and [] are false."""
    if isinstance(value, str):
        return value not in ("", "0")
    if value is None:
        return False
    if isinstance(value, (bool, int, float)):
        return bool(value)
    if isinstance(value, (list, dict, tuple)):
        return len(value) > 0
    return True


# --- comparison (PHP 8) --------------------------------------------------------------------------------

def _cmp(a: Any, b: Any) -> int:
    return int(a > b) - int(a < b)


def _uncomparable() -> int:
    return 1


def php_compare(a: Any, b: Any) -> int:
    """PHP 8's ``<=>``: returns -1, 0 or 1."""
    if isinstance(a, tuple):
        a = list(a)
    if isinstance(b, tuple):
        b = list(b)
    a_str, b_str = isinstance(a, str), isinstance(b, str)
    if a_str and b_str:
        if is_numeric(a) and is_numeric(b):
            return _cmp(_str_to_number(a), _str_to_number(b))
        return _cmp(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        if a is None and b_str:
            return _cmp("", b)
        if b is None and a_str:
            return _cmp(a, "")
        if a is None and isinstance(b, (list, dict)):
            return _cmp(0, len(b) > 0)
        if b is None and isinstance(a, (list, dict)):
            return _cmp(len(a) > 0, 0)
        return _cmp(php_truthy(a), php_truthy(b))
    a_num = isinstance(a, (int, float))
    b_num = isinstance(b, (int, float))
    if a_num and b_num:
        return _cmp(a, b)
    if a_num and b_str:
        if is_numeric(b):
            return _cmp(a, _str_to_number(b))
        return _cmp(to_php_string(a).encode(), b.encode("utf-8", "surrogatepass"))
    if a_str and b_num:
        if is_numeric(a):
            return _cmp(_str_to_number(a), b)
        return _cmp(a.encode("utf-8", "surrogatepass"), to_php_string(b).encode())
    a_arr, b_arr = isinstance(a, (list, dict)), isinstance(b, (list, dict))
    if a_arr and b_arr:
        if len(a) != len(b):
            return _cmp(len(a), len(b))
        b_map = dict(array_items(b))
        for key, value in array_items(a):
            if key not in b_map:
                return _uncomparable()
            result = php_compare(value, b_map[key])
            if result:
                return result
        return 0
    if a_arr:
        return 1
    if b_arr:
        return -1
    # Objects and other exotic values: compare their printed forms.
    return _cmp(to_php_string(a), to_php_string(b))


def php_loose_equals(a: Any, b: Any) -> bool:
    """PHP 8's ``==``."""
    if isinstance(a, (list, dict, tuple)) and isinstance(b, (list, dict, tuple)):
        a_items, b_items = dict(array_items(a)), dict(array_items(b))
        if a_items.keys() != b_items.keys():
            return False
        return all(php_loose_equals(v, b_items[k]) for k, v in a_items.items())
    if isinstance(a, (list, dict, tuple)) or isinstance(b, (list, dict, tuple)):
        other = b if isinstance(a, (list, dict, tuple)) else a
        if other is None or isinstance(other, bool):
            return php_truthy(a) == php_truthy(b)
        return False
    return php_compare(a, b) == 0


def php_strict_equals(a: Any, b: Any) -> bool:
    """PHP ``===`` (Twig's ``same as``)."""
    if type(a) is not type(b):
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return php_strict_equals(list(a), list(b))
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(php_strict_equals(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a.keys()) == list(b.keys()) and all(php_strict_equals(a[k], b[k]) for k in a)
    return bool(a == b)


def php_sort(value: Any) -> Any:
    """Twig's ``sort`` filter: PHP ``asort`` (keys kept, stable, PHP 8 comparison). Lists stay lists only when
    the order does not change their keys; otherwise the result is a dict keyed by the original indexes."""
    items = array_items(value)
    if not items and not is_array(value):
        return value
    import functools

    def by_value(x: tuple[Any, Any], y: tuple[Any, Any]) -> int:
        return php_compare(x[1], y[1])

    ordered = sorted(items, key=functools.cmp_to_key(by_value))
    return make_array(ordered) if isinstance(value, Mapping) else _list_or_map(ordered)


def _list_or_map(pairs: list[tuple[Any, Any]]) -> list[Any] | dict[Any, Any]:
    if is_list_keys([k for k, _ in pairs]):
        return [v for _, v in pairs]
    return dict(pairs)


# --- JSON ------------------------------------------------------------------------------------------------

def _json_string(text: str, escape_slashes: bool, escape_unicode: bool) -> str:
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "/":
            out.append("\\/" if escape_slashes else "/")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        elif code > 0x7F and escape_unicode:
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _json_float(value: float) -> str:
    """PHP's serialize_precision=-1: shortest round-trip digits, exponent form outside 1e-5..1e17."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError("Inf and NaN cannot be JSON encoded")
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign, digits, exp = Decimal(repr(value)).normalize().as_tuple()
    text_digits = "".join(map(str, digits))
    decpt = len(text_digits) + int(exp)  # position of the decimal point
    prefix = "-" if sign else ""
    if decpt < -3 or decpt > 17:
        mantissa = text_digits[0] + "." + (text_digits[1:] or "0")
        power = decpt - 1
        return f"{prefix}{mantissa}e{'-' if power < 0 else '+'}{abs(power)}"
    if decpt <= 0:
        return f"{prefix}0.{'0' * -decpt}{text_digits}"
    if decpt >= len(text_digits):
        return prefix + text_digits + "0" * (decpt - len(text_digits))
    return f"{prefix}{text_digits[:decpt]}.{text_digits[decpt:]}"


class _JsonOptions(TypedDict):
    """php_json_encode's keywords, passed down to each nested value."""

    pretty: bool
    escape_slashes: bool
    escape_unicode: bool
    _depth: int


def php_json_encode(value: Any, *, pretty: bool = False, escape_slashes: bool = True,
                    escape_unicode: bool = True, _depth: int = 0) -> str:
    """PHP ``json_encode``: ``\\/`` and ``\\uXXXX`` escaping, ``[]`` for empty arrays, lists by keys,
    floats with serialize_precision=-1 (``1.0`` → ``1.0``), pretty print with 4 spaces."""
    if _depth > 512:
        raise ValueError("Maximum stack depth exceeded")
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _json_float(value)
    if isinstance(value, str):
        return _json_string(value, escape_slashes, escape_unicode)
    kwargs: _JsonOptions = {"pretty": pretty, "escape_slashes": escape_slashes, "escape_unicode": escape_unicode,
                            "_depth": _depth + 1}
    if isinstance(value, (list, tuple, dict)):
        items = array_items(value)
        as_object = isinstance(value, JsonObject) or (
            isinstance(value, dict) and items and not is_list_keys([k for k, _ in items]))
        parts: list[str] = []
        # Plain loops, not comprehensions: one Python frame per nesting level keeps PHP's depth 512 reachable.
        if as_object:
            separator = ": " if pretty else ":"
            for k, v in items:
                parts.append(_json_string(str(k), escape_slashes, escape_unicode) + separator
                             + php_json_encode(v, **kwargs))
            open_, close = "{", "}"
        else:
            for _, v in items:
                parts.append(php_json_encode(v, **kwargs))
            open_, close = "[", "]"
        if not parts:
            return open_ + close
        if pretty:
            indent = "    " * (_depth + 1)
            return open_ + "\n" + ",\n".join(indent + p for p in parts) + "\n" + "    " * _depth + close
        return open_ + ",".join(parts) + close
    to_json = getattr(type(value), "__php_json__", None)
    if to_json is not None:
        same_depth: _JsonOptions = {**kwargs, "_depth": _depth}  # its __php_json__ form, at its own depth
        return php_json_encode(to_json(value), **same_depth)
    return "{}"


def _json_hook(pairs: list[tuple[str, Any]]) -> Any:
    return make_array(pairs) if pairs else []


def php_json_decode(text: Any) -> Any:
    """PHP ``json_decode($text, true)``: objects → dicts (``{}`` → ``[]`` like PHP's empty array), invalid → null."""
    if not isinstance(text, str):
        if text is None or isinstance(text, (list, dict)):
            return None
        text = to_php_string(text)
    stripped = text.strip(" \t\n\r")
    if not stripped:
        return None
    try:
        return json.loads(stripped, object_pairs_hook=_json_hook, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None


class JsonObject(dict):  # type: ignore[type-arg]
    """A decoded JSON object kept as an object (PHP stdClass): ``{}`` re-encodes as ``{}``."""


def php_json_decode_objects(text: str) -> Any:
    """PHP ``json_decode($text)`` without assoc: objects stay objects (for json_pretty)."""
    stripped = text.strip(" \t\n\r")
    if not stripped:
        return None
    try:
        return json.loads(stripped, object_pairs_hook=JsonObject, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid JSON constant {name}")
