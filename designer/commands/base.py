"""The base of every undoable edit, and the macro context manager.

A command holds model objects (never canvas items) and calls one `Package` method in `redo()`, the inverse in
`undo()`. It validates in its constructor: an illegal edit raises `StructureError` there, so it is never
pushed. Views follow the change through the model's events, not through the command.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from designer.model import Package

log = logging.getLogger(__name__)


class ModelCommand(QUndoCommand):
    """Base for the model commands.

    `view_state` is an optional dict the view that pushes the command fills so that undo/redo can put the
    view back where the edit happened. The canvas uses the keys `"behavior"` (the Behavior shown),
    `"selection_before"` and `"selection_after"` (lists of node ids); other views may add their own keys.
    The command itself never reads it.
    """

    def __init__(self, package: Package, text: str, parent: QUndoCommand | None = None) -> None:
        super().__init__(text, parent)
        self.package = package
        self.view_state: dict[str, Any] = {}


def push(stack: QUndoStack, command: QUndoCommand) -> QUndoCommand:
    """Push and return the command (a convenience for chaining)."""
    stack.push(command)
    return command


@contextmanager
def macro(stack: QUndoStack, text: str, *, rollback: bool = True) -> Iterator[QUndoStack]:
    """Group the pushes made inside the block into one undo step; the macro always ends.

    On an exception the macro is ended and, with `rollback` (the default), undone and dropped from the stack
    (so a half-done group never stays as a step), then the exception propagates. An empty macro is dropped too.
    """
    start = stack.index()
    stack.beginMacro(text)
    ok = False
    try:
        yield stack
        ok = True
    finally:
        stack.endMacro()
        top = stack.command(stack.index() - 1) if stack.index() > start else None
        if top is not None and (top.childCount() == 0 or (not ok and rollback)):
            if not ok:
                log.debug("rolling back macro %r after an error", text)
            for i in reversed(range(top.childCount())):
                top.child(i).undo()
            top.setObsolete(True)
            stack.undo()  # Qt drops an obsolete command without calling its undo() (done just above)
