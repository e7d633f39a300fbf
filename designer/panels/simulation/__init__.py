"""The simulator in the window: the conversation dock, the debugger dock (trace, placeholders, calls), the
local Lambda service dock, the connected-accounts dialog and the import wizard (docs/simulator-panel.md).

    from designer.panels.simulation import install_simulation_docks
    install_simulation_docks(window)
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from designer.panels.simulation.controller import SimulationController
from designer.panels.simulation.inspector import DebugPanel
from designer.panels.simulation.panel import SimulationPanel

log = logging.getLogger(__name__)
DOCK = Qt.DockWidgetArea

__all__ = ["DebugPanel", "SimulationController", "SimulationDocks", "SimulationPanel", "install_simulation_docks"]


class SimulationDocks:
    """What install_simulation_docks adds (kept on the window as `window.simulation`)."""

    def __init__(self, window: Any) -> None:
        from designer.panels.local_lambda_panel import LocalLambdaController, LocalLambdaPanel

        self.window = window
        self.local = LocalLambdaController(getattr(window, "local_lambda_dir", None), window)
        self.controller = SimulationController(window, self.local, window)
        self.panel = SimulationPanel(self.controller)
        self.debugger = DebugPanel(self.controller)
        self.local_panel = LocalLambdaPanel(self.local)
        self.sim_dock = window.add_dock("Simulator", self.panel, DOCK.RightDockWidgetArea)
        self.debug_dock = window.add_dock("Debugger", self.debugger, DOCK.BottomDockWidgetArea)
        self.local_dock = window.add_dock("Local Lambda", self.local_panel, DOCK.BottomDockWidgetArea)
        if hasattr(window, "tabifyDockWidget"):
            try:
                problems = getattr(window, "docks", {}).get("Problems")
                window.tabifyDockWidget(problems or self.debug_dock, self.local_dock)
                (problems or self.debug_dock).raise_()
            except Exception:
                log.debug("tabify failed", exc_info=True)
        self.actions: dict[str, QAction] = {}
        self._menus()
        window.importer = self.import_package  # the wizard replaces the window's prompts dialog

    def _action(self, menu: Any, name: str, text: str, slot: Any, shortcut: str = "") -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(f"action_sim_{name}")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        if menu is not None:
            menu.addAction(action)
        else:
            self.window.addAction(action)
        self.actions[name] = action
        return action

    def _menus(self) -> None:
        menus = getattr(self.window, "menus", {}) or {}
        sim, tools = menus.get("Simulate"), menus.get("Tools")
        self._action(sim, "run", "&Run / Continue", self.run, "F5")
        self._action(sim, "step", "&Step", self.step, "F10")
        self._action(sim, "continue", "&Continue", self.controller.cont)
        self._action(sim, "stop", "S&top", self.controller.stop, "Shift+F5")
        canvas = getattr(self.window, "canvas", None)
        canvas_has_f9 = bool(canvas is not None and hasattr(canvas, "actions") and callable(canvas.actions)
                             and "toggle_breakpoint" in _safe_actions(canvas))
        # the canvas owns F9 when it has its own breakpoint action (two F9 shortcuts would be ambiguous)
        self._action(sim, "breakpoint", "Toggle &breakpoint", self.toggle_breakpoint,
                     "" if canvas_has_f9 else "F9")
        if sim is not None:
            sim.addSeparator()
        self._action(sim, "restart", "Restart (same user)", lambda: self.panel.restart(new_user=False))
        self._action(sim, "new_user", "Restart as a new user", lambda: self.panel.restart(new_user=True))
        self._action(sim, "show", "Show the simulator", self.show)
        self._action(tools, "accounts", "Connected &accounts…", self.accounts_dialog)
        self._action(tools, "import", "&Import package (wizard)…", self.import_dialog)
        self._action(tools, "local_lambda", "Local &Lambda service", lambda: self.local_dock.raise_())

    def show(self) -> None:
        self.sim_dock.show()
        self.sim_dock.raise_()
        self.debug_dock.show()

    def run(self) -> None:
        self.show()
        self.panel.run()

    def step(self) -> None:
        self.show()
        self.panel.step()

    def toggle_breakpoint(self) -> None:
        canvas = getattr(self.window, "canvas", None)
        if canvas is not None and hasattr(canvas, "toggle_breakpoint"):
            canvas.toggle_breakpoint()  # emits breakpointToggled → the controller follows
            return
        nodes = canvas.selected_nodes() if canvas is not None and hasattr(canvas, "selected_nodes") else []
        if nodes:
            self.controller.toggle_breakpoint(nodes[0].id)

    def accounts_dialog(self) -> Any:
        from designer.panels.accounts_dialog import AccountsDialog
        dialog = AccountsDialog(local=self.local, parent=self.window)
        dialog.open()
        return dialog

    def import_dialog(self) -> None:
        dialogs = getattr(self.window, "dialogs", None)
        path = dialogs.open_file(self.window, "Import package") if dialogs is not None else None
        if path:
            self.import_package(path)

    def wizard(self, path: Any) -> Any:
        from designer.panels.import_wizard import ImportWizard
        if self.local.functions_dir is not None:
            self.local.ensure_started()
        return ImportWizard(path, window=self.window, local=self.local, controller=self.controller)

    def import_package(self, path: Any) -> bool:
        try:
            wizard = self.wizard(path)
        except Exception as exc:  # noqa: BLE001 - the window's own import reports the error
            log.warning("import wizard: %s", exc)
            return bool(self.window.import_with_prompts_dialog(path))
        return bool(wizard.exec())


def _safe_actions(canvas: Any) -> dict[str, Any]:
    try:
        found = canvas.actions()
        return found if isinstance(found, dict) else {}
    except Exception:  # noqa: BLE001
        return {}


def install_simulation_docks(window: Any) -> SimulationDocks:
    docks = SimulationDocks(window)
    window.simulation = docks
    return docks
