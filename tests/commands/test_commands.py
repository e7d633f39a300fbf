from __future__ import annotations

import json

import pytest

from designer.commands import (
    ClipboardError,
    DuplicateNode,
    InsertBehavior,
    InsertBot,
    InsertNode,
    MoveBehavior,
    MoveNode,
    RemoveBehavior,
    RemoveBot,
    RemoveNode,
    ReplaceParams,
    SetBehaviorField,
    SetField,
    macro,
    nodes_from_clipboard_json,
    nodes_to_clipboard_json,
)
from designer.io import load_package
from designer.model import Behavior, Bot, ChildInserted, Node, StructureError
from tests.conftest import FIXTURE_PACKAGES


def dump(package) -> str:
    return json.dumps(package.to_json())


def first_behavior_with(package, kind):
    for b in package.all_behaviors():
        for n in b.walk():
            if n.type == kind:
                return b, n
    raise LookupError(kind)


def undo_all(stack):
    while stack.canUndo():
        stack.undo()


def redo_all(stack):
    while stack.canRedo():
        stack.redo()


def test_insert_remove_move_roundtrip(package, stack):
    original = dump(package)
    behavior = next(package.all_behaviors())
    stack.push(InsertNode(package, behavior, 0, Node("action", "New")))
    node = behavior.children[-1]
    stack.push(RemoveNode(package, node))
    stack.push(MoveNode(package, behavior.children[0], behavior, len(behavior.children) - 1))
    edited = dump(package)
    assert edited != original
    undo_all(stack)
    assert dump(package) == original
    redo_all(stack)
    assert dump(package) == edited


def test_remove_reinserts_same_object_at_index(package, stack):
    _, node = first_behavior_with(package, "outcome")
    parent, index = node.parent, node.parent.children.index(node)
    stack.push(RemoveNode(package, node))
    assert node not in parent.children
    stack.undo()
    assert parent.children[index] is node and node.parent is parent


def test_illegal_edits_refused_up_front(package, stack):
    _, switch = first_behavior_with(package, "switch")
    with pytest.raises(StructureError):
        InsertNode(package, switch, 0, Node("action", "x"))
    _, action = first_behavior_with(package, "action")
    with pytest.raises(StructureError):
        MoveNode(package, action, switch, 0)
    with pytest.raises(StructureError):
        MoveNode(package, switch, switch, 0)  # into itself
    with pytest.raises(StructureError):
        SetField(package, action, "title", "  ")
    assert stack.count() == 0


def test_set_field_merges_by_target_and_field(package, stack):
    _, node = first_behavior_with(package, "action")
    old = node.title
    for text in ("A", "Ab", "Abc"):
        stack.push(SetField(package, node, "title", text))
    assert stack.count() == 1 and node.title == "Abc"
    stack.push(SetField(package, node, "status", "disabled"))
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    assert node.title == old and stack.index() == 0


def test_set_field_back_to_original_drops_out(package, stack):
    _, node = first_behavior_with(package, "action")
    old = node.title
    stack.push(SetField(package, node, "title", old + "x"))
    stack.push(SetField(package, node, "title", old))
    assert stack.count() == 0 and node.title == old


def test_duplicate_and_replace_params(package, stack):
    original = dump(package)
    _, node = first_behavior_with(package, "action")
    stack.push(DuplicateNode(package, node))
    twin = node.parent.children[node.parent.children.index(node) + 1]
    assert twin.to_json() == node.to_json() and twin.id != node.id
    stack.push(ReplaceParams(package, node, {"actions": []}))
    assert node.params == {"actions": []}
    undo_all(stack)
    assert dump(package) == original


def test_behavior_and_bot_commands(package, stack):
    original = dump(package)
    bot = package.bots[0]
    b = Behavior(package.fresh_uid("behavior"), "Fresh")
    stack.push(InsertBehavior(package, bot, 0, b))
    stack.push(SetBehaviorField(package, b, "title", "Renamed"))
    stack.push(MoveBehavior(package, b, None, 0))
    assert b in package.behaviors and b.bot is None
    stack.push(RemoveBehavior(package, bot.behaviors[0]))
    nb = Bot(package.fresh_uid("bot"), "Robo")
    stack.push(InsertBot(package, None, nb))
    stack.push(RemoveBot(package, package.bots[0]))
    with pytest.raises(StructureError):
        InsertBehavior(package, None, 0, Behavior(b.uid, "dup"))
    edited = dump(package)
    undo_all(stack)
    assert dump(package) == original
    redo_all(stack)
    assert dump(package) == edited


def test_macro_is_one_step_and_always_ends(package, stack):
    original = dump(package)
    behavior = next(package.all_behaviors())
    with macro(stack, "two"):
        stack.push(InsertNode(package, behavior, 0, Node("action", "a")))
        stack.push(InsertNode(package, behavior, 0, Node("action", "b")))
    assert stack.count() == 1
    stack.undo()
    assert dump(package) == original
    stack.redo()
    with pytest.raises(RuntimeError), macro(stack, "broken"):
        stack.push(InsertNode(package, behavior, 0, Node("action", "c")))
        raise RuntimeError("boom")
    # the partial macro is rolled back and gone, and the stack is usable again
    assert stack.count() == 1 and behavior.children[0].title == "b"
    with macro(stack, "empty"):
        pass
    assert stack.count() == 1
    stack.push(InsertNode(package, behavior, 0, Node("action", "d")))
    assert stack.count() == 2


def test_commands_emit_model_events(package, stack):
    seen = []
    package.events.subscribe(seen.append)
    behavior = next(package.all_behaviors())
    stack.push(InsertNode(package, behavior, None, Node("loop", "L")))
    assert isinstance(seen[-1], ChildInserted) and seen[-1].index == len(behavior.children) - 1


def test_clipboard_roundtrip_between_packages(package, stack):
    _, switch = first_behavior_with(package, "switch")
    text = nodes_to_clipboard_json([switch, switch.children[0]])  # the child is inside the switch: skipped
    data = json.loads(text)
    assert isinstance(data, list) and len(data) == 1 and data[0] == switch.to_json()
    other = load_package(FIXTURE_PACKAGES[0])
    target = next(other.all_behaviors())
    nodes = nodes_from_clipboard_json(text, "root")
    before = dump(other)
    with macro(stack, "Paste"):
        for i, n in enumerate(nodes):
            stack.push(InsertNode(other, target, i, n))
    assert target.children[0].to_json() == switch.to_json()
    assert target.children[0].id != switch.id
    stack.undo()
    assert dump(other) == before


@pytest.mark.parametrize("text, fragment", [
    ("", "empty"), ("{nope", "does not hold node JSON"), ("42", "not a node"), ("[]", "empty"),
])
def test_clipboard_errors_are_clear(text, fragment):
    with pytest.raises(ClipboardError, match=fragment):
        nodes_from_clipboard_json(text, "root")


def test_clipboard_refuses_wrong_parent_kind():
    text = json.dumps([{"type": "action", "title": "a"}])
    with pytest.raises(ClipboardError, match="switch holds only outcomes"):
        nodes_from_clipboard_json(text, "switch")
    assert nodes_from_clipboard_json(text, "outcome")[0].title == "a"


def test_clipboard_accepts_cerb_fragment_export():
    fragment = {"behavior_fragment": {"uid": "behavior_1", "title": "B", "nodes": [
        {"type": "switch", "title": "s", "status": "live", "nodes": [{"type": "outcome", "title": "o"}]}]}}
    nodes = nodes_from_clipboard_json(json.dumps(fragment), "root")
    assert [n.type for n in nodes] == ["switch"] and nodes[0].children[0].type == "outcome"
    single = nodes_from_clipboard_json(json.dumps({"type": "action", "title": "a"}), "loop")
    assert single[0].title == "a" and single[0].parent is None
