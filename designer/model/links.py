"""`{{{uid.x}}}` links between objects of a package, and `{{{key}}}` package placeholders.

A link stays the string it is in the JSON (so export writes it back as it came); these helpers find,
resolve and rewrite them, which is all the editor needs to follow and maintain them.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from designer.model.jsontree import iter_strings, map_strings

PACKAGE_TAG = re.compile(r"\{\{[#%{]")  # Cerb renders only strings containing {{{ , {{% or {{#
UID_LINK = re.compile(r"\{\{\{\s*uid\.([A-Za-z0-9_.\-]+?)\s*\}\}\}")
PLACEHOLDER = re.compile(r"\{\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\b")
UID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # what `{{{uid.X}}}` can name in Cerb's import lexer (a Twig name)


def uid_link(uid: str) -> str:
    """How the exporter writes a link to the object with this uid."""
    return "{{{uid." + uid + "}}}"


def mentions_package_tags(value: Any) -> bool:
    """Cheap pre-check (one C-speed serialisation) before walking a value for {{{ }}} tags."""
    if isinstance(value, str):
        return "{{{" in value
    if isinstance(value, (dict, list)):
        try:
            return "{{{" in json.dumps(value, ensure_ascii=False, check_circular=False)
        except RecursionError:  # nested too deeply for the C encoder
            return any("{{{" in text for text in iter_strings(value))
    return False


def _matches(value: Any, pattern: re.Pattern[str]) -> Iterator[str]:
    """Group 1 of every match of `pattern` in the strings (keys included) of a JSON value."""
    for text in iter_strings(value):
        if "{{{" in text:
            yield from pattern.findall(text)


def iter_uid_links(value: Any) -> Iterator[str]:
    """Every uid that `value` (any JSON) links to, in document order."""
    if mentions_package_tags(value):
        yield from _matches(value, UID_LINK)


def link_target(value: Any) -> str | None:
    """The uid when `value` is exactly one link (e.g. a `behavior_id` param), else None."""
    if isinstance(value, str):
        m = UID_LINK.fullmatch(value.strip())
        if m:
            return m.group(1)
    return None


def iter_placeholder_names(value: Any) -> Iterator[str]:
    """Names used as `{{{name…}}}` package placeholders (uid links excluded)."""
    if mentions_package_tags(value):
        yield from (name for name in _matches(value, PLACEHOLDER) if name != "uid")


def rename_uid_links(value: Any, old: str, new: str) -> Any:
    """`value` with links to `old` pointing at `new` (when a uid changes): `value` itself when it has none, else
    new containers on the way to each changed string (see jsontree.map_strings)."""
    if not mentions_package_tags(value):
        return value

    def relink(text: str) -> str:
        if "{{{" not in text:
            return text
        return UID_LINK.sub(lambda m: uid_link(new) if m.group(1) == old else m.group(0), text)

    return map_strings(value, relink)
