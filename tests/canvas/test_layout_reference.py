"""The array-based tidy_layout gives exactly what the first, straightforward implementation gave: the same
positions, bit for bit, in the same order, on forests of every shape, with fractional sizes, gaps and
collapsed nodes. The reference below is that implementation, kept only here."""
from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Collection, Hashable, Iterable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.model.layout import HORIZONTAL, VERTICAL, tidy_layout

_ids = itertools.count(1)


class T:
    def __init__(self, w: float, h: float) -> None:
        self.id = next(_ids)
        self.kids: list[T] = []
        self.w, self.h = w, h


WIDTHS = (30, 60, 120, 47.3, 111.7, 0.001)
HEIGHTS = (20, 40, 13.1)


def random_forest(rng: random.Random, n: int, roots: int) -> tuple[list[T], list[T]]:
    """(all nodes, roots): bushy, chain-like or wide trees, by how far back the parents are drawn from."""
    nodes = [T(rng.choice(WIDTHS), rng.choice(HEIGHTS)) for _ in range(roots)]
    reach = rng.choice([2, 50, n])
    for _ in range(n - roots):
        parent = rng.choice(nodes[-reach:])
        child = T(rng.choice(WIDTHS), rng.choice(HEIGHTS))
        parent.kids.append(child)
        nodes.append(child)
    return nodes, nodes[:roots]


def both(roots: list[T], **options: Any) -> tuple[dict, dict]:
    args = (roots, lambda n: n.kids, lambda n: (n.w, n.h))
    return tidy_layout(*args, **options), reference_tidy_layout(*args, **options)


@pytest.mark.parametrize("orientation", [VERTICAL, HORIZONTAL])
@pytest.mark.parametrize("seed", range(40))
def test_same_positions_in_the_same_order(seed: int, orientation: str) -> None:
    rng = random.Random(seed)
    nodes, roots = random_forest(rng, rng.choice([1, 2, 7, 60, 400]), rng.choice([1, 2, 5]))
    collapsed = {n.id for n in nodes if n.kids and rng.random() < 0.15} if seed % 2 else set()
    new, old = both(roots, orientation=orientation, sibling_gap=rng.choice([0.0, 10.0, 22.5]),
                    level_gap=rng.choice([0.0, 30.0, 40.0]), collapsed=collapsed)
    assert list(new.items()) == list(old.items())  # exact floats, and the same (document) order


@given(st.integers(0, 10**6), st.integers(1, 80), st.integers(1, 4))
@settings(max_examples=80, deadline=None)
def test_property_same_as_the_reference(seed: int, n: int, roots: int) -> None:
    _, forest = random_forest(random.Random(seed), max(n, roots), roots)
    new, old = both(forest, sibling_gap=7.5, level_gap=12.0)
    assert list(new.items()) == list(old.items())


@pytest.mark.parametrize("orientation", [VERTICAL, HORIZONTAL])
def test_same_at_ten_thousand_nodes_with_the_canvas_gaps(orientation: str) -> None:
    _, roots = random_forest(random.Random(10_000), 10_000, 40)
    new, old = both(roots, orientation=orientation, sibling_gap=22.0, level_gap=40.0)
    assert len(new) == 10_000 and list(new.items()) == list(old.items())


def _default_key(node: Any) -> Hashable:
    return node.id


def reference_tidy_layout(
    roots: Iterable[Any],
    children: Callable[[Any], Iterable[Any]],
    size: Callable[[Any], tuple[float, float]],
    *,
    orientation: str = VERTICAL,
    sibling_gap: float = 24.0,
    level_gap: float = 48.0,
    collapsed: Collection[Hashable] = (),
    key: Callable[[Any], Hashable] = _default_key,
) -> dict[Hashable, tuple[float, float]]:
    """The layout as it was computed before the array rewrite (the first round's tidy_layout, verbatim)."""
    if orientation not in (VERTICAL, HORIZONTAL):
        raise ValueError(f"orientation must be {VERTICAL!r} or {HORIZONTAL!r}, not {orientation!r}")
    vertical = orientation == VERTICAL

    # -- flatten into arrays; index 0 is the virtual root ----------------------------------------------
    objs: list[Any] = [None]
    kids: list[list[int]] = [[]]
    parent: list[int] = [-1]
    number: list[int] = [0]  # 1-based position among siblings
    depth: list[int] = [-1]
    breadth: list[float] = [0.0]
    thick: list[float] = [0.0]
    todo: list[tuple[Any, int]] = [(r, 0) for r in reversed(list(roots))]
    while todo:
        obj, par = todo.pop()
        i = len(objs)
        objs.append(obj)
        kids.append([])
        parent.append(par)
        kids[par].append(i)
        number.append(len(kids[par]))
        depth.append(depth[par] + 1)
        w, h = size(obj)
        breadth.append(float(w if vertical else h))
        thick.append(float(h if vertical else w))
        if key(obj) not in collapsed:
            todo.extend((c, i) for c in reversed(list(children(obj))))
    n = len(objs)
    if n == 1:
        return {}

    prelim = [0.0] * n
    mod = [0.0] * n
    shift = [0.0] * n
    change = [0.0] * n
    thread = [-1] * n
    ancestor = list(range(n))
    default_anc = [-1] * n

    def dist(a: int, b: int) -> float:
        return (breadth[a] + breadth[b]) / 2.0 + sibling_gap

    def left_sibling(v: int) -> int:
        return kids[parent[v]][number[v] - 2] if number[v] > 1 else -1

    def next_left(v: int) -> int:
        k = kids[v]
        return k[0] if k else thread[v]

    def next_right(v: int) -> int:
        k = kids[v]
        return k[-1] if k else thread[v]

    def apportion(v: int, default: int) -> int:
        w = left_sibling(v)
        if w < 0:
            return default
        vip = vop = v
        vim = w
        vom = kids[parent[v]][0]
        sip, sop, sim, som = mod[vip], mod[vop], mod[vim], mod[vom]
        nr, nl = next_right(vim), next_left(vip)
        while nr >= 0 and nl >= 0:
            vim, vip = nr, nl
            vom, vop = next_left(vom), next_right(vop)
            ancestor[vop] = v
            s = (prelim[vim] + sim) - (prelim[vip] + sip) + dist(vim, vip)
            if s > 0:
                a = ancestor[vim]
                wm = a if parent[a] == parent[v] else default
                subtrees = number[v] - number[wm]
                change[v] -= s / subtrees
                shift[v] += s
                change[wm] += s / subtrees
                prelim[v] += s
                mod[v] += s
                sip += s
                sop += s
            sim += mod[vim]
            sip += mod[vip]
            som += mod[vom]
            sop += mod[vop]
            nr, nl = next_right(vim), next_left(vip)
        if nr >= 0 and next_right(vop) < 0:
            thread[vop] = nr
            mod[vop] += sim - sop
        if nl >= 0 and next_left(vom) < 0:
            thread[vom] = nl
            mod[vom] += sip - som
            default = v
        return default

    # -- first walk: post-order, left to right ------------------------------------------------------------
    stack: list[tuple[int, bool]] = [(0, False)]
    while stack:
        v, done = stack.pop()
        if not done:
            stack.append((v, True))
            if kids[v]:
                default_anc[v] = kids[v][0]
                stack.extend((c, False) for c in reversed(kids[v]))
            continue
        w = left_sibling(v) if v else -1
        if kids[v]:
            s = c = 0.0
            for ch in reversed(kids[v]):  # execute shifts
                prelim[ch] += s
                mod[ch] += s
                c += change[ch]
                s += shift[ch] + c
            mid = (prelim[kids[v][0]] + prelim[kids[v][-1]]) / 2.0
            if w >= 0:
                prelim[v] = prelim[w] + dist(w, v)
                mod[v] = prelim[v] - mid
            else:
                prelim[v] = mid
        else:
            prelim[v] = prelim[w] + dist(w, v) if w >= 0 else 0.0
        if v:
            p = parent[v]
            default_anc[p] = apportion(v, default_anc[p])

    # -- level offsets: each depth is as thick as its thickest node ---------------------------------------
    levels: list[float] = []
    for i in range(1, n):
        d = depth[i]
        while len(levels) <= d:
            levels.append(0.0)
        levels[d] = max(levels[d], thick[i])
    level_pos = [0.0] * len(levels)
    for d in range(1, len(levels)):
        level_pos[d] = level_pos[d - 1] + levels[d - 1] + level_gap

    # -- second walk: pre-order, accumulating mods --------------------------------------------------------
    center = [0.0] * n
    walk: list[tuple[int, float]] = [(0, 0.0)]
    while walk:
        v, m = walk.pop()
        center[v] = prelim[v] + m
        m2 = m + mod[v]
        walk.extend((ch, m2) for ch in kids[v])
    low = min(center[i] - breadth[i] / 2.0 for i in range(1, n))
    out: dict[Hashable, tuple[float, float]] = {}
    for i in range(1, n):
        b = center[i] - breadth[i] / 2.0 - low
        lv = level_pos[depth[i]]
        out[key(objs[i])] = (b, lv) if vertical else (lv, b)
    return out
