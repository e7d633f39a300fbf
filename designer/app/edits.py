"""Every edit the shell makes, as `designer.commands` undo commands pushed onto the document's stack.

Panels get an `Edits` object from the window (they never import `designer.app`), so this is the one place
that knows the commands' constructor signatures.
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtGui import QUndoStack

from designer.commands import (
    DuplicateNode,
    InsertBehavior,
    InsertBot,
    InsertNode,
    MoveBehavior,
    RemoveBehavior,
    RemoveBot,
    RemoveNode,
    SetField,
    macro,
)
from designer.model import Behavior, Bot, Node, Package

log = logging.getLogger(__name__)


class Edits:
    """Pushes commands for one document onto its undo stack.

    `view` (the canvas's `view_state`) lets a field edit remember where the canvas was, so that undo and redo
    of an edit made in the properties panel go back to that behavior, selection and scroll like canvas edits.
    """

    def __init__(self, package: Package, stack: QUndoStack,
                 view: Callable[[], dict[str, Any]] | None = None) -> None:
        self.package, self.stack, self.view = package, stack, view

    def _stamp(self, command: Any, target: Any) -> None:
        behavior = target.behavior() if isinstance(target, Node) else target if isinstance(target, Behavior) else None
        if self.view is None or behavior is None or not hasattr(command, "view_state"):
            return  # bots and the package header: nothing on the canvas to put back
        view = self.view()
        same = view.get("behavior") is behavior
        selection = list(view.get("selection", [])) if same else []
        if isinstance(target, Node) and target.id not in selection:
            selection = [target.id]
        scroll = view.get("scroll") if same else None
        # a field edit moves nothing: after == before; "fresh" tells the canvas the push itself needs no view change
        command.view_state.update(fresh=True, behavior=behavior, selection_before=selection,
                                  selection_after=selection, scroll_before=scroll, scroll_after=scroll)

    @contextlib.contextmanager
    def macro(self, text: str) -> Iterator[None]:
        with macro(self.stack, text):
            yield

    def _current(self, target: Any, field: str) -> Any:
        return self.package.header.get(field) if target is self.package else getattr(target, field)

    def set_field(self, target: Any, field: str, value: Any, text: str = "") -> None:
        """One SetField; consecutive edits of the same (target, field) merge into one undo step."""
        current = self._current(target, field)
        if current == value and type(current) is type(value):
            return
        command = SetField(self.package, target, field, value, merge=True, text=text)
        self._stamp(command, target)
        self.stack.push(command)

    def insert_node(self, parent: Node | Behavior, index: int | None, node: Node) -> None:
        self.stack.push(InsertNode(self.package, parent, index, node))

    def remove_node(self, node: Node) -> None:
        self.stack.push(RemoveNode(self.package, node))

    def duplicate_node(self, node: Node) -> Node:
        command = DuplicateNode(self.package, node)
        self.stack.push(command)
        return command.copy

    def insert_behavior(self, bot: Bot | None, index: int | None, behavior: Behavior) -> None:
        self.stack.push(InsertBehavior(self.package, bot, index, behavior))

    def remove_behavior(self, behavior: Behavior) -> None:
        self.stack.push(RemoveBehavior(self.package, behavior))

    def move_behavior(self, behavior: Behavior, delta: int) -> bool:
        owner = behavior.bot.behaviors if behavior.bot is not None else self.package.behaviors
        new = owner.index(behavior) + delta
        if not 0 <= new < len(owner):
            return False
        self.stack.push(MoveBehavior(self.package, behavior, behavior.bot, new))
        return True

    def insert_bot(self, index: int | None, bot: Bot) -> None:
        self.stack.push(InsertBot(self.package, index, bot))

    def remove_bot(self, bot: Bot) -> None:
        self.stack.push(RemoveBot(self.package, bot))

    def move_bot(self, bot: Bot, delta: int) -> bool:
        index = self.package.bots.index(bot)
        new = index + delta
        if not 0 <= new < len(self.package.bots):
            return False
        with self.macro(f"Move bot “{bot.name}”"):
            self.remove_bot(bot)
            self.insert_bot(new, bot)
        return True
