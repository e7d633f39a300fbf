"""Params nested far deeper than Python's recursion limit (copy.deepcopy, == and json.dumps give up near 1,000
levels; deepcopy already near 330): duplicate, set and replace params, undo and uid renames work at any depth,
and the clipboard, whose node JSON could not be read back that deep, says so and names the node."""
from __future__ import annotations

import json

import pytest

from designer.commands import (
    ClipboardError,
    DuplicateNode,
    InsertNode,
    ReplaceParams,
    SetBehaviorField,
    SetField,
    nodes_from_clipboard_json,
    nodes_to_clipboard_json,
)
from designer.io import dumps_package, load_package, read_package_value, save_package
from designer.model.jsontree import json_depth, same_json

LINK = "{{{uid.behavior_2}}}"


def nested(depth: int, leaf: object = LINK) -> object:
    """`leaf` inside `depth` containers, lists and objects in turn."""
    value = leaf
    for level in range(depth):
        value = {"k": value, "n": level} if level % 2 else [value, level]
    return value


def innermost(params: dict) -> list:
    """The deepest container of the deep action's params (the list holding the leaf)."""
    holder = params["actions"][0]["deep"]
    while True:
        inner = holder["k"] if isinstance(holder, dict) else holder[0]
        if not isinstance(inner, (dict, list)):
            return holder
        holder = inner


def deep_package(depth: int) -> dict:
    deep_action = {"action": "_set_custom_var", "var": "v", "value": "x", "format": "", "deep": nested(depth)}
    behavior = {"uid": "behavior_1", "title": "Deep", "is_disabled": False, "is_private": False, "priority": 50,
                "event": {"key": "event.macro.bot"},
                "nodes": [{"type": "action", "title": "Deep params", "status": "live",
                           "params": {"actions": [deep_action]}}]}
    callee = {"uid": "behavior_2", "title": "Callee", "is_disabled": False, "is_private": False, "priority": 50,
              "event": {"key": "event.macro.bot"}, "nodes": []}
    return {"package": {"name": "deep", "revision": 1, "requires": {"cerb_version": "9.1.0", "plugins": []},
                        "configure": {"placeholders": [], "prompts": []}},
            "bots": [{"uid": "bot_1", "name": "Bot", "owner": {"context": "cerberusweb.contexts.app", "id": 0},
                      "is_disabled": False, "params": {}, "behaviors": [behavior, callee]}]}


def test_a_package_file_800_levels_deep_duplicates_copies_pastes_and_saves(tmp_path, stack):
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(deep_package(800)))
    package = load_package(path)
    behavior = package.bots[0].behaviors[0]
    node = behavior.children[0]
    original = dumps_package(package)

    stack.push(DuplicateNode(package, node))
    pasted = nodes_from_clipboard_json(nodes_to_clipboard_json([node]))
    stack.push(InsertNode(package, behavior, None, pasted[0]))
    assert [json_depth(n.params) for n in behavior.children] == [803, 803, 803]
    assert all(same_json(n.params, node.params) for n in behavior.children)
    save_package(package, tmp_path / "saved.json")
    assert len(load_package(tmp_path / "saved.json").bots[0].behaviors[0].children) == 3

    while stack.canUndo():
        stack.undo()
    assert dumps_package(package) == original


@pytest.fixture
def very_deep():
    package, _ = read_package_value(deep_package(5_000))  # built in memory: no JSON text holds this
    return package, package.bots[0].behaviors[0].children[0]


def test_duplicate_at_5000_levels_is_a_real_copy(very_deep, stack):
    package, node = very_deep
    stack.push(DuplicateNode(package, node))
    twin = node.parent.children[1]
    assert json_depth(twin.params) == 5_003 and same_json(twin.params, node.params)
    innermost(twin.params).append("only in the copy")
    assert not same_json(twin.params, node.params)
    stack.undo()
    assert node.parent.children == [node]
    assert node.behavior().clone("behavior_9").children[0].params is not node.params


def test_set_and_replace_params_at_5000_levels_undo_and_redo(very_deep, stack):
    package, node = very_deep
    before = node.params
    edited = {"actions": [dict(before["actions"][0], deep=nested(5_000, "changed"))]}
    stack.push(ReplaceParams(package, node, edited))
    assert node.params is not edited and innermost(node.params)[0] == "changed"
    stack.push(SetField(package, node, "params", {"actions": [{"deep": nested(6_000)}]}))
    assert json_depth(node.params) == 6_003
    stack.undo()
    stack.undo()
    assert node.params is before
    stack.redo()
    assert innermost(node.params)[0] == "changed"
    stack.push(ReplaceParams(package, node, edited))  # the same params again: no change, no event
    assert innermost(node.params)[0] == "changed"


def test_a_uid_rename_reaches_a_link_5000_levels_down(very_deep, stack):
    package, node = very_deep
    before = node.params
    stack.push(SetBehaviorField(package, package.behavior_by_uid("behavior_2"), "uid", "callee"))
    assert innermost(node.params)[0] == "{{{uid.callee}}}" and innermost(before)[0] == LINK
    stack.undo()
    assert node.params is before


def test_the_clipboard_refuses_5000_levels_and_names_the_node(very_deep):
    _, node = very_deep
    with pytest.raises(ClipboardError, match="cannot copy action 'Deep params': its params nest 5003 levels") as info:
        nodes_to_clipboard_json([node])
    assert "Duplicate" in info.value.hint
    text = "[" * 5_000 + "]" * 5_000
    with pytest.raises(ClipboardError, match="nested too deeply"):
        nodes_from_clipboard_json(text)
