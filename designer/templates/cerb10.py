"""A few of the filters, functions and tests Cerb 10.x added to its allow-list (cerb-semantics §7), where the
semantics are plain enough to reproduce offline. Arrow-function filters (map/filter/reduce) are not included."""
from __future__ import annotations

import logging
import re
import urllib.parse
from typing import Any

from designer.templates import php
from designer.templates.errors import TemplateError
from designer.templates.filters import _filter
from designer.templates.functions import _function, fn_dict_set
from designer.templates.php import array_items, array_values, is_array, make_array, to_number, to_php_string
from designer.templates.runtime import MAX_STRING, check_size

log = logging.getLogger(__name__)


@_filter()
def values(value: Any) -> Any:
    return array_values(value) if is_array(value) else []


@_filter()
def column(value: Any, name: Any, index: Any = None) -> Any:
    return fn_array_column(value, name, index)


@_filter()
def indent(value: Any, marker: Any = " ", from_line: Any = 0) -> str:
    start = php.to_int(from_line)
    prefix = to_php_string(marker)
    lines = to_php_string(value).split("\n")
    return check_size("\n".join(prefix + line if i >= start else line for i, line in enumerate(lines)))


@_filter()
def repeat(value: Any, times: Any) -> str:
    text, count = to_php_string(value), max(0, php.to_int(times))
    if len(text) * count > MAX_STRING:
        raise TemplateError(f"String too long (over {MAX_STRING} characters)")
    return text * count


@_filter()
def context_alias(value: Any) -> str:
    text = to_php_string(value)
    return text.rsplit(".", 1)[-1] if text.startswith("cerberusweb.contexts.") else text


@_filter()
def permalink(value: Any, spaces_as: Any = "-") -> str:
    sep = to_php_string(spaces_as)
    slug = re.sub(r"[^a-z0-9]+", sep, to_php_string(value).lower())
    return slug.strip(sep) if sep else slug


@_filter()
def parse_url(value: Any) -> Any:
    parts = urllib.parse.urlsplit(to_php_string(value))
    pairs: list[tuple[str, Any]] = []
    for key, item in (("scheme", parts.scheme), ("host", parts.hostname), ("port", parts.port),
                      ("user", parts.username), ("pass", parts.password), ("path", parts.path),
                      ("query", parts.query), ("fragment", parts.fragment)):
        if item not in (None, ""):
            pairs.append((key, item))
    return make_array(pairs) if pairs else []


@_function()
def fn_array_column(array: Any, name: Any, index: Any = None) -> Any:
    if not is_array(array):
        return None
    pairs = []
    for row in array_values(array):
        if not is_array(row):
            continue
        fields = dict(array_items(row))
        key = php.normalize_key(name)
        if name is not None and key not in fields:
            continue
        val = row if name is None else fields[key]
        if index is not None and php.normalize_key(index) in fields:
            pairs.append((fields[php.normalize_key(index)], val))
        else:
            pairs.append((len([k for k, _ in pairs if isinstance(k, int)]), val))
    return make_array(pairs) if pairs else []


@_function()
def fn_array_count_values(array: Any) -> Any:
    if not is_array(array):
        return None
    counts: dict[Any, int] = {}
    for item in array_values(array):
        if isinstance(item, (str, int)) and not isinstance(item, bool):
            key = php.normalize_key(item)
            counts[key] = counts.get(key, 0) + 1
    return make_array(list(counts.items())) if counts else []


@_function()
def fn_array_extract_keys(array: Any, keys: Any) -> Any:
    if not is_array(array) or not is_array(keys):
        return None
    wanted = {php.normalize_key(k) for k in array_values(keys)}
    pairs = [(k, v) for k, v in array_items(array) if k in wanted]
    return make_array(pairs) if pairs else []


@_function()
def fn_array_fill_keys(keys: Any, value: Any) -> Any:
    if not is_array(keys):
        return None
    pairs = [(k, value) for k in array_values(keys)]
    return make_array(pairs) if pairs else []


@_function()
def fn_array_sum(array: Any) -> Any:
    if not is_array(array):
        return None
    total: int | float = 0
    for item in array_values(array):
        total += to_number(item)
    return php.normalize_number(total)


@_function()
def fn_clamp_float(value: Any, low: Any, high: Any) -> float:
    return float(min(max(float(to_number(value)), float(to_number(low))), float(to_number(high))))


@_function()
def fn_clamp_int(value: Any, low: Any, high: Any) -> int:
    return min(max(php.to_int(value), php.to_int(low)), php.to_int(high))


@_function()
def fn_dict_unset(var: Any, path: Any) -> Any:
    if not is_array(var):
        return var
    keys = [php.normalize_key(p.replace("{DOT}", ".")) for p in to_php_string(path).split(".")]

    def remove(node: Any, rest: list[Any]) -> Any:
        items = dict(array_items(node))
        if rest[0] not in items:
            return node
        if len(rest) == 1:
            del items[rest[0]]
        elif is_array(items[rest[0]]):
            items[rest[0]] = remove(items[rest[0]], rest[1:])
        return make_array(list(items.items())) if items else []

    return remove(var, keys)


def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$", re.IGNORECASE | re.DOTALL)


def test_prefixed(value: Any, prefix: Any) -> bool:
    return isinstance(value, str) and value.startswith(to_php_string(prefix))


def test_suffixed(value: Any, suffix: Any) -> bool:
    return isinstance(value, str) and value.endswith(to_php_string(suffix))


def test_pattern(value: Any, *patterns: Any) -> bool:
    text = to_php_string(value)
    flat = [p for pattern in patterns for p in (array_values(pattern) if is_array(pattern) else [pattern])]
    return any(_wildcard(to_php_string(p)).match(text) for p in flat)


_ = fn_dict_set  # dict_unset mirrors dict_set's path rules
