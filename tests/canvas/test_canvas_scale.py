"""What keeps a big canvas fast must not change what it shows: edges in chunks, marks kept by their setters,
call links read from what the item cached at its last refresh."""
from __future__ import annotations

import copy

import pytest

from designer.canvas.scene import EDGE_CHUNK
from designer.commands import SetField
from designer.io import load_package
from designer.model import Node
from tests.canvas.conftest import fixture_path


def big_package(switches: int = 120):
    """demo-bot's first behavior plus `switches` switches of 3 outcomes of 3 actions (13 nodes each)."""
    package = load_package(fixture_path("demo-bot.json"))
    behavior = package.bots[0].behaviors[0]
    for i in range(switches):
        sw = Node("switch", f"s{i}", children=[
            Node("outcome", f"o{i}.{j}", children=[Node("action", f"a{i}.{j}.{k}") for k in range(3)])
            for j in range(3)])
        sw.parent = behavior
        behavior.children.append(sw)
    return package, behavior


def edge_ends(scene) -> list[tuple[float, float]]:
    """The end point of every curve in the edge chunks (a curve is moveTo + cubicTo: 4 path elements)."""
    ends = []
    for chunk in scene.edges:
        path = chunk.path()
        assert path.elementCount() % 4 == 0
        ends += [(round(path.elementAt(i).x, 6), round(path.elementAt(i).y, 6))
                 for i in range(3, path.elementCount(), 4)]
    return ends


def incoming_anchors(scene, horizontal: bool) -> list[tuple[float, float]]:
    """Where each visible child's edge must end: the middle of its top (left side when horizontal)."""
    out = []
    for item in scene.items_by_id.values():
        if isinstance(item.node.parent, Node):
            x, y = item.pos().x(), item.pos().y()
            point = (x, y + item.bh / 2) if horizontal else (x + item.bw / 2, y)
            out.append((round(point[0], 6), round(point[1], 6)))
    return out


@pytest.mark.parametrize("orientation", ["vertical", "horizontal"])
def test_every_edge_is_drawn_once_in_chunks(make_canvas, orientation):
    package, _ = big_package()
    canvas, _, _ = make_canvas(package)
    canvas.set_orientation(orientation)
    scene = canvas.scene()
    expected = incoming_anchors(scene, orientation == "horizontal")
    assert len(expected) > 3 * EDGE_CHUNK
    assert sorted(edge_ends(scene)) == sorted(expected)
    assert len(scene.edges) == -(-len(expected) // EDGE_CHUNK)
    for chunk in scene.edges:  # the bounds hold the whole path, and the mouse never hits an edge
        assert chunk.boundingRect().contains(chunk.path().controlPointRect()) and chunk.shape().isEmpty()
    canvas.zoom_reset()
    view = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert sum(chunk.sceneBoundingRect().intersects(view) for chunk in scene.edges) <= len(scene.edges) // 2
    canvas.collapse_all()
    assert scene.edges == []
    canvas.expand_all()
    assert sorted(edge_ends(scene)) == sorted(incoming_anchors(scene, orientation == "horizontal"))


def test_marks_reach_items_created_later(make_canvas):
    package, behavior = big_package(3)
    canvas, _, _ = make_canvas(package)
    hidden = behavior.children[-1].children[1].children[2]
    canvas.collapse_all()
    assert canvas.node_item(hidden) is None
    canvas.set_breakpoints({hidden.id})
    canvas.expand_all()
    assert canvas.node_item(hidden).breakpoint
    assert {i.node for i in canvas.scene().items_by_id.values() if i.breakpoint} == {hidden}
    canvas.highlight_path([behavior.children[-1].id, behavior.children[-1].children[1].id])
    canvas.collapse_all()
    canvas.expand_all()
    lit = {i.node for i in canvas.scene().items_by_id.values() if i.highlighted}
    assert lit == {behavior.children[-1], behavior.children[-1].children[1]}
    assert not canvas.scene().hl_edges.path().isEmpty()
    canvas.set_breakpoints(set())
    canvas.clear_highlight()
    assert not any(i.breakpoint or i.highlighted for i in canvas.scene().items_by_id.values())
    assert canvas.scene().hl_edges.path().isEmpty()


def test_subroutine_links_follow_param_edits(make_canvas):
    canvas, package, stack = make_canvas("demo-bot.json")
    scene = canvas.scene()
    behavior = canvas.behavior()
    subroutine = next(iter(behavior.subroutines().values()))
    action = next(n for n in behavior.walk() if n.type == "action" and all(
        a.get("action") != "_run_subroutine" for a in n.actions))
    before = len(scene.links)
    params = copy.deepcopy(action.params) if isinstance(action.params, dict) else {}
    params["actions"] = [*action.actions, {"action": "_run_subroutine", "subroutine": subroutine.title}]
    stack.push(SetField(package, action, "params", params))
    canvas.flush()
    assert len(scene.links) == before + 1
    assert any(link.source is action and link.target is subroutine for link in scene.links)
    stack.undo()
    canvas.flush()
    assert len(scene.links) == before and not any(link.source is action for link in scene.links)
