"""The connected-accounts dialog against the REAL keyring (Secret Service in a private D-Bus session; skipped
with a reason without one), the local-service first-run hint, and the no-keyring explanation."""
from __future__ import annotations

import uuid
from typing import Any

import keyring
import keyring.backends.fail
import pytest

from designer.credentials import AccountStore, keyring_status
from designer.panels.accounts_dialog import AccountsDialog


def _real_keyring_reason() -> str:
    status = keyring_status(keyring.get_keyring())
    if not status.available:
        return f"no Secret Service keyring is reachable ({status.message[:80]}…); scripts/test provides one"
    if "SecretService" not in status.backend and "libsecret" not in status.backend:
        return f"the keyring is {status.backend}, not a Secret Service"
    return ""


@pytest.fixture
def real_store(tmp_path: Any) -> AccountStore:
    reason = _real_keyring_reason()
    if reason:
        pytest.skip(reason)
    return AccountStore(tmp_path / "accounts")


def _open(qtbot: Any, store: Any, local: Any = None) -> AccountsDialog:
    dialog = AccountsDialog(store, local)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.keyring_ok is not None, timeout=10_000)
    return dialog


def _service(account_id: str) -> str:
    return f"bot-designer:{account_id}"


@pytest.mark.keyring
def test_add_edit_test_delete_in_the_real_keyring(qtbot: Any, real_store: AccountStore, caplog: Any) -> None:
    caplog.set_level("DEBUG")
    dialog = _open(qtbot, real_store)
    assert dialog.keyring_ok is True and dialog.save_button.isEnabled()
    secret = "s3cr3t-" + uuid.uuid4().hex
    dialog.new_account()
    dialog.name_edit.setText("Test AWS")
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("aws"))
    dialog.access_key_edit.setText("AKIATESTDIALOG0001")
    qtbot.keyClicks(dialog.secret_key_edit, secret)
    assert dialog.secret_key_edit.echoMode() == dialog.secret_key_edit.EchoMode.Password
    dialog.region_edit.setText("eu-west-1")
    dialog.endpoint_edit.setText("http://127.0.0.1:9")
    with qtbot.waitSignal(dialog.accountsChanged, timeout=10_000):
        dialog.save_button.click()
    assert dialog.secret_key_edit.text() == ""  # never kept in the widget after saving
    account = real_store.get("Test AWS")
    assert account.fields["region"] == "eu-west-1" and account.fields["endpoint_url"] == "http://127.0.0.1:9"
    assert keyring.get_password(_service(account.id), "secret_access_key") == secret
    assert secret not in real_store.path.read_text()
    assert dialog.account_names() == ["Test AWS"]

    # edit: a new secret goes to the keyring; an empty field leaves the stored one
    assert dialog.select("Test AWS")
    dialog.region_edit.setText("us-east-2")
    with qtbot.waitSignal(dialog.accountsChanged, timeout=10_000):
        dialog.save_button.click()
    assert real_store.get("Test AWS").fields["region"] == "us-east-2"
    assert keyring.get_password(_service(account.id), "secret_access_key") == secret

    # test: off the GUI thread (the button cancels meanwhile); nothing listens on port 9: a failure is shown
    dialog.test_button.click()
    assert dialog.status_label.text() == "Testing…" and dialog.test_button.text() == "Cancel"
    qtbot.waitUntil(lambda: not dialog.status_label.text().startswith("Testing"), timeout=30_000)
    assert dialog.status_label.text().startswith("✘"), dialog.status_label.text()
    assert dialog.last_outcome is not None and dialog.last_outcome.ok is False
    assert dialog.test_button.isEnabled() and dialog.test_button.text() == "Test"

    # delete: the keyring entry goes too
    assert dialog.select("Test AWS")
    with qtbot.waitSignal(dialog.accountsChanged, timeout=10_000):
        dialog.delete_button.click()
    assert real_store.list() == []
    assert keyring.get_password(_service(account.id), "secret_access_key") is None
    assert secret not in caplog.text  # never logged


@pytest.mark.keyring
def test_bearer_and_headers_forms(qtbot: Any, real_store: AccountStore) -> None:
    dialog = _open(qtbot, real_store)
    token = "tok-" + uuid.uuid4().hex
    dialog.new_account()
    dialog.name_edit.setText("API token")
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("bearer"))
    dialog.token_edit.setText(token)
    with qtbot.waitSignal(dialog.accountsChanged, timeout=10_000):
        dialog.save_button.click()
    acct = real_store.get("API token")
    assert keyring.get_password(_service(acct.id), "token") == token
    dialog.new_account()
    dialog.name_edit.setText("Headers")
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("headers"))
    dialog.header_names[0].setText("X-Api-Key")
    header_value = "hv-" + uuid.uuid4().hex
    dialog.header_values[0].setText(header_value)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.status_label.text() != "Saving…", timeout=10_000)
    assert dialog.status_label.text() == "Saved Headers.", dialog.status_label.text()
    acct2 = real_store.get("Headers")
    assert keyring.get_password(_service(acct2.id), "X-Api-Key") == header_value
    for name in ("API token", "Headers"):
        real_store.remove(name)


@pytest.mark.keyring
def test_profile_and_basic_forms(qtbot: Any, real_store: AccountStore) -> None:
    dialog = _open(qtbot, real_store)
    dialog.new_account()
    dialog.name_edit.setText("Profile AWS")
    dialog.aws_auth.setCurrentIndex(dialog.aws_auth.findData("profile"))
    assert not dialog.secret_key_edit.isEnabled() and dialog.profile_edit.isEnabled()
    dialog.profile_edit.setText("dev")
    dialog.region_edit.setText("eu-central-1")
    with qtbot.waitSignal(dialog.accountsChanged, timeout=10_000):
        dialog.save_button.click()
    acct = real_store.get("Profile AWS")
    assert acct.fields["profile"] == "dev" and acct.fields["region"] == "eu-central-1"
    assert "access_key_id" not in acct.fields
    assert keyring.get_password(_service(acct.id), "secret_access_key") is None

    password = "pw-" + uuid.uuid4().hex
    dialog.new_account()
    dialog.name_edit.setText("Basic")
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("http_basic"))
    assert dialog.pages.currentIndex() == 1
    dialog.username_edit.setText("kina")
    qtbot.keyClicks(dialog.password_edit, password)
    assert dialog.password_edit.echoMode() == dialog.password_edit.EchoMode.Password
    with qtbot.waitSignal(dialog.accountsChanged, timeout=10_000):
        dialog.save_button.click()
    assert dialog.password_edit.text() == ""
    basic = real_store.get("Basic")
    assert basic.fields["username"] == "kina"
    assert keyring.get_password(_service(basic.id), "password") == password
    assert password not in real_store.path.read_text()
    assert sorted(dialog.account_names()) == ["Basic", "Profile AWS"]
    for name in ("Basic", "Profile AWS"):
        assert dialog.select(name)
        with qtbot.waitSignal(dialog.accountsChanged, timeout=10_000):
            dialog.delete_button.click()
    assert real_store.list() == []
    assert keyring.get_password(_service(basic.id), "password") is None


def _use_the_first_run_hint(qtbot: Any, store: AccountStore, local: Any) -> Any:
    """The dialog with no accounts, its "Use the local Lambda service" clicked and the account saved."""
    dialog = _open(qtbot, store, local)
    qtbot.waitUntil(lambda: dialog.local_hint.isVisible(), timeout=10_000)
    with qtbot.waitSignal(dialog.accountsChanged, timeout=10_000):
        dialog.local_button.click()
    qtbot.waitUntil(lambda: bool(store.list()), timeout=10_000)
    return dialog


@pytest.mark.keyring
def test_first_run_hint_without_a_functions_folder_serves_the_samples(qtbot: Any, real_store: AccountStore) -> None:
    """`bot-designer gui` without --local-lambda: the first-run button still gives a working account."""
    from designer.panels.local_lambda_panel import LocalLambdaController
    from tests.conftest import SAMPLE_FUNCTIONS

    local = LocalLambdaController(None)
    try:
        _use_the_first_run_hint(qtbot, real_store, local)
        assert local.running and local.functions_dir.resolve() == SAMPLE_FUNCTIONS.resolve()
        assert "CerbDnsLookup" in local.service.functions()
        account = real_store.list()[0]
        assert account.fields["endpoint_url"] == local.service.endpoint
        real_store.remove(account.name)
    finally:
        local.stop()


@pytest.mark.keyring
def test_first_run_hint_adds_the_local_lambda_service(qtbot: Any, real_store: AccountStore,
                                                     monkeypatch: Any) -> None:
    from designer.panels.local_lambda_panel import LocalLambdaController
    from tests.conftest import SAMPLE_FUNCTIONS

    local = LocalLambdaController(SAMPLE_FUNCTIONS)
    try:
        dialog = _use_the_first_run_hint(qtbot, real_store, local)
        account = real_store.list()[0]
        svc = local.service
        assert account.fields["endpoint_url"] == svc.endpoint
        assert account.fields["access_key_id"] == svc.access_key_id
        assert keyring.get_password(_service(account.id), "secret_access_key") == svc.secret_access_key
        qtbot.waitUntil(lambda: not dialog.local_hint.isVisible(), timeout=10_000)
        # the account works: Test signs a request to the local service off the GUI thread
        assert dialog.select(account.name)
        dialog.test_button.click()
        qtbot.waitUntil(lambda: not dialog.status_label.text().startswith("Testing"), timeout=30_000)
        assert dialog.status_label.text().startswith("✔"), dialog.status_label.text()
        # the next run of the service has a new port and keys: the stored account follows (off the GUI thread)
        local.stop()
        monkeypatch.setenv("BOT_DESIGNER_CONFIG_DIR", str(real_store.config_dir))
        with qtbot.waitSignal(local.storedAccountRefreshed, timeout=10_000) as blocker:
            svc2 = local.ensure_started()
        assert blocker.args == [True]
        again = real_store.get(account.id)
        assert again.fields["endpoint_url"] == svc2.endpoint != svc.endpoint
        assert keyring.get_password(_service(account.id), "secret_access_key") == svc2.secret_access_key
        real_store.remove(account.name)
    finally:
        local.stop()


def test_no_keyring_explains_and_disables_saving(qtbot: Any, tmp_path: Any) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        dialog = _open(qtbot, AccountStore(tmp_path / "accounts"))
        assert dialog.keyring_ok is False
        assert not dialog.save_button.isEnabled()
        assert dialog.hint_label.isVisibleTo(dialog)
        assert "keyring" in dialog.hint_label.text().lower()
        assert "gnome-keyring" in dialog.hint_label.text() or "Keychain" in dialog.hint_label.text() \
            or "Credential" in dialog.hint_label.text()
    finally:
        keyring.set_keyring(previous)
