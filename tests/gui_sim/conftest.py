"""Fixtures for the simulator panels: the real MainWindow (settings in Qt's test mode, dialogs recorded),
the accounts store in a temp folder, the seed package imported through the wizard with the local service."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QWizard

from tests.conftest import SAMPLE_FUNCTIONS, SAMPLE_PACKAGE

QStandardPaths.setTestModeEnabled(True)

LEFT = Qt.MouseButton.LeftButton


class Dialogs:
    """Records the window's dialogs instead of showing them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.open_path: str | None = None

    def __getattr__(self, name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args[1:]))
            if name == "open_file":
                return self.open_path
            if name in ("unsaved_changes",):
                return "discard"
            if name in ("recover", "reload_changed_file"):
                return False
            return None
        return record


@pytest.fixture(autouse=True)
def _isolated(qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("BOT_DESIGNER_CONFIG_DIR", str(tmp_path / "config"))
    from designer.app.settings import app_data_dir
    folder = app_data_dir() / "recovery"
    shutil.rmtree(folder, ignore_errors=True)
    yield
    shutil.rmtree(folder, ignore_errors=True)
    qapp.clipboard().clear()


@pytest.fixture
def make_window(qtbot: Any) -> Any:
    from designer.app.window import MainWindow

    made: list[Any] = []

    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("dialogs", Dialogs())
        kwargs.setdefault("offer_recovery", False)
        window = MainWindow(**kwargs)
        qtbot.addWidget(window)
        made.append(window)
        return window

    yield make
    for window in made:
        try:
            sim = getattr(window, "simulation", None)
            if sim is not None:
                sim.controller.end()
                sim.local.stop()
            window._forced_dirty = False
            window.undo_stack.setClean()
            window.autosave_timer.stop()
        except RuntimeError:
            pass


@pytest.fixture
def sample_window(make_window: Any, qtbot: Any) -> Any:
    """The main window with the seed package imported through the wizard (local-service account)."""
    window = make_window(local_lambda_dir=SAMPLE_FUNCTIONS)
    sim = window.simulation
    wizard = sim.wizard(SAMPLE_PACKAGE)
    wizard.show()
    qtbot.waitExposed(wizard)
    assert "Local Lambda" in wizard.prompts_page.widgets["aws_account_id"].currentText()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), LEFT)  # prompts → preview (configures)
    assert wizard.configured is not None, wizard.prompts_page.error_label.text()
    assert wizard.currentPage() is wizard.preview_page
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), LEFT)  # one undoable import
    assert wizard.result() == QWizard.DialogCode.Accepted
    sim.panel.delay_scale = 0.0
    window.show()
    return window


@pytest.fixture
def has_display() -> bool:
    return bool(os.environ.get("DISPLAY"))
