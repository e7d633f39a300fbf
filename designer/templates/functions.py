"""Cerb's allow-listed functions (Twig's attribute/cycle/date/max/min/random/range plus Cerb's own).

Record-level ``cerb_*`` functions have no Cerb to ask offline: the URL builders build URLs from the engine's
base URL, the permission checks answer false. XML functions work on a small SimpleXML-like wrapper.
"""
from __future__ import annotations

import copy
import functools
import logging
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from designer.templates import php, runtime
from designer.templates.cerb_filters import _EMAIL_RE
from designer.templates.errors import TemplateError
from designer.templates.pcre import preg_match_all
from designer.templates.php import (
    array_items,
    array_values,
    is_array,
    is_numeric,
    make_array,
    php_compare,
    php_json_decode,
    to_php_string,
)

if TYPE_CHECKING:
    from designer.templates.compiler import TwigEnvironment

log = logging.getLogger(__name__)

FUNCTIONS: dict[str, Callable[..., Any]] = {}
_F = TypeVar("_F", bound=Callable[..., Any])
_RANDOM_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _function(*names: str, env: bool = False, context: bool = False) -> Callable[[_F], _F]:
    def register(func: _F) -> _F:
        if env:
            func.needs_env = True  # type: ignore[attr-defined]
        if context:
            func.needs_context = True  # type: ignore[attr-defined]
        for name in names or (func.__name__.removeprefix("fn_"),):
            FUNCTIONS[name] = func
        return func

    return register


# --- arrays ------------------------------------------------------------------------------------------------

@_function()
def fn_array_combine(keys: Any, values: Any) -> Any:
    if not is_array(keys) or not is_array(values):
        return None
    k, v = array_values(keys), array_values(values)
    if len(k) != len(v):
        raise TemplateError("array_combine(): Both parameters should have an equal number of elements")
    return make_array(list(zip(k, v, strict=True)))


def _strings(arrays: tuple[Any, ...]) -> set[str]:
    return {to_php_string(v) for array in arrays for v in array_values(array)}


@_function()
def fn_array_diff(array: Any, *others: Any) -> Any:
    if not is_array(array) or not all(is_array(o) for o in others):
        return None
    exclude = _strings(others)
    return _keep([(k, v) for k, v in array_items(array) if to_php_string(v) not in exclude])


@_function()
def fn_array_intersect(array: Any, *others: Any) -> Any:
    if not is_array(array) or not all(is_array(o) for o in others):
        return None
    pairs = array_items(array)
    for other in others:
        allowed = _strings((other,))
        pairs = [(k, v) for k, v in pairs if to_php_string(v) in allowed]
    return _keep(pairs)


def _keep(pairs: list[tuple[Any, Any]]) -> Any:
    """PHP array functions keep keys: a list with gaps becomes a map."""
    return make_array(pairs) if pairs else []


@_function()
def fn_array_sort_keys(array: Any) -> Any:
    if not is_array(array):
        return None

    def by_key(a: tuple[Any, Any], b: tuple[Any, Any]) -> int:
        return php_compare(a[0], b[0])

    pairs = sorted(array_items(array), key=functools.cmp_to_key(by_key))
    return make_array(pairs) if pairs else []


@_function()
def fn_array_unique(array: Any) -> Any:
    if not is_array(array):
        return None
    seen: set[str] = set()
    pairs = []
    for key, value in array_items(array):
        text = to_php_string(value)
        if text not in seen:
            seen.add(text)
            pairs.append((key, value))
    return _keep(pairs)


@_function()
def fn_array_values(array: Any) -> Any:
    return array_values(array) if is_array(array) else None


@_function()
def fn_attribute(obj: Any, name: Any, args: Any = None) -> Any:
    return runtime.getattr(obj, name)


@_function()
def fn_cycle(values: Any, position: Any) -> Any:
    if not is_array(values):
        return values
    items = array_values(values)
    if not items:
        raise TemplateError("The cycle function does not work on empty arrays")
    return items[php.to_int(position) % len(items)]


@_function(env=True)
def fn_date(env: TwigEnvironment, value: Any = None, tz: Any = None) -> Any:
    return env.twig_date(value, tz)


@_function("max")
def fn_max(*values: Any) -> Any:
    return _extreme(values, 1)


@_function("min")
def fn_min(*values: Any) -> Any:
    return _extreme(values, -1)


def _extreme(values: tuple[Any, ...], sign: int) -> Any:
    items = array_values(values[0]) if len(values) == 1 and is_array(values[0]) else list(values)
    if not items:
        raise TemplateError("max(): Argument #1 ($value) must contain at least one element")
    best = items[0]
    for item in items[1:]:
        if php_compare(item, best) * sign > 0:
            best = item
    return best


@_function(env=True)
def fn_random(env: TwigEnvironment, values: Any = None, max_: Any = None) -> Any:
    rng = env.twig_random
    if values is None and max_ is None:
        return rng.randint(0, 2**31 - 1)
    if values is None or isinstance(values, (int, float)):  # a bool too: PHP reads it as 0 or 1
        low, high = (0, php.to_int(values)) if max_ is None else (php.to_int(values), php.to_int(max_))
        return rng.randint(min(low, high), max(low, high))
    if isinstance(values, str):
        if is_numeric(values):
            return fn_random(env, php.to_number(values), max_)
        return rng.choice(values) if values else ""
    items = array_values(values)
    if not items:
        raise TemplateError("The random function cannot pick from an empty array")
    return rng.choice(items)


@_function()
def fn_range(low: Any, high: Any, step: Any = 1) -> list[Any]:
    return runtime.range(low, high, step)


@_function(env=True)
def fn_random_string(env: TwigEnvironment, length: Any = 8) -> str:
    size = max(1, min(255, php.to_int(length)))
    return "".join(env.twig_random.choice(_RANDOM_CHARS) for _ in range(size))


@_function(env=True)
def fn_shuffle(env: TwigEnvironment, array: Any) -> Any:
    if not is_array(array):
        return False
    items = array_values(array)
    env.twig_random.shuffle(items)
    return items


@_function()
def fn_json_decode(text: Any) -> Any:
    return php_json_decode(text)


@_function()
def fn_regexp_match_all(pattern: Any, text: Any, group: Any = 0) -> Any:
    matches = preg_match_all(to_php_string(pattern), to_php_string(text))
    index = php.to_int(group)
    if matches is None:
        return []
    groups = (matches[0].re.groups if matches else _group_count(to_php_string(pattern)))
    table = [[(m.group(g) or "") for m in matches] for g in range(groups + 1)]
    if index:
        return table[index] if index < len(table) else []
    return table


def _group_count(pattern: str) -> int:
    from designer.templates.pcre import compile_php_regex

    compiled = compile_php_regex(pattern)
    return compiled.groups if compiled is not None else 0


@_function()
def fn_validate_email(text: Any) -> bool:
    return isinstance(text, str) and bool(_EMAIL_RE.match(text))


@_function()
def fn_validate_number(value: Any) -> bool:
    return is_numeric(value)


@_function("placeholders_list", "cerb_placeholders_list", context=True)
def fn_placeholders_list(context: Any, *args: Any) -> dict[str, Any]:
    return {k: v for k, v in context.get_all().items() if not k.startswith("_tw_")}


# --- dict_set / jsonpath_set -----------------------------------------------------------------------------

def _container(value: Any) -> dict[Any, Any]:
    return dict(array_items(value)) if is_array(value) else {}


def _set_path(var: Any, keys: list[Any], value: Any) -> Any:
    node = _container(var)
    key = keys[0]
    if key == "[]":
        key = max([k for k in node if isinstance(k, int)], default=-1) + 1
    key = php.normalize_key(key)
    if len(keys) == 1:
        node[key] = value
    else:
        node[key] = _set_path(node.get(key), keys[1:], value)
    return _canonical(node)


def _canonical(node: dict[Any, Any]) -> Any:
    if node and php.is_list_keys(list(node)):
        return list(node.values())
    return node


@_function()
def fn_dict_set(var: Any, path: Any, value: Any) -> Any:
    if not is_array(var) and not php.is_php_empty(var):
        return var
    keys = [part.replace("{DOT}", ".") for part in to_php_string(path).split(".")]
    return _set_path(copy.copy(var) if is_array(var) else {}, keys, value)


@_function()
def fn_jsonpath_set(var: Any, path: Any, value: Any) -> Any:
    if not is_array(var) and not php.is_php_empty(var):
        return var
    keys: list[Any] = []
    for part in to_php_string(path).split("."):
        part = part.replace("{DOT}", ".")
        if part.endswith("[]") and part != "[]":
            keys += [part[:-2], "[]"]
        else:
            keys.append(part)
    return _set_path(var if is_array(var) else {}, keys, value)


# --- Cerb URLs and records (offline) -----------------------------------------------------------------------

def _alias(context: Any) -> str:
    text = to_php_string(context)
    return text.rsplit(".", 1)[-1] if text.startswith("cerberusweb.contexts.") else text


@_function(env=True)
def fn_cerb_avatar_url(env: TwigEnvironment, context: Any, record_id: Any = 0, updated: Any = 0) -> str:
    url = f"{env.twig_base_url}avatars/{_alias(context)}/{php.to_int(record_id)}"
    return url + (f"?v={php.to_int(updated)}" if php.to_int(updated) else "")


@_function(env=True)
def fn_cerb_avatar_image(env: TwigEnvironment, context: Any, record_id: Any = 0, updated: Any = 0) -> str:
    url = fn_cerb_avatar_url(env, context, record_id, updated)
    return (f'<img src="{url}" style="height:16px;width:16px;border-radius:16px;vertical-align:middle;">')


@_function(env=True)
def fn_cerb_file_url(env: TwigEnvironment, file_id: Any, name: Any = None) -> str:
    url = f"{env.twig_base_url}files/{php.to_int(file_id)}"
    return url + (f"/{urllib.parse.quote(to_php_string(name))}" if name else "")


@_function(env=True)
def fn_cerb_url(env: TwigEnvironment, url: Any, full: Any = True, proxy: Any = True) -> str:
    parts = [v for _, v in urllib.parse.parse_qsl(to_php_string(url), keep_blank_values=True)]
    path = "/".join(urllib.parse.quote(p) for p in parts)
    base = env.twig_base_url if php.php_truthy(full) else "/" + env.twig_base_url.split("://", 1)[-1].split("/", 1)[-1]
    return base + path


@_function()
def fn_cerb_has_priv(*args: Any) -> bool:
    return False


@_function("cerb_record_readable", "cerb_record_writeable")
def fn_cerb_record_access(*args: Any) -> bool:
    return False


# --- XML ---------------------------------------------------------------------------------------------------

class XmlElement:
    """A SimpleXMLElement-like view: ``el.child`` is the first child named so, ``el['attr']`` an attribute,
    printing gives the text."""

    __slots__ = ("element", "namespaces")

    def __init__(self, element: ET.Element, namespaces: dict[str, str] | None = None) -> None:
        self.element = element
        self.namespaces = namespaces or {}

    def __twig_attr__(self, name: Any) -> Any:
        key = to_php_string(name)
        for child in self.element:
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == key:
                return XmlElement(child, self.namespaces)
        if key in self.element.attrib:
            return self.element.attrib[key]
        return php.MISSING

    def __php_string__(self) -> str:
        return self.element.text or ""

    def __php_json__(self) -> Any:
        children = [c for c in self.element if isinstance(c.tag, str)]
        if not children:
            return self.element.text or ""
        return make_array([(c.tag.rsplit("}", 1)[-1], XmlElement(c).__php_json__()) for c in children])


@_function()
def fn_xml_decode(text: Any, namespaces: Any = None) -> Any:
    try:
        return XmlElement(ET.fromstring(to_php_string(text)))
    except ET.ParseError:
        return False


@_function()
def fn_xml_encode(xml: Any) -> Any:
    if not isinstance(xml, XmlElement):
        return False
    return ET.tostring(xml.element, encoding="unicode")


@_function()
def fn_xml_xpath_ns(xml: Any, prefix: Any, namespace: Any) -> Any:
    if isinstance(xml, XmlElement):
        xml.namespaces[to_php_string(prefix)] = to_php_string(namespace)
    return xml


@_function()
def fn_xml_xpath(xml: Any, path: Any, element: Any = None) -> Any:
    if not isinstance(xml, XmlElement):
        return False
    expression = to_php_string(path)
    if expression.startswith("//"):
        expression = "." + expression
    elif expression.startswith("/"):
        expression = "./" + expression.split("/", 2)[-1] if expression.count("/") > 1 else "."
    try:
        found = xml.element.findall(expression, xml.namespaces)
    except (SyntaxError, KeyError):
        return False
    results = [XmlElement(e, xml.namespaces) for e in found]
    if element is not None:
        index = php.to_int(element)
        return results[index] if 0 <= index < len(results) else None
    return results
