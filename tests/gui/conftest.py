"""GUI fixtures: settings isolated in Qt's test mode, dialogs recorded instead of shown, a window factory."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QStandardPaths

QStandardPaths.setTestModeEnabled(True)


class FakeDialogs:
    """Records every dialog; answers come from attributes the test sets."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.unsaved_answer = "cancel"
        self.recover_answer = True
        self.reload_answer = True
        self.save_path: str | None = None
        self.open_path: str | None = None
        self.prompt_values: dict[str, str] | None = {}

    def names(self) -> list[str]:
        return [c[0] for c in self.calls]

    def error(self, parent: Any, title: str, text: str, details: str = "") -> None:
        self.calls.append(("error", (title, text, details)))

    def info(self, parent: Any, title: str, text: str) -> None:
        self.calls.append(("info", (title, text)))

    def unsaved_changes(self, parent: Any, name: str) -> str:
        self.calls.append(("unsaved_changes", name))
        return self.unsaved_answer

    def recover(self, parent: Any, description: str) -> bool:
        self.calls.append(("recover", description))
        return self.recover_answer

    def reload_changed_file(self, parent: Any, path: str, modified: bool) -> bool:
        self.calls.append(("reload_changed_file", path))
        return self.reload_answer

    def open_file(self, parent: Any, title: str = "", folder: str = "", filter: str = "") -> str | None:
        self.calls.append(("open_file", title))
        return self.open_path

    def save_file(self, parent: Any, title: str = "", suggested: str = "", filter: str = "") -> str | None:
        self.calls.append(("save_file", title))
        return self.save_path

    def text(self, parent: Any, title: str, label: str, value: str = "") -> str | None:
        self.calls.append(("text", title))
        return None

    def prompts(self, parent: Any, prompts: list[dict[str, Any]]) -> dict[str, str] | None:
        self.calls.append(("prompts", [p.get("key") for p in prompts]))
        return self.prompt_values


@pytest.fixture(autouse=True)
def _isolated_recovery(qapp: Any) -> Any:
    from designer.app.settings import app_data_dir

    folder = app_data_dir() / "recovery"
    shutil.rmtree(folder, ignore_errors=True)
    yield
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_window_layout(qapp: Any) -> Any:
    """Each test starts from the default dock layout (a test that checks the remembered layout makes its
    windows within the test)."""
    from designer.app.settings import Settings

    settings = Settings()
    settings._qs.remove("window")
    settings.sync()
    yield


@pytest.fixture(autouse=True)
def _release_clipboard(qapp: Any) -> Any:
    """Qt deletes clipboard QMimeData in a C++ exit handler, after Python is gone: a PySide wrapper there
    segfaults the interpreter's exit. Clearing the clipboard while Python runs avoids it."""
    yield
    qapp.clipboard().clear()


@pytest.fixture
def dialogs() -> FakeDialogs:
    return FakeDialogs()


@pytest.fixture
def make_window(qtbot: Any, dialogs: FakeDialogs) -> Any:
    from designer.app.window import MainWindow

    made: list[Any] = []

    def make(*, track: bool = True, **kwargs: Any) -> MainWindow:
        """track=False: the test deletes the window itself (a simulated crash)."""
        kwargs.setdefault("dialogs", dialogs)
        window = MainWindow(**kwargs)
        if track:
            qtbot.addWidget(window)
            made.append(window)
        return window

    yield make
    for window in made:
        try:
            window._forced_dirty = False
            window.undo_stack.setClean()
            window.autosave_timer.stop()
        except RuntimeError:
            pass  # already deleted (the crash test)


@pytest.fixture
def package_copy(tmp_path: Path) -> Any:
    """Copy a fixture package into tmp_path; returns (path, original JSON)."""
    from tests.conftest import FIXTURES

    def copy(name: str) -> tuple[Path, Any]:
        src = FIXTURES / "packages" / name
        dst = tmp_path / name
        shutil.copyfile(src, dst)
        return dst, json.loads(src.read_text(encoding="utf-8"))

    return copy
