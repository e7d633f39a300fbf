"""Property-based: random sequences of legal commands on generated trees; undo all → the original JSON,
redo all → the final JSON, and Cerb's structure rules hold after every step."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QUndoStack

from designer.commands import (
    ClipboardError,
    DuplicateNode,
    InsertNode,
    MoveNode,
    RemoveNode,
    ReplaceParams,
    SetField,
    check_move,
    macro,
    nodes_from_clipboard_json,
    nodes_to_clipboard_json,
)
from designer.model import ALLOWED_CHILDREN, Behavior, Bot, Node, Package, StructureError, structure_error

KINDS = ("action", "switch", "outcome", "loop", "subroutine")


def tree(draw, parent_kind: str, depth: int) -> list[Node]:
    allowed = sorted(ALLOWED_CHILDREN[parent_kind])
    if not allowed or depth > 4:
        return []
    out = []
    for i in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(allowed))
        node = Node(kind, f"{kind} {depth}.{i}", status=draw(st.sampled_from(["live", "disabled", "simulator"])))
        for child in tree(draw, kind, depth + 1):
            child.parent = node
            node.children.append(child)
        out.append(node)
    return out


@st.composite
def packages(draw) -> Package:
    package = Package("gen")
    bot = Bot("bot_1", "Bot")
    package.bots.append(bot)
    for b in range(draw(st.integers(1, 2))):
        behavior = Behavior(f"behavior_{b + 1}", f"B{b}")
        behavior.bot = bot
        for node in tree(draw, "root", 1):
            node.parent = behavior
            behavior.children.append(node)
        bot.behaviors.append(behavior)
    return package


def all_parents(package: Package) -> list:
    out: list = []
    for behavior in package.all_behaviors():
        out.append(behavior)
        out.extend(behavior.walk())
    return out


def structure_holds(package: Package) -> bool:
    for parent in all_parents(package):
        for child in parent.children:
            if child.parent is not parent or structure_error(parent.type, child.type):
                return False
    return True


def dump(package: Package) -> str:
    return json.dumps(package.to_json())


def one_step(data, package: Package, stack: QUndoStack) -> None:
    parents = all_parents(package)
    nodes = [p for p in parents if isinstance(p, Node)]
    op = data.draw(st.sampled_from(["insert", "remove", "move", "title", "status", "duplicate", "params",
                                    "paste", "illegal"]))
    try:
        if op == "insert":
            parent = data.draw(st.sampled_from(parents))
            kinds = sorted(ALLOWED_CHILDREN[parent.type])
            if not kinds:
                return
            kind = data.draw(st.sampled_from(kinds))
            index = data.draw(st.integers(0, len(parent.children)))
            stack.push(InsertNode(package, parent, index, Node(kind, f"new {kind}")))
        elif not nodes:
            return
        elif op == "remove":
            stack.push(RemoveNode(package, data.draw(st.sampled_from(nodes))))
        elif op == "move":
            node = data.draw(st.sampled_from(nodes))
            legal = []
            for parent in parents:
                size = len(parent.children) - (1 if parent is node.parent else 0)
                try:
                    check_move(package, node, parent, 0)
                except StructureError:
                    continue
                legal.append((parent, size))
            if legal:
                parent, size = data.draw(st.sampled_from(legal))
                stack.push(MoveNode(package, node, parent, data.draw(st.integers(0, size))))
        elif op == "title":
            node = data.draw(st.sampled_from(nodes))
            stack.push(SetField(package, node, "title", data.draw(st.sampled_from(["a", "ab", "abc", "x y"]))))
        elif op == "status":
            stack.push(SetField(package, data.draw(st.sampled_from(nodes)), "status",
                                data.draw(st.sampled_from(["live", "disabled", "simulator"])), merge=False))
        elif op == "duplicate":
            stack.push(DuplicateNode(package, data.draw(st.sampled_from(nodes))))
        elif op == "params":
            stack.push(ReplaceParams(package, data.draw(st.sampled_from(nodes)), {"k": data.draw(st.integers())}))
        elif op == "paste":
            source = data.draw(st.sampled_from(nodes))
            parent = data.draw(st.sampled_from(parents))
            try:
                fresh = nodes_from_clipboard_json(nodes_to_clipboard_json([source]), parent.type)
            except ClipboardError:
                return
            with macro(stack, "Paste"):
                for n in fresh:
                    stack.push(InsertNode(package, parent, len(parent.children), n))
        elif op == "illegal":
            before, count = dump(package), stack.count()
            node = data.draw(st.sampled_from(nodes))
            bad_parents = [p for p in parents if structure_error(p.type, node.type)]
            if bad_parents:
                try:
                    stack.push(MoveNode(package, node, data.draw(st.sampled_from(bad_parents)), 0))
                except StructureError:
                    pass
                else:
                    raise AssertionError("an illegal move was accepted")
            assert dump(package) == before and stack.count() == count
    except StructureError:
        pass  # refused up front: nothing pushed


@given(packages(), st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_command_sequences_undo_and_redo_exactly(qapp, package, data):
    stack = QUndoStack()
    original = dump(package)
    for _ in range(data.draw(st.integers(1, 25))):
        one_step(data, package, stack)
        assert structure_holds(package)
    final = dump(package)
    while stack.canUndo():
        stack.undo()
        assert structure_holds(package)
    assert dump(package) == original
    while stack.canRedo():
        stack.redo()
    assert dump(package) == final
    stack.clear()
