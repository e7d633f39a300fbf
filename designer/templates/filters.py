"""Cerb's allow-listed filters with PHP semantics (Twig core filters plus Cerb's own, §7 of the notes)."""
from __future__ import annotations

import logging
import math
import re
import urllib.parse
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from designer.templates import php
from designer.templates.errors import SecurityError, TemplateError
from designer.templates.php import (
    array_items,
    array_values,
    is_array,
    is_numeric,
    is_php_empty,
    make_array,
    php_json_encode,
    to_number,
    to_php_string,
)
from designer.templates.runtime import MAX_RANGE, MAX_STRING, bounded_concat, check_size

if TYPE_CHECKING:
    from designer.templates.compiler import TwigEnvironment

log = logging.getLogger(__name__)

FILTERS: dict[str, Callable[..., Any]] = {}
_F = TypeVar("_F", bound=Callable[..., Any])


def _filter(*names: str, env: bool = False) -> Callable[[_F], _F]:
    def register(func: _F) -> _F:
        if env:
            func.needs_env = True  # type: ignore[attr-defined]
        for name in names or (func.__name__.rstrip("_"),):
            FILTERS[name] = func
        return func

    return register


def bytes_to_str(data: bytes) -> str:
    """PHP strings are bytes; binary results become text with U+FFFD for invalid UTF-8."""
    return data.decode("utf-8", "replace")


def php_round(value: float, precision: int = 0) -> float:
    """PHP ``round``: half away from zero, on the decimal value."""
    if not math.isfinite(value):
        return value
    quantum = Decimal(1).scaleb(-precision)
    try:
        return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))
    except ArithmeticError:
        return value


# --- Twig core ------------------------------------------------------------------------------------------

def _text(value: Any, name: str) -> str:
    """A string argument of a PHP 8 string function: arrays are a TypeError there."""
    if is_array(value):
        raise TemplateError(f"{name}(): Argument #1 ($string) must be of type string, array given")
    return to_php_string(value)


@_filter()
def abs_(value: Any) -> Any:
    if is_array(value) or (isinstance(value, str) and not is_numeric(value)):
        raise TemplateError(f"abs(): Argument #1 ($num) must be of type int|float, {_type(value)} given")
    return abs(to_number(value))


@_filter()
def batch(items: Any, size: Any, fill: Any = None, preserve_keys: bool = True) -> list[Any]:
    if not is_array(items):
        raise TemplateError(f'The "batch" filter expects an array or "Traversable", got "{_type(items)}"')
    size = math.ceil(to_number(size))
    if size < 1:
        raise TemplateError("The batch size must be greater than zero")
    pairs = array_items(items)
    chunks = [pairs[i:i + size] for i in range(0, len(pairs), size)]
    result = []
    for chunk in chunks:
        chunk_pairs = list(chunk) if preserve_keys else [(i, v) for i, (_, v) in enumerate(chunk)]
        result.append(chunk_pairs)
    if fill is not None and result and len(result[-1]) < size:
        if size - len(result[-1]) > MAX_RANGE:  # PHP runs out of memory filling it; we refuse first
            raise SecurityError(f"batch() fill too large ({size} items; the limit is {MAX_RANGE})")
        last = result[-1]
        next_key = max([k for k, _ in last if isinstance(k, int)], default=-1) + 1
        while len(last) < size:
            last.append((next_key, fill))
            next_key += 1
    return [make_array(chunk) for chunk in result]


@_filter()
def capitalize(value: Any) -> str:
    text = _text(value, "mb_substr")
    return text[:1].upper() + text[1:].lower()


@_filter()
def convert_encoding(value: Any, to: Any = "UTF-8", from_: Any = "UTF-8") -> str:
    return to_php_string(value)


@_filter("date", env=True)
def date_filter(env: TwigEnvironment, value: Any, fmt: Any = None, tz: Any = None) -> str:
    from designer.templates.phpdate import php_date_format

    dt = env.twig_date(value, tz)
    return php_date_format(to_php_string(fmt) if fmt is not None else "F j, Y H:i", dt)


@_filter("date_modify", env=True)
def date_modify(env: TwigEnvironment, value: Any, modifier: Any) -> Any:
    from designer.templates.phpdate import strtotime

    # Twig converts with timezone=false: the date keeps its own zone while it is modified.
    return strtotime(to_php_string(modifier), env.twig_date(value, False))


@_filter()
def default(value: Any, fallback: Any = "") -> Any:
    return fallback if is_php_empty(value) else value


@_filter("e", "escape")
def escape(value: Any, strategy: Any = "html", charset: Any = None) -> Any:
    if not isinstance(value, str) and strategy in ("html", "js", "css", "html_attr", "url", None):
        return value  # Twig returns non-strings unchanged
    text = to_php_string(value)
    if strategy in ("html", None):
        return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
                .replace("'", "&#039;"))
    if strategy == "url":
        return urllib.parse.quote(text, safe="-_.~")
    if strategy == "js":
        return re.sub(r"[^a-zA-Z0-9,._]", lambda m: _js_escape(m.group(0)), text)
    if strategy == "css":
        return re.sub(r"[^a-zA-Z0-9]", lambda m: f"\\{ord(m.group(0)):X} ", text)
    if strategy == "html_attr":
        return re.sub(r"[^a-zA-Z0-9,.\-_]", lambda m: f"&#x{ord(m.group(0)):02X};", text)
    raise TemplateError(f'Invalid escaping strategy "{strategy}"')


def _js_escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04X}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}"


@_filter()
def first(value: Any) -> Any:
    if is_array(value):
        values = array_values(value)
        return values[0] if values else None
    text = to_php_string(value)
    return text[:1]


@_filter()
def last(value: Any) -> Any:
    if is_array(value):
        values = array_values(value)
        return values[-1] if values else None
    text = to_php_string(value)
    return text[-1:]


@_filter("format")
def format_(fmt: Any, *args: Any) -> str:
    text = _text(fmt, "sprintf")
    if "{" in text and "__" in text:
        raise TemplateError("Format strings cannot reach Python attributes")
    return sprintf(text, args)


def sprintf(fmt: str, args: tuple[Any, ...] | list[Any]) -> str:
    """PHP ``sprintf``: %%, argnum$, flags (-+ 0 'c), width, .precision, b c d e E f F g G o s u x X."""
    out: list[str] = []
    arg_index = 0
    pattern = re.compile(r"%(?:(\d+)\$)?((?:[-+ 0]|'.)*)(\d+)?(?:\.(\d+))?(.?)", re.DOTALL)
    pos = 0
    for match in pattern.finditer(fmt):
        out.append(fmt[pos:match.start()])
        pos = match.end()
        conv = match.group(5)
        if conv == "%":
            out.append("%")
            continue
        if conv == "":
            raise TemplateError("Missing format specifier at end of string")
        if conv not in "bcdeEfFgGosuxX":
            raise TemplateError(f'Unknown format specifier "{conv}"')
        flags_text = re.findall(r"[-+ 0]|'.", match.group(2))
        if match.group(1):
            index = int(match.group(1)) - 1
        else:
            index = arg_index
            arg_index += 1
        if index >= len(args):
            raise TemplateError(f"{index + 1} arguments are required, {len(args)} given")
        arg = args[index]
        width = int(match.group(3) or 0)
        precision = int(match.group(4)) if match.group(4) is not None else None
        if width > MAX_STRING or (precision or 0) > 1000:
            raise TemplateError("sprintf(): width or precision too large")
        left = "-" in flags_text
        plus = "+" in flags_text
        pad = " "
        for flag in flags_text:
            if flag == "0":
                pad = "0"
            elif flag.startswith("'"):
                pad = flag[1]
        if conv == "s":
            text = to_php_string(arg)
            if precision is not None:
                text = text[:precision]
        elif conv in "du":
            integer = php.to_int(arg)
            if conv == "u" and integer < 0:
                integer += 2**64
            text = ("+" if plus and integer >= 0 else "") + str(integer)
        elif conv in "eEfFgG":
            number = float(to_number(arg))
            prec = 6 if precision is None else precision
            if conv in "fF":
                text = f"{php_round(number, prec):.{prec}f}"
            elif conv in "eE":
                text = f"{number:.{prec}e}"
                mantissa, exp = text.split("e")
                text = f"{mantissa}{'e' if conv == 'e' else 'E'}{'+' if int(exp) >= 0 else '-'}{abs(int(exp))}"
            else:
                text = f"{number:.{prec or 1}{conv.lower()}}"
            if plus and number >= 0:
                text = "+" + text
        elif conv == "b":
            text = format(php.to_int(arg) & (2**64 - 1), "b")
        elif conv == "o":
            text = format(php.to_int(arg) & (2**64 - 1), "o")
        elif conv == "x":
            text = format(php.to_int(arg) & (2**64 - 1), "x")
        elif conv == "X":
            text = format(php.to_int(arg) & (2**64 - 1), "X")
        else:  # "c"
            text = chr(php.to_int(arg) % 256)
        if width > len(text):
            if left:
                text = text + (" " if pad == "0" else pad) * (width - len(text))
            elif pad == "0" and text[:1] in "+-" and conv not in "s":
                text = text[0] + "0" * (width - len(text)) + text[1:]
            else:
                text = pad * (width - len(text)) + text
        out.append(text)
    out.append(fmt[pos:])
    return check_size("".join(out))


@_filter()
def join(value: Any, glue: Any = "", and_: Any = None) -> str:
    values = array_values(value) if is_array(value) else ([] if value is None else [value])
    glue_text = to_php_string(glue)
    parts = [to_php_string(v) for v in values]
    if and_ is not None and len(parts) > 1:
        parts = [glue_text.join(parts[:-1]) if len(parts) < 64 else bounded_concat(_interleave(parts[:-1], glue_text)),
                 parts[-1]]
        glue_text = to_php_string(and_)
    return bounded_concat(_interleave(parts, glue_text))


def _interleave(parts: list[str], glue: str) -> list[str]:
    out: list[str] = []
    for index, part in enumerate(parts):
        if index:
            out.append(glue)
        out.append(part)
    return out


@_filter()
def json_encode(value: Any, options: Any = 0) -> str:
    flags = php.to_int(options)
    try:
        return php_json_encode(value, pretty=bool(flags & 128), escape_slashes=not flags & 64,
                               escape_unicode=not flags & 256)
    except (ValueError, RecursionError):
        return ""


@_filter()
def keys(value: Any) -> list[Any]:
    return [k for k, _ in array_items(value)]


@_filter()
def length(value: Any) -> int:
    if value is None:
        return 0
    if is_array(value):
        return len(value)
    return len(to_php_string(value))


@_filter()
def lower(value: Any) -> str:
    return _text(value, "mb_strtolower").lower()


@_filter()
def upper(value: Any) -> str:
    return _text(value, "mb_strtoupper").upper()


def array_merge(*arrays: Any) -> Any:
    pairs: list[tuple[Any, Any]] = []
    result: dict[Any, Any] = {}
    next_index = 0
    for array in arrays:
        for key, value in array_items(array):
            if isinstance(key, int):
                result[("#", next_index)] = value
                next_index += 1
            else:
                result[key] = value
    for key, value in result.items():
        pairs.append((key[1] if isinstance(key, tuple) else key, value))
    return make_array(pairs)


@_filter()
def merge(value: Any, other: Any) -> Any:
    if not is_array(value) or not is_array(other):
        raise TemplateError("The merge filter only works with arrays or hashes")
    return array_merge(value, other)


@_filter()
def nl2br(value: Any) -> str:
    return re.sub(r"(\r\n|\n\r|\n|\r)", r"<br />\1", _text(value, "nl2br"))


@_filter()
def number_format(value: Any, decimals: Any = 0, dec_point: Any = ".", thousands: Any = ",") -> str:
    number = float(to_number(value))
    if not math.isfinite(number):
        return "nan" if math.isnan(number) else ("inf" if number > 0 else "-inf")
    places = max(0, php.to_int(decimals))
    if places > 1000:
        raise TemplateError("number_format(): too many decimals")
    rounded = php_round(number, places)
    text = f"{abs(rounded):.{places}f}"
    whole, _, frac = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = to_php_string(thousands).join(groups)
    if places:
        result += to_php_string(dec_point) + frac
    if rounded < 0 and any(c not in "0" for c in text.replace(".", "")):
        result = "-" + result
    return result


@_filter()
def raw(value: Any) -> Any:
    return value


def strtr(text: str, pairs: dict[str, str]) -> str:
    pairs = {k: v for k, v in pairs.items() if k != ""}
    if not pairs:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(pairs, key=len, reverse=True)))
    longest = max(len(v) for v in pairs.values())
    if len(text) * longest > MAX_STRING:  # measure before building a possibly huge result
        growth = sum(len(pairs[m.group(0)]) - len(m.group(0)) for m in pattern.finditer(text))
        if len(text) + growth > MAX_STRING:
            raise SecurityError(f"String too long (over {MAX_STRING} characters)")
    return check_size(pattern.sub(lambda m: pairs[m.group(0)], text))


@_filter()
def replace(value: Any, search: Any, to: Any = None) -> str:
    text = _text(value, "strtr")
    if isinstance(search, (Mapping, list, tuple)):
        return strtr(text, {to_php_string(k): to_php_string(v) for k, v in array_items(search)})
    if to is not None:  # Twig 1's replace('abc', 'xyz'): a character translation
        src, dst = to_php_string(search), to_php_string(to)
        n = min(len(src), len(dst))
        return text.translate(str.maketrans(src[:n], dst[:n]))
    raise TemplateError('The "replace" filter expects an array or "Traversable" as replace values')


@_filter()
def reverse(value: Any, preserve_keys: bool = False) -> Any:
    if isinstance(value, str):
        return value[::-1]
    if not is_array(value):
        return to_php_string(value)[::-1]
    pairs = list(reversed(array_items(value)))
    if not preserve_keys:
        index = 0
        renumbered = []
        for key, item in pairs:
            if isinstance(key, int):
                renumbered.append((index, item))
                index += 1
            else:
                renumbered.append((key, item))
        pairs = renumbered
    return make_array(pairs) if pairs or isinstance(value, dict) else []


@_filter("round")
def round_(value: Any, precision: Any = 0, method: Any = "common") -> float:
    number = float(to_number(value))
    places = php.to_int(precision)
    if method == "common":
        return php_round(number, places)
    if method not in ("ceil", "floor"):
        raise TemplateError('The round filter only supports the "common", "ceil", and "floor" methods')
    factor = 10.0**places
    func = math.ceil if method == "ceil" else math.floor
    return float(func(number * factor) / factor)


@_filter("slice")
def slice_(value: Any, start: Any, length: Any = None, preserve_keys: bool = False) -> Any:
    if is_array(value):
        pairs = array_items(value)
        begin = php.to_int(start)
        n = len(pairs)
        begin = max(0, n + begin) if begin < 0 else min(begin, n)
        if length is None:
            end = n
        else:
            count = php.to_int(length)
            end = begin + count if count >= 0 else max(begin, n + count)
        chosen = pairs[begin:end]
        if not preserve_keys:
            index = 0
            renumbered = []
            for key, item in chosen:
                if isinstance(key, int):
                    renumbered.append((index, item))
                    index += 1
                else:
                    renumbered.append((key, item))
            chosen = renumbered
        return make_array(chosen) if chosen else []
    text = to_php_string(value)
    begin = php.to_int(start)
    n = len(text)
    begin = max(0, n + begin) if begin < 0 else min(begin, n)
    if length is None:
        return text[begin:]
    count = php.to_int(length)
    return text[begin:begin + count] if count >= 0 else text[begin:max(begin, n + count)]


@_filter()
def sort(value: Any) -> Any:
    if not is_array(value):
        raise TemplateError(f"The sort filter only works with arrays or \"Traversable\", got \"{_type(value)}\"")
    return php.php_sort(value)


def _type(value: Any) -> str:
    from designer.templates.runtime import _type as php_type

    return php_type(value)


@_filter()
def split(value: Any, delimiter: Any, limit: Any = None) -> list[str]:
    text, delim = _text(value, "explode"), to_php_string(delimiter)
    if delim == "":
        size = php.to_int(limit) if limit is not None else 1
        size = max(size, 1)
        return [text[i:i + size] for i in range(0, len(text), size)] or [""]
    return explode(delim, text, limit)


def explode(delim: str, text: str, limit: Any = None) -> list[str]:
    if limit is None:
        return text.split(delim)
    count = php.to_int(limit)
    if count > 0:
        return text.split(delim, count - 1)
    parts = text.split(delim)
    if count < 0:
        return parts[:count]
    return [text]


@_filter()
def striptags(value: Any, allowed: Any = None) -> str:
    text = _text(value, "strip_tags")
    allowed_tags = set(re.findall(r"<([a-zA-Z0-9]+)>", to_php_string(allowed))) if allowed else set()

    def keep(match: re.Match[str]) -> str:
        name = re.match(r"</?\s*([a-zA-Z0-9]+)", match.group(0))
        return match.group(0) if name and name.group(1).lower() in {t.lower() for t in allowed_tags} else ""

    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    return re.sub(r"<[^>]*>?", keep, text)


@_filter()
def title(value: Any) -> str:
    return re.sub(r"[^\W\d_]+(?:'[^\W\d_]+)*", lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(),
                  _text(value, "mb_convert_case"))


@_filter()
def trim(value: Any, chars: Any = None, side: Any = "both") -> str:
    text = _text(value, "trim")
    mask = " \t\n\r\0\x0b" if chars is None else _char_mask(to_php_string(chars))
    if side == "left":
        return text.lstrip(mask)
    if side == "right":
        return text.rstrip(mask)
    if side != "both":
        raise TemplateError('Trimming side must be "left", "right" or "both"')
    return text.strip(mask)


def _char_mask(chars: str) -> str:
    return re.sub(r"(.)\.\.(.)", lambda m: "".join(chr(c) for c in range(ord(m.group(1)), ord(m.group(2)) + 1)),
                  chars)


def http_build_query(data: Any, prefix: str = "") -> str:
    parts = []
    for key, value in array_items(data):
        name = f"{prefix}[{key}]" if prefix else str(key)
        if value is None:
            continue
        if is_array(value):
            nested = http_build_query(value, name)
            if nested:
                parts.append(nested)
            continue
        if value is True or value is False:
            value = int(value)
        parts.append(f"{rawurlencode(name)}={rawurlencode(to_php_string(value))}")
    return "&".join(parts)


def rawurlencode(text: str) -> str:
    return urllib.parse.quote(text, safe="-_.~")


@_filter()
def url_encode(value: Any) -> str:
    if is_array(value):
        return http_build_query(value)
    return rawurlencode(to_php_string(value))


# Cerb's own filters register themselves into FILTERS on import; they import this module, so they load last.
from designer.templates import cerb_filters  # noqa: E402, F401 - imported for its registrations
