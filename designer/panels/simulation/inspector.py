"""The debugger dock: the trace (click a step to select its node), the placeholders inspector (changes of
the last step highlighted) and the calls inspector (every HTTP / Lambda call)."""
from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from designer.panels.simulation.controller import SimulationController
from designer.panels.simulation.format import call_text, call_title, changed_keys, short, trace_line

EVENT_ROLE = Qt.ItemDataRole.UserRole + 1
CHANGED = QBrush(QColor("#fff3b0"))
MAX_TRACE_ROWS = 20_000


class DebugPanel(QWidget):
    def __init__(self, controller: SimulationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SimulationDebugPanel")
        self.controller = controller
        self.trace_list = QListWidget()
        self.trace_list.setObjectName("trace")
        self.trace_list.setUniformItemSizes(True)
        self.trace_list.itemClicked.connect(self._trace_clicked)
        self.trace_list.itemActivated.connect(self._trace_clicked)
        self.dict_model = QStandardItemModel(0, 2, self)
        self.dict_model.setHorizontalHeaderLabels(["Placeholder", "Value"])
        self.dict_view = QTreeView()
        self.dict_view.setObjectName("placeholders")
        self.dict_view.setModel(self.dict_model)
        self.dict_view.setUniformRowHeights(True)
        self.dict_view.setColumnWidth(0, 200)
        self.calls_list = QListWidget()
        self.calls_list.setObjectName("calls")
        self.call_view = QPlainTextEdit(readOnly=True)
        self.call_view.setObjectName("call_details")
        self.calls_list.currentRowChanged.connect(self._call_selected)
        calls = QSplitter(Qt.Orientation.Vertical)
        calls.addWidget(self.calls_list)
        calls.addWidget(self.call_view)
        calls.setSizes([80, 200])
        self.log_view = QPlainTextEdit(readOnly=True)
        self.tabs = QTabWidget()  # the inspectors, beside the trace
        self.tabs.addTab(self.dict_view, "Placeholders")
        self.tabs.addTab(calls, "Calls")
        self.tabs.addTab(self.log_view, "Cerb log")
        self.summary = QLabel("")
        trace_box = QWidget()
        tl = QVBoxLayout(trace_box)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(QLabel("Trace (click a step to select its node)"))
        tl.addWidget(self.trace_list, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(trace_box)
        self.splitter.addWidget(self.tabs)
        self.splitter.setSizes([500, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        self._changed: set[str] = set()
        self._snapshot: dict[str, str] = {}
        self._calls: list[dict[str, Any]] = []

        c = controller
        c.conversationStarted.connect(self._started)
        c.eventsArrived.connect(self._events)
        c.turnFinished.connect(self._turn)

    # -- updates --------------------------------------------------------------------------------------
    def _started(self, _conv: Any) -> None:
        self.trace_list.clear()
        self.dict_model.removeRows(0, self.dict_model.rowCount())
        self.calls_list.clear()
        self.call_view.clear()
        self.log_view.clear()
        self._changed = set()
        self._snapshot = {}
        self._calls = []

    def _events(self, events: list[Any]) -> None:
        for e in events:
            if e.kind == "placeholders":
                self._changed |= changed_keys(e)
            if self.trace_list.count() >= MAX_TRACE_ROWS:
                continue
            item = QListWidgetItem(trace_line(e))
            item.setData(EVENT_ROLE, e)
            if e.kind in ("error", "guard"):
                item.setForeground(QBrush(QColor("#c01c28")))
            elif e.kind in ("breakpoint", "pause"):
                item.setBackground(QBrush(QColor("#ffd5d5")))
            self.trace_list.addItem(item)
            if e.kind == "call" and isinstance(e.data, dict) and e.data.get("kind") in ("http", "lambda"):
                self._add_call(e.data)
        self.trace_list.scrollToBottom()

    def _turn(self, _turn: Any) -> None:
        conv = self.controller.conv
        if conv is None:
            return
        values = conv.dictionary
        snapshot = {str(k): short(v, 2000) for k, v in values.items()}
        changed = self._changed | {k for k, v in snapshot.items() if self._snapshot.get(k) != v}
        self.show_dictionary(values, changed & set(snapshot))
        self._snapshot, self._changed = snapshot, set()  # highlight what changed in this turn / step
        known = {id(c) for c in self._calls}
        for call in conv.calls:
            if id(call) not in known:
                self._add_call(call)
        self.log_view.setPlainText("\n".join(conv.cerb_log[-2000:]))
        self.summary.setText(f"{len(conv.trace)} trace entries, {len(self._calls)} call(s), state {conv.state}")

    def _add_call(self, call: dict[str, Any]) -> None:
        if any(c is call for c in self._calls):
            return
        self._calls.append(call)
        self.calls_list.addItem(call_title(call))
        if self.calls_list.currentRow() < 0:
            self.calls_list.setCurrentRow(0)

    def _call_selected(self, row: int) -> None:
        if 0 <= row < len(self._calls):
            self.call_view.setPlainText(call_text(self._calls[row]))

    def call_count(self) -> int:
        return len(self._calls)

    def show_dictionary(self, values: dict[str, Any], changed: set[str]) -> None:
        model = self.dict_model
        model.removeRows(0, model.rowCount())
        for key in sorted(values, key=str):
            model.appendRow(self._row(str(key), values[key], str(key) in changed))

    def _row(self, key: str, value: Any, changed: bool, depth: int = 0) -> list[QStandardItem]:
        k = QStandardItem(key)
        if isinstance(value, dict) and depth < 6:
            v = QStandardItem(f"{{{len(value)} keys}}")
            for sub in list(value)[:500]:
                k.appendRow(self._row(str(sub), value[sub], False, depth + 1))
        elif isinstance(value, list) and depth < 6:
            v = QStandardItem(f"[{len(value)} items]")
            for i, sub in enumerate(value[:500]):
                k.appendRow(self._row(str(i), sub, False, depth + 1))
        else:
            v = QStandardItem(short(value, 400) if not isinstance(value, str) else value[:400])
        for item in (k, v):
            item.setEditable(False)
            if changed:
                item.setBackground(CHANGED)
        return [k, v]

    def changed_rows(self) -> list[str]:
        model = self.dict_model
        return [model.item(r, 0).text() for r in range(model.rowCount())
                if model.item(r, 0).background() == CHANGED]

    # -- navigation -----------------------------------------------------------------------------------
    def _trace_clicked(self, item: QListWidgetItem) -> None:
        event = item.data(EVENT_ROLE)
        if event is not None and event.node_id is not None:
            self.controller.reveal(event.node_id)

    def trace_texts(self) -> list[str]:
        return [self.trace_list.item(i).text() for i in range(self.trace_list.count())]


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, default=str)
