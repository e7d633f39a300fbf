from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication, QUndoStack

from designer.io import load_package
from tests.conftest import FIXTURE_PACKAGES


@pytest.fixture
def stack(qapp: QGuiApplication) -> QUndoStack:
    s = QUndoStack()
    yield s
    s.clear()


@pytest.fixture
def package():
    return load_package(next(p for p in FIXTURE_PACKAGES if p.name == "demo-bot.json"))
