"""The stored local-service account (the accounts dialog's first-run hint) after an app restart without
--local-lambda: the service it needs is started from the remembered functions folder and the account re-pointed
at the new endpoint before the run reads its credentials, for a simulation and for the dialog's Test. Real
keyring (Secret Service in a private D-Bus session; skipped with the reason otherwise), real service."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtWidgets import QWizard

from designer.app.settings import Settings
from designer.credentials import AccountStore
from designer.panels.accounts_dialog import AccountsDialog
from designer.panels.local_lambda_panel import STORED_ACCOUNT_NAME
from tests.conftest import SAMPLE_FUNCTIONS, SAMPLE_PACKAGE
from tests.gui_sim.helpers import LEFT, click, start, type_answer
from tests.gui_sim.test_accounts_dialog import _real_keyring_reason

pytestmark = pytest.mark.keyring


@pytest.fixture
def folder(tmp_path: Path) -> Any:
    """A functions folder of the user's own (a copy of the samples), forgotten again afterwards."""
    reason = _real_keyring_reason()
    if reason:
        pytest.skip(reason)
    own = tmp_path / "my-functions"
    shutil.copytree(SAMPLE_FUNCTIONS, own)
    yield own
    Settings().set_local_lambda_dir(None)


def _dialog(qtbot: Any, local: Any) -> AccountsDialog:
    dialog = AccountsDialog(local=local)  # the default store: BOT_DESIGNER_CONFIG_DIR (see conftest)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.keyring_ok is not None, timeout=10_000)
    assert dialog.keyring_ok is True
    return dialog


def _first_run(qtbot: Any, make_window: Any, folder: Path) -> tuple[Any, str]:
    """`gui --local-lambda FOLDER`, the first-run hint clicked, then the app quits (the service stops)."""
    window = make_window(local_lambda_dir=folder)
    local = window.simulation.local
    dialog = _dialog(qtbot, local)
    qtbot.waitUntil(lambda: dialog.local_hint.isVisible(), timeout=10_000)
    dialog.local_button.click()
    qtbot.waitUntil(lambda: bool(AccountStore().list()), timeout=10_000)
    account = AccountStore().get(STORED_ACCOUNT_NAME)
    old = local.service.endpoint
    assert account.fields["endpoint_url"] == old
    qtbot.waitUntil(lambda: Settings().local_lambda_dir() == str(folder.resolve()), timeout=10_000)
    dialog.close()
    window.simulation.controller.end()
    local.stop()
    return account, old


def _restarted(make_window: Any, folder: Path, account: Any, old: str) -> Any:
    """The app started again without --local-lambda: nothing runs, the stored account is stale."""
    window = make_window()
    local = window.simulation.local
    assert local.functions_dir is None and not local.running
    assert local.folder() == folder.resolve()
    assert window.simulation.local_panel.folder_label.text() == f"{folder.resolve()} (last used)"
    assert window.simulation.local_panel.start_button.isEnabled()
    assert AccountStore().get(account.id).fields["endpoint_url"] == old  # the previous run's dead port
    return window


def test_seed_conversation_with_the_stored_account_after_a_restart(qtbot: Any, make_window: Any,
                                                                   folder: Path) -> None:
    account, old = _first_run(qtbot, make_window, folder)
    try:
        window = _restarted(make_window, folder, account, old)
        sim = window.simulation
        wizard = sim.wizard(SAMPLE_PACKAGE)
        wizard.show()
        qtbot.waitExposed(wizard)
        combo = wizard.prompts_page.widgets["aws_account_id"]
        combo.setCurrentIndex(combo.findData(account.id))
        assert combo.currentText().startswith(STORED_ACCOUNT_NAME)
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), LEFT)
        assert wizard.configured is not None, wizard.prompts_page.error_label.text()
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), LEFT)
        assert sim.controller.prompt_values["aws_account_id"] == account.id
        assert not sim.local.running  # the wizard did not need it
        sim.panel.delay_scale = 0.0
        window.show()

        start(qtbot, sim)
        click(qtbot, sim, "Hostname")
        type_answer(qtbot, sim, "cerb.ai")
        assert "104.18.50.1" in sim.panel.transcript_text(), sim.panel.status_label.text()
        svc = sim.local.service
        assert svc is not None and svc.functions_dir == folder.resolve()
        assert svc.endpoint != old and svc.endpoint.startswith("http://127.0.0.1:")  # ephemeral, loopback
        sent = [str((c.get("request") or {}).get("sent_to", "")) for c in sim.controller.conv.calls]
        assert sent and all(s.startswith(svc.endpoint) for s in sent), sent
        again = AccountStore().get(account.id)
        assert again.fields["endpoint_url"] == svc.endpoint
        assert again.fields["access_key_id"] == svc.access_key_id
        assert keyring.get_password(f"bot-designer:{account.id}", "secret_access_key") == svc.secret_access_key
        assert sim.local_panel.status_label.text() == "running"
        assert sim.local_panel.endpoint_label.text() == svc.endpoint
    finally:
        AccountStore().remove(account.id)


def test_dialog_test_of_the_stored_account_after_a_restart(qtbot: Any, make_window: Any, folder: Path) -> None:
    account, old = _first_run(qtbot, make_window, folder)
    try:
        window = _restarted(make_window, folder, account, old)
        local = window.simulation.local
        dialog = _dialog(qtbot, local)
        qtbot.waitUntil(lambda: STORED_ACCOUNT_NAME in dialog.account_names(), timeout=10_000)
        assert dialog.select(STORED_ACCOUNT_NAME)
        dialog.test_button.click()
        qtbot.waitUntil(lambda: not dialog.status_label.text().startswith("Testing"), timeout=30_000)
        assert dialog.status_label.text().startswith("✔"), dialog.status_label.text()
        assert local.running and local.service.endpoint != old
        assert AccountStore().get(account.id).fields["endpoint_url"] == local.service.endpoint
    finally:
        AccountStore().remove(account.id)

