"""The embedded local Lambda service: started on an ephemeral loopback port when first used, shown in a small
dock (functions folder, status, endpoint, functions, log), stopped when the application quits."""
from __future__ import annotations

import logging
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

    def __init__(self, controller: LocalLambdaController, endpoint: str, key: str, secret: str, region: str) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.signals = controller._signals
        self.args = (endpoint, key, secret, region)

    def run(self) -> None:
        endpoint, key, secret, region = self.args
        try:
            from designer.credentials import AccountStore
            store = AccountStore()
            account = next((a for a in store.list() if a.name == STORED_ACCOUNT_NAME), None)
            if account is None or account.fields.get("endpoint_url") == endpoint:
                self.signals.refreshed.emit(False)
                return
            store.edit(account.id, fields={"access_key_id": key, "endpoint_url": endpoint, "region": region},
                       secrets={"secret_access_key": secret})
        except Exception as exc:  # noqa: BLE001 - no keyring, no account: nothing to refresh
            log.debug("stored local Lambda account not refreshed: %s", exc)
            self.signals.refreshed.emit(False)
            return
        self.signals.refreshed.emit(True)


class _Signals(QObject):
    refreshed = Signal(bool)


class LocalLambdaController(QObject):
    """Owns the LocalLambdaService and a throwaway AWS account (EphemeralAccounts, no keyring) for it."""

    statusChanged = Signal()
    storedAccountRefreshed = Signal(bool)  # True when the stored account was pointed at this run

    def __init__(self, functions_dir: str | Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.functions_dir = Path(functions_dir) if functions_dir else None
        self.service: Any = None
        self.accounts: Any = None  # EphemeralAccounts holding LOCAL_ACCOUNT_NAME while running
        self.error = ""
        self._signals = _Signals()
        self._signals.refreshed.connect(self.storedAccountRefreshed)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    @property
    def running(self) -> bool:
        return self.service is not None

    def set_functions_dir(self, path: str | Path | None) -> None:
        new = Path(path) if path else None
        if new != self.functions_dir:
            self.stop()
            self.functions_dir = new
            self.statusChanged.emit()

    def ensure_started(self, region: str = "us-east-1") -> Any:
        """Start the service (binding a loopback port is quick; no network wait). Returns it, or None."""
        if self.service is not None:
            return self.service
        if self.functions_dir is None:
            self.error = "No functions folder chosen."
            self.statusChanged.emit()
            return None
        from designer.credentials import EphemeralAccounts
        from designer.locallambda import LocalLambdaService

        try:
            svc = LocalLambdaService(self.functions_dir, region=region).start()
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
        QThreadPool.globalInstance().start(_Refresh(self, svc.endpoint, svc.access_key_id, svc.secret_access_key,
                                                    svc.region))
        self.statusChanged.emit()
        return svc

    def account(self) -> Any:
        return self.accounts.get(LOCAL_ACCOUNT_NAME) if self.accounts is not None else None

    def stop(self) -> None:
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
                                                str(self.controller.functions_dir or ""))
        if path:
            self.controller.set_functions_dir(path)

    def refresh(self) -> None:
        c = self.controller
        self.folder_label.setText(str(c.functions_dir) if c.functions_dir else "(none)")
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
        self.start_button.setEnabled(svc is None and c.functions_dir is not None)
        self.stop_button.setEnabled(svc is not None)
        self.refresh_log()

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
