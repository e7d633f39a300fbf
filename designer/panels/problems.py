"""The problems panel: lint results, refreshed as you edit (debounced). Big packages are linted off the GUI
thread on a snapshot and the problems are mapped back to live nodes by their JSON path."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from designer.analysis import lint
from designer.io import read_package_value
from designer.model import Behavior, Bot, Node, Package, Problem

log = logging.getLogger(__name__)

DEBOUNCE_MS = 300
BIG_PACKAGE_NODES = 2000
SEVERITY_COLOURS = {"error": "#c62828", "warning": "#ef6c00", "info": "#1565c0"}
_STEP = re.compile(r"(\w+)\[(\d+)\]")


def resolve_path(package: Package, path: str) -> Any:
    """The live object a lint path names (`bots[0].behaviors[2].nodes[1]…`): the deepest one that exists."""
    found: Any = None
    current: Any = package
    for name, index in _STEP.findall(path or ""):
        i = int(index)
        if name == "bots" and current is package:
            items: Any = package.bots
        elif name == "behaviors":
            items = current.behaviors if isinstance(current, (Bot, Package)) else None
        elif name == "nodes" and isinstance(current, (Behavior, Node)):
            items = current.children
        else:
            break
        if items is None or i >= len(items):
            break
        current = found = items[i]
    return found


def lint_snapshot(data: dict[str, Any]) -> list[Problem]:
    """Lint a JSON snapshot (runs in a worker thread: it shares nothing with the live model)."""
    package, _ = read_package_value(data, source="snapshot")
    return [Problem(p.path, p.message, p.code, p.severity, p.line, p.column, None) for p in lint(package)]


class ProblemsPanel(QWidget):
    problemActivated = Signal(object, object)  # Problem, the live Node/Behavior/Bot or None
    problemsChanged = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problems")
        self.package: Package | None = None
        self.problems: list[Problem] = []
        self.run_in_background: Callable[..., Any] | None = None  # set by the window: (fn, data, on_done)
        self._unsubscribe: Any = None
        self._generation = 0
        self._task: Any = None
        self.timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.timer.timeout.connect(self.refresh_now)
        self.summary = QLabel("No problems")
        self.list = QTreeWidget()
        self.list.setObjectName("problemsList")
        self.list.setHeaderLabels(["Severity", "Problem", "Where"])
        self.list.setRootIsDecorated(False)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.list)

    def set_document(self, package: Package | None) -> None:
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None
        self.package = package
        if package is not None:
            self._unsubscribe = package.events.subscribe(lambda _e: self.schedule())
        self._show([])
        self.schedule()  # after the first paint: an opened package shows before it is linted

    def schedule(self) -> None:
        self.timer.start()

    def refresh_now(self) -> None:
        self.timer.stop()
        self._generation += 1
        if self._task is not None:
            self._task.cancel()
            self._task = None
        package = self.package
        if package is None:
            self._show([])
            return
        if package.node_count() > BIG_PACKAGE_NODES and self.run_in_background is not None:
            generation = self._generation
            self.summary.setText("Checking…")
            self._task = self.run_in_background(lint_snapshot, package.to_json(),
                                                on_done=lambda found: self._background_done(generation, found))
            return
        try:
            self._show(lint(package))
        except Exception:
            log.exception("lint failed")

    def _background_done(self, generation: int, found: list[Problem]) -> None:
        if generation != self._generation or self.package is None:
            return  # an older snapshot: a newer lint is on its way
        self._task = None
        self._show(found)

    def _show(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.list.clear()
        for p in problems:
            item = QTreeWidgetItem([p.severity, p.message, p.path])
            item.setForeground(0, QBrush(QColor(SEVERITY_COLOURS.get(p.severity, "#000000"))))
            item.setToolTip(1, f"{p.message} [{p.code}]")
            item.setData(0, Qt.ItemDataRole.UserRole, p)
            self.list.addTopLevelItem(item)
        for col in (0, 1):
            self.list.resizeColumnToContents(col)
        counts = {s: sum(1 for p in problems if p.severity == s) for s in ("error", "warning", "info")}
        self.summary.setText(", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
                             or "No problems")
        self.problemsChanged.emit(problems)

    def target_of(self, problem: Problem) -> Any:
        if self.package is None:
            return None
        if problem.node_id is not None:
            node = self.package.find_node(problem.node_id)
            if node is not None:
                return node
        return resolve_path(self.package, problem.path)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        problem = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(problem, Problem):
            self.problemActivated.emit(problem, self.target_of(problem))
