"""Fine-grained change events the model emits on real change; views and commands subscribe."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ChildInserted:
    """A node, behavior or bot was inserted into `parent` at `index`."""

    parent: Any
    index: int
    child: Any


@dataclass(frozen=True)
class ChildRemoved:
    parent: Any
    index: int
    child: Any


@dataclass(frozen=True)
class FieldChanged:
    """`target.field` went from `old` to `new` (a node, behavior, bot or the package header)."""

    target: Any
    field: str
    old: Any
    new: Any


ModelEvent = ChildInserted | ChildRemoved | FieldChanged
Listener = Callable[[ModelEvent], None]


class EventHub:
    """A tiny Qt-free signal: listeners are called in subscription order."""

    __slots__ = ("_listeners", "_muted")

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._muted = 0

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def emit(self, event: ModelEvent) -> None:
        if self._muted:
            return
        for listener in list(self._listeners):
            listener(event)
