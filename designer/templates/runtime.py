"""What compiled templates call: Twig operators, tests, attribute access and loops with PHP 8 semantics.

Attribute access is the sandbox's front door: dicts and lists give their items, a few runtime objects give
their Twig attributes, and nothing ever returns a Python attribute or method. Names that only make sense as
Python internals (``__class__``, ``mro``, ``format`` …) raise ``SecurityError``.
"""
from __future__ import annotations

import builtins
import logging
import math
import re
from collections.abc import Mapping
from typing import Any

from designer.templates import php
from designer.templates.errors import SecurityError, TemplateError
from designer.templates.pcre import preg_match
from designer.templates.php import (
    array_items,
    is_array,
    is_numeric,
    is_php_empty,
    normalize_number,
    php_compare,
    php_loose_equals,
    php_strict_equals,
    to_number,
    to_php_string,
)

log = logging.getLogger(__name__)

getattr_builtin = builtins.getattr
builtin_range = builtins.range

MAX_STRING = 5_000_000       # characters in any one string a template builds
MAX_RANGE = 100_000          # elements in a range
MAX_LOOP_STEPS = 1_000_000   # loop iterations in one render

_BLOCKED_NAMES = frozenset({
    "mro", "format", "format_map", "func_globals", "func_code", "func_closure", "f_globals", "f_locals",
    "f_builtins", "f_back", "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame", "ag_code", "tb_frame",
    "tb_next", "co_code", "im_func", "im_self", "im_class", "translate", "maketrans", "subclasses",
    "globals", "builtins", "environment", "_TemplateReference__context",
})

truthy = php.php_truthy


class Markup(str):
    """What a block ``set`` gives: text that Twig keeps as a Markup object (no arithmetic on it)."""

    __slots__ = ()


def tostring(value: Any) -> str:
    return to_php_string(value)


def check_size(text: str) -> str:
    if len(text) > MAX_STRING:
        raise SecurityError(f"String too long (over {MAX_STRING} characters)")
    return text


def bounded_concat(parts: list[str]) -> str:
    """Join output pieces, refusing before building anything over the limit."""
    total = 0
    for part in parts:
        total += len(part)
    if total > MAX_STRING:
        raise SecurityError(f"String too long (over {MAX_STRING} characters)")
    return "".join(parts)


def concat(a: Any, b: Any) -> str:
    return check_size(to_php_string(a) + to_php_string(b))


# --- attribute access -------------------------------------------------------------------------------------

def _blocked(name: Any) -> bool:
    return isinstance(name, str) and (name.startswith("__") or name in _BLOCKED_NAMES)


def _refuse(name: Any) -> SecurityError:
    return SecurityError(f'Access to "{name}" is not allowed (Python internals are outside the sandbox)')


def _item(obj: Any, key: Any) -> Any:
    if isinstance(obj, Mapping):
        if isinstance(key, (str, int)) and not isinstance(key, bool) and key in obj:
            return obj[key]
        normalized = php.normalize_key(key)
        if normalized in obj:
            return obj[normalized]
        if isinstance(normalized, int) and str(normalized) in obj:
            return obj[str(normalized)]
        return php.MISSING
    if isinstance(obj, (list, tuple)):
        normalized = php.normalize_key(key)
        if isinstance(normalized, int) and 0 <= normalized < len(obj):
            return obj[normalized]
        return php.MISSING
    attr = getattr_builtin(type(obj), "__twig_attr__", None)
    if attr is not None:
        return attr(obj, key)
    return php.MISSING


def getattr(obj: Any, name: Any) -> Any:
    if isinstance(name, str) and name.startswith("__"):
        raise _refuse(name)
    value = _item(obj, name)
    if value is php.MISSING:
        if _blocked(name):
            raise _refuse(name)
        return None
    return value


getitem = getattr


def attribute(obj: Any, name: Any, args: Any = None) -> Any:
    return getattr(obj, name)


def method(obj: Any, name: Any, args: Any) -> Any:
    """``a.b(...)``: Cerb allows no methods; on arrays Twig returns null."""
    if _blocked(name):
        raise _refuse(name)
    caller = getattr_builtin(type(obj), "__twig_method__", None)
    if caller is not None:
        return caller(obj, name, args)
    return None




def defined_attr(obj: Any, name: Any) -> bool:
    return _item(obj, name) is not php.MISSING


def notnull_defined(value: Any) -> bool:
    return True


def ctxvar(context: Any, name: str) -> Any:
    value = context.resolve_or_missing(name)
    return None if _is_jinja_missing(value) else value


def with_lookup(variables: Any, name: str, fallback: Any) -> Any:
    if isinstance(variables, Mapping) and name in variables:
        return variables[name]
    return fallback


def make_hash(args: tuple[Any, ...]) -> Any:
    pairs = [(args[i], args[i + 1]) for i in builtin_range(0, len(args), 2)]
    return php.make_array(pairs)


# --- comparison and membership -----------------------------------------------------------------------------

def eq(a: Any, b: Any) -> bool:
    return php_loose_equals(a, b)


def ne(a: Any, b: Any) -> bool:
    return not php_loose_equals(a, b)


def lt(a: Any, b: Any) -> bool:
    return php_compare(a, b) < 0


def gt(a: Any, b: Any) -> bool:
    return php_compare(b, a) < 0 if is_array(a) and is_array(b) else php_compare(a, b) > 0


def le(a: Any, b: Any) -> bool:
    return php_compare(a, b) <= 0


def ge(a: Any, b: Any) -> bool:
    return php_compare(b, a) <= 0 if is_array(a) and is_array(b) else php_compare(a, b) >= 0


def spaceship(a: Any, b: Any) -> int:
    return php_compare(a, b)


def in_(value: Any, haystack: Any) -> bool:
    """Twig 3's ``in``: substring for strings, PHP 8 loose comparison against array values."""
    if isinstance(haystack, str):
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            needle = to_php_string(value)
            return needle == "" or needle in haystack
        return False
    if not is_array(haystack):
        return False
    return any(php_compare(value, item) == 0 if not (is_array(value) or is_array(item))
               else php_loose_equals(value, item) for item in php.array_values(haystack))


globals()["in"] = in_


def notin(value: Any, haystack: Any) -> bool:
    return not in_(value, haystack)


def matches(subject: Any, pattern: Any) -> int:
    """``preg_match``'s 1/0 (Twig prints it); arrays are a TypeError as in twig_matches(?string)."""
    if is_array(subject) or is_array(pattern):
        raise TemplateError("twig_matches(): Argument #2 ($str) must be of type ?string, array given")
    return 1 if preg_match(to_php_string(pattern), to_php_string(subject)) is not None else 0


def startswith(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.startswith(b)


def endswith(a: Any, b: Any) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.endswith(b)


# --- arithmetic --------------------------------------------------------------------------------------------

def _operand(value: Any, op: str, other: Any, left: bool) -> int | float:
    if isinstance(value, Markup):
        lhs, rhs = (value, other) if left else (other, value)
        raise TemplateError(f"Unsupported operand types: {_type(lhs)} {op} {_type(rhs)}")
    if is_array(value) or (isinstance(value, str) and not is_numeric(value)
                           and not php._LEADING_NUMERIC_RE.match(value)):
        lhs, rhs = (value, other) if left else (other, value)
        raise TemplateError(f"Unsupported operand types: {_type(lhs)} {op} {_type(rhs)}")
    return to_number(value)


def _type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, Markup):
        return "Twig\\Markup"
    if isinstance(value, str):
        return "string"
    if is_array(value):
        return "array"
    return type(value).__name__


def _numbers(a: Any, b: Any, op: str) -> tuple[int | float, int | float]:
    return _operand(a, op, b, True), _operand(b, op, a, False)


def add(a: Any, b: Any) -> Any:
    if is_array(a) and is_array(b):
        result = dict(array_items(a))
        for key, value in array_items(b):
            result.setdefault(key, value)
        return php.make_array(list(result.items()))
    x, y = _numbers(a, b, "+")
    return normalize_number(x + y)


def sub(a: Any, b: Any) -> Any:
    x, y = _numbers(a, b, "-")
    return normalize_number(x - y)


def mul(a: Any, b: Any) -> Any:
    x, y = _numbers(a, b, "*")
    return normalize_number(x * y)


def div(a: Any, b: Any) -> Any:
    x, y = _numbers(a, b, "/")
    if y == 0:
        raise TemplateError("Division by zero")
    if isinstance(x, int) and isinstance(y, int) and x % y == 0:
        return normalize_number(x // y)
    return x / y


def floordiv(a: Any, b: Any) -> Any:
    x, y = _numbers(a, b, "//")
    if y == 0:
        raise TemplateError("Division by zero")
    return php.to_int(math.floor(x / y)) if not (isinstance(x, int) and isinstance(y, int)) else x // y


def mod(a: Any, b: Any) -> int:
    x, y = php.to_int(_operand(a, "%", b, True)), php.to_int(_operand(b, "%", a, False))
    if y == 0:
        raise TemplateError("Modulo by zero")
    result = abs(x) % abs(y)
    return -result if x < 0 else result


def pow(a: Any, b: Any) -> Any:
    x, y = _numbers(a, b, "**")
    small = isinstance(x, int) and isinstance(y, int) and y >= 0 and (abs(x) <= 1 or y * math.log2(abs(x)) < 64)
    if small:  # exact integer power only when it cannot explode (PHP overflows to float anyway)
        return normalize_number(x**y)
    try:
        result = float(x) ** float(y)
        # Python gives a complex number for a negative base and a fractional exponent; PHP gives NAN.
        return math.nan if isinstance(result, complex) else result
    except OverflowError:
        return math.inf if x > 0 or (isinstance(y, int) and y % 2 == 0) else -math.inf
    except ZeroDivisionError:  # PHP 8: 0 ** -n is INF
        return math.inf


def neg(a: Any) -> Any:
    return normalize_number(-_operand(a, "*", -1, True))


def pos(a: Any) -> Any:
    return _operand(a, "*", 1, True)


def _bitwise(a: Any, b: Any, op: str, func: Any) -> Any:
    if isinstance(a, str) and isinstance(b, str):  # PHP works byte-wise on two strings
        x, y = a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass")
        if op == "|":
            longer, shorter = (x, y) if len(x) >= len(y) else (y, x)
            data = bytes(func(c, shorter[i]) if i < len(shorter) else c for i, c in enumerate(longer))
        else:
            data = bytes(func(c, d) for c, d in zip(x, y, strict=False))  # & and ^ stop at the shorter string
        return data.decode("utf-8", "replace")
    strings = [v for v in (a, b) if isinstance(v, str)]
    unsupported = is_array(a) or is_array(b) or any(not php._LEADING_NUMERIC_RE.match(v) for v in strings)
    if unsupported:
        raise TemplateError(f"Unsupported operand types: {_type(a)} {op} {_type(b)}")
    return func(php.to_int(a), php.to_int(b))


def band(a: Any, b: Any) -> Any:
    return _bitwise(a, b, "&", lambda x, y: x & y)


def bor(a: Any, b: Any) -> Any:
    return _bitwise(a, b, "|", lambda x, y: x | y)


def bxor(a: Any, b: Any) -> Any:
    return _bitwise(a, b, "^", lambda x, y: x ^ y)


def _is_double(value: Any) -> bool:
    return isinstance(value, float) or (isinstance(value, str) and is_numeric(value)
                                        and isinstance(php._str_to_number(value), float))


def range(low: Any, high: Any, step: Any = 1) -> list[Any]:
    """PHP 8.2 ``range``: inclusive, descending when low > high, letters for non-numeric strings; the float path
    only when an argument is a float (or two strings, one a float string), else integers."""
    step_double = _is_double(step)
    both_strings = isinstance(low, str) and isinstance(high, str) and low != "" and high != ""
    if both_strings and not (is_numeric(low) or is_numeric(high)) and not step_double:
        start, end = ord(low[0]), ord(high[0])
        stride = max(1, abs(php.to_int(step)))
        values = builtin_range(start, end + 1, stride) if start <= end else builtin_range(start, end - 1, -stride)
        return [chr(c) for c in values]
    if both_strings:
        use_float = _is_double(low) or _is_double(high) or step_double
    else:
        use_float = isinstance(low, float) or isinstance(high, float) or step_double
    if not use_float:
        start, end, stride = php.to_int(low), php.to_int(high), abs(php.to_int(step)) or 1
        _check_range_size(abs(end - start) // stride + 1)
        return list(builtin_range(start, end + 1, stride) if start <= end else builtin_range(start, end - 1, -stride))
    x, y, s = float(to_number(low)), float(to_number(high)), abs(float(to_number(step))) or 1.0
    if x != y and s > abs(y - x):
        raise TemplateError("range(): Argument #3 ($step) must not exceed the specified range")
    count = int(abs(y - x) // s) + 1 if math.isfinite(abs(y - x) / s) else MAX_RANGE + 1
    _check_range_size(count)
    sign = 1 if x <= y else -1
    return [x + sign * i * s for i in builtin_range(count)]


def _check_range_size(count: int) -> None:
    if count > MAX_RANGE:
        raise SecurityError(f"range() too large ({count} elements; the limit is {MAX_RANGE})")


def spaceless(value: Any) -> str:
    return re.sub(r">\s+<", "><", to_php_string(value).strip(" \t\n\r\0\x0b"))


# --- tests -------------------------------------------------------------------------------------------------

def test_empty(value: Any) -> bool:
    return is_php_empty(value)


def test_null(value: Any) -> bool:
    return value is None


test_none = test_null


def test_iterable(value: Any) -> bool:
    return is_array(value)


def test_even(value: Any) -> bool:
    return mod(value, 2) == 0


def test_odd(value: Any) -> bool:
    return mod(value, 2) != 0


def test_divisibleby(value: Any, divisor: Any) -> bool:
    return mod(value, divisor) == 0


def test_sameas(a: Any, b: Any) -> bool:
    return php_strict_equals(a, b)


def test_constant(value: Any, name: Any = None) -> bool:
    return False


def test_numeric(value: Any) -> bool:
    return is_numeric(value)


def test_prefixed(value: Any, prefix: Any) -> bool:
    from designer.templates.cerb10 import test_prefixed as impl

    return impl(value, prefix)


def test_suffixed(value: Any, suffix: Any) -> bool:
    from designer.templates.cerb10 import test_suffixed as impl

    return impl(value, suffix)


def test_pattern(value: Any, *patterns: Any) -> bool:
    from designer.templates.cerb10 import test_pattern as impl

    return impl(value, *patterns)


# --- loops -------------------------------------------------------------------------------------------------

def for_seq(seq: Any, pairs: bool) -> list[Any]:
    if pairs:
        return array_items(seq)
    return php.array_values(seq)


class Loop:
    """Twig's ``loop`` variable; ``loop.parent`` reaches the enclosing loop and the outer variables."""

    __slots__ = ("_budget", "_context", "_parent_loop", "index0", "length")

    def __init__(self, length: int, parent_loop: Any, context: Any) -> None:
        self.length = length
        self.index0 = -1
        self._parent_loop = parent_loop
        self._context = context
        budget = context.__dict__.get("_tw_budget")
        if budget is None:
            budget = context.__dict__["_tw_budget"] = [0]
        self._budget = budget

    def step(self) -> Loop:
        self.index0 += 1
        self._budget[0] += 1
        if self._budget[0] > MAX_LOOP_STEPS:
            raise SecurityError(f"Too many loop iterations (over {MAX_LOOP_STEPS} in one render)")
        return self

    def __twig_attr__(self, name: Any) -> Any:
        i = self.index0
        values = {"index": i + 1, "index0": i, "revindex": self.length - i, "revindex0": self.length - i - 1,
                  "first": i == 0, "last": i == self.length - 1, "length": self.length}
        if name in values:
            return values[name]
        if name == "parent":
            return ParentContext(self._parent_loop, self._context)
        return php.MISSING

    def __php_string__(self) -> str:
        return "Array"


class ParentContext:
    """What ``loop.parent`` gives: ``loop`` is the outer loop; other names come from the render context."""

    __slots__ = ("_context", "_loop")

    def __init__(self, loop: Any, context: Any) -> None:
        self._loop = loop
        self._context = context

    def __twig_attr__(self, name: Any) -> Any:
        if name == "loop":
            loop = self._loop
            return None if loop is None or loop is php.MISSING or _is_jinja_missing(loop) else loop
        if isinstance(name, str):
            value = self._context.resolve_or_missing(name)
            if value is not php.MISSING and not _is_jinja_missing(value):
                return value
        return php.MISSING

    def __php_string__(self) -> str:
        return "Array"


def _is_jinja_missing(value: Any) -> bool:
    from jinja2.utils import missing

    return value is missing
