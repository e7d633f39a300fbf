"""`{{{uid.x}}}` links: symbolic references the editor can follow, written back as they were."""
from __future__ import annotations

import json

from designer.io import dumps_package, load_package, read_package_text
from designer.model import Bot
from designer.model.links import iter_placeholder_names, iter_uid_links, link_target, rename_uid_links, uid_link
from tests.conftest import FIXTURE_PACKAGES, SAMPLE_PACKAGE


def fixture(name: str):
    return load_package(next(p for p in FIXTURE_PACKAGES if p.name == name))


def switch_action(package):
    interaction = package.behavior_by_uid("behavior_179")
    node = interaction.children[0].children[0].children[0]
    return node, node.actions[0]


def test_a_behavior_link_is_followed_to_the_behavior():
    package = load_package(SAMPLE_PACKAGE)
    node, action = switch_action(package)
    assert action["action"] == "switch_behavior" and action["behavior_id"] == "{{{uid.behavior_180}}}"
    target = package.follow_link(action["behavior_id"])
    assert target is package.behavior_by_uid("behavior_180")
    assert package.links_in(node.params) == [("behavior_180", target)]


def test_links_to_bots_and_records_are_followed():
    demo = fixture("demo-bot.json")
    classifier = demo.collections["classifiers"][0]
    [(uid, bot)] = demo.links_in(classifier)
    assert uid == "bot_78" and isinstance(bot, Bot) and bot is demo.bot_by_uid("bot_78")
    sync = fixture("sync-accounts.json")
    record = sync.collections["records"][0]
    assert sync.follow_link(record["extension_params"]["behavior_id"]) is sync.behavior_by_uid("behavior_webhook")
    assert sync.object_by_uid(record["uid"]) is record


def test_dangling_and_non_links_follow_to_nothing():
    package = load_package(SAMPLE_PACKAGE)
    assert package.follow_link("{{{uid.nowhere}}}") is None
    assert package.follow_link("behavior_180") is None  # a bare uid is not a link
    assert package.follow_link(42) is None
    assert package.links_in({"a": ["{{{uid.nowhere}}} and {{{ uid.behavior_180 }}}"]}) == [
        ("nowhere", None), ("behavior_180", package.behavior_by_uid("behavior_180"))]


def test_links_survive_edits_and_are_written_back_as_links():
    package = load_package(SAMPLE_PACKAGE)
    node, _ = switch_action(package)
    twin = node.clone()
    package.insert_node(node.parent, 0, twin)
    package.move_node(node, node.parent, 0)
    text = dumps_package(package)
    assert text.count('"behavior_id": "{{{uid.behavior_180}}}"') == 2
    again = read_package_text(text)
    _, action = switch_action(again)
    assert again.follow_link(action["behavior_id"]).uid == "behavior_180"


def test_link_helpers():
    assert uid_link("behavior_1") == "{{{uid.behavior_1}}}"
    assert link_target("  {{{ uid.behavior_1 }}} ") == "behavior_1"
    assert link_target("x {{{uid.behavior_1}}}") is None
    value = {"{{{uid.a}}}": ["{{{uid.b}}}", "{{{name}}}", "{{ not_a_package_tag }}"]}
    assert list(iter_uid_links(value)) == ["a", "b"]
    assert list(iter_placeholder_names(value)) == ["name"]
    renamed = rename_uid_links(value, "b", "c")
    assert json.dumps(renamed) == json.dumps({"{{{uid.a}}}": ["{{{uid.c}}}", "{{{name}}}", "{{ not_a_package_tag }}"]})


def test_rename_copies_only_the_way_to_a_changed_link():
    untouched = {"x": ["{{{uid.a}}}", 1]}
    value = {"keep": untouched, "{{{uid.b}}}": [{"b": "see {{{uid.b}}}"}, "{{{uid.bb}}}"], "n": None}
    renamed = rename_uid_links(value, "b", "c")
    assert list(renamed) == ["keep", "{{{uid.c}}}", "n"]  # the renamed key stays in its place
    assert renamed["keep"] is untouched and renamed["{{{uid.c}}}"] == [{"b": "see {{{uid.c}}}"}, "{{{uid.bb}}}"]
    assert value["{{{uid.b}}}"][0] == {"b": "see {{{uid.b}}}"}  # the original is left alone
    assert rename_uid_links(value, "zzz", "c") is value
