"""The tidy layout: no overlaps, parents centred over their children, linear work, deep trees, forests."""
from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.model.layout import tidy_layout

_ids = itertools.count(1)


class T:
    def __init__(self, kids=(), w=40.0, h=20.0):
        self.id = next(_ids)
        self.kids = list(kids)
        self.w, self.h = w, h


def random_forest(rng: random.Random, n: int, roots: int = 3) -> list[T]:
    nodes = [T(w=rng.choice([30, 60, 120]), h=rng.choice([20, 40])) for _ in range(roots)]
    for _ in range(n - roots):
        parent = rng.choice(nodes[-50:] if rng.random() < 0.7 else nodes)
        child = T(w=rng.choice([30, 60, 120]), h=rng.choice([20, 40]))
        parent.kids.append(child)
        nodes.append(child)
    return nodes[:roots]


def walk(roots):
    stack = list(roots)
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.kids)


def check(roots, orientation="vertical", gap=10.0, collapsed=()):
    pos = tidy_layout(roots, lambda n: n.kids, lambda n: (n.w, n.h), orientation=orientation,
                      sibling_gap=gap, level_gap=30, collapsed=collapsed)
    vertical = orientation == "vertical"
    boxes = {k: (x, y, x + n.w, y + n.h) for n in walk_visible(roots, collapsed) for k, (x, y) in [(n.id, pos[n.id])]}
    assert set(boxes) == set(pos)
    # no overlaps, per level (sorted sweep)
    by_level: dict[float, list] = {}
    for b in boxes.values():
        by_level.setdefault(b[1] if vertical else b[0], []).append(b)
    for row in by_level.values():
        row.sort(key=lambda b: b[0] if vertical else b[1])
        for a, b in itertools.pairwise(row):
            if vertical:
                assert a[2] + gap - 1e-6 <= b[0]
            else:
                assert a[3] + gap - 1e-6 <= b[1]
    # parents centred over their children; children one level further
    for n in walk_visible(roots, collapsed):
        if n.kids and n.id not in collapsed:
            b = boxes[n.id]
            first, last = boxes[n.kids[0].id], boxes[n.kids[-1].id]
            if vertical:
                assert (b[0] + b[2]) / 2 == pytest.approx(((first[0] + first[2]) / 2 + (last[0] + last[2]) / 2) / 2)
                assert all(boxes[c.id][1] >= b[3] + 30 - 1e-6 for c in n.kids)
            else:
                assert (b[1] + b[3]) / 2 == pytest.approx(((first[1] + first[3]) / 2 + (last[1] + last[3]) / 2) / 2)
                assert all(boxes[c.id][0] >= b[2] + 30 - 1e-6 for c in n.kids)
            # siblings keep their order
            keyf = (lambda c: boxes[c.id][0]) if vertical else (lambda c: boxes[c.id][1])
            assert [keyf(c) for c in n.kids] == sorted(keyf(c) for c in n.kids)
    return pos


def walk_visible(roots, collapsed):
    stack = list(roots)
    while stack:
        n = stack.pop()
        yield n
        if n.id not in collapsed:
            stack.extend(n.kids)


@pytest.mark.parametrize("orientation", ["vertical", "horizontal"])
@pytest.mark.parametrize("seed", range(8))
def test_random_forests(seed, orientation):
    check(random_forest(random.Random(seed), 300), orientation)


@given(st.integers(0, 10_000), st.integers(1, 60), st.integers(1, 4))
@settings(max_examples=60, deadline=None)
def test_property_no_overlap_and_centred(seed, n, roots):
    check(random_forest(random.Random(seed), max(n, roots), roots))


def test_collapsed_subtrees_are_not_placed():
    roots = random_forest(random.Random(3), 200)
    hidden = {roots[0].id}
    pos = check(roots, collapsed=hidden)
    assert roots[0].id in pos and all(c.id not in pos for c in roots[0].kids)


def test_empty_and_single():
    assert tidy_layout([], lambda n: n.kids, lambda n: (1, 1)) == {}
    one = T()
    assert tidy_layout([one], lambda n: n.kids, lambda n: (n.w, n.h)) == {one.id: (0.0, 0.0)}


def test_deep_chain_needs_no_recursion():
    node = root = T()
    for _ in range(5000):
        child = T()
        node.kids.append(child)
        node = child
    pos = tidy_layout([root], lambda n: n.kids, lambda n: (n.w, n.h))
    assert len(pos) == 5001 and len({x for x, _ in pos.values()}) == 1


def test_ten_thousand_nodes_linear_work():
    roots = random_forest(random.Random(1), 10_000, roots=5)
    calls = {"children": 0, "size": 0}

    def children(n):
        calls["children"] += 1
        return n.kids

    def size(n):
        calls["size"] += 1
        return (n.w, n.h)

    pos = tidy_layout(roots, children, size)
    assert len(pos) == 10_000
    assert calls == {"children": 10_000, "size": 10_000}  # each node visited once
    check(roots)


def test_bad_orientation():
    with pytest.raises(ValueError):
        tidy_layout([T()], lambda n: n.kids, lambda n: (1, 1), orientation="diagonal")
