"""The package outline: bots → behaviors (event, private/disabled markers), top-level behaviors, and the
package's other collections listed read-only. Create, rename, delete and reorder go through `edits`."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QMenu,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.model import Behavior, Bot, ChildInserted, ChildRemoved, FieldChanged, Package

log = logging.getLogger(__name__)

ROLE = Qt.ItemDataRole.UserRole
OUTLINE_FIELDS = {"title", "name", "is_disabled", "is_private", "event"}


def behavior_label(behavior: Behavior) -> str:
    return behavior.title or "(untitled behavior)"


def behavior_tooltip(behavior: Behavior) -> str:
    flags = [f for f, on in (("private", behavior.is_private), ("disabled", behavior.is_disabled)) if on]
    extra = f" ({', '.join(flags)})" if flags else ""
    return f"{behavior.title}\nevent: {behavior.event_key}{extra}\nuid: {behavior.uid}"


class OutlinePanel(QWidget):
    behaviorSelected = Signal(object)  # Behavior or None
    objectSelected = Signal(object)  # Bot, Behavior, Package or None: what the properties panel shows
    behaviorActivated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outline")
        self.package: Package | None = None
        self.edits: Any = None
        self._unsubscribe: Any = None
        self.tree = QTreeWidget()
        self.tree.setObjectName("outlineTree")
        self.tree.setHeaderLabels(["Name", "Event"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.itemChanged.connect(self._item_renamed)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.itemClicked.connect(lambda item, _col: self.objectSelected.emit(item.data(0, ROLE)))
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self.refresh)

        self.toolbar = QToolBar()
        self.actions_by_name: dict[str, QAction] = {}
        for name, text, slot in (
            ("add_bot", "Add bot", self.add_bot),
            ("add_behavior", "Add behavior", self.add_behavior),
            ("rename", "Rename", self.rename_current),
            ("delete", "Delete", self.delete_current),
            ("move_up", "Move up", lambda: self.move_current(-1)),
            ("move_down", "Move down", lambda: self.move_current(1)),
        ):
            action = QAction(text, self)
            action.setObjectName(f"outline_{name}")
            action.triggered.connect(slot)
            self.toolbar.addAction(action)
            self.actions_by_name[name] = action
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.tree)

    # -- document -----------------------------------------------------------------------------------
    def set_document(self, package: Package | None, edits: Any) -> None:
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None
        self.package, self.edits = package, edits
        if package is not None:
            self._unsubscribe = package.events.subscribe(self._on_model_event)
        self.refresh()

    def _on_model_event(self, event: Any) -> None:
        if (isinstance(event, (ChildInserted, ChildRemoved)) and isinstance(event.child, (Behavior, Bot))) or (
                isinstance(event, FieldChanged) and isinstance(event.target, (Behavior, Bot, Package))
                and (event.field in OUTLINE_FIELDS or event.target is self.package)):
            self._refresh_timer.start()

    def refresh(self) -> None:
        current = self.current_object()
        blocker = QSignalBlocker(self.tree)
        self.tree.clear()
        package = self.package
        if package is not None:
            root = self._item(self.tree, package.name or "(package)", package, "package")
            for bot in package.bots:
                bot_item = self._item(root, bot.name or "(unnamed bot)", bot, "bot", editable=True)
                if bot.is_disabled:
                    bot_item.setForeground(0, QBrush(QColor("#888888")))
                for behavior in bot.behaviors:
                    self._behavior_item(bot_item, behavior)
            if package.behaviors:
                loose = self._item(root, "Behaviors (on existing bots)", None, "group")
                for behavior in package.behaviors:
                    self._behavior_item(loose, behavior)
            if package.collections:
                others = self._item(root, "Other collections (read-only)", None, "group")
                for key, value in package.collections.items():
                    count = len(value) if isinstance(value, (list, dict)) else 1
                    coll = self._item(others, f"{key} ({count})", None, "collection")
                    if isinstance(value, list):
                        for entry in value[:500]:
                            label = entry.get("name") or entry.get("uid") if isinstance(entry, dict) else str(entry)
                            self._item(coll, str(label), None, "collection")
            self.tree.expandAll()
            self.tree.resizeColumnToContents(0)
        del blocker
        if current is not None:
            self.select_object(current, emit=False)

    def _item(self, parent: Any, text: str, obj: Any, kind: str, *, editable: bool = False) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text])
        item.setData(0, ROLE, obj)
        item.setData(1, ROLE, kind)
        flags = item.flags()
        item.setFlags(flags | Qt.ItemFlag.ItemIsEditable if editable else flags & ~Qt.ItemFlag.ItemIsEditable)
        if kind in ("group", "collection"):
            font = QFont(item.font(0))
            font.setItalic(True)
            item.setFont(0, font)
        return item

    def _behavior_item(self, parent: QTreeWidgetItem, behavior: Behavior) -> QTreeWidgetItem:
        markers = [m for m, on in (("private", behavior.is_private), ("disabled", behavior.is_disabled)) if on]
        item = self._item(parent, behavior_label(behavior), behavior, "behavior", editable=True)
        item.setText(1, behavior.event_key + (f"  [{', '.join(markers)}]" if markers else ""))
        item.setToolTip(0, behavior_tooltip(behavior))
        if behavior.is_disabled:
            item.setForeground(0, QBrush(QColor("#888888")))
        return item

    # -- selection ----------------------------------------------------------------------------------
    def _iter_items(self) -> list[QTreeWidgetItem]:
        out, stack = [], [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            out.append(item)
            stack[0:0] = [item.child(i) for i in range(item.childCount())]
        return out

    def item_for(self, obj: Any) -> QTreeWidgetItem | None:
        return next((i for i in self._iter_items() if i.data(0, ROLE) is obj), None)

    def current_object(self) -> Any:
        item = self.tree.currentItem()
        return item.data(0, ROLE) if item is not None else None

    def select_object(self, obj: Any, *, emit: bool = True) -> bool:
        item = self.item_for(obj)
        if item is None:
            return False
        if emit:
            if self.tree.currentItem() is item:
                self._current_changed(item, None)  # selecting it again still shows it
            else:
                self.tree.setCurrentItem(item)
        else:
            with_blocker = QSignalBlocker(self.tree)
            self.tree.setCurrentItem(item)
            del with_blocker
        return True

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: Any) -> None:
        obj = current.data(0, ROLE) if current is not None else None
        self.objectSelected.emit(obj)
        if isinstance(obj, Behavior):
            self.behaviorSelected.emit(obj)

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        obj = item.data(0, ROLE)
        if isinstance(obj, Behavior):
            self.behaviorActivated.emit(obj)

    # -- edits --------------------------------------------------------------------------------------
    def _item_renamed(self, item: QTreeWidgetItem, column: int) -> None:
        obj = item.data(0, ROLE)
        text = item.text(0).strip()
        if self.edits is None or column != 0:
            return
        if isinstance(obj, Behavior) and text and text != obj.title:
            self.edits.set_field(obj, "title", text, "Rename behavior")
        elif isinstance(obj, Bot) and text and text != obj.name:
            self.edits.set_field(obj, "name", text, "Rename bot")
        else:
            self._refresh_timer.start()  # empty name: put the old one back

    def add_bot(self) -> Bot | None:
        if self.package is None or self.edits is None:
            return None
        bot = Bot(self.package.fresh_uid("bot"), "New bot")
        self.edits.insert_bot(len(self.package.bots), bot)
        self.refresh()
        self.select_object(bot)
        return bot

    def add_behavior(self, event_key: str = "event.macro.bot") -> Behavior | None:
        if self.package is None or self.edits is None:
            return None
        obj = self.current_object()
        bot = obj if isinstance(obj, Bot) else (obj.bot if isinstance(obj, Behavior) else None)
        if bot is None and self.package.bots and not isinstance(obj, Behavior):
            bot = self.package.bots[0]
        behavior = Behavior(self.package.fresh_uid("behavior"), "New behavior", event_key=event_key)
        behavior.children = []
        owner = bot.behaviors if bot is not None else self.package.behaviors
        self.edits.insert_behavior(bot, len(owner), behavior)
        self.refresh()
        self.select_object(behavior)
        return behavior

    def rename_current(self) -> None:
        item = self.tree.currentItem()
        if item is not None and item.flags() & Qt.ItemFlag.ItemIsEditable:
            self.tree.editItem(item, 0)

    def delete_current(self) -> None:
        obj = self.current_object()
        if self.edits is None:
            return
        if isinstance(obj, Behavior):
            self.edits.remove_behavior(obj)
        elif isinstance(obj, Bot):
            self.edits.remove_bot(obj)
        self.refresh()

    def move_current(self, delta: int) -> None:
        obj = self.current_object()
        if self.edits is None:
            return
        if isinstance(obj, Behavior):
            self.edits.move_behavior(obj, delta)
        elif isinstance(obj, Bot):
            self.edits.move_bot(obj, delta)
        self.refresh()
        self.select_object(obj)

    def _context_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        for action in self.actions_by_name.values():
            menu.addAction(action)
        menu.exec(self.tree.viewport().mapToGlobal(pos))
