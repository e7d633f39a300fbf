"""Unexpected exceptions anywhere (GUI thread or worker threads) end in ONE error dialog with details."""
from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from designer.credentials.masking import redact
from designer.errors import DesignerError

log = logging.getLogger(__name__)


class _Relay(QObject):
    raised = Signal(str, str, str)  # title, text, details


class ExceptHook:
    """Installs sys.excepthook and threading.excepthook; shows one dialog at a time via `show(title, text, details)`."""

    def __init__(self, show: Callable[[str, str, str], None]) -> None:
        self._show = show
        self._relay = _Relay()
        self._relay.raised.connect(self._display, Qt.ConnectionType.QueuedConnection)
        self._showing = False
        self._old_sys: Any = None
        self._old_thread: Any = None
        self.count = 0

    def install(self) -> None:
        self._old_sys, self._old_thread = sys.excepthook, threading.excepthook
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        if self._old_sys is not None:
            sys.excepthook, threading.excepthook = self._old_sys, self._old_thread
            self._old_sys = None

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def handle(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            return
        # an exception may quote a key or header it was given: the dialog and its details show it masked
        details = redact("".join(traceback.format_exception(exc_type, exc, tb)))
        log.error("unhandled exception\n%s", details)
        if isinstance(exc, DesignerError):
            text = redact(str(exc))
        else:
            text = redact(f"An unexpected error occurred: {exc_type.__name__}: {exc}")
        self.count += 1
        self._relay.raised.emit("Bot Designer error", text, details)  # queued: safe from any thread

    def _display(self, title: str, text: str, details: str) -> None:
        if self._showing:
            return  # one dialog at a time; the rest are in the log
        self._showing = True
        try:
            self._show(title, text, details)
        finally:
            self._showing = False
