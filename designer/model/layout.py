"""Tidy tree layout: Buchheim, Jünger and Leipert's linear-time version of Walker's algorithm.

Pure and Qt-free: `(roots, children, size) → {id: (x, y)}`. Nodes may have different sizes: siblings and
subtree contours are kept `sibling_gap` apart measured between box edges; all nodes of one depth share a
level whose thickness is the largest node on it, and levels are `level_gap` apart. A forest (a behavior's
root nodes) is laid out under a virtual root. Nothing recurses, so a 5,000-deep chain never touches the
recursion limit, and the whole layout is O(n).

The tree is flattened once into parallel lists indexed by pre-order number (index 0 is the virtual root and
doubles as "none" in the link lists, so a link test is a plain truth test); both walks are plain loops over
those lists, with the contour steps inlined: no per-node closures, helper calls or stacks of tuples.

Reference: C. Buchheim, M. Jünger, S. Leipert, "Improving Walker's Algorithm to Run in Linear Time" (2002).
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable
from itertools import repeat
from operator import attrgetter
from typing import Any

VERTICAL, HORIZONTAL = "vertical", "horizontal"


def tidy_layout(
    roots: Iterable[Any],
    children: Callable[[Any], Iterable[Any]],
    size: Callable[[Any], tuple[float, float]],
    *,
    orientation: str = VERTICAL,
    sibling_gap: float = 24.0,
    level_gap: float = 48.0,
    collapsed: Collection[Hashable] = (),
    key: Callable[[Any], Hashable] = attrgetter("id"),
) -> dict[Hashable, tuple[float, float]]:
    """The top-left corner of every visible node's box, by `key(node)` (default `node.id`); the boxes start
    at 0 on both axes (the leftmost box, the first level).

    vertical: parents above children, siblings left to right; horizontal: parents left of children, siblings
    top to bottom. The children of a node whose key is in `collapsed` are not visited (nor placed).
    """
    if orientation not in (VERTICAL, HORIZONTAL):
        raise ValueError(f"orientation must be {VERTICAL!r} or {HORIZONTAL!r}, not {orientation!r}")
    vertical = orientation == VERTICAL

    # -- flatten in pre-order; 0 is the virtual root and "no node" --------------------------------------
    objs: list[Any] = [None]
    parent = [0]
    number = [0]  # 1-based position among siblings
    first = [0]  # first child
    last = [0]  # last child
    left = [0]  # left sibling
    half = [0.0]  # half the breadth (along the siblings); halving is exact: half[a] + half[b] == (a + b) / 2
    thick = [0.0]  # along the levels
    depth = [0]  # the roots are at depth 1
    by_depth = [[0]]  # the nodes of each depth, left to right
    todo: list[tuple[Any, int]] = list(zip(reversed(list(roots)), repeat(0)))
    while todo:
        obj, p = todo.pop()
        i = len(objs)
        objs.append(obj)
        parent.append(p)
        w = last[p]  # the sibling popped before this one
        left.append(w)
        number.append(number[w] + 1)
        if not w:
            first[p] = i
        last[p] = i
        first.append(0)
        last.append(0)
        d = depth[p] + 1
        depth.append(d)
        if d == len(by_depth):
            by_depth.append([])
        by_depth[d].append(i)
        bw, bh = size(obj)
        if vertical:
            half.append(float(bw) / 2.0)
            thick.append(float(bh))
        else:
            half.append(float(bh) / 2.0)
            thick.append(float(bw))
        if not collapsed or key(obj) not in collapsed:
            kids = list(children(obj))
            kids.reverse()
            todo.extend(zip(kids, repeat(i)))
    n = len(objs)
    if n == 1:
        return {}

    prelim = [0.0] * n
    mod = [0.0] * n
    shift = [0.0] * n
    change = [0.0] * n
    ancestor = list(range(n))
    default_anc = first[:]  # per parent: the greatest uncommon ancestor's fallback (BJL's "defaultAncestor")
    # the next node on a subtree's left / right contour: the first / last child, or a thread from a leaf
    next_left = first[:]
    next_right = last[:]
    gap = sibling_gap

    # -- first walk: children before parents, siblings left to right (deepest level first) ---------------
    # Each step only touches its parent's subtree, so this order gives exactly what a post-order gives.
    for level in reversed(by_depth):
        for v in level:
            w = left[v]
            c = last[v]
            if c:
                s = ch = 0.0
                while c:  # execute the shifts, right to left
                    prelim[c] += s
                    mod[c] += s
                    ch += change[c]
                    s += shift[c] + ch
                    c = left[c]
                mid = (prelim[first[v]] + prelim[last[v]]) / 2.0
                if w:
                    prelim[v] = prelim[w] + (half[w] + half[v] + gap)
                    mod[v] = prelim[v] - mid
                else:
                    prelim[v] = mid
            elif w:
                prelim[v] = prelim[w] + (half[w] + half[v] + gap)
            if not w:
                continue
            # apportion: push v's subtree clear of its left siblings' along the facing contours
            p = parent[v]
            default = default_anc[p]
            vip = vop = v
            vim = w
            vom = first[p]
            sip, sop, sim, som = mod[vip], mod[vop], mod[vim], mod[vom]
            nr, nl = next_right[vim], next_left[vip]
            while nr and nl:
                vim, vip = nr, nl
                vom, vop = next_left[vom], next_right[vop]
                ancestor[vop] = v
                s = (prelim[vim] + sim) - (prelim[vip] + sip) + (half[vim] + half[vip] + gap)
                if s > 0:
                    a = ancestor[vim]
                    wm = a if parent[a] == p else default
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
                nr, nl = next_right[vim], next_left[vip]
            if nr and not next_right[vop]:  # vop is a leaf: thread it
                next_left[vop] = next_right[vop] = nr
                mod[vop] += sim - sop
            if nl and not next_left[vom]:
                next_left[vom] = next_right[vom] = nl
                mod[vom] += sip - som
                default = v
            default_anc[p] = default

    # -- level offsets: each depth is as thick as its thickest node ---------------------------------------
    level_pos = [0.0, 0.0]  # by depth; the roots' level starts at 0
    for level in by_depth[1:-1]:
        level_pos.append(level_pos[-1] + max(0.0, *[thick[i] for i in level]) + level_gap)

    # -- second walk: parents before children (pre-order), accumulating mods ------------------------------
    below = [0.0] * n  # the sum of the mods of a node and its ancestors
    below[0] = mod[0]
    edge = [0.0] * n  # where the box starts along the siblings
    for v in range(1, n):
        m = below[parent[v]]
        edge[v] = prelim[v] + m - half[v]
        below[v] = m + mod[v]
    low = min(edge[1:])
    if vertical:
        placed = [(edge[i] - low, level_pos[depth[i]]) for i in range(1, n)]
    else:
        placed = [(level_pos[depth[i]], edge[i] - low) for i in range(1, n)]
    return dict(zip(map(key, objs[1:]), placed, strict=True))
