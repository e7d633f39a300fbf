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

from designer.errors import DesignerError
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
        sim, tools = self.window.menus["Simulate"], self.window.menus["Tools"]
        self._action(sim, "run", "&Run / Continue", self.run, "F5")
        self._action(sim, "step", "&Step", self.step, "F10")
        self._action(sim, "continue", "&Continue", self.controller.cont)
        self._action(sim, "stop", "S&top", self.controller.stop, "Shift+F5")
        # the canvas owns F9 (two F9 shortcuts would be ambiguous): this menu entry triggers the canvas's action
        self._action(sim, "breakpoint", "Toggle &breakpoint", self.window.canvas.toggle_breakpoint)
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

    def accounts_dialog(self) -> Any:
        from designer.panels.accounts_dialog import AccountsDialog
        dialog = AccountsDialog(local=self.local, parent=self.window)
        dialog.open()
        return dialog

    def import_dialog(self) -> None:
        path = self.window.dialogs.open_file(self.window, "Import package")
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
        except DesignerError as exc:  # an unreadable or invalid package: said the way the window says it
            self.window.dialogs.error(self.window, "Cannot import package", str(exc))
            return False
        return bool(wizard.exec())


def install_simulation_docks(window: Any) -> SimulationDocks:
    docks = SimulationDocks(window)
    window.simulation = docks
    return docks
