"""Real widgets, driven with the mouse and keyboard; undo is checked against the model's JSON."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtTest import QTest

from designer.canvas import CanvasMinimap
from designer.canvas.style import BACKGROUND
from designer.commands import InsertNode, SetField
from designer.io import load_package
from designer.model import Behavior, Node
from tests.canvas.conftest import click, drag, dump, fixture_path, key, structure_ok, view_pos
from tests.conftest import FIXTURE_PACKAGES


def no_overlaps(canvas) -> None:
    rects = sorted((i.body_scene_rect() for i in canvas.scene().items_by_id.values()), key=lambda r: r.left())
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            if b.left() >= a.right():
                break
            assert not a.intersects(b), (a, b)


@pytest.mark.parametrize("path", FIXTURE_PACKAGES, ids=lambda p: p.name)
def test_every_fixture_behavior_is_drawn(make_canvas, path):
    canvas, package, _ = make_canvas(path.name, behavior=None)
    for behavior in package.all_behaviors():
        canvas.show_behavior(behavior)
        items = canvas.scene().items_by_id
        assert sorted(items) == sorted(n.id for n in behavior.walk())
        assert all(items[n.id].node is n for n in behavior.walk())
        no_overlaps(canvas)
        for orientation in ("horizontal", "vertical"):
            canvas.set_orientation(orientation)
            no_overlaps(canvas)


def test_pixels_at_item_positions(make_canvas):
    canvas, _, _ = make_canvas()
    canvas.zoom_fit()
    QTest.qWait(10)
    image = canvas.grab().toImage()
    bg = BACKGROUND.rgb()
    items = list(canvas.scene().items_by_id.values())[:8]
    for item in items:
        r = item.body_scene_rect()
        p = canvas.mapFromScene(r.center())
        if not canvas.viewport().rect().contains(p):
            continue
        p += canvas.viewport().pos()
        window = [image.pixel(p.x() + dx, p.y() + dy) for dx in range(-3, 4) for dy in range(-3, 4)]
        assert any(px != bg for px in window), f"nothing drawn at {item.node}"
    corner = canvas.viewport().pos() + QPoint(3, 3)
    assert QColor(image.pixel(corner)).rgb() == bg  # the background really is the background


def test_click_ctrl_click_and_rubber_band(make_canvas, qtbot):
    canvas, package, _ = make_canvas()
    a, b = package.bots[0].behaviors[0].children[:2]
    with qtbot.waitSignal(canvas.selectionChanged) as sig:
        click(canvas, a)
    assert sig.args[0] == [a] and canvas.selected_nodes() == [a]
    click(canvas, b, Qt.KeyboardModifier.ControlModifier)
    assert canvas.selected_nodes() == [a, b]
    click(canvas, a, Qt.KeyboardModifier.ControlModifier)
    assert canvas.selected_nodes() == [b]
    # rubber band with shift from outside the first two nodes to past them
    ra = canvas.node_item(a).body_scene_rect()
    rb = canvas.node_item(b).body_scene_rect()
    start = canvas.mapFromScene(ra.topLeft()) - QPoint(8, 8)
    end = canvas.mapFromScene(rb.bottomRight()) + QPoint(4, 4)
    vp = canvas.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, start)
    for i in range(1, 6):
        QTest.mouseMove(vp, start + (end - start) * (i / 5))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, end)
    assert {a, b} <= set(canvas.selected_nodes())


def test_keyboard_edits_then_undo_redo_all(make_canvas):
    canvas, package, stack = make_canvas()
    original = dump(package)
    behavior = package.bots[0].behaviors[0]
    first = behavior.children[0]
    canvas.select_nodes([first])
    key(canvas, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)          # reorder
    assert behavior.children[1] is first
    key(canvas, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert behavior.children[0] is first
    key(canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)             # duplicate
    twin = behavior.children[1]
    assert twin.to_json() == first.to_json() and canvas.selected_nodes() == [twin]
    key(canvas, Qt.Key.Key_Space)                                              # live → disabled
    assert twin.status == "disabled"
    key(canvas, Qt.Key.Key_Space)                                              # → simulator
    assert twin.status == "simulator"
    key(canvas, Qt.Key.Key_Delete)
    assert twin not in behavior.children
    switch = next(n for n in behavior.walk() if n.type == "switch")
    canvas.select_nodes([switch])
    key(canvas, Qt.Key.Key_Insert)                                             # add child: an outcome
    added = switch.children[-1]
    assert added.type == "outcome" and canvas.selected_nodes() == [added]
    key(canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)        # child of the outcome: action
    assert added.children[-1].type == "action"
    key(canvas, Qt.Key.Key_Insert, Qt.KeyboardModifier.ShiftModifier)          # sibling of that action
    assert len(added.children) == 2
    assert structure_ok(package)
    edited = dump(package)
    assert stack.count() >= 9
    while stack.canUndo():
        stack.undo()
    assert dump(package) == original
    while stack.canRedo():
        stack.redo()
    assert dump(package) == edited
    canvas.flush()
    assert sorted(canvas.scene().items_by_id) == sorted(n.id for n in behavior.walk())


def test_f2_renames_in_place(make_canvas, qtbot):
    canvas, package, stack = make_canvas()
    node = package.bots[0].behaviors[0].children[0]
    click(canvas, node)
    key(canvas, Qt.Key.Key_F2)
    editor = canvas._rename_editor
    assert editor is not None and editor.isVisible() and editor.text() == node.title
    editor.selectAll()
    QTest.keyClicks(editor, "Greeting")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert node.title == "Greeting" and stack.count() == 1
    canvas.flush()
    assert canvas.node_item(node).title == "Greeting"
    # escape cancels
    click(canvas, node)
    key(canvas, Qt.Key.Key_F2)
    QTest.keyClicks(canvas._rename_editor, "zzz")
    QTest.keyClick(canvas._rename_editor, Qt.Key.Key_Escape)
    assert node.title == "Greeting" and stack.count() == 1


def test_drag_moves_node_one_undo_step(make_canvas):
    canvas, package, stack = make_canvas()
    original = dump(package)
    behavior = package.bots[0].behaviors[0]
    a, b, c = behavior.children[:3]
    drag(canvas, a, c, "right")  # beside c, to its right
    assert behavior.children[:3] == [b, c, a]
    assert stack.count() == 1
    assert canvas.scene().drop_indicator.isVisible() is False
    stack.undo()
    assert dump(package) == original


def test_drag_into_a_new_parent(make_canvas):
    canvas, package, stack = make_canvas()
    behavior = package.bots[0].behaviors[0]
    outcome = next(n for n in behavior.walk() if n.type == "outcome")
    action = behavior.children[0]
    assert action.type == "action"
    drag(canvas, action, outcome, "center")
    assert action.parent is outcome and outcome.children[-1] is action and stack.count() == 1


def test_illegal_drop_is_refused(make_canvas, qtbot):
    canvas, package, stack = make_canvas()
    original = dump(package)
    behavior = package.bots[0].behaviors[0]
    switch = next(n for n in behavior.walk() if n.type == "switch")
    action = behavior.children[0]
    with qtbot.waitSignal(canvas.editRefused):
        drag(canvas, action, switch, "center")  # an action under a switch: not allowed
    assert stack.count() == 0 and dump(package) == original
    # the indicator showed "not allowed" while hovering
    vp = canvas.viewport()
    start = view_pos(canvas, action)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    end = view_pos(canvas, switch)
    for i in range(1, 6):
        QTest.mouseMove(vp, start + (end - start) * (i / 5))
    indicator = canvas.scene().drop_indicator
    assert indicator.isVisible() and indicator.ok is False
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert stack.count() == 0
    # onto its own subtree: no target at all
    outcome = switch.children[0]
    drag(canvas, switch, outcome, "center")
    assert stack.count() == 0 and dump(package) == original


def test_clipboard_between_canvases_and_packages(make_canvas):
    one, pkg1, stack1 = make_canvas("demo-bot.json")
    two, pkg2, stack2 = make_canvas("prompt-bot.json")
    switch = next(n for n in pkg1.bots[0].behaviors[0].walk() if n.type == "switch")
    one.select_nodes([switch])
    key(one, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    text = QGuiApplication.clipboard().text()
    assert json.loads(text) == [switch.to_json()]
    target = two.behavior()
    before = dump(pkg2)
    two.select_nodes([])
    key(two, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    pasted = target.children[-1]
    assert pasted.to_json() == switch.to_json() and pasted.id != switch.id
    assert two.selected_nodes() == [pasted] and stack2.count() == 1
    # cut in the first canvas, paste inside an outcome of the second: an outcome accepts a switch
    outcome = next(n for n in target.walk() if n.type == "outcome")
    one.select_nodes([switch])
    key(one, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert switch.parent is None and stack1.count() == 1
    two.select_nodes([outcome])
    key(two, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert outcome.children[-1].to_json() == switch.to_json()
    # an outcome on the clipboard cannot go at the root, nor into an action: refused, nothing pushed
    one.select_nodes([])
    QGuiApplication.clipboard().setText(json.dumps([{"type": "outcome", "title": "o"}]))
    count = stack1.count()
    key(one, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert stack1.count() == count
    while stack2.canUndo():
        stack2.undo()
    assert dump(pkg2) == before


def test_collapse_expand(make_canvas):
    canvas, package, _ = make_canvas()
    behavior = package.bots[0].behaviors[0]
    switch = next(n for n in behavior.walk() if n.type == "switch" and n.children)
    hidden = sum(1 for _ in switch.walk()) - 1
    item = canvas.node_item(switch)
    toggle = canvas.mapFromScene(item.mapToScene(item.toggle_rect().center()))
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, toggle)
    assert canvas.is_collapsed(switch)
    items = canvas.scene().items_by_id
    assert all(n.id not in items for n in switch.walk() if n is not switch)
    assert canvas.node_item(switch).hidden_count == hidden
    no_overlaps(canvas)
    canvas.expand_all()
    assert len(canvas.scene().items_by_id) == behavior.node_count()
    canvas.collapse_all()
    assert len(canvas.scene().items_by_id) == len(behavior.children)
    inner = next(n for n in switch.walk() if n.type == "action")
    canvas.select_nodes([inner])  # selecting a hidden node reveals it
    assert canvas.node_item(inner) is not None and canvas.selected_nodes() == [inner]


def test_follow_behavior_link(make_canvas, qtbot):
    canvas, package, _ = make_canvas("prompt-bot.json", behavior=None)
    for behavior in package.all_behaviors():
        canvas.show_behavior(behavior)
        if canvas.scene().stubs:
            break
    stub = canvas.scene().stubs[0]
    canvas.ensureVisible(stub.sceneBoundingRect())
    pos = canvas.mapFromScene(stub.mapToScene(stub.shape().boundingRect().center()))
    with qtbot.waitSignal(canvas.followBehavior) as sig:
        QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    target, node = sig.args
    assert isinstance(target, Behavior) and target is not canvas.behavior() and node is stub.node
    canvas.show_behavior(target)
    assert canvas.behavior() is target


def test_subroutine_calls_are_overlay_links(make_canvas):
    canvas, _, _ = make_canvas("demo-bot.json")
    links = canvas.scene().links
    assert links and all(link.target.type == "subroutine" for link in links)


def test_clicking_a_subroutine_link_goes_to_the_subroutine(make_canvas):
    from designer.canvas import LinkItem, NodeItem

    canvas, _, _ = make_canvas("demo-bot.json")
    canvas.zoom_fit()
    link = canvas.scene().links[0]
    path = link.path()
    spot = None
    for i in range(1, 40):  # a point of the curve with no node over it
        p = canvas.mapFromScene(path.pointAtPercent(i / 40))
        under = canvas.items(p)
        if canvas.viewport().rect().contains(p) and any(isinstance(u, LinkItem) for u in under) \
                and not any(isinstance(u, NodeItem) for u in under):
            spot = p
            break
    assert spot is not None
    canvas.select_nodes([])
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, spot)
    assert canvas.selected_nodes() == [link.target]
    target = canvas.mapFromScene(canvas.node_item(link.target).body_scene_rect().center())
    assert canvas.viewport().rect().contains(target)


def test_highlight_path_and_breakpoints(make_canvas, qtbot):
    canvas, package, _ = make_canvas()
    behavior = package.bots[0].behaviors[0]
    leaf = next(n for n in behavior.walk() if n.depth() >= 2)
    path = []
    p = leaf
    while isinstance(p, Node):
        path.insert(0, p.id)
        p = p.parent
    canvas.collapse_all()
    canvas.highlight_path(path)
    assert all(canvas.scene().items_by_id[i].highlighted for i in path)
    assert not canvas.scene().hl_edges.path().isEmpty()
    canvas.clear_highlight()
    assert not any(i.highlighted for i in canvas.scene().items_by_id.values())
    canvas.select_nodes([leaf])
    with qtbot.waitSignal(canvas.breakpointToggled) as sig:
        key(canvas, Qt.Key.Key_F9)
    assert sig.args == [leaf.id] and canvas.node_item(leaf).breakpoint
    item = canvas.node_item(leaf)
    dot = canvas.mapFromScene(item.mapToScene(item.gutter_rect().center()))
    with qtbot.waitSignal(canvas.breakpointToggled):
        QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, dot)
    assert not canvas.node_item(leaf).breakpoint
    canvas.set_breakpoints({leaf.id})
    assert canvas.breakpoints() == {leaf.id} and canvas.node_item(leaf).breakpoint


def test_model_events_are_coalesced_and_mirrored(make_canvas, qtbot):
    canvas, package, stack = make_canvas()
    behavior = package.bots[0].behaviors[0]
    scene = canvas.scene()
    before = scene.sync_count
    for i in range(20):  # edits made elsewhere (e.g. the properties panel)
        stack.push(InsertNode(package, behavior, 0, Node("action", f"n{i}")))
    stack.push(SetField(package, behavior.children[0], "title", "renamed"))
    assert scene.sync_count == before  # nothing yet: one posted request
    qtbot.waitUntil(lambda: scene.sync_count == before + 1)
    QTest.qWait(5)
    assert scene.sync_count == before + 1
    assert sorted(scene.items_by_id) == sorted(n.id for n in behavior.walk())
    assert scene.items_by_id[behavior.children[0].id].title == "renamed"


def test_undo_restores_behavior_and_selection(make_canvas, qtbot):
    canvas, package, stack = make_canvas()
    behavior = package.bots[0].behaviors[0]
    node = behavior.children[2]
    canvas.select_nodes([node])
    key(canvas, Qt.Key.Key_Delete)
    other = package.bots[0].behaviors[1]
    with qtbot.waitSignal(canvas.behaviorChanged):
        canvas.show_behavior(other, notify=True)
    with qtbot.waitSignal(canvas.behaviorChanged) as sig:
        stack.undo()
    assert sig.args == [behavior] and canvas.behavior() is behavior
    assert canvas.selected_nodes() == [node]


def test_removing_the_shown_behavior_clears_the_canvas(make_canvas, qtbot):
    from designer.commands import RemoveBehavior

    canvas, package, stack = make_canvas()
    with qtbot.waitSignal(canvas.behaviorChanged) as sig:
        stack.push(RemoveBehavior(package, canvas.behavior()))
    assert sig.args == [None] and not canvas.scene().items_by_id


def test_context_menu_offers_only_allowed_types(make_canvas):
    canvas, package, _ = make_canvas()
    switch = next(n for n in package.bots[0].behaviors[0].walk() if n.type == "switch")
    menu = canvas.build_context_menu(switch)
    child_menu = next(a.menu() for a in menu.actions() if a.text() == "Add child")
    assert [a.text() for a in child_menu.actions()] == ["Outcome"]
    root_menu = canvas.build_context_menu(None)
    kinds = [a.text() for a in next(a.menu() for a in root_menu.actions() if a.text() == "Add child").actions()]
    assert set(kinds) == {"Action", "Switch", "Loop", "Subroutine"}
    assert set(canvas.actions()) >= {"cut", "copy", "paste", "duplicate", "delete", "add_child", "rename",
                                     "toggle_status"}


def test_zoom_pan_fit_and_minimap(make_canvas):
    canvas, _, _ = make_canvas()
    canvas.zoom_reset()
    assert canvas.zoom() == pytest.approx(1.0)
    canvas.zoom_in()
    assert canvas.zoom() > 1.0
    canvas.zoom_out()
    canvas.zoom_out()
    assert canvas.zoom() < 1.0
    QTest.qWait(1)
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    z = canvas.zoom()
    centre = QPointF(canvas.viewport().rect().center())
    ev = QWheelEvent(centre, canvas.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120), Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QGuiApplication.sendEvent(canvas.viewport(), ev)
    assert canvas.zoom() > z
    canvas.zoom_fit()
    rect = canvas.scene().itemsBoundingRect()
    visible = canvas.mapToScene(canvas.viewport().rect()).boundingRect()
    assert visible.contains(rect.center())
    # middle-button pan moves the view
    canvas.zoom_reset()
    h = canvas.horizontalScrollBar().value(), canvas.verticalScrollBar().value()
    vp = canvas.viewport()
    QTest.mousePress(vp, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, QPoint(500, 400))
    QTest.mouseMove(vp, QPoint(400, 300))
    QTest.mouseRelease(vp, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, QPoint(400, 300))
    assert (canvas.horizontalScrollBar().value(), canvas.verticalScrollBar().value()) != h
    minimap = CanvasMinimap(canvas)
    minimap.resize(200, 150)
    minimap.show()
    target = canvas.scene().itemsBoundingRect().bottomRight()
    QTest.mouseClick(minimap.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     minimap.mapFromScene(target))
    assert (minimap.visible_area().center() - target).manhattanLength() < \
        (canvas.scene().itemsBoundingRect().center() - target).manhattanLength()
    minimap.close()


def test_the_minimap_draws_the_tree_once_per_layout_not_per_scroll(make_canvas, qtbot):
    """Scrolling the canvas only moves the minimap's frame; an edit (a new layout) draws the tree again."""
    canvas, _package, _ = make_canvas()
    minimap = CanvasMinimap(canvas)
    qtbot.addWidget(minimap)
    minimap.resize(200, 150)
    minimap.show()
    qtbot.waitExposed(minimap)
    minimap.refit()
    first = minimap.grab().toImage()
    background = canvas.scene().backgroundBrush().color().rgb()
    assert any(first.pixel(x, y) != background for x in range(0, 200, 2) for y in range(0, 150, 2))  # nodes drawn
    drawn = minimap.render_count
    assert drawn >= 1
    frame_before = minimap.mapFromScene(minimap.visible_area().topLeft())
    for step in range(5):
        canvas.verticalScrollBar().setValue(canvas.verticalScrollBar().value() + 60 * (step + 1))
        canvas.horizontalScrollBar().setValue(canvas.horizontalScrollBar().value() + 40)
        minimap.grab()
    assert minimap.mapFromScene(minimap.visible_area().topLeft()) != frame_before  # the frame followed
    assert minimap.render_count == drawn
    canvas.add_node(canvas.behavior(), len(canvas.behavior().children), "action")
    canvas.flush()
    minimap.grab()
    assert minimap.render_count == drawn + 1


def test_large_scene_and_level_of_detail(make_canvas, qtbot):
    from designer.model import Package

    package = load_package(fixture_path("demo-bot.json"))
    behavior = package.bots[0].behaviors[0]
    roots = []
    count = 0
    while count < 3000:  # switches with outcomes with actions
        sw = Node("switch", f"s{count}", children=[
            Node("outcome", f"o{count}.{j}", children=[Node("action", f"a{count}.{j}.{k}") for k in range(3)])
            for j in range(3)])
        roots.append(sw)
        count += 13
    for sw in roots:
        sw.parent = behavior
        behavior.children.append(sw)
    canvas, _, _ = make_canvas(package, behavior=0)
    assert len(canvas.scene().items_by_id) == behavior.node_count() > 3000
    canvas.zoom_fit()
    assert canvas.zoom() < 0.3  # boxes only
    canvas.grab()
    canvas.collapse_all()
    assert len(canvas.scene().items_by_id) == len(behavior.children)
    assert isinstance(package, Package)


def test_item_summaries():
    from designer.canvas.summary import node_summary

    outcome = Node("outcome", "o", params={"groups": [{"any": 0, "conditions": [
        {"condition": "message", "oper": "is", "value": "Hostname"}]}]})
    assert node_summary(outcome) == "message is Hostname"
    two = Node("outcome", "o", params={"groups": [{"any": 1, "conditions": [{"condition": "a"}, {"condition": "b"}]}]})
    assert node_summary(two) == "any of 2 conditions"
    loop = Node("loop", "l", params={"foreach_json": "{{items}}", "as_placeholder": "item"})
    assert node_summary(loop) == "for each {{items}} as item"
    action = Node("action", "a", params={"actions": [{"action": "_run_subroutine", "subroutine": "x()"}]})
    assert node_summary(action) == "run subroutine x()"
    assert node_summary(Node("outcome", "always")) == "always"


def test_context_menu_add_child_and_double_click_activates(make_canvas, qtbot):
    canvas, package, stack = make_canvas()
    switch = next(n for n in package.bots[0].behaviors[0].walk() if n.type == "switch")
    click(canvas, switch)
    menu = canvas.build_context_menu(switch)
    child_menu = next(a.menu() for a in menu.actions() if a.text() == "Add child")
    child_menu.actions()[0].trigger()
    assert switch.children[-1].type == "outcome" and stack.count() == 1
    assert canvas.selected_nodes() == [switch.children[-1]]
    with qtbot.waitSignal(canvas.nodeActivated) as sig:
        QTest.mouseDClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                          view_pos(canvas, switch))
    assert sig.args == [switch]


def test_horizontal_drag_beside(make_canvas):
    canvas, package, stack = make_canvas()
    canvas.set_orientation("horizontal")
    behavior = package.bots[0].behaviors[0]
    a, b = behavior.children[:2]
    canvas.ensure_visible(b)
    rect = canvas.node_item(b).body_scene_rect()
    below = rect.center()
    below.setY(rect.top() + rect.height() * 0.9)
    drag(canvas, a, canvas.mapFromScene(below))
    assert behavior.children[:2] == [b, a] and stack.count() == 1


def test_ctrl_drag_copies(make_canvas):
    canvas, package, stack = make_canvas()
    original = dump(package)
    behavior = package.bots[0].behaviors[0]
    a = behavior.children[0]
    outcome = next(n for n in behavior.walk() if n.type == "outcome")
    count = len(outcome.children)
    drag(canvas, a, outcome, "center", release_modifier=Qt.KeyboardModifier.ControlModifier)
    assert behavior.children[0] is a and len(outcome.children) == count + 1
    copy = outcome.children[-1]
    assert copy.to_json() == a.to_json() and copy.id != a.id and stack.count() == 1
    assert canvas.selected_nodes() == [copy]
    stack.undo()
    assert dump(package) == original


def test_multi_delete_is_one_step_and_undo_reselects(make_canvas):
    canvas, package, stack = make_canvas()
    original = dump(package)
    behavior = package.bots[0].behaviors[0]
    a, c = behavior.children[1], behavior.children[3]
    click(canvas, a)
    click(canvas, c, Qt.KeyboardModifier.ControlModifier)
    key(canvas, Qt.Key.Key_Delete)
    assert a not in behavior.children and c not in behavior.children and stack.count() == 1
    stack.undo()
    assert dump(package) == original
    assert canvas.selected_nodes() == [a, c]
    stack.redo()
    assert a not in behavior.children


def test_escape_cancels_a_drag(make_canvas):
    canvas, package, stack = make_canvas()
    behavior = package.bots[0].behaviors[0]
    a, c = behavior.children[0], behavior.children[2]
    vp = canvas.viewport()
    start, end = view_pos(canvas, a), view_pos(canvas, c, "right")
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, 6):
        QTest.mouseMove(vp, start + (end - start) * (i / 5))
    assert canvas.scene().drop_indicator.isVisible()
    key(canvas, Qt.Key.Key_Escape)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert stack.count() == 0 and not canvas.scene().drop_indicator.isVisible()


def _count_near(image, colour: QColor, tolerance: int = 40) -> int:
    found = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = QColor(image.pixel(x, y))
            distance = abs(c.red() - colour.red()) + abs(c.green() - colour.green()) + abs(c.blue() - colour.blue())
            if distance < tolerance:
                found += 1
    return found


def test_highlight_is_visible_in_pixels(make_canvas):
    from designer.canvas.style import HIGHLIGHT

    canvas, package, _ = make_canvas()
    canvas.resize(500, 400)
    behavior = package.bots[0].behaviors[0]
    node = behavior.children[0]
    canvas.ensure_visible(node)
    assert _count_near(canvas.grab().toImage(), HIGHLIGHT) == 0
    canvas.highlight_path([node.id])
    assert _count_near(canvas.grab().toImage(), HIGHLIGHT) > 10


def test_switching_documents(make_canvas):
    canvas, package, stack = make_canvas()
    other = load_package(fixture_path("slack-bot.json"))
    from PySide6.QtGui import QUndoStack

    other_stack = QUndoStack()
    canvas.set_document(other, other_stack)
    assert canvas.behavior() is None and not canvas.scene().items_by_id
    behavior = next(other.all_behaviors())
    canvas.show_behavior(behavior)
    assert len(canvas.scene().items_by_id) == behavior.node_count()
    # the old package's events no longer reach the canvas
    stack.push(InsertNode(package, package.bots[0].behaviors[0], 0, Node("action", "x")))
    canvas.flush()
    assert len(canvas.scene().items_by_id) == behavior.node_count()
    canvas.set_document(None, None)
    other_stack.clear()


def test_typing_in_the_rename_editor_does_not_trigger_canvas_keys(make_canvas):
    canvas, package, stack = make_canvas()
    node = package.bots[0].behaviors[0].children[0]
    status = node.status
    click(canvas, node)
    key(canvas, Qt.Key.Key_F2)
    editor = canvas._rename_editor
    editor.clear()
    QTest.keyClicks(editor, "a b")
    QTest.keyClick(editor, Qt.Key.Key_Delete)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert node.title == "a b" and node.status == status and node.parent is not None and stack.count() == 1


def test_switching_behavior_with_a_selection_and_a_pending_edit(make_canvas):
    """Removing the selected items signals the view mid-switch: it must not sync a half-cleared scene."""
    canvas, package, stack = make_canvas()
    first, second = package.bots[0].behaviors[:2]
    node = first.children[0]
    canvas.select_nodes([node])
    stack.push(SetField(package, node, "title", "pending"))  # a sync is posted, not yet run
    canvas.show_behavior(second)
    assert sorted(canvas.scene().items_by_id) == sorted(n.id for n in second.walk())
    assert canvas.selected_nodes() == []
    canvas.show_behavior(first)
    assert canvas.node_item(node).title == "pending"
