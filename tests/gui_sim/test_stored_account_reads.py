"""`prepare_stored_account` runs before every simulator turn: in a real run (the window, the seed package, turns
played on the panel's worker) a package whose account is not the stored local-service one must not read the
accounts file each turn, and the local-service account must still follow the service to a new port.

Reads are counted with an audit hook on `open` of the accounts file: whatever code path opens it, from any
thread, is counted (and the count is not guessed from atimes, which mounts do not keep)."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtWidgets import QWizard

from designer.credentials import AccountStore
from designer.panels.local_lambda_panel import STORED_ACCOUNT_NAME
from tests.conftest import SAMPLE_PACKAGE
from tests.gui_sim.helpers import LEFT, click, press, start, wait_idle
from tests.gui_sim.test_accounts_dialog import _real_keyring_reason

_opens: dict[str, int] = {}  # watched path → times opened


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _opens and args and isinstance(args[0], str | Path) and str(args[0]) in _opens:
        _opens[str(args[0])] += 1


@pytest.fixture(scope="session")
def _audit_hook() -> None:
    sys.addaudithook(_audit)  # once: hooks cannot be removed; it only counts while a test watches a path


@pytest.fixture
def store() -> AccountStore:
    reason = _real_keyring_reason()
    if reason:
        pytest.skip(reason)
    return AccountStore()  # the one the window uses: BOT_DESIGNER_CONFIG_DIR (gui_sim/conftest.py)


@pytest.fixture
def opens(_audit_hook: None, store: AccountStore) -> Iterator[Callable[[], int]]:
    """`opens()`: how many times the accounts file has been opened so far in the test."""
    path = str(store.path)
    _opens[path] = 0
    yield lambda: _opens[path]
    _opens.clear()


def _window_with(make_window: Any, qtbot: Any, account_id: str) -> Any:
    """The window (no --local-lambda, nothing running: as after a restart) with the seed package imported
    through the wizard, its account prompt bound to `account_id`."""
    window = make_window()
    sim = window.simulation
    wizard = sim.wizard(SAMPLE_PACKAGE)
    wizard.show()
    qtbot.waitExposed(wizard)
    combo = wizard.prompts_page.widgets["aws_account_id"]
    combo.setCurrentIndex(combo.findData(account_id))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), LEFT)
    assert wizard.configured is not None, wizard.prompts_page.error_label.text()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), LEFT)
    assert sim.controller.prompt_values["aws_account_id"] == account_id
    sim.panel.delay_scale = 0.0
    window.show()
    return window


@pytest.mark.keyring
def test_turns_with_another_account_do_not_read_the_accounts_file(qtbot: Any, make_window: Any,
                                                                   store: AccountStore, opens: Any) -> None:
    local_account = store.add(STORED_ACCOUNT_NAME, "aws", fields={"access_key_id": "AKIALOCALSTALE00001",
                                                                  "endpoint_url": "http://127.0.0.1:9"},
                              secrets={"secret_access_key": "stale-local-secret-0001"})
    other = store.add("AWS dev", "aws", fields={"profile": "dev", "region": "us-west-2"})
    try:
        window = _window_with(make_window, qtbot, other.id)
        sim = window.simulation
        before = opens()
        start(qtbot, sim)  # turn 1: the first check reads the file (once)
        assert opens() - before <= 1
        before = opens()
        click(qtbot, sim, "Hostname")  # turn 2: nothing changed, nothing read
        assert opens() == before, "the accounts file was read for a turn that does not use it"
        assert not sim.local.running  # not the local-service account: the service was not needed

        store.edit(other.id, notes="changed meanwhile")  # e.g. by the CLI: the next turn reads it again
        before = opens()
        press(qtbot, sim.panel.restart_button)
        wait_idle(qtbot, sim, 1)
        assert opens() > before
        assert not sim.local.running
    finally:
        for account in (local_account, other):
            store.remove(account.id)


@pytest.mark.keyring
def test_the_local_service_account_follows_the_service_to_a_new_port(qtbot: Any, make_window: Any,
                                                                    store: AccountStore) -> None:
    account = store.add(STORED_ACCOUNT_NAME, "aws", fields={"access_key_id": "AKIALOCALSTALE00002",
                                                            "endpoint_url": "http://127.0.0.1:9"},
                        secrets={"secret_access_key": "stale-local-secret-0002"})
    try:
        window = _window_with(make_window, qtbot, account.id)
        sim = window.simulation
        assert not sim.local.running
        start(qtbot, sim)  # the stored account's service is started (bundled samples) and the account re-pointed
        first = sim.local.service
        assert first is not None
        assert store.get(account.id).fields["endpoint_url"] == first.endpoint
        assert keyring.get_password(f"bot-designer:{account.id}", "secret_access_key") == first.secret_access_key

        sim.local.stop()  # the next turn starts the service again, on another port with other keys
        click(qtbot, sim, "Hostname")
        second = sim.local.service
        assert second is not None and second.endpoint != first.endpoint
        again = store.get(account.id)
        assert again.fields["endpoint_url"] == second.endpoint
        assert again.fields["access_key_id"] == second.access_key_id
        assert keyring.get_password(f"bot-designer:{account.id}", "secret_access_key") == second.secret_access_key
    finally:
        store.remove(account.id)
