"""Property-based: generated trees and edit sequences keep structure and round-trip through JSON."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.io import dumps_package, read_package_text
from designer.model import ALLOWED_CHILDREN, NODE_TYPES, ROOT, Behavior, Bot, Node, Package, StructureError

titles = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).filter(str.strip)
statuses = st.sampled_from([None, "live", "disabled", "simulator"])


@st.composite
def subtree(draw, parent_kind: str, depth: int = 0):
    kind = draw(st.sampled_from(sorted(ALLOWED_CHILDREN[parent_kind])))
    status = draw(statuses)
    node = Node(kind, draw(titles), **({"status": status} if status else {}))
    if kind == "action":
        node.params = {"actions": [{"action": "send_message", "message": draw(titles), "format": ""}]}
    elif kind == "outcome":
        node.params = {"groups": [{"any": 0, "conditions": []}]}
    elif kind == "loop":
        node.params = {"foreach_json": "[1,2]", "as_placeholder": "x"}
    if depth < 3 and ALLOWED_CHILDREN[kind]:
        for child in draw(st.lists(subtree(kind, depth + 1), max_size=3)):
            child.parent = node
            node.children.append(child)
    return node


@st.composite
def packages(draw):
    package = Package("generated")
    bot = Bot("bot_1", "Bot")
    package.bots.append(bot)
    for i in range(draw(st.integers(1, 3))):
        behavior = Behavior(f"behavior_{i}", f"B{i}")
        behavior.bot = bot
        for node in draw(st.lists(subtree(ROOT), max_size=4)):
            node.parent = behavior
            behavior.children.append(node)
        bot.behaviors.append(behavior)
    return package


def all_containers(package: Package):
    for behavior in package.all_behaviors():
        yield behavior
        yield from behavior.walk()


def assert_structure(package: Package) -> None:
    for container in all_containers(package):
        for child in container.children:
            assert child.type in ALLOWED_CHILDREN[container.type]
            assert child.parent is container


edits = st.lists(st.tuples(st.sampled_from(["insert", "remove", "move", "title"]), st.integers(0, 10_000),
                           st.integers(0, 10_000), st.sampled_from(NODE_TYPES)), max_size=25)


@settings(max_examples=150, deadline=None)
@given(packages(), edits)
def test_edits_keep_structure_and_round_trip(package: Package, steps) -> None:
    for op, a, b, kind in steps:
        containers = list(all_containers(package))
        nodes = [n for n in containers if isinstance(n, Node)]
        try:
            if op == "insert":
                parent = containers[a % len(containers)]
                package.insert_node(parent, b % (len(parent.children) + 1), Node(kind, "new"))
            elif op == "remove" and nodes:
                package.remove_node(nodes[a % len(nodes)])
            elif op == "move" and nodes:
                node = nodes[a % len(nodes)]
                parent = containers[b % len(containers)]
                package.move_node(node, parent, b % (len(parent.children) + (0 if parent is node.parent else 1)))
            elif op == "title" and nodes:
                package.set_field(nodes[a % len(nodes)], "title", f"t{b}")
        except StructureError:
            pass  # refused edits must leave the tree valid, which the checks below prove
        assert_structure(package)
    text = dumps_package(package)
    again = read_package_text(text)
    assert json.loads(dumps_package(again)) == json.loads(text)
    assert [n.type for b in again.all_behaviors() for n in b.walk()] == [
        n.type for b in package.all_behaviors() for n in b.walk()
    ]
