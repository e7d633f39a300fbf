"""Shared test fixtures: where the fixture packages are, and the optional ../shared material."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_PACKAGES = sorted((FIXTURES / "packages").glob("*.json"))
SHARED = ROOT.parent / "shared"
SAMPLE_PACKAGE = ROOT / "packages" / "aws-lambda-bot.json"
SAMPLE_FUNCTIONS = ROOT / "packages" / "functions"
ARTIFACTS = ROOT / "test-artifacts"


# written by tests into ARTIFACTS; repeated at the end of the run's output
SUMMARY_FILES = ("bundle-size.txt", "onefile-size.txt")


def pytest_sessionstart(session: pytest.Session) -> None:
    for name in SUMMARY_FILES:
        (ARTIFACTS / name).unlink(missing_ok=True)  # only this run's figures are reported


def pytest_terminal_summary(terminalreporter: object) -> None:
    for name in SUMMARY_FILES:
        path = ARTIFACTS / name
        if path.exists():
            terminalreporter.write_line(path.read_text(encoding="utf-8").strip())  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the checkout")
    return SHARED


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _forget_registered_secrets():
    """Masking keeps a process-wide registry of secrets; one test's fake secret ("secret") must not mask the
    next test's output."""
    yield
    masking = sys.modules.get("designer.credentials.masking")
    if masking is not None:
        masking.forget_all()


@pytest.fixture(autouse=True, scope="session")
def _release_clipboard_before_exit():
    """Qt frees clipboard data it owns in a C++ exit handler, after Python is gone: a PySide6 QMimeData there
    crashes the interpreter's exit. Let it go while Python still runs."""
    yield
    qt = sys.modules.get("PySide6.QtWidgets")
    app = qt.QApplication.instance() if qt else None
    if app is not None and app.clipboard() is not None and app.clipboard().ownsClipboard():
        app.clipboard().clear()
