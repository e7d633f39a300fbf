"""Read Cerb package JSON into the model, collecting every problem with its JSON path (and line, when the
source text is known). Bad input never raises anything but PackageFormatError."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from designer.errors import DesignerError
from designer.io.jsonpos import line_col, locate
from designer.model import ABSENT, NODE_TYPES, STATUSES, Behavior, Bot, Node, Package, Problem, structure_error
from designer.model.bulk import gc_paused
from designer.model.nodes import ALLOWED_CHILDREN, ROOT

NODE_TYPES_SET = frozenset(NODE_TYPES)

MAX_DEPTH = 200  # nodes nested deeper than this are refused: no real tree comes close, and it bounds recursion
MAX_FILE_BYTES = 256 * 1024 * 1024

# Cerb's _packageValidate: required keys per collection item
REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "records": ("uid", "_context"),
    "custom_fieldsets": ("uid", "name", "context", "owner", "fields"),
    "workspaces": ("uid", "name", "extension_id", "tabs"),
    "portals": ("uid", "name", "extension_id", "params"),
    "saved_searches": ("uid", "name", "context", "tag", "query"),
    "calendars": ("uid", "name", "params"),
    "classifiers": ("uid", "name", "params"),
    "project_boards": ("uid", "name", "columns"),
}
BOT_KEYS = ("uid", "name", "owner", "is_disabled", "params", "behaviors")
BEHAVIOR_KEYS = ("uid", "title", "is_disabled", "is_private", "priority", "event", "nodes")


class PackageFormatError(DesignerError):
    """The input is not a package the model can hold; `problems` lists every reason, with paths."""

    exit_code = 2

    def __init__(self, source: str, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        shown = "\n".join(f"  {p}" for p in errors[:50])
        more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{source}: {len(errors)} error(s)\n{shown}{more}",
                         hint="fix the listed places in the JSON (paths are from the top of the file)")
        self.source = source
        self.problems = problems


class PackageReadError(DesignerError):
    """The file cannot be read at all (missing, a folder, no permission): invalid input, like a bad package."""

    exit_code = 2


def _type_name(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.uid_paths: dict[str, str] = {}

    def error(self, path: str, message: str, code: str) -> None:
        self.problems.append(Problem(path, message, code))

    def expect(self, value: Any, kind: type | tuple[type, ...], path: str, what: str) -> bool:
        # a bool is an int to isinstance, but not a number to Cerb
        ok = not (isinstance(value, bool) and kind in (int, (int, float))) and isinstance(value, kind)
        if not ok:
            names = {dict: "an object", list: "an array", str: "a string", int: "a number", bool: "a boolean"}
            wanted = names.get(kind, "a number") if isinstance(kind, type) else "a scalar"
            self.error(path, f"{what} must be {wanted}, not {_type_name(value)}", "type")
        return ok

    def require(self, data: dict[str, Any], keys: tuple[str, ...], path: str, what: str) -> bool:
        missing = [k for k in keys if k not in data]
        for key in missing:
            self.error(path, f"{what} is missing required key {key!r}", "missing-key")
        return not missing

    def note_uid(self, uid: Any, path: str) -> None:
        if not isinstance(uid, str) or not uid:
            self.error(f"{path}.uid", "uid must be a non-empty string", "type")
            return
        if uid in self.uid_paths:
            self.error(f"{path}.uid", f"duplicate uid {uid!r} (also at {self.uid_paths[uid]})", "duplicate-uid")
        else:
            self.uid_paths[uid] = path

    # -- the package ---------------------------------------------------------------------------
    def package(self, data: Any) -> Package:
        pkg = Package()
        if not isinstance(data, dict):
            self.error("", f"a package must be a JSON object, not {_type_name(data)}", "type")
            return pkg
        pkg.key_order = tuple(data)
        pkg.extra = {k: v for k, v in data.items() if k not in ("package", "bots", "behaviors")}
        if "package" not in data:
            self.error("", "not a Cerb package: the top-level 'package' object is missing", "missing-key")
        elif self.expect(data["package"], dict, "package", "'package'"):
            pkg.header = data["package"]
            self.header(pkg.header)
        pkg.had_bots_key = "bots" in data
        pkg.had_behaviors_key = "behaviors" in data
        if "bots" in data and self.expect(data["bots"], list, "bots", "'bots'"):
            for i, item in enumerate(data["bots"]):
                bot = self.bot(item, f"bots[{i}]")
                if bot is not None:
                    pkg.bots.append(bot)
        if "behaviors" in data and self.expect(data["behaviors"], list, "behaviors", "'behaviors'"):
            for i, item in enumerate(data["behaviors"]):
                behavior = self.behavior(item, f"behaviors[{i}]", top_level=True)
                if behavior is not None:
                    pkg.behaviors.append(behavior)
        for key, required in REQUIRED_KEYS.items():
            if key in data:
                self.collection(data[key], key, required)
        return pkg

    def header(self, header: dict[str, Any]) -> None:
        if "name" in header and not isinstance(header["name"], str):
            self.error("package.name", "the package name must be a string", "type")
        configure = header.get("configure", {})
        if not self.expect(configure, dict, "package.configure", "'configure'"):
            return
        for section in ("prompts", "placeholders"):
            items = configure.get(section, [])
            if not self.expect(items, list, f"package.configure.{section}", f"'{section}'"):
                continue
            for i, item in enumerate(items):
                path = f"package.configure.{section}[{i}]"
                if self.expect(item, dict, path, f"a {section[:-1]}"):
                    self.require(item, ("type", "key"), path, f"the {section[:-1]}")
                    if "key" in item:
                        self.expect(item["key"], str, f"{path}.key", "its key")
                    if "params" in item and not isinstance(item["params"], (dict, list)):
                        self.error(f"{path}.params", "params must be an object", "type")

    def collection(self, items: Any, key: str, required: tuple[str, ...]) -> None:
        if not self.expect(items, list, key, f"'{key}'"):
            return
        for i, item in enumerate(items):
            path = f"{key}[{i}]"
            if self.expect(item, dict, path, f"an item of {key}") and self.require(item, required, path, "it"):
                self.note_uid(item["uid"], path)

    def bot(self, data: Any, path: str) -> Bot | None:
        if not self.expect(data, dict, path, "a bot") or not self.require(data, BOT_KEYS, path, "the bot"):
            return None
        self.note_uid(data["uid"], path)
        bot = Bot(data["uid"], data["name"])
        bot._take_extra(data)
        self.expect(data["name"], str, f"{path}.name", "the bot's name")
        self.expect(data["is_disabled"], (bool, int, str), f"{path}.is_disabled", "is_disabled")
        bot.owner, bot.is_disabled, bot.params = data["owner"], data["is_disabled"], data["params"]
        bot.image = data.get("image", ABSENT)
        if self.expect(data["behaviors"], list, f"{path}.behaviors", "'behaviors'"):
            for i, item in enumerate(data["behaviors"]):
                behavior = self.behavior(item, f"{path}.behaviors[{i}]", top_level=False)
                if behavior is not None:
                    behavior.bot = bot
                    bot.behaviors.append(behavior)
        return bot

    def behavior(self, data: Any, path: str, *, top_level: bool) -> Behavior | None:
        keys = (*BEHAVIOR_KEYS, "bot_id") if top_level else BEHAVIOR_KEYS
        if not self.expect(data, dict, path, "a behavior") or not self.require(data, keys, path, "the behavior"):
            return None
        self.note_uid(data["uid"], path)
        behavior = Behavior(data["uid"], data["title"])
        behavior._take_extra(data)
        self.expect(data["title"], str, f"{path}.title", "the title")
        for flag in ("is_disabled", "is_private"):
            self.expect(data[flag], (bool, int, str), f"{path}.{flag}", flag)
        self.expect(data["priority"], (int, str), f"{path}.priority", "priority")
        event = data["event"]
        if (
            self.expect(event, dict, f"{path}.event", "the event")
            and self.expect(event.get("key"), str, f"{path}.event.key", "the event key")
            and "params" in event
            and not isinstance(event["params"], (dict, list))
        ):
            self.error(f"{path}.event.params", "event params must be an object", "type")
        if "variables" in data and not isinstance(data["variables"], (dict, list)):
            self.error(f"{path}.variables", "variables must be an object", "type")
        behavior.bot_id = data.get("bot_id", ABSENT)
        behavior.is_disabled, behavior.is_private = data["is_disabled"], data["is_private"]
        behavior.priority, behavior.event = data["priority"], event
        behavior.variables = data.get("variables", ABSENT)
        behavior.had_nodes_key = True
        if self.expect(data["nodes"], list, f"{path}.nodes", "'nodes'"):
            for i, item in enumerate(data["nodes"]):
                node = self.node(item, f"{path}.nodes[{i}]", ROOT, 1)
                if node is not None:
                    node.parent = behavior
                    behavior.children.append(node)
        return behavior

    def node(self, data: Any, path: str, parent_kind: str, depth: int) -> Node | None:
        # The checks below test the well-formed case inline and call expect()/require() only to report a
        # problem: a 10,000-node package is read in a third less time than with every check going through them.
        if depth > MAX_DEPTH:
            self.error(path, f"nodes are nested more than {MAX_DEPTH} levels deep", "too-deep")
            return None
        if not isinstance(data, dict) or "type" not in data or "title" not in data:
            if self.expect(data, dict, path, "a node"):
                self.require(data, ("type", "title"), path, "the node")
            return None
        kind, title = data["type"], data["title"]
        ok = isinstance(title, str) or self.expect(title, str, f"{path}.title", "the title")
        if not isinstance(kind, str) or kind not in NODE_TYPES_SET:
            self.error(f"{path}.type", f"unknown node type {kind!r} (expected one of {', '.join(NODE_TYPES)})",
                       "node-type")
            return None
        if kind not in ALLOWED_CHILDREN.get(parent_kind, ()):
            self.error(path, structure_error(parent_kind, kind) or "", "structure")
        status = data.get("status", ABSENT)
        if status is not ABSENT and status not in STATUSES:
            self.error(f"{path}.status", f"status must be one of {', '.join(STATUSES)}, not {status!r}", "status")
        params = data.get("params", ABSENT)
        if params is not ABSENT:
            self.params(kind, params, path)
        node = Node(kind, title if ok else "", status=status, params=params)
        node._take_extra(data)
        children = data.get("nodes", ABSENT)
        node.had_nodes_key = children is not ABSENT
        if children is not ABSENT and (isinstance(children, list) or self.expect(children, list, f"{path}.nodes",
                                                                                 "'nodes'")):
            append = node.children.append
            for i, item in enumerate(children):
                child = self.node(item, f"{path}.nodes[{i}]", kind, depth + 1)
                if child is not None:
                    child.parent = node
                    append(child)
        return node

    def params(self, kind: str, params: Any, node_path: str) -> None:
        if params == []:  # PHP writes an empty params array as []
            return
        if not isinstance(params, dict):
            self.expect(params, dict, f"{node_path}.params", "params")
            return
        if kind == "action" and "actions" in params:
            actions = params["actions"]
            if not isinstance(actions, list):
                self.expect(actions, list, f"{node_path}.params.actions", "'actions'")
                return
            for i, action in enumerate(actions):
                if isinstance(action, dict) and isinstance(action.get("action"), str):
                    continue
                apath = f"{node_path}.params.actions[{i}]"
                if self.expect(action, dict, apath, "an action") and self.require(action, ("action",), apath, "it"):
                    self.expect(action["action"], str, f"{apath}.action", "the action key")
        elif kind == "outcome" and "groups" in params:
            groups = params["groups"]
            if not isinstance(groups, list):
                self.expect(groups, list, f"{node_path}.params.groups", "'groups'")
                return
            for i, group in enumerate(groups):
                gpath = f"{node_path}.params.groups[{i}]"
                if not isinstance(group, dict):
                    self.expect(group, dict, gpath, "a condition group")
                    continue
                conditions = group.get("conditions", [])
                if not isinstance(conditions, list):
                    self.expect(conditions, list, f"{gpath}.conditions", "'conditions'")
                    continue
                for j, cond in enumerate(conditions):
                    if not isinstance(cond, dict):
                        self.expect(cond, dict, f"{gpath}.conditions[{j}]", "a condition")
        elif kind == "loop":
            for key in ("foreach_json", "as_placeholder"):
                if key in params and not isinstance(params[key], str):
                    self.expect(params[key], str, f"{node_path}.params.{key}", key)


def add_positions(problems: list[Problem], text: str | None) -> list[Problem]:
    """The same problems with line and column filled in from the source text."""
    if text is None:
        return problems
    out = []
    for p in problems:
        pos = locate(text, p.path) if p.line is None else None
        out.append(Problem(p.path, p.message, p.code, p.severity, *(pos or (p.line, p.column)), p.node_id))
    return out


def decode_json_text(raw: bytes | str, source: str) -> tuple[Any, str]:
    """Bytes or text → (JSON value, the text it was decoded from); errors name the line and column."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_FILE_BYTES:
            too_big = Problem("", f"the file is larger than {MAX_FILE_BYTES >> 20} MB", "size")
            raise PackageFormatError(source, [too_big])
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            message = f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x})"
            raise PackageFormatError(source, [Problem("", message, "encoding", "error", line, col)]) from None
    else:
        text = raw.lstrip("\ufeff")
    try:
        with gc_paused():
            return json.loads(text), text
    except json.JSONDecodeError as exc:
        line, col = line_col(text, exc.pos)
        invalid = Problem("", f"invalid JSON: {exc.msg}", "json-syntax", "error", line, col)
        raise PackageFormatError(source, [invalid]) from None
    except RecursionError:
        depth, offset = _deepest_point(text)
        line, col = line_col(text, offset)
        raise PackageFormatError(source, [Problem("", f"the JSON is nested too deeply to read ({depth} levels)",
                                                  "too-deep", "error", line, col)]) from None


_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _deepest_point(text: str) -> tuple[int, int]:
    """(depth, offset) of the first opening bracket at the deepest nesting (strings skipped): error path only."""
    depth = best = where = 0
    for m in _BRACKETS.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > best:
                best, where = depth, m.start()
        elif token in "]}":
            depth -= 1
    return best, where


def read_package_value(
    data: Any, *, source: str = "<package>", text: str | None = None
) -> tuple[Package, list[Problem]]:
    """Build the model from a JSON value; raise PackageFormatError if there are errors."""
    reader = _Reader()
    with gc_paused():
        package = reader.package(data)
    problems = add_positions(reader.problems, text)
    if any(p.severity == "error" for p in problems):
        raise PackageFormatError(source, problems)
    return package, problems


def read_package_text(raw: bytes | str, *, source: str = "<package>") -> Package:
    data, text = decode_json_text(raw, source)
    return read_package_value(data, source=source, text=text)[0]


def load_package(path: str | Path) -> Package:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PackageReadError(f"cannot read {path}: {exc.strerror or exc}",
                               hint="check the path and its permissions") from None
    return read_package_text(raw, source=str(path))


def read_nodes(data: Any, parent_kind: str = ROOT, *, source: str = "clipboard") -> list[Node]:
    """Nodes from Cerb node JSON (one node object or a list): clipboard and fragment import."""
    items = data if isinstance(data, list) else [data]
    reader = _Reader()
    nodes = [n for i, item in enumerate(items) if (n := reader.node(item, f"[{i}]", parent_kind, 1)) is not None]
    if reader.problems:
        raise PackageFormatError(source, reader.problems)
    return nodes


