"""The accounts dialog's Test can be cancelled: against a real loopback server that accepts the connection and
never answers, Cancel returns the dialog to idle at once, the cancelled attempt's late answer changes nothing,
and closing (even deleting) the dialog during a test neither crashes nor leaves the attempt's thread behind.
Real keyring (the account's secret), real boto3 probe; skipped with the reason without a Secret Service."""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from designer.credentials import AccountStore
from designer.panels.accounts_dialog import AccountsDialog
from tests.gui_sim.helpers import LEFT
from tests.gui_sim.test_accounts_dialog import real_store  # noqa: F401 - the fixture

pytestmark = pytest.mark.keyring


class Blackhole:
    """Accepts connections on a loopback port and never answers; `release(i)` closes the i-th one."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = int(self.listener.getsockname()[1])
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="blackhole", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.accepted.append(conn)

    def release(self, index: int) -> None:
        self.accepted[index].close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.listener.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def blackhole() -> Iterator[Blackhole]:
    server = Blackhole()
    yield server
    server.close()


def _test_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "account-test" and t.is_alive()]


def _dialog(qtbot: Any, store: AccountStore, blackhole: Blackhole) -> AccountsDialog:
    store.add("Blackholed", "aws", fields={"access_key_id": "AKIABLACKHOLE000001", "region": "us-east-1",
                                           "endpoint_url": f"http://127.0.0.1:{blackhole.port}"},
              secrets={"secret_access_key": "never-answered-secret-0001"})
    dialog = AccountsDialog(store)  # not qtbot.addWidget: the test deletes it itself
    dialog.show()
    qtbot.waitUntil(lambda: dialog.keyring_ok is not None and dialog.account_names() == ["Blackholed"],
                    timeout=10_000)
    assert dialog.select("Blackholed")
    return dialog


def _waiting(qtbot: Any, dialog: AccountsDialog, blackhole: Blackhole, connections: int) -> None:
    """Test clicked; wait until its attempt is connected to the blackhole and waiting for an answer."""
    qtbot.mouseClick(dialog.test_button, LEFT)
    assert dialog.status_label.text() == "Testing…" and dialog.test_button.text() == "Cancel"
    qtbot.waitUntil(lambda: len(blackhole.accepted) == connections, timeout=10_000)


def _finish_released(qtbot: Any, alive: int) -> None:
    """Wait until only `alive` attempts still run, then deliver what the ended ones posted to the GUI thread."""
    qtbot.waitUntil(lambda: len(_test_threads()) == alive, timeout=20_000)
    QCoreApplication.processEvents()


def test_cancel_returns_to_idle_and_a_late_answer_changes_nothing(qtbot: Any, real_store: AccountStore,  # noqa: F811
                                                                  blackhole: Blackhole) -> None:
    dialog = _dialog(qtbot, real_store, blackhole)
    try:
        _waiting(qtbot, dialog, blackhole, 1)
        qtbot.mouseClick(dialog.test_button, LEFT)  # Cancel
        assert dialog.test_button.text() == "Test" and dialog.test_button.isEnabled()
        assert dialog.status_label.text() == "Test cancelled."
        assert dialog.last_outcome is None

        _waiting(qtbot, dialog, blackhole, 2)  # a new test, while the cancelled one still waits
        blackhole.release(0)  # the cancelled attempt now fails ("connection closed")…
        _finish_released(qtbot, alive=1)
        assert dialog.status_label.text() == "Testing…"  # …and its late answer did not replace the new test's
        assert dialog.test_button.text() == "Cancel" and dialog.last_outcome is None

        qtbot.mouseClick(dialog.test_button, LEFT)
        blackhole.release(1)
        _finish_released(qtbot, alive=0)
        assert dialog.status_label.text() == "Test cancelled."
        assert dialog.last_outcome is None
    finally:
        dialog.deleteLater()


def test_closing_during_a_test_cancels_it_and_leaves_no_thread(qtbot: Any, real_store: AccountStore,  # noqa: F811
                                                               blackhole: Blackhole) -> None:
    dialog = _dialog(qtbot, real_store, blackhole)
    _waiting(qtbot, dialog, blackhole, 1)
    assert len(_test_threads()) == 1
    dialog.close()
    assert not dialog.isVisible()
    assert dialog.status_label.text() == "Test cancelled." and dialog.test_button.text() == "Test"

    dialog.deleteLater()  # gone before the attempt ends
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    blackhole.release(0)
    _finish_released(qtbot, alive=0)  # the attempt's thread ended; an exception in it would fail the test


def test_a_finished_test_still_shows_its_outcome(qtbot: Any, real_store: AccountStore,  # noqa: F811
                                                 blackhole: Blackhole) -> None:
    """The same path without Cancel: the server closes the connection, the failure is shown."""
    dialog = _dialog(qtbot, real_store, blackhole)
    try:
        _waiting(qtbot, dialog, blackhole, 1)
        blackhole.release(0)
        qtbot.waitUntil(lambda: dialog.test_button.text() == "Test", timeout=20_000)
        assert dialog.status_label.text().startswith("✘"), dialog.status_label.text()
        assert dialog.last_outcome is not None and not dialog.last_outcome.ok
    finally:
        dialog.deleteLater()
