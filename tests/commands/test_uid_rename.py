"""Renaming a bot's or behavior's uid through the undo stack: every `{{{uid.old}}}` link in the package follows
in one undo step, undo gives back the exact text (key order and the links' spelling included), and a taken or
invalid uid is refused before anything changes."""
from __future__ import annotations

import json

import pytest

from designer.commands import SetBehaviorField, SetField
from designer.io import dumps_package, read_package_value
from designer.model import FieldChanged, StructureError

OLD = "{{{uid.behavior_2}}}"


def linked_package() -> dict:
    """Links to behavior_2 in every place a package holds values, beside look-alikes that must stay."""
    call = {"action": "_run_behavior", "behavior_id": OLD, "var": "out", "var_note": "see {{{ uid.behavior_2 }}} ok"}
    return {
        "package": {"name": "links", "revision": 1, "requires": {"cerb_version": "9.1.0", "plugins": []},
                    "library": {"name": "L", "description": f"calls {OLD}"},
                    "configure": {"placeholders": [], "prompts": []}},
        "records": [{"uid": "task_1", "_context": "task", "title": f"run {OLD}", "links": [OLD, "{{{uid.task_1}}}"]}],
        "bots": [{
            "uid": "bot_1", "name": "Bot", "owner": {"context": "cerberusweb.contexts.app", "id": 0},
            "is_disabled": False, "params": {"config": {"entry": OLD}, "events": {"mode": "all", "items": []}},
            "note": {OLD: "a key"},
            "behaviors": [
                {"uid": "behavior_1", "title": "Caller", "is_disabled": False, "is_private": False, "priority": 50,
                 "event": {"key": "event.macro.bot", "params": {"default": OLD}},
                 "variables": {"var_x": {"key": "var_x", "label": "X", "type": "S", "is_private": "0",
                                         "params": {"hint": OLD}}},
                 "x_custom": [[OLD]],
                 "nodes": [
                     {"type": "action", "title": "Call", "status": "live", "params": {"actions": [call]},
                      "x_note": f"{OLD} and {{{{{{uid.behavior_22}}}}}}"},
                     {"type": "switch", "title": "Which", "nodes": [
                         {"type": "outcome", "title": "Yes", "status": "live",
                          "params": {"groups": [{"any": 0, "conditions": [
                              {"condition": "_custom_script", "tpl": OLD, "oper": "is", "value": "1"}]}]},
                          "nodes": [{"type": "action", "title": "Again", "status": "live",
                                     "params": {"actions": [dict(call, behavior_id=" " + OLD)]}}]}]}]},
                {"uid": "behavior_2", "title": "Callee", "is_disabled": False, "is_private": True, "priority": 50,
                 "event": {"key": "event.macro.bot"},
                 "nodes": [{"type": "action", "title": "Self", "status": "live",
                            "params": {"actions": [{"action": "_run_behavior", "behavior_id": OLD}]}}]},
                {"uid": "behavior_22", "title": "Look-alike", "is_disabled": False, "is_private": False,
                 "priority": 50, "event": {"key": "event.macro.bot"}, "nodes": []}]}],
        "behaviors": [{"uid": "behavior_3", "bot_id": "{{{uid.bot_1}}}", "title": "Top", "is_disabled": False,
                       "is_private": False, "priority": 50, "event": {"key": "event.macro.bot"},
                       "nodes": [{"type": "action", "title": "T", "status": "live",
                                  "params": {"actions": [{"action": "_run_behavior", "behavior_id": OLD}]}}]}],
        "x_top_level": {"see": OLD},
    }


@pytest.fixture
def linked():
    package, _ = read_package_value(linked_package())
    return package


def renamed_text(text: str, old: str, new: str) -> str:
    """What the package text must become: each link to `old`, however spaced, written as `{{{uid.new}}}`."""
    spaced, plain, link = f"{{{{{{ uid.{old} }}}}}}", f"{{{{{{uid.{old}}}}}}}", f"{{{{{{uid.{new}}}}}}}"
    return text.replace(spaced, link).replace(plain, link)


def test_renaming_a_behavior_rewrites_every_link_in_one_undo_step(linked, stack):
    original = dumps_package(linked)
    callee = linked.behavior_by_uid("behavior_2")
    events = []
    linked.events.subscribe(events.append)
    stack.push(SetBehaviorField(linked, callee, "uid", "dns_lookup"))
    text = dumps_package(linked)
    assert text == renamed_text(original, "behavior_2", "dns_lookup").replace(
        '"uid": "behavior_2"', '"uid": "dns_lookup"')
    assert "behavior_2}" not in text and text.count("{{{uid.dns_lookup}}}") == 17
    assert text.count("{{{uid.behavior_22}}}") == 1 and "{{{uid.task_1}}}" in text
    assert stack.count() == 1 and callee.uid == "dns_lookup"
    assert linked.follow_link(linked.behaviors[0].children[0].actions[0]["behavior_id"]) is callee
    assert all(isinstance(e, FieldChanged) for e in events) and len(events) == 15  # the uid and 14 fields

    stack.undo()
    assert dumps_package(linked) == original and callee.uid == "behavior_2"
    stack.redo()
    assert dumps_package(linked) == text
    again, _ = read_package_value(json.loads(text))
    assert dumps_package(again) == text
    stack.undo()
    assert dumps_package(linked) == original


def test_renaming_a_bot_rewrites_the_bot_id_of_top_level_behaviors(linked, stack):
    original = dumps_package(linked)
    stack.push(SetField(linked, linked.bots[0], "uid", "helper_bot"))
    assert linked.behaviors[0].bot_id == "{{{uid.helper_bot}}}"
    assert dumps_package(linked) == original.replace("bot_1", "helper_bot")
    stack.undo()
    assert dumps_package(linked) == original


def test_undo_restores_links_exactly_even_to_the_new_uid(stack):
    data = linked_package()
    data["bots"][0]["params"]["stale"] = "{{{ uid.fresh }}}"  # a dangling link to the uid about to be taken
    package, _ = read_package_value(data)
    original = dumps_package(package)
    stack.push(SetBehaviorField(package, package.behavior_by_uid("behavior_2"), "uid", "fresh"))
    assert package.bots[0].params["stale"] == "{{{ uid.fresh }}}"  # not a link to behavior_2: left as written
    stack.undo()
    assert dumps_package(package) == original


@pytest.mark.parametrize("uid", ["behavior_1", "bot_1", "task_1", "behavior_22"])
def test_a_uid_already_used_in_the_package_is_refused(linked, stack, uid):
    original = dumps_package(linked)
    with pytest.raises(StructureError, match=f"uid '{uid}' is already used") as info:
        SetBehaviorField(linked, linked.behavior_by_uid("behavior_2"), "uid", uid)
    assert info.value.hint == "keep 'behavior_2' or choose a free uid, e.g. 'behavior_23'"
    assert stack.count() == 0 and dumps_package(linked) == original


@pytest.mark.parametrize("uid", ["", "has space", "dns-lookup", "a.b", "2fast", "{{{uid.x}}}", None, 7])
def test_an_invalid_uid_is_refused(linked, uid):
    original = dumps_package(linked)
    with pytest.raises(StructureError, match="is not a valid uid"):
        SetBehaviorField(linked, linked.behavior_by_uid("behavior_2"), "uid", uid)
    with pytest.raises(StructureError, match="is not a valid uid"):
        SetField(linked, linked.bots[0], "uid", uid)
    assert dumps_package(linked) == original


def test_keeping_the_uid_changes_nothing(linked, stack):
    original = dumps_package(linked)
    command = SetBehaviorField(linked, linked.behavior_by_uid("behavior_2"), "uid", "behavior_2")
    assert command.links == []
    stack.push(command)
    assert dumps_package(linked) == original


def test_renames_never_merge_with_the_next_edit(linked, stack):
    callee = linked.behavior_by_uid("behavior_2")
    stack.push(SetBehaviorField(linked, callee, "uid", "first"))
    stack.push(SetBehaviorField(linked, callee, "uid", "second"))
    assert stack.count() == 2 and linked.behaviors[0].children[0].actions[0]["behavior_id"] == "{{{uid.second}}}"
    stack.undo()
    assert callee.uid == "first" and linked.behaviors[0].children[0].actions[0]["behavior_id"] == "{{{uid.first}}}"
