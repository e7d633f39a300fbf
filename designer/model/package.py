"""The document: a Cerb package with its bots, behaviors, node trees and every other collection.

All edits go through the `Package` methods below: they enforce Cerb's structure and emit one change event
each, so the undo stack, the canvas and the lint panel see every change the same way.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from designer.errors import DesignerError
from designer.model.events import ChildInserted, ChildRemoved, EventHub, FieldChanged
from designer.model.jsontree import copy_json, same_json
from designer.model.links import UID, iter_uid_links, link_target, rename_uid_links
from designer.model.nodes import ROOT, SUBROUTINE, Node, structure_error
from designer.model.records import ABSENT, JsonRecord

_behavior_ids = itertools.count(1)

COLLECTION_KEYS = (
    "records",
    "custom_fieldsets",
    "bots",
    "behaviors",
    "workspaces",
    "portals",
    "saved_searches",
    "calendars",
    "classifiers",
    "project_boards",
    "settings",
    "worker_preferences",
)


class StructureError(DesignerError):
    """An edit that Cerb's decision-tree structure does not allow."""


@dataclass(frozen=True)
class FieldEdit:
    """One field going from `old` to `new`: an attribute of a node, behavior or bot, or (target the package) a
    key of its header, or of its top-level collections when `collection`."""

    target: Any
    field: str
    old: Any
    new: Any
    collection: bool = False


# fields that hold a record's place in the package rather than a value (the uid is what a rename changes)
_STRUCTURE = frozenset({"uid", "type", "nodes", "behaviors"})


class Behavior(JsonRecord):
    KEYS = ("uid", "bot_id", "title", "is_disabled", "is_private", "priority", "event", "variables", "nodes")

    __slots__ = ("bot", "bot_id", "children", "event", "had_nodes_key", "id", "is_disabled", "is_private", "priority",
                 "title", "uid", "variables")

    def __init__(self, uid: str, title: str, *, event_key: str = "event.macro.bot") -> None:
        super().__init__()
        self.id = next(_behavior_ids)
        self.uid = uid
        self.bot_id: Any = ABSENT  # only top-level behaviors carry it
        self.title = title
        self.is_disabled: Any = False
        self.is_private: Any = False
        self.priority: Any = 50
        self.event: Any = {"key": event_key}
        self.variables: Any = ABSENT
        self.children: list[Node] = []
        self.bot: Bot | None = None
        self.had_nodes_key = True

    type = ROOT  # as a parent, a behavior is the tree's root
    parent = None

    def __repr__(self) -> str:
        return f"Behavior({self.uid!r} {self.title!r})"

    def known_fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {"uid": self.uid}
        if self.bot_id is not ABSENT:
            out["bot_id"] = self.bot_id
        out.update(title=self.title, is_disabled=self.is_disabled, is_private=self.is_private)
        out.update(priority=self.priority, event=self.event)
        if self.variables is not ABSENT:
            out["variables"] = self.variables
        if self.children or self.had_nodes_key:
            out["nodes"] = [n.to_json() for n in self.children]
        return out

    @property
    def event_key(self) -> str:
        key = self.event.get("key") if isinstance(self.event, dict) else None
        return key if isinstance(key, str) else ""

    @property
    def event_params(self) -> dict[str, Any]:
        params = self.event.get("params") if isinstance(self.event, dict) else None
        return params if isinstance(params, dict) else {}

    @property
    def variable_defs(self) -> dict[str, dict[str, Any]]:
        if isinstance(self.variables, dict):
            return {k: v for k, v in self.variables.items() if isinstance(v, dict)}
        return {}

    def walk(self) -> Iterator[Node]:
        for root in self.children:
            yield from root.walk()

    def subroutines(self) -> dict[str, Node]:
        """Subroutines by title; the first one wins, as in Cerb."""
        subs: dict[str, Node] = {}
        for node in self.children:
            if node.type == SUBROUTINE:
                subs.setdefault(node.title, node)
        return subs

    def node_count(self) -> int:
        return sum(1 for _ in self.walk())

    def clone(self, uid: str) -> Behavior:
        twin = Behavior(uid, self.title)
        for attr in ("bot_id", "is_disabled", "is_private", "priority", "event", "variables", "extra"):
            setattr(twin, attr, copy_json(getattr(self, attr)))
        twin.key_order, twin.had_nodes_key = self.key_order, self.had_nodes_key
        for node in self.children:
            c = node.clone()
            c.parent = twin
            twin.children.append(c)
        return twin


class Bot(JsonRecord):
    KEYS = ("uid", "name", "owner", "is_disabled", "params", "image", "behaviors")

    __slots__ = ("behaviors", "image", "is_disabled", "name", "owner", "params", "uid")

    def __init__(self, uid: str, name: str) -> None:
        super().__init__()
        self.uid = uid
        self.name = name
        self.owner: Any = {"context": "cerberusweb.contexts.app", "id": 0}
        self.is_disabled: Any = False
        self.params: Any = {
            "config": None,
            "events": {"mode": "all", "items": []},
            "actions": {"mode": "all", "items": []},
        }
        self.image: Any = ABSENT
        self.behaviors: list[Behavior] = []

    type = "bot"

    def __repr__(self) -> str:
        return f"Bot({self.uid!r} {self.name!r})"

    def known_fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {"uid": self.uid, "name": self.name, "owner": self.owner, "is_disabled": self.is_disabled,
                               "params": self.params}
        if self.image is not ABSENT:
            out["image"] = self.image
        out["behaviors"] = [b.to_json() for b in self.behaviors]
        return out

    @property
    def children(self) -> list[Behavior]:
        return self.behaviors


class Package(JsonRecord):
    """A whole package. `header` is the `package` object, kept as JSON; `collections` are the other
    top-level keys the model does not interpret (records, workspaces, …), kept verbatim."""

    KEYS = ("package", *COLLECTION_KEYS)

    __slots__ = ("behaviors", "bots", "events", "had_behaviors_key", "had_bots_key", "header")

    def __init__(self, name: str = "New package") -> None:
        super().__init__()
        self.header: dict[str, Any] = {
            "name": name,
            "revision": 1,
            "requires": {"cerb_version": "9.1.0", "plugins": []},
            "configure": {"placeholders": [], "prompts": []},  # the order of Cerb's bot export
        }
        self.bots: list[Bot] = []
        self.behaviors: list[Behavior] = []  # top-level behaviors (attached to an existing bot by id)
        self.had_bots_key = True
        self.had_behaviors_key = False
        self.events = EventHub()

    type = "package"

    def __repr__(self) -> str:
        return f"Package({self.name!r}: {len(self.bots)} bots, {sum(1 for _ in self.all_behaviors())} behaviors)"

    def known_fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {"package": self.header}
        if self.bots or self.had_bots_key:
            out["bots"] = [b.to_json() for b in self.bots]
        if self.behaviors or self.had_behaviors_key:
            out["behaviors"] = [b.to_json() for b in self.behaviors]
        return out

    # -- reading --------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        name = self.header.get("name")
        return name if isinstance(name, str) else ""

    @property
    def configure(self) -> dict[str, Any]:
        conf = self.header.get("configure")
        return conf if isinstance(conf, dict) else {}

    @property
    def prompts(self) -> list[dict[str, Any]]:
        prompts = self.configure.get("prompts")
        return [p for p in prompts if isinstance(p, dict)] if isinstance(prompts, list) else []

    @property
    def placeholders(self) -> list[dict[str, Any]]:
        found = self.configure.get("placeholders")
        return [p for p in found if isinstance(p, dict)] if isinstance(found, list) else []

    @property
    def collections(self) -> dict[str, Any]:
        """The top-level collections the model keeps verbatim (records, classifiers, …)."""
        return self.extra

    def all_behaviors(self) -> Iterator[Behavior]:
        for bot in self.bots:
            yield from bot.behaviors
        yield from self.behaviors

    def behavior_by_uid(self, uid: str) -> Behavior | None:
        return next((b for b in self.all_behaviors() if b.uid == uid), None)

    def bot_by_uid(self, uid: str) -> Bot | None:
        return next((b for b in self.bots if b.uid == uid), None)

    def object_by_uid(self, uid: str) -> Bot | Behavior | dict[str, Any] | None:
        """The bot, behavior or record (an item of another collection, as JSON) with this uid."""
        found = self.bot_by_uid(uid) or self.behavior_by_uid(uid)
        if found is not None:
            return found
        for items in self.extra.values():
            if isinstance(items, list):
                for item in items:
                    if isinstance(item, dict) and item.get("uid") == uid:
                        return item
        return None

    def follow_link(self, value: Any) -> Bot | Behavior | dict[str, Any] | None:
        """What a `{{{uid.x}}}` value (e.g. a `behavior_id` param) refers to; None if not a link or dangling."""
        uid = link_target(value)
        return self.object_by_uid(uid) if uid else None

    def links_in(self, value: Any) -> list[tuple[str, Bot | Behavior | dict[str, Any] | None]]:
        """Every `{{{uid.x}}}` inside a JSON value (a node's params, a record…) with its target (None: dangling)."""
        return [(uid, self.object_by_uid(uid)) for uid in dict.fromkeys(iter_uid_links(value))]

    def find_node(self, node_id: int) -> Node | None:
        for behavior in self.all_behaviors():
            for node in behavior.walk():
                if node.id == node_id:
                    return node
        return None

    def node_count(self) -> int:
        return sum(b.node_count() for b in self.all_behaviors())

    def uids(self) -> set[str]:
        found = {b.uid for b in self.bots} | {b.uid for b in self.all_behaviors()}
        for value in self.extra.values():
            if isinstance(value, list):
                found |= {item["uid"] for item in value if isinstance(item, dict) and isinstance(item.get("uid"), str)}
        return found

    def uid_problem(self, uid: Any, current: str | None = None) -> str | None:
        """Why `uid` cannot be given to a bot or behavior (now `current`), or None when it can."""
        if uid == current:
            return None
        if not isinstance(uid, str) or not UID.fullmatch(uid):
            return f"{uid!r} is not a valid uid: use letters, digits and _ (not first a digit)"
        if uid in self.uids():
            return f"uid {uid!r} is already used in this package"
        return None

    def uid_link_edits(self, old: str, new: str) -> list[FieldEdit]:
        """The edits that point every `{{{uid.old}}}` link in the package at `new`: in the header, the top-level
        collections, and every field of every bot, behavior and node, unknown keys included."""
        edits: list[FieldEdit] = []

        def relink(target: Any, field: str, value: Any, collection: bool = False) -> None:
            renamed = rename_uid_links(value, old, new)
            if renamed is not value:
                edits.append(FieldEdit(target, field, value, renamed, collection))

        for key, value in self.header.items():
            relink(self, key, value)
        for key, value in self.extra.items():
            relink(self, key, value, collection=True)
        records: list[JsonRecord] = [*self.bots, *self.all_behaviors()]
        records += [n for b in self.all_behaviors() for n in b.walk()]
        for record in records:
            for field in (*(k for k in record.KEYS if k not in _STRUCTURE), "extra"):
                relink(record, field, getattr(record, field))
        return edits

    def apply_edits(self, edits: list[FieldEdit], *, undo: bool = False) -> None:
        """Make each edit (undo: put the old values back, last edit first), emitting FieldChanged for each."""
        for edit in reversed(edits) if undo else edits:
            value = edit.old if undo else edit.new
            if edit.collection:
                self.set_collection(edit.field, value)
            else:
                self.set_field(edit.target, edit.field, value)

    def fresh_uid(self, prefix: str) -> str:
        taken = self.uids()
        numbers = [int(m.group(1)) for u in taken if (m := re.fullmatch(re.escape(prefix) + r"_(\d+)", u))]
        n = max(numbers, default=0) + 1
        while f"{prefix}_{n}" in taken:
            n += 1
        return f"{prefix}_{n}"

    # -- node edits -----------------------------------------------------------------------------
    def check_insert(self, parent: Node | Behavior, node: Node, index: int | None = None) -> None:
        """Raise StructureError when `node` may not be inserted under `parent`."""
        why = structure_error(parent.type, node.type)
        if why:
            raise StructureError(f"cannot put {node.type} {node.title!r} here: {why}")
        if isinstance(parent, Node) and (parent is node or node.is_ancestor_of(parent)):
            raise StructureError("a node cannot be moved into itself or its own subtree")
        if not isinstance(node.title, str) or not node.title.strip():
            raise StructureError("a node needs a title", hint="give the node a short name, e.g. 'Send greeting'")
        if index is not None and not 0 <= index <= len(parent.children):
            raise StructureError(f"position {index} is outside 0..{len(parent.children)}")

    def insert_node(self, parent: Node | Behavior, index: int, node: Node) -> None:
        self.check_insert(parent, node, index)
        node.parent = parent
        parent.children.insert(index, node)
        self.events.emit(ChildInserted(parent, index, node))

    def remove_node(self, node: Node) -> tuple[Node | Behavior, int]:
        """Detach `node` (with its subtree); returns where it was, for undo."""
        parent = node.parent
        if parent is None:
            raise StructureError(f"{node!r} is not in a tree")
        index = parent.children.index(node)
        del parent.children[index]
        node.parent = None
        self.events.emit(ChildRemoved(parent, index, node))
        return parent, index

    def move_node(self, node: Node, new_parent: Node | Behavior, index: int) -> tuple[Node | Behavior, int]:
        """Move `node` to `new_parent` at `index` (an index in the list *after* removal)."""
        if new_parent is not node.parent or node.type == SUBROUTINE:
            probe = Node(node.type, node.title or "x")
            self.check_insert(new_parent, probe)
        if isinstance(new_parent, Node) and (new_parent is node or node.is_ancestor_of(new_parent)):
            raise StructureError("a node cannot be moved into itself or its own subtree")
        old_parent, old_index = self.remove_node(node)
        if not 0 <= index <= len(new_parent.children):
            self.insert_node(old_parent, old_index, node)
            raise StructureError(f"position {index} is outside 0..{len(new_parent.children)}")
        self.insert_node(new_parent, index, node)
        return old_parent, old_index

    def set_field(self, target: Any, field: str, value: Any) -> Any:
        """Set one field of a node, behavior, bot or the header dict; emits only on real change."""
        if target is self:
            return self._set_key(self.header, field, value)
        old = getattr(target, field)
        if same_json(old, value) and type(old) is type(value):
            return old
        if field == "title" and isinstance(target, Node) and (not isinstance(value, str) or not value.strip()):
            raise StructureError("a node needs a title")
        setattr(target, field, value)
        self.events.emit(FieldChanged(target, field, old, value))
        return old

    def set_collection(self, key: str, value: Any) -> Any:
        """Set one top-level collection kept verbatim (records, workspaces…); emits only on real change."""
        return self._set_key(self.extra, key, value)

    def _set_key(self, mapping: dict[str, Any], key: str, value: Any) -> Any:
        """Set (or, with ABSENT, remove) one key of the package's own JSON; emits only on real change."""
        old = mapping.get(key, ABSENT)
        if same_json(old, value) and type(old) is type(value):
            return old
        if value is ABSENT:
            mapping.pop(key, None)
        else:
            mapping[key] = value
        self.events.emit(FieldChanged(self, key, old, value))
        return old

    # -- behaviors and bots -----------------------------------------------------------------------
    def insert_behavior(self, bot: Bot | None, index: int, behavior: Behavior) -> None:
        owner = bot.behaviors if bot is not None else self.behaviors
        if behavior.uid in self.uids():
            raise StructureError(f"uid {behavior.uid!r} is already used in this package")
        behavior.bot = bot
        owner.insert(index, behavior)
        self.events.emit(ChildInserted(bot if bot is not None else self, index, behavior))

    def remove_behavior(self, behavior: Behavior) -> tuple[Bot | None, int]:
        bot = behavior.bot
        owner = bot.behaviors if bot is not None else self.behaviors
        index = owner.index(behavior)
        del owner[index]
        self.events.emit(ChildRemoved(bot if bot is not None else self, index, behavior))
        return bot, index

    def insert_bot(self, index: int, bot: Bot) -> None:
        if bot.uid in self.uids():
            raise StructureError(f"uid {bot.uid!r} is already used in this package")
        self.bots.insert(index, bot)
        self.events.emit(ChildInserted(self, index, bot))

    def remove_bot(self, bot: Bot) -> int:
        index = self.bots.index(bot)
        del self.bots[index]
        self.events.emit(ChildRemoved(self, index, bot))
        return index
