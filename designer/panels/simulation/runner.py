"""Runs simulator calls off the GUI thread (one QRunnable per call on a QThreadPool). Trace events and the
finished turn come back to the GUI thread through queued signals; the GUI thread never waits on a call."""
from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal

from designer.credentials.masking import redact

log = logging.getLogger(__name__)
QUEUED = Qt.ConnectionType.QueuedConnection


class _Signals(QObject):
    done = Signal(object, object)  # (token, result)
    failed = Signal(object, str, str)  # (token, message, details)


class _Call(QRunnable):
    def __init__(self, signals: _Signals, token: object, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._signals, self._token, self._fn = signals, token, fn

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # noqa: BLE001 - reported on the GUI thread
            # an exception may quote a header or key it was given: mask known secrets before anyone shows it
            self._signals.failed.emit(self._token, redact(f"{type(exc).__name__}: {exc}"),
                                      redact("".join(traceback.format_exception(exc))))
        else:
            self._signals.done.emit(self._token, result)


class BackgroundRunner(QObject):
    """One call at a time (a conversation is sequential). `finished(result)` / `failed(message, details)` on
    the GUI thread; `busyChanged(bool)` around each call. Trace events pushed with `post()` from the worker are
    batched and delivered as `events(list)` every 30 ms, so a 100k-step loop cannot flood the event queue."""

    finished = Signal(object)
    failed = Signal(str, str)
    busyChanged = Signal(bool)
    events = Signal(list)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._signals = _Signals()
        self._signals.done.connect(self._done, QUEUED)
        self._signals.failed.connect(self._failed, QUEUED)
        self._lock = threading.Lock()
        self._pending: list[Any] = []
        self._token: object | None = None
        self._flush_timer = QTimer(self, interval=30)
        self._flush_timer.timeout.connect(self.flush)

    @property
    def busy(self) -> bool:
        return self._token is not None

    def post(self, item: Any) -> None:
        """Thread-safe: queue a trace event for the GUI."""
        with self._lock:
            self._pending.append(item)

    def flush(self) -> None:
        with self._lock:
            items, self._pending = self._pending, []
        if items:
            self.events.emit(items)

    def submit(self, fn: Callable[[], Any]) -> bool:
        if self._token is not None:
            return False
        self._token = token = object()
        self._flush_timer.start()
        self.busyChanged.emit(True)
        self.pool.start(_Call(self._signals, token, fn))
        return True

    def _end(self, token: object) -> bool:
        if token is not self._token:
            return False
        self._token = None
        self._flush_timer.stop()
        self.flush()
        self.busyChanged.emit(False)
        return True

    def _done(self, token: object, result: Any) -> None:
        if self._end(token):
            self.finished.emit(result)

    def _failed(self, token: object, message: str, details: str) -> None:
        if self._end(token):
            log.debug("simulator call failed: %s", details)
            self.failed.emit(message, details)

    def abandon(self) -> None:
        """Forget the running call (its result is dropped when it arrives)."""
        if self._token is not None:
            self._token = None
            self._flush_timer.stop()
            with self._lock:
                self._pending = []
            self.busyChanged.emit(False)
