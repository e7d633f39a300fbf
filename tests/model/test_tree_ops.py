"""Tree edits keep Cerb's structure, emit events, and keep node identity."""
from __future__ import annotations

import pytest

from designer.io import load_package
from designer.model import (
    ACTION,
    LOOP,
    OUTCOME,
    SUBROUTINE,
    SWITCH,
    ChildInserted,
    ChildRemoved,
    FieldChanged,
    Node,
    StructureError,
)
from tests.conftest import SAMPLE_PACKAGE


@pytest.fixture()
def package():
    return load_package(SAMPLE_PACKAGE)


@pytest.fixture()
def chat(package):
    return package.behavior_by_uid("behavior_180")


def test_outcome_only_under_switch(package, chat):
    with pytest.raises(StructureError, match="outcome must be a child of a switch"):
        package.insert_node(chat, 0, Node(OUTCOME, "x"))
    loop = chat.children[1]
    with pytest.raises(StructureError):
        package.insert_node(loop, 0, Node(OUTCOME, "x"))


def test_switch_holds_only_outcomes(package, chat):
    switch = chat.children[1].children[2]
    assert switch.type == SWITCH
    with pytest.raises(StructureError, match="only outcomes"):
        package.insert_node(switch, 0, Node(ACTION, "a"))
    package.insert_node(switch, 0, Node(OUTCOME, "new"))
    assert switch.children[0].title == "new"


def test_subroutine_only_at_root(package, chat):
    with pytest.raises(StructureError, match="root"):
        package.insert_node(chat.children[1], 0, Node(SUBROUTINE, "s"))
    package.insert_node(chat, 0, Node(SUBROUTINE, "s"))


def test_title_required(package, chat):
    with pytest.raises(StructureError, match="title"):
        package.insert_node(chat, 0, Node(ACTION, "  "))
    with pytest.raises(StructureError):
        package.set_field(chat.children[0], "title", "")


def test_no_move_into_own_subtree(package, chat):
    loop = chat.children[1]
    inner = loop.children[0]
    with pytest.raises(StructureError, match="itself"):
        package.move_node(loop, loop, 0)
    inner_loop = Node(LOOP, "inner")
    package.insert_node(loop, 0, inner_loop)
    with pytest.raises(StructureError, match="itself"):
        package.move_node(loop, inner_loop, 0)
    assert inner in loop.children


def test_events_and_identity(package, chat):
    seen = []
    package.events.subscribe(seen.append)
    node = chat.children[0]
    node_id = node.id
    parent, index = package.remove_node(node)
    package.insert_node(parent, index, node)
    package.set_field(node, "title", "Hello")
    package.set_field(node, "title", "Hello")  # no change → no event
    assert [type(e) for e in seen] == [ChildRemoved, ChildInserted, FieldChanged]
    assert node.id == node_id and package.find_node(node_id) is node


def test_move_and_reorder_round_trip(package, chat):
    before = package.to_json()
    loop = chat.children[1]
    first = loop.children[0]
    old_parent, old_index = package.move_node(first, loop, 2)
    assert loop.children[2] is first
    package.move_node(first, old_parent, old_index)
    assert package.to_json() == before


def test_duplicate_has_fresh_ids(package, chat):
    loop = chat.children[1]
    twin = loop.clone()
    assert twin.to_json() == loop.to_json()
    assert {n.id for n in twin.walk()}.isdisjoint({n.id for n in loop.walk()})
    package.insert_node(chat, 2, twin)
    assert chat.children[2] is twin


def test_new_keys_go_in_cerb_order(package, chat):
    node = chat.children[0]
    node.status = node.status  # present
    action = Node(ACTION, "new")
    package.insert_node(chat, 0, action)
    action.params = {"actions": []}
    assert list(action.to_json()) == ["type", "title", "params"]
    action.status = "disabled"
    assert list(action.to_json()) == ["type", "title", "status", "params"]


def test_fresh_uid(package):
    assert package.fresh_uid("behavior") == "behavior_182"
    assert package.fresh_uid("bot") == "bot_34"


def test_new_objects_are_written_in_cerb_key_order():
    """cerb-semantics.md §1.5: the order of Cerb's own bot/behavior/node export, for objects made in the editor."""
    from designer.model import Behavior, Bot, Package

    package = Package("Made here")
    bot = Bot("bot_1", "Bot")
    package.insert_bot(0, bot)
    behavior = Behavior("behavior_1", "Greet")
    package.insert_behavior(bot, 0, behavior)
    switch = Node(SWITCH, "Which?", status="live")
    package.insert_node(behavior, 0, switch)
    package.insert_node(switch, 0, Node(OUTCOME, "Yes", status="live", params={"groups": []}))
    data = package.to_json()
    assert list(data) == ["package", "bots"]
    assert list(data["package"]) == ["name", "revision", "requires", "configure"]
    assert list(data["package"]["configure"]) == ["placeholders", "prompts"]
    assert list(data["bots"][0]) == ["uid", "name", "owner", "is_disabled", "params", "behaviors"]
    assert list(data["bots"][0]["behaviors"][0]) == ["uid", "title", "is_disabled", "is_private", "priority", "event",
                                                     "nodes"]
    node = data["bots"][0]["behaviors"][0]["nodes"][0]
    assert list(node) == ["type", "title", "status", "nodes"] and list(node["nodes"][0]) == [
        "type", "title", "status", "params"]
    behavior.variables = {"var_x": {"key": "var_x", "type": "S"}}
    behavior.bot_id = "{{{uid.bot_1}}}"
    assert list(behavior.to_json()) == ["uid", "bot_id", "title", "is_disabled", "is_private", "priority", "event",
                                        "variables", "nodes"]
