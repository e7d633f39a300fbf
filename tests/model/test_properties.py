"""Property-based: generated trees and edit sequences keep structure and round-trip through JSON."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.io import dumps_package, read_package_text
from designer.model import ALLOWED_CHILDREN, NODE_TYPES, ROOT, Behavior, Bot, Node, Package, StructureError
from tests.support import ordered

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


ops = st.lists(st.tuples(st.sampled_from(["insert", "remove", "move", "reorder", "duplicate", "title"]),
                         st.integers(0, 10_000), st.integers(0, 10_000), st.sampled_from(NODE_TYPES)), max_size=30)


@settings(max_examples=150, deadline=None)
@given(packages(), ops)
def test_node_identity_is_stable_across_edits(package: Package, steps) -> None:
    """Every node keeps its id through moves, reorders and other nodes' edits; duplicates get fresh ids; a
    refused edit changes nothing."""
    known: dict[int, Node] = {n.id: n for b in package.all_behaviors() for n in b.walk()}
    for op, a, b, kind in steps:
        containers = list(all_containers(package))
        nodes = [n for n in containers if isinstance(n, Node)]
        before = package.to_json()
        try:
            if op == "insert":
                parent = containers[a % len(containers)]
                new = Node(kind, "new")
                package.insert_node(parent, b % (len(parent.children) + 1), new)
                known[new.id] = new
            elif op == "remove" and nodes:
                package.remove_node(nodes[a % len(nodes)])
            elif op == "move" and nodes:
                node, parent = nodes[a % len(nodes)], containers[b % len(containers)]
                package.move_node(node, parent, b % (len(parent.children) + 1))
            elif op == "reorder" and nodes:
                node = nodes[a % len(nodes)]
                package.move_node(node, node.parent, b % len(node.parent.children))
            elif op == "duplicate" and nodes:
                node = nodes[a % len(nodes)]
                twin = node.clone()
                assert twin.to_json() == node.to_json()
                assert {n.id for n in twin.walk()}.isdisjoint(known)
                package.insert_node(node.parent, node.index_in_parent() + 1, twin)
                known.update((n.id, n) for n in twin.walk())
            elif op == "title" and nodes:
                package.set_field(nodes[a % len(nodes)], "title", f"t{b}")
        except StructureError:
            assert package.to_json() == before  # refused: nothing changed
        assert_structure(package)
        live = [n for bh in package.all_behaviors() for n in bh.walk()]
        assert len({n.id for n in live}) == len(live)
        for node in live:
            assert known[node.id] is node and package.find_node(node.id) is node
            assert isinstance(node.title, str) and node.title.strip()


# -- raw package JSON with unknown keys in any order, at every level ---------------------------------------
keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=10),
                    st.floats(allow_nan=False, allow_infinity=False, width=32))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                           st.dictionaries(keys, inner, max_size=3)), max_leaves=8)


@st.composite
def shuffled(draw, known: dict, *, reserved: frozenset[str] = frozenset()):
    """`known` plus unknown keys, all in a drawn order."""
    extra = draw(st.dictionaries(keys.filter(lambda k: k not in known and k not in reserved), json_values, max_size=2))
    items = list({**known, **extra}.items())
    order = draw(st.permutations(range(len(items))))
    return {items[i][0]: items[i][1] for i in order}


NODE_KEYS = frozenset({"type", "title", "status", "params", "nodes"})


@st.composite
def raw_node(draw, parent_kind: str, depth: int = 0):
    kind = draw(st.sampled_from(sorted(ALLOWED_CHILDREN[parent_kind])))
    node: dict = {"type": kind, "title": draw(titles)}
    if draw(st.booleans()):
        node["status"] = draw(st.sampled_from(["live", "disabled", "simulator"]))
    if kind == "action":
        node["params"] = {"actions": [draw(shuffled({"action": draw(st.sampled_from(["send_message", "acme.x"]))}))]}
    elif kind == "outcome":
        node["params"] = draw(shuffled({"groups": [{"any": 0, "conditions": draw(st.lists(
            st.dictionaries(keys, json_values, max_size=3), max_size=2))}]}))
    elif kind == "loop":
        node["params"] = draw(shuffled({"foreach_json": "[1]", "as_placeholder": "x"}))
    if ALLOWED_CHILDREN[kind] and (depth < 3 and draw(st.booleans())):
        node["nodes"] = draw(st.lists(raw_node(kind, depth + 1), max_size=3))
    return draw(shuffled(node, reserved=NODE_KEYS))


@st.composite
def raw_package(draw):
    behaviors = []
    for i in range(draw(st.integers(0, 2))):
        behaviors.append(draw(shuffled({
            "uid": f"behavior_{i}", "title": draw(titles), "is_disabled": draw(st.booleans()), "is_private": False,
            "priority": draw(st.integers(0, 100)), "event": draw(shuffled({"key": "event.macro.bot"})),
            "nodes": draw(st.lists(raw_node(ROOT), max_size=3)),
        }, reserved=frozenset({"bot_id", "variables", "uri"}))))
    bot = draw(shuffled({"uid": "bot_1", "name": "Bot", "owner": {"context": "cerberusweb.contexts.app", "id": 0},
                         "is_disabled": False, "params": {}, "behaviors": behaviors}))
    header = draw(shuffled({"name": draw(titles), "revision": 1}))
    return draw(shuffled({"package": header, "bots": [bot]}, reserved=frozenset({"behaviors", "records"})))


@settings(max_examples=200, deadline=None)
@given(raw_package())
def test_export_of_import_is_the_same_json_with_the_same_key_order(data) -> None:
    text = json.dumps(data, indent=4)
    package = read_package_text(text)
    assert ordered(json.loads(dumps_package(package))) == ordered(data)
