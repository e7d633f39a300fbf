"""Configuring a package as Cerb's importer does: prompts → values, computed placeholders, uid → id, then
ONE pass over every key and string that renders only the package tags ({{{ }}}, {{% %}}, {{# #}}).

Editing keeps the package the template it is; this produces the resolved copy the simulator runs, or that
`export --set` writes as a ready-to-run file.
"""
from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from designer.errors import DesignerError
from designer.io.reader import read_package_value
from designer.model import Package
from designer.model.links import PACKAGE_TAG

CONNECTED_ACCOUNT = "cerberusweb.contexts.connected_account"
DEFAULTS = {"base_url": "http://localhost/", "group_id": "1", "bucket_id": "1", "replyto_id": "1",
            "replyto_email": "support@example.com"}


class ConfigureError(DesignerError):
    """Prompt values are missing or invalid; `missing` names each prompt."""

    exit_code = 2

    def __init__(self, problems: list[str], missing: list[str]) -> None:
        super().__init__("cannot configure the package:\n" + "\n".join(f"  {p}" for p in problems),
                         hint="give each value with --set KEY=VALUE (or in the import wizard)")
        self.missing = missing


@dataclass
class ConfiguredPackage:
    package: Package  # the resolved package: every package tag rendered
    placeholders: dict[str, Any]  # what the tags were rendered with (prompts, placeholders, uid, default)
    uid_ids: dict[str, int] = field(default_factory=dict)  # package uid → the id it was given

    def behavior_by_id(self, value: Any) -> Any:
        """The behavior a rendered `behavior_id` points at."""
        try:
            wanted = int(str(value).strip())
        except ValueError:
            return None
        for behavior in self.package.all_behaviors():
            if self.uid_ids.get(behavior.uid) == wanted:
                return behavior
        return None

    def id_of(self, uid: str) -> int | None:
        return self.uid_ids.get(uid)


def _generate_password(length: int) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(max(1, min(length, 255))))


def prompt_values(package: Package, given: Mapping[str, str]) -> dict[str, Any]:
    """Validate the given values against the package's prompts; defaults fill text prompts."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    missing: list[str] = []
    for prompt in package.prompts:
        key, kind = str(prompt.get("key", "")), prompt.get("type")
        label = str(prompt.get("label") or key)
        raw_params = prompt.get("params")
        params = raw_params if isinstance(raw_params, dict) else {}
        value = given.get(key)
        if value is None and kind in ("text", "picklist") and params.get("default") not in (None, ""):
            value = str(params["default"])
        if value is None or (isinstance(value, str) and value == ""):
            problems.append(f"'{label}' ({key}) is required.")
            missing.append(key)
            continue
        if kind == "picklist":
            options = params.get("options", [])
            allowed = list(options.values()) if isinstance(options, dict) else list(options)
            if allowed and value not in [str(o) for o in allowed]:
                problems.append(f"'{label}' ({key}) must be one of: {', '.join(map(str, allowed))}.")
                continue
        values[key] = value
        if kind == "chooser" and key.endswith("_id") and params.get("single") and params.get("context"):
            values[key[:-2] + "_context"] = params["context"]
    derived = {k[:-2] + "_context" for k in (str(p.get("key")) for p in package.prompts) if k.endswith("_id")}
    unknown = sorted(set(given) - {str(p.get("key")) for p in package.prompts} - derived)
    if unknown:
        problems.append(f"unknown prompt(s): {', '.join(unknown)}")
    if problems:
        raise ConfigureError(problems, missing)
    return values


def computed_placeholders(package: Package) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in package.placeholders:
        key = str(item.get("key", ""))
        raw_params = item.get("params")
        params = raw_params if isinstance(raw_params, dict) else {}
        if item.get("type") == "random":
            try:
                length = int(params.get("length", 8))
            except (TypeError, ValueError):
                length = 8
            values[key] = _generate_password(length)
        else:  # data_query and others need a Cerb database: leave empty, as a failed query would
            values[key] = ""
    return values


def assign_ids(package: Package) -> dict[str, int]:
    """Every uid'd object gets an id, in document order (the app's stand-in for Cerb's new DB rows)."""
    ids: dict[str, int] = {}
    for uid in _uids_in_order(package.to_json()):
        ids.setdefault(uid, len(ids) + 1)
    return ids


def _uids_in_order(value: Any) -> list[str]:
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("uid"), str):
                found.append(item["uid"])
            stack.extend(reversed([v for v in item.values() if isinstance(v, (dict, list))]))
        elif isinstance(item, list):
            stack.extend(reversed([v for v in item if isinstance(v, (dict, list))]))
    return found


def configure_package(
    package: Package, given: Mapping[str, str] | None = None, *, engine: Any = None
) -> ConfiguredPackage:
    """The resolved package: prompts answered, every package tag rendered (one pass, one placeholder set)."""
    from designer.templates import TemplateEngine, TemplateError

    engine = engine or TemplateEngine()
    uid_ids = assign_ids(package)
    placeholders: dict[str, Any] = {
        **prompt_values(package, given or {}),
        **computed_placeholders(package),
        "uid": {uid: str(i) for uid, i in uid_ids.items()},
        "default": dict(DEFAULTS),
    }

    def render(text: str) -> Any:
        if not PACKAGE_TAG.search(text):
            return text
        try:
            return engine.render_package(text, placeholders)
        except TemplateError:
            return False  # Cerb: a render error makes the value false

    data = package.to_json()
    header = data.pop("package")
    resolved = {"package": header, **render_strings(data, render)}
    resolved = {k: resolved[k] for k in package.to_json()}  # keep the top-level order
    new_package, _ = read_package_value(resolved, source=f"{package.name} (configured)")
    return ConfiguredPackage(new_package, placeholders, uid_ids)


def render_strings(value: Any, render: Callable[[str], Any]) -> Any:
    """A copy of a JSON value with every string (keys too) passed through `render`, in document order.

    Iterative, so a value nested as deep as json.loads accepts never meets the recursion limit."""
    holder: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(holder, 0, value)]  # (target container, key in it, source value)
    while stack:
        target, key, item = stack.pop()
        if isinstance(item, str):
            target[key] = render(item)
        elif isinstance(item, dict):
            out: dict[Any, Any] = {}
            target[key] = out
            todo = []
            for k, v in item.items():
                new_key = render(k) if isinstance(k, str) else k
                out[new_key] = None  # claims the key's place now, so the order is the source's
                todo.append((out, new_key, v))
            stack.extend(reversed(todo))
        elif isinstance(item, list):
            seq: list[Any] = [None] * len(item)
            target[key] = seq
            stack.extend((seq, i, item[i]) for i in reversed(range(len(item))))
        else:
            target[key] = item
    return holder[0]
