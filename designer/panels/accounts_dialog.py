"""Connected accounts: list, add, edit, delete, test. Non-secret fields go to the metadata file, secrets straight
to the OS keyring through AccountStore; password fields are cleared once saved. Every keyring and network call
runs on the thread pool (results on queued signals). Without a usable keyring the dialog explains the fix and
saving is disabled."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)
QUEUED = Qt.ConnectionType.QueuedConnection
PASSWORD = QLineEdit.EchoMode.Password
NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class _Signals(QObject):
    done = Signal(object, object)  # (callback, result)
    failed = Signal(object, object)  # (callback, exception)


class _Job(QRunnable):
    def __init__(self, signals: _Signals, fn: Callable[[], Any], on_done: Any, on_error: Any) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.signals, self.fn, self.on_done, self.on_error = signals, fn, on_done, on_error

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001 - reported on the GUI thread
            self.signals.failed.emit(self.on_error, exc)
        else:
            self.signals.done.emit(self.on_done, result)


class Tasks(QObject):
    """Small thread-pool runner: `run(fn, on_done, on_error)`; callbacks are called on the GUI thread."""

    countChanged = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.signals = _Signals()
        self.signals.done.connect(self._done, QUEUED)
        self.signals.failed.connect(self._failed, QUEUED)
        self.running = 0

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None]) -> None:
        self.running += 1
        self.countChanged.emit(self.running)
        QThreadPool.globalInstance().start(_Job(self.signals, fn, on_done, on_error))

    def run_in_thread(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_error: Callable[[BaseException], None], *, name: str) -> None:
        """Like `run`, on a daemon thread of its own: for a call that may hang until a network timeout after
        the user gave up on it, which must hold neither one of the shared pool's few threads (the
        simulator's turns run there) nor the application's exit."""
        self.running += 1
        self.countChanged.emit(self.running)
        threading.Thread(target=_Job(self.signals, fn, on_done, on_error).run, name=name, daemon=True).start()

    def _finish(self) -> None:
        self.running -= 1
        self.countChanged.emit(self.running)

    def _done(self, cb: Any, result: Any) -> None:
        self._finish()
        cb(result)

    def _failed(self, cb: Any, exc: Any) -> None:
        self._finish()
        cb(exc)


def error_text(exc: BaseException) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    hint = getattr(exc, "hint", "")
    return f"{message} {hint}".strip()


def _password() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(PASSWORD)
    edit.setPlaceholderText("(unchanged)")
    return edit


class AccountsDialog(QDialog):
    """`store`: an AccountStore; `local`: the LocalLambdaController (for the first-run hint)."""

    accountsChanged = Signal()

    def __init__(self, store: Any = None, local: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connected accounts")
        self.setObjectName("AccountsDialog")
        if store is None:
            from designer.credentials import AccountStore
            store = AccountStore()
        self.store, self.local = store, local
        self.tasks = Tasks(self)
        self.keyring_ok: bool | None = None
        self.last_outcome: Any = None
        self._testing: threading.Event | None = None  # the running Test's cancel flag; None when idle
        self._editing: str | None = None  # the account id being edited, None for a new one

        self.list = QListWidget()
        self.list.currentItemChanged.connect(self._selected)
        self.add_button = QPushButton("Add")
        self.delete_button = QPushButton("Delete")
        self.test_button = QPushButton("Test")
        self.add_button.clicked.connect(self.new_account)
        self.delete_button.clicked.connect(self.delete_selected)
        self.test_button.clicked.connect(self.test_selected)
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setObjectName("keyring_hint")
        self.hint_label.hide()
        self.local_hint = QWidget()
        lh = QHBoxLayout(self.local_hint)
        lh.setContentsMargins(0, 0, 0, 0)
        lh.addWidget(QLabel("No accounts yet. Try the samples with the embedded local Lambda service:"), 1)
        self.local_button = QPushButton("Use the local Lambda service")
        self.local_button.clicked.connect(self.add_local_lambda_account)
        lh.addWidget(self.local_button)
        self.local_hint.hide()

        # -- the form -------------------------------------------------------------------------------------
        self.name_edit = QLineEdit()
        self.provider_combo = QComboBox()
        self.provider_combo.addItem("AWS", "aws")
        self.provider_combo.addItem("HTTP basic", "http_basic")
        self.provider_combo.addItem("Bearer token", "bearer")
        self.provider_combo.addItem("HTTP headers", "headers")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setMaximumHeight(50)
        self.pages = QStackedWidget()
        # aws
        self.aws_auth = QComboBox()
        self.aws_auth.addItem("Access keys", "keys")
        self.aws_auth.addItem("Profile (~/.aws/config)", "profile")
        self.access_key_edit = QLineEdit()
        self.secret_key_edit = _password()
        self.session_token_edit = _password()
        self.region_edit = QLineEdit()
        self.region_edit.setPlaceholderText("us-east-1")
        self.endpoint_edit = QLineEdit()
        self.endpoint_edit.setPlaceholderText("optional: http://127.0.0.1:PORT (local Lambda service)")
        self.profile_edit = QLineEdit()
        aws = QWidget()
        f = QFormLayout(aws)
        f.addRow("Credentials:", self.aws_auth)
        f.addRow("Access key ID:", self.access_key_edit)
        f.addRow("Secret access key:", self.secret_key_edit)
        f.addRow("Session token:", self.session_token_edit)
        f.addRow("Profile:", self.profile_edit)
        f.addRow("Region:", self.region_edit)
        f.addRow("Endpoint override:", self.endpoint_edit)
        self.aws_auth.currentIndexChanged.connect(self._aws_auth_changed)
        # http basic
        self.username_edit = QLineEdit()
        self.password_edit = _password()
        self.basic_url_edit = QLineEdit()
        basic = QWidget()
        f = QFormLayout(basic)
        f.addRow("User name:", self.username_edit)
        f.addRow("Password:", self.password_edit)
        f.addRow("Test URL:", self.basic_url_edit)
        # bearer
        self.token_edit = _password()
        self.bearer_url_edit = QLineEdit()
        bearer = QWidget()
        f = QFormLayout(bearer)
        f.addRow("Token:", self.token_edit)
        f.addRow("Test URL:", self.bearer_url_edit)
        # headers
        self.header_names: list[QLineEdit] = []
        self.header_values: list[QLineEdit] = []
        self.headers_url_edit = QLineEdit()
        headers = QWidget()
        f = QFormLayout(headers)
        for i in range(3):
            name, value = QLineEdit(), _password()
            name.setPlaceholderText(f"header {i + 1} name, e.g. X-Api-Key")
            self.header_names.append(name)
            self.header_values.append(value)
            row = QHBoxLayout()
            row.addWidget(name)
            row.addWidget(value)
            f.addRow(f"Header {i + 1}:", row)
        f.addRow("Test URL:", self.headers_url_edit)
        for page in (aws, basic, bearer, headers):
            self.pages.addWidget(page)
        self.provider_combo.currentIndexChanged.connect(self.pages.setCurrentIndex)
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.save)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.status_label.setObjectName("status")

        form_box = QWidget()
        form = QFormLayout(form_box)
        form.addRow("Name:", self.name_edit)
        form.addRow("Provider:", self.provider_combo)
        form.addRow(self.pages)
        form.addRow("Notes (not secret):", self.notes_edit)
        form.addRow(self.save_button)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.list, 1)
        row = QHBoxLayout()
        for b in (self.add_button, self.delete_button, self.test_button):
            row.addWidget(b)
        ll.addLayout(row)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(form_box)
        split.setSizes([220, 420])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.local_hint)
        layout.addWidget(split, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(close)
        self.resize(720, 460)
        self._aws_auth_changed()
        self._update_enabled()
        self.check_keyring()
        self.refresh()

    # -- keyring status ---------------------------------------------------------------------------------------
    def check_keyring(self) -> None:
        self.tasks.run(self.store.keyring_status, self._keyring_status, self._keyring_failed)

    def _keyring_status(self, status: Any) -> None:
        self.keyring_ok = bool(status.available)
        if not status.available:
            self.hint_label.setText(f"⚠ Secrets cannot be stored: {status.message}\n{status.hint}".strip())
            self.hint_label.show()
        else:
            self.hint_label.hide()
        self._update_enabled()

    def _keyring_failed(self, exc: BaseException) -> None:
        self.keyring_ok = False
        self.hint_label.setText(f"⚠ Secrets cannot be stored: {error_text(exc)}")
        self.hint_label.show()
        self._update_enabled()

    def _update_enabled(self) -> None:
        ok = self.keyring_ok is True
        self.save_button.setEnabled(ok)
        self.local_button.setEnabled(ok)
        self.save_button.setToolTip("" if ok else "Needs a working OS keyring (see above)")

    # -- list -----------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.tasks.run(self.store.list, self._fill_list, lambda e: self._status(f"⚠ {error_text(e)}"))

    def _fill_list(self, accounts: list[Any]) -> None:
        current = self._editing
        self.list.blockSignals(True)
        self.list.clear()
        self._accounts = {a.id: a for a in accounts}
        for a in accounts:
            item = QListWidgetItem(f"{a.name}  —  {a.summary()}")
            item.setData(NAME_ROLE, a.id)
            self.list.addItem(item)
            if a.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.local_hint.setVisible(not accounts and self.local is not None)
        self.delete_button.setEnabled(bool(accounts))
        self.test_button.setEnabled(bool(accounts) or self._testing is not None)  # Cancel stays clickable
        self.accountsChanged.emit()

    def account_names(self) -> list[str]:
        return [a.name for a in getattr(self, "_accounts", {}).values()]

    def select(self, name: str) -> bool:
        for i in range(self.list.count()):
            item = self.list.item(i)
            account = self._accounts.get(item.data(NAME_ROLE))
            if account is not None and account.name == name:
                self.list.setCurrentItem(item)
                return True
        return False

    def _selected(self, item: QListWidgetItem | None, _prev: Any = None) -> None:
        account = self._accounts.get(item.data(NAME_ROLE)) if item is not None else None
        self._load(account)

    # -- form -----------------------------------------------------------------------------------------------
    def _aws_auth_changed(self) -> None:
        profile = self.aws_auth.currentData() == "profile"
        for w in (self.access_key_edit, self.secret_key_edit, self.session_token_edit):
            w.setEnabled(not profile)
        self.profile_edit.setEnabled(profile)

    def _clear_secrets(self) -> None:
        for w in (self.secret_key_edit, self.session_token_edit, self.password_edit, self.token_edit,
                  *self.header_values):
            w.clear()

    def new_account(self) -> None:
        self.list.blockSignals(True)
        self.list.clearSelection()
        self.list.setCurrentItem(None)
        self.list.blockSignals(False)
        self._load(None)
        self.name_edit.setFocus()

    def _load(self, account: Any) -> None:
        self._editing = account.id if account is not None else None
        self._clear_secrets()
        fields = account.fields if account is not None else {}
        self.name_edit.setText(account.name if account is not None else "")
        self.provider_combo.setCurrentIndex(max(0, self.provider_combo.findData(
            account.provider if account is not None else "aws")))
        self.provider_combo.setEnabled(account is None)
        self.notes_edit.setPlainText(account.notes if account is not None else "")
        self.aws_auth.setCurrentIndex(1 if fields.get("profile") else 0)
        self.access_key_edit.setText(str(fields.get("access_key_id") or ""))
        self.profile_edit.setText(str(fields.get("profile") or ""))
        self.region_edit.setText(str(fields.get("region") or ""))
        self.endpoint_edit.setText(str(fields.get("endpoint_url") or ""))
        self.username_edit.setText(str(fields.get("username") or ""))
        for edit in (self.basic_url_edit, self.bearer_url_edit, self.headers_url_edit):
            edit.setText(str(fields.get("test_url") or ""))
        names = list(fields.get("headers") or [])
        for i, edit in enumerate(self.header_names):
            edit.setText(names[i] if i < len(names) else "")
        placeholder = "(unchanged)" if account is not None else ""
        for w in (self.secret_key_edit, self.session_token_edit, self.password_edit, self.token_edit,
                  *self.header_values):
            w.setPlaceholderText(placeholder)

    def form_values(self) -> tuple[str, str, dict[str, Any], dict[str, Any], str]:
        """(name, provider, fields, secrets, notes) from the form; empty secrets are left out."""
        provider = str(self.provider_combo.currentData())
        fields: dict[str, Any] = {}
        secrets: dict[str, Any] = {}
        if provider == "aws":
            if self.aws_auth.currentData() == "profile":
                fields["profile"] = self.profile_edit.text().strip()
            else:
                fields["access_key_id"] = self.access_key_edit.text().strip()
                secrets["secret_access_key"] = self.secret_key_edit.text()
                secrets["session_token"] = self.session_token_edit.text()
            fields["region"] = self.region_edit.text().strip()
            fields["endpoint_url"] = self.endpoint_edit.text().strip()
        elif provider == "http_basic":
            fields["username"] = self.username_edit.text().strip()
            fields["test_url"] = self.basic_url_edit.text().strip()
            secrets["password"] = self.password_edit.text()
        elif provider == "bearer":
            fields["test_url"] = self.bearer_url_edit.text().strip()
            secrets["token"] = self.token_edit.text()
        else:
            names = [e.text().strip() for e in self.header_names]
            fields["headers"] = [n for n in names if n]
            fields["test_url"] = self.headers_url_edit.text().strip()
            for name, value in zip(names, self.header_values, strict=True):
                if name:
                    secrets[name] = value.text()
        secrets = {k: v for k, v in secrets.items() if v}
        return (self.name_edit.text().strip(), provider, fields, secrets, self.notes_edit.toPlainText())

    def save(self) -> None:
        if self.keyring_ok is not True:
            self._status("⚠ Saving needs a working keyring.")
            return
        name, provider, fields, secrets, notes = self.form_values()
        editing = self._editing
        self._clear_secrets()  # the values live on only in the closure below, until the keyring has them
        if editing is None:
            fields = {k: v for k, v in fields.items() if v not in ("", [], None)}

            def job(secrets: dict[str, Any] = secrets) -> Any:
                return self.store.add(name, provider, fields=fields, secrets=secrets, notes=notes)
        else:
            def job(secrets: dict[str, Any] = secrets) -> Any:
                return self.store.edit(editing, name=name, fields={k: (v or None) for k, v in fields.items()},
                                       secrets=secrets or None, notes=notes)
        self.save_button.setEnabled(False)
        self._status("Saving…")
        self.tasks.run(job, self._saved, self._save_failed)
        del secrets  # the job's default argument holds them until the keyring has them

    def _saved(self, account: Any) -> None:
        self._editing = account.id
        self._update_enabled()
        self._status(f"Saved {account.name}.")
        self.refresh()

    def _save_failed(self, exc: BaseException) -> None:
        self._update_enabled()
        self._status(f"⚠ {error_text(exc)}")

    # -- delete / test ------------------------------------------------------------------------------------
    def delete_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        account_id = item.data(NAME_ROLE)
        self._status("Deleting…")
        self.tasks.run(lambda: self.store.remove(account_id), lambda _r: self._deleted(account_id),
                       lambda e: self._status(f"⚠ {error_text(e)}"))

    def _deleted(self, account_id: str) -> None:
        if self._editing == account_id:
            self._load(None)
        self._status("Deleted.")
        self.refresh()

    def test_selected(self) -> None:
        """Test the selected account off the GUI thread; while it runs, the button cancels it instead."""
        if self._testing is not None:
            self.cancel_test()
            return
        item = self.list.currentItem()
        if item is None:
            return
        account_id = item.data(NAME_ROLE)
        store, local = self.store, self.local
        cancelled = self._testing = threading.Event()

        def job() -> Any:
            if local is not None:  # the stored local-service account: start the service, point it there first
                local.prepare_stored_account([account_id], store=store)
            return None if cancelled.is_set() else store.test(account_id)
        self._status("Testing…")
        self.test_button.setText("Cancel")
        self.test_button.setToolTip("Stop waiting for this test")
        self.tasks.run_in_thread(job, lambda outcome: self._tested(cancelled, outcome),
                                 lambda exc: self._test_failed(cancelled, exc), name="account-test")

    def cancel_test(self) -> None:
        """Back to idle at once. The attempt cannot be interrupted mid-connection: it ends on its own (the
        probe's timeout at worst) and whatever it returns then is dropped."""
        if self._testing is None:
            return
        self._testing.set()
        self._test_idle()
        self._status("Test cancelled.")

    def _test_idle(self) -> None:
        self._testing = None
        self.test_button.setText("Test")
        self.test_button.setToolTip("")
        self.test_button.setEnabled(bool(getattr(self, "_accounts", None)))

    def _tested(self, attempt: threading.Event, outcome: Any) -> None:
        if attempt is not self._testing:  # cancelled (maybe followed by another test): a late result is dropped
            return
        self._test_idle()
        self.last_outcome = outcome
        mark = "✔" if outcome.ok else "✘"
        hint = f" — {outcome.hint}" if getattr(outcome, "hint", "") else ""
        self._status(f"{mark} {outcome.message}{hint}")

    def _test_failed(self, attempt: threading.Event, exc: BaseException) -> None:
        if attempt is not self._testing:
            return
        self._test_idle()
        self.last_outcome = None
        self._status(f"✘ {error_text(exc)}")

    def done(self, result: int) -> None:
        """Closing the dialog (Close, Escape, the window's close button) cancels a running test."""
        self.cancel_test()
        super().done(result)

    # -- the local Lambda service as an account -------------------------------------------------------------
    def add_local_lambda_account(self) -> None:
        """An AWS account whose endpoint is the local service and whose keys are the service's. The service
        starts now (off the GUI thread) with the folder it last ran with, else the bundled sample functions;
        later runs re-point the account (LocalLambdaController.refresh_stored_account)."""
        if self.local is None or self.keyring_ok is not True:
            return
        local, store = self.local, self.store
        if local.functions_dir is None:  # no --local-lambda folder: the remembered one, else the samples
            local.set_functions_dir(local.folder())
        from designer.panels.local_lambda_panel import STORED_ACCOUNT_NAME

        def job() -> Any:
            svc = local.ensure_started()
            if svc is None:
                from designer.errors import DesignerError
                raise DesignerError(f"The local Lambda service did not start: {local.error}")
            return store.add(STORED_ACCOUNT_NAME, "aws",
                             fields={"access_key_id": svc.access_key_id, "region": svc.region,
                                     "endpoint_url": svc.endpoint},
                             secrets={"secret_access_key": svc.secret_access_key},
                             notes="The embedded local Lambda service (re-pointed at each run's endpoint).")
        self._status("Saving…")
        self.tasks.run(job, self._saved, self._save_failed)

    def _status(self, text: str) -> None:
        self.status_label.setText(text)
