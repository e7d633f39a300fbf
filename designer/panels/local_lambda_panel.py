"""The embedded local Lambda service: started on an ephemeral loopback port when first used, shown in a small
dock (functions folder, status, endpoint, functions, log), stopped when the application quits."""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)
LOCAL_ACCOUNT_NAME = "Local Lambda (simulator)"
STORED_ACCOUNT_NAME = "Local Lambda service"  # the stored account the accounts dialog's first-run button makes


class _Refresh(QRunnable):
    """Off the GUI thread: point the stored local-service account at this run's endpoint and keys."""

    def __init__(self, controller: LocalLambdaController) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.controller = controller

    def run(self) -> None:
        try:
            self.controller.refresh_stored_account()
        except Exception as exc:  # noqa: BLE001 - no keyring: a run using the account says so (prepare_…)
            log.debug("stored local Lambda account not refreshed: %s", exc)
            self.controller._signals.refreshed.emit(False)


class _Signals(QObject):
    refreshed = Signal(bool)
    started = Signal(str)  # the folder a run started with, remembered on the GUI thread (queued)


def _file_signature(path: Path) -> tuple[Any, ...]:
    """What changes whenever the metadata file does: it is replaced by a new file at every write (new inode),
    and its size and times are compared too."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return (str(path),)
    return (str(path), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _account_store(store: Any) -> Any:
    """`store`, or the user's AccountStore (imported here: it brings in keyring)."""
    if store is not None:
        return store
    from designer.credentials import AccountStore
    return AccountStore()


class LocalLambdaController(QObject):
    """Owns the LocalLambdaService and a throwaway AWS account (EphemeralAccounts, no keyring) for it.

    `functions_dir` is the folder chosen for this session (--local-lambda, Folder…); without one the service
    runs with the folder it last ran with (remembered in `settings`, the window's by default), else the bundled
    sample functions. `ensure_started`, `refresh_stored_account` and `prepare_stored_account` may be called from
    worker threads (the last two must be: they read the keyring)."""

    statusChanged = Signal()
    storedAccountRefreshed = Signal(bool)  # True when the stored account was pointed at this run

    def __init__(self, functions_dir: str | Path | None = None, parent: QObject | None = None, *,
                 settings: Any = None) -> None:
        super().__init__(parent)
        self.functions_dir = Path(functions_dir) if functions_dir else None
        self.service: Any = None
        self.accounts: Any = None  # EphemeralAccounts holding LOCAL_ACCOUNT_NAME while running
        self.error = ""
        self.settings = settings if settings is not None else getattr(parent, "settings", None)
        # read once here: QSettings objects are not shared across threads, and workers ask for folder()
        self.remembered_dir = self._read_remembered()
        self._start_lock = threading.RLock()
        self._refresh_lock = threading.Lock()
        # (metadata file signature, the stored local-service account then), swapped whole (worker threads share
        # it): prepare_stored_account runs before every turn, and a stat costs far less than reading the file
        self._stored: tuple[tuple[Any, ...], Any] | None = None
        self._signals = _Signals()
        self._signals.refreshed.connect(self.storedAccountRefreshed)
        self._signals.started.connect(self._remember)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    @property
    def running(self) -> bool:
        return self.service is not None

    def _read_remembered(self) -> Path | None:
        getter = getattr(self.settings, "local_lambda_dir", None)
        value = getter() if getter is not None else ""
        path = Path(value) if value else None
        return path if path is not None and path.is_dir() else None

    def _remember(self, folder: str) -> None:
        self.remembered_dir = Path(folder)
        setter = getattr(self.settings, "set_local_lambda_dir", None)
        if setter is not None:
            setter(folder)

    def folder(self) -> Path | None:
        """The folder the service runs with: the chosen one, else the last used one, else the samples."""
        if self.functions_dir is not None:
            return self.functions_dir
        if self.remembered_dir is not None:
            return self.remembered_dir
        from designer.resources import sample_path
        samples = sample_path("functions")
        return samples if samples.is_dir() else None

    def set_functions_dir(self, path: str | Path | None) -> None:
        new = Path(path) if path else None
        if new != self.functions_dir:
            self.stop()
            self.functions_dir = new
            self.statusChanged.emit()

    def ensure_started(self, region: str = "us-east-1") -> Any:
        """Start the service (binding a loopback port is quick; no network wait). Returns it, or None."""
        with self._start_lock:  # the Start button and a simulation's worker may ask at the same time
            if self.service is not None:
                return self.service
            folder = self.folder()
            if folder is None:
                self.error = "No functions folder chosen."
                self.statusChanged.emit()
                return None
            from designer.credentials import EphemeralAccounts
            from designer.locallambda import LocalLambdaService

            try:
                svc = LocalLambdaService(folder, region=region).start()
            except Exception as exc:  # noqa: BLE001 - shown in the dock
                self.error = f"{type(exc).__name__}: {exc}"
                log.warning("local Lambda service did not start: %s", exc)
                self.statusChanged.emit()
                return None
            accounts = EphemeralAccounts()
            accounts.add_aws(LOCAL_ACCOUNT_NAME, access_key_id=svc.access_key_id,
                             secret_access_key=svc.secret_access_key, region=svc.region, endpoint_url=svc.endpoint)
            self.service, self.accounts, self.error = svc, accounts, ""
        log.info("local Lambda service at %s", svc.endpoint)
        self._signals.started.emit(str(folder))
        QThreadPool.globalInstance().start(_Refresh(self))
        self.statusChanged.emit()
        return svc

    def stored_account(self, store: Any) -> Any:
        """The stored local-service account (STORED_ACCOUNT_NAME) in `store`, or None. The file is read again
        only when it changed since the last call; stat before reading, so a write in between is seen next time."""
        signature = _file_signature(store.path)
        cached = self._stored
        if cached is not None and cached[0] == signature:
            return cached[1]
        account = next((a for a in store.list() if a.name == STORED_ACCOUNT_NAME), None)
        self._stored = (signature, account)
        return account

    def refresh_stored_account(self, store: Any = None) -> bool:
        """Worker thread: point the stored local-service account (STORED_ACCOUNT_NAME) at the running service's
        endpoint and keys. True when it was changed; False when it is current, missing, or nothing runs.
        Serialized, so a caller returning knows the account is current (whoever did the writing)."""
        with self._refresh_lock:
            svc = self.service
            changed = False
            if svc is not None:
                store = _account_store(store)
                account = self.stored_account(store)
                wanted = {"endpoint_url": svc.endpoint, "access_key_id": svc.access_key_id, "region": svc.region}
                # the key id too: a new run may get the same port back, never the same keys
                if account is not None and any(account.fields.get(k) != v for k, v in wanted.items()):
                    store.edit(account.id, fields=wanted, secrets={"secret_access_key": svc.secret_access_key})
                    changed = True
        self._signals.refreshed.emit(changed)
        return changed

    def prepare_stored_account(self, refs: Any, *, region: str = "us-east-1", store: Any = None) -> bool:
        """Worker thread, before a run reads credentials: when `refs` (connected-account values, ids or names)
        name the stored local-service account, start the service if it is not running (e.g. after a restart
        without --local-lambda) and point the account at it. True when the account is used."""
        store = _account_store(store)
        account = self.stored_account(store)
        wanted = {str(r).strip().casefold() for r in refs or () if r}
        if account is None or not ({account.id.casefold(), account.name.casefold()} & wanted):
            return False
        from designer.errors import DesignerError
        svc = self.ensure_started(str(account.fields.get("region") or region))
        if svc is None:
            raise DesignerError(f"The account '{account.name}' needs the local Lambda service, which did not "
                                f"start: {self.error}",
                                hint="Choose a functions folder in the Local Lambda dock (Folder…), then retry.")
        self.refresh_stored_account(store)
        current = self.stored_account(store)
        if current is None or current.fields.get("endpoint_url") != svc.endpoint:  # stopped and restarted meanwhile
            raise DesignerError(f"The account '{account.name}' does not point at the local Lambda service.",
                                hint="Run again; or edit its endpoint in Tools ▸ Connected accounts.")
        return True

    def account(self) -> Any:
        return self.accounts.get(LOCAL_ACCOUNT_NAME) if self.accounts is not None else None

    def stop(self) -> None:
        with self._start_lock:
            svc, self.service = self.service, None
            self.accounts = None
        if svc is not None:
            try:
                svc.stop()
            except Exception:
                log.exception("stopping the local Lambda service")
            self.statusChanged.emit()


class LocalLambdaPanel(QWidget):
    def __init__(self, controller: LocalLambdaController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.status_label = QLabel()
        self.endpoint_label = QLabel()
        self.endpoint_label.setTextInteractionFlags(self.endpoint_label.textInteractionFlags()
                                                    | self.endpoint_label.textInteractionFlags().TextSelectableByMouse)
        self.functions_label = QLabel()
        self.functions_label.setWordWrap(True)
        self.log_view = QPlainTextEdit(readOnly=True)
        self.log_view.setMaximumBlockCount(2000)
        self.start_button = QPushButton("Start")
        self.stop_button = QPushButton("Stop")
        self.folder_button = QPushButton("Folder…")
        self.start_button.clicked.connect(lambda: self.controller.ensure_started())
        self.stop_button.clicked.connect(self.controller.stop)
        self.folder_button.clicked.connect(self._choose_folder)
        form = QFormLayout()
        form.addRow("Functions:", self.folder_label)
        form.addRow("Status:", self.status_label)
        form.addRow("Endpoint:", self.endpoint_label)
        form.addRow("Deployed:", self.functions_label)
        buttons = QHBoxLayout()
        for b in (self.start_button, self.stop_button, self.folder_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.log_view, 1)
        self._log_timer = QTimer(self, interval=1000)
        self._log_timer.timeout.connect(self.refresh_log)
        controller.statusChanged.connect(self.refresh)
        self.refresh()

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Lambda functions folder",
                                                str(self.controller.folder() or ""))
        if path:
            self.controller.set_functions_dir(path)

    def refresh(self) -> None:
        c = self.controller
        self.folder_label.setText(self.folder_text())
        svc = c.service
        if svc is not None:
            self.status_label.setText("running")
            self.endpoint_label.setText(svc.endpoint)
            try:
                self.functions_label.setText(", ".join(svc.functions()) or "(none)")
            except Exception as exc:  # noqa: BLE001 - shown, never raised in the GUI
                self.functions_label.setText(f"? ({exc})")
            self._log_timer.start()
        else:
            self.status_label.setText(f"stopped{' — ' + c.error if c.error else ''}")
            self.endpoint_label.setText("")
            self.functions_label.setText("")
            self._log_timer.stop()
        self.start_button.setEnabled(svc is None and c.folder() is not None)
        self.stop_button.setEnabled(svc is not None)
        self.refresh_log()

    def folder_text(self) -> str:
        """The folder the service runs (or will run) with, and why that one."""
        c = self.controller
        folder = c.service.functions_dir if c.service is not None else c.folder()
        if folder is None:
            return "(none)"
        if c.functions_dir is not None and folder == c.functions_dir:
            return str(folder)
        return f"{folder} ({'last used' if folder == c.remembered_dir else 'bundled samples'})"

    def refresh_log(self) -> None:
        svc = self.controller.service
        if svc is None:
            return
        lines = svc.log_lines(200)
        text = "\n".join(lines)
        if text != self.log_view.toPlainText():
            self.log_view.setPlainText(text)
            bar = self.log_view.verticalScrollBar()
            bar.setValue(bar.maximum())
