"""Find across all behaviors: node titles, action params, template text and placeholders, with next/previous."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from designer.model import Behavior, Node, Package
from designer.model.jsontree import iter_string_paths


@dataclass(frozen=True)
class Match:
    behavior: Behavior
    node: Node
    where: str  # "title" or the param path, e.g. "actions[0].message"
    text: str


def find_matches(package: Package, needle: str, *, case_sensitive: bool = False) -> list[Match]:
    if not needle:
        return []
    fold = (lambda s: s) if case_sensitive else str.casefold
    wanted = fold(needle)
    found: list[Match] = []
    for behavior in package.all_behaviors():
        for node in behavior.walk():
            if wanted in fold(node.title):
                found.append(Match(behavior, node, "title", node.title))
                continue
            for path, text in iter_string_paths(node.params):
                if wanted in fold(text):
                    found.append(Match(behavior, node, path, text))
                    break
    return found


class FindEdit(QLineEdit):
    """The search field: Enter is next, Shift+Enter previous, Escape closes the bar."""

    nextRequested = Signal()
    previousRequested = Signal()
    closeRequested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            (self.previousRequested if shift else self.nextRequested).emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.closeRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    """A find bar: type, then Enter / F3 for next, Shift+Enter / Shift+F3 for previous."""

    matchActivated = Signal(object)  # Match
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("find")
        self.package: Package | None = None
        self.matches: list[Match] = []
        self.index = -1
        self._stale = True
        self.edit = FindEdit()
        self.edit.setObjectName("findText")
        self.edit.setPlaceholderText("Find titles, params, templates, placeholders…")
        self.edit.setClearButtonEnabled(True)
        self.edit.textChanged.connect(self._text_changed)
        self.edit.nextRequested.connect(self.find_next)
        self.edit.previousRequested.connect(self.find_previous)
        self.edit.closeRequested.connect(self._close)
        self.case = QCheckBox("Match case")
        self.case.toggled.connect(self._text_changed)
        self.status = QLabel("")
        self.status.setObjectName("findStatus")
        prev_button, next_button, close = QToolButton(), QToolButton(), QToolButton()
        prev_button.setText("◀ Previous")
        next_button.setText("Next ▶")
        close.setText("✕")
        prev_button.clicked.connect(self.find_previous)
        next_button.clicked.connect(self.find_next)
        close.clicked.connect(self._close)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.case)
        layout.addWidget(prev_button)
        layout.addWidget(next_button)
        layout.addWidget(self.status)
        layout.addWidget(close)

    def set_document(self, package: Package | None) -> None:
        if self.package is not None and hasattr(self, "_unsub"):
            self._unsub()
        self.package = package
        if package is not None:
            self._unsub = package.events.subscribe(lambda _e: self._mark_stale())
        self._mark_stale()

    def _mark_stale(self) -> None:
        self._stale = True

    def _text_changed(self, *_: Any) -> None:
        self._stale = True
        self.index = -1
        self._search()
        self.status.setText(f"{len(self.matches)} found" if self.edit.text() else "")

    def _search(self) -> None:
        if not self._stale:
            return
        current = self.matches[self.index] if 0 <= self.index < len(self.matches) else None
        self.matches = find_matches(self.package, self.edit.text(), case_sensitive=self.case.isChecked()) \
            if self.package is not None else []
        self.index = -1
        if current is not None:
            self.index = next((i for i, m in enumerate(self.matches) if m.node is current.node), -1)
        self._stale = False

    def activate(self) -> None:
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def find_next(self) -> Match | None:
        return self._step(1)

    def find_previous(self) -> Match | None:
        return self._step(-1)

    def _step(self, delta: int) -> Match | None:
        self._search()
        if not self.matches:
            self.status.setText("Not found" if self.edit.text() else "")
            return None
        if self.index < 0:
            self.index = 0 if delta > 0 else len(self.matches) - 1
        else:
            self.index = (self.index + delta) % len(self.matches)
        match = self.matches[self.index]
        self.status.setText(f"{self.index + 1} of {len(self.matches)}")
        self.matchActivated.emit(match)
        return match

    def _close(self) -> None:
        self.hide()
        self.closed.emit()
