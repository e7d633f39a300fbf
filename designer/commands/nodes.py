"""Commands over decision-tree nodes: insert, remove, move, duplicate, set a field, replace params."""
from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from designer.commands.base import ModelCommand
from designer.model import ABSENT, Behavior, Bot, FieldEdit, Node, Package, StructureError, copy_json
from designer.model.jsontree import same_json

Parent = Node | Behavior

MERGE_SET_FIELD = 0x5E7F  # QUndoCommand.id() of SetField: consecutive edits of one (target, field) merge


def _label(node: Node) -> str:
    return f"{node.type} “{node.title}”" if node.title else node.type


class InsertNode(ModelCommand):
    """Insert `node` (with its subtree) under `parent` at `index` (None: at the end)."""

    def __init__(self, package: Package, parent: Parent, index: int | None, node: Node, *, text: str = "",
                 parent_command: QUndoCommand | None = None) -> None:
        index = len(parent.children) if index is None else index
        if node.parent is not None:
            raise StructureError(f"{node!r} is already in a tree; insert a clone")
        package.check_insert(parent, node, index)
        super().__init__(package, text or f"Add {_label(node)}", parent_command)
        self.parent_node, self.index, self.node = parent, index, node

    def redo(self) -> None:
        self.package.insert_node(self.parent_node, self.index, self.node)

    def undo(self) -> None:
        self.package.remove_node(self.node)


class RemoveNode(ModelCommand):
    """Remove `node` and its subtree; undo re-inserts the same objects at the saved index."""

    def __init__(self, package: Package, node: Node, *, text: str = "",
                 parent_command: QUndoCommand | None = None) -> None:
        if node.parent is None:
            raise StructureError(f"{node!r} is not in a tree")
        super().__init__(package, text or f"Delete {_label(node)}", parent_command)
        self.node = node
        self.parent_node: Parent = node.parent
        self.index = node.parent.children.index(node)

    def redo(self) -> None:
        self.parent_node, self.index = self.package.remove_node(self.node)

    def undo(self) -> None:
        self.package.insert_node(self.parent_node, self.index, self.node)


def check_move(package: Package, node: Node, new_parent: Parent, index: int) -> None:
    """Raise StructureError when `node` may not move to `new_parent` at `index` (index after removal)."""
    if node.parent is None:
        raise StructureError(f"{node!r} is not in a tree")
    if isinstance(new_parent, Node) and (new_parent is node or node.is_ancestor_of(new_parent)):
        raise StructureError("a node cannot be moved into itself or its own subtree")
    package.check_insert(new_parent, node)
    size = len(new_parent.children) - (1 if new_parent is node.parent else 0)
    if not 0 <= index <= size:
        raise StructureError(f"position {index} is outside 0..{size}")


class MoveNode(ModelCommand):
    """Move `node` under `new_parent` at `index` (an index in the list after the node's removal)."""

    def __init__(self, package: Package, node: Node, new_parent: Parent, index: int, *, text: str = "",
                 parent_command: QUndoCommand | None = None) -> None:
        check_move(package, node, new_parent, index)
        super().__init__(package, text or f"Move {_label(node)}", parent_command)
        self.node, self.new_parent, self.new_index = node, new_parent, index
        self.old_parent: Parent = node.parent
        self.old_index = node.parent.children.index(node)

    @property
    def is_noop(self) -> bool:
        return self.old_parent is self.new_parent and self.old_index == self.new_index

    def redo(self) -> None:
        if not self.is_noop:
            self.package.move_node(self.node, self.new_parent, self.new_index)

    def undo(self) -> None:
        if not self.is_noop:
            self.package.move_node(self.node, self.old_parent, self.old_index)


class DuplicateNode(ModelCommand):
    """Insert a deep copy (fresh ids) of `node` right after it."""

    def __init__(self, package: Package, node: Node, *, text: str = "",
                 parent_command: QUndoCommand | None = None) -> None:
        if node.parent is None:
            raise StructureError(f"{node!r} is not in a tree")
        super().__init__(package, text or f"Duplicate {_label(node)}", parent_command)
        self.original = node
        self.copy = node.clone()
        self.parent_node: Parent = node.parent
        self.index = node.parent.children.index(node) + 1

    def redo(self) -> None:
        self.package.insert_node(self.parent_node, self.index, self.copy)

    def undo(self) -> None:
        self.package.remove_node(self.copy)


def _get(package: Package, target: Any, field: str) -> Any:
    return package.header.get(field, ABSENT) if target is package else getattr(target, field)


class SetField(ModelCommand):
    """Set `target.field` (a node, behavior, bot, or the package header when target is the package).

    With `merge` (default: for string values), consecutive SetFields of the same (target, field) merge into
    one undo step, like typing in a text box; an edit that ends where it started drops out of the stack.
    A bot's or behavior's new uid must be valid and free; every `{{{uid.old}}}` link in the package follows it
    in the same step (a rename never merges), and undo puts back the very values the links had.
    """

    def __init__(self, package: Package, target: Any, field: str, value: Any, *, merge: bool | None = None,
                 text: str = "", parent_command: QUndoCommand | None = None) -> None:
        if target is not package and not hasattr(target, field):
            raise StructureError(f"{type(target).__name__} has no field {field!r}")
        if field == "title" and isinstance(target, Node) and (not isinstance(value, str) or not value.strip()):
            raise StructureError("a node needs a title", hint="give the node a short name, e.g. 'Send greeting'")
        if field == "type" and isinstance(target, Node):
            raise StructureError("a node's type cannot be changed; add a new node instead")
        super().__init__(package, text or f"Set {field}", parent_command)
        self.target, self.field = target, field
        self.old = _get(package, target, field)
        self.new = value
        self.merge = isinstance(value, str) if merge is None else merge
        self.links: list[FieldEdit] = []
        if field == "uid" and isinstance(target, (Behavior, Bot)) and value != self.old:
            problem = package.uid_problem(value, self.old)
            if problem:
                free = package.fresh_uid("bot" if isinstance(target, Bot) else "behavior")
                raise StructureError(problem, hint=f"keep {self.old!r} or choose a free uid, e.g. {free!r}")
            self.links = package.uid_link_edits(self.old, value)
            self.merge = False

    def id(self) -> int:
        return MERGE_SET_FIELD if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, SetField) and other.merge and other.target is self.target
                and other.field == self.field and type(other) is type(self)):
            return False
        self.new = other.new
        if same_json(self.new, self.old) and type(self.new) is type(self.old):
            self.setObsolete(True)
        return True

    def redo(self) -> None:
        self.package.set_field(self.target, self.field, self.new)
        self.package.apply_edits(self.links)

    def undo(self) -> None:
        self.package.apply_edits(self.links, undo=True)
        self.package.set_field(self.target, self.field, self.old)


class SetBehaviorField(SetField):
    """SetField on a Behavior (title, priority, is_disabled, event, variables …); never merges with node edits."""

    def __init__(self, package: Package, behavior: Behavior, field: str, value: Any, **kw: Any) -> None:
        if not isinstance(behavior, Behavior):
            raise StructureError(f"{behavior!r} is not a behavior")
        if field in ("children", "bot", "id"):
            raise StructureError(f"{field!r} is not an editable behavior field")
        super().__init__(package, behavior, field, value, **kw)


class ReplaceParams(SetField):
    """Replace a node's whole `params` with a copy of `params` (never mutate params in place: the old
    object is what undo puts back)."""

    def __init__(self, package: Package, node: Node, params: Any, *, merge: bool = False, text: str = "",
                 parent_command: QUndoCommand | None = None) -> None:
        super().__init__(package, node, "params", copy_json(params), merge=merge,
                         text=text or f"Edit {_label(node)}", parent_command=parent_command)
