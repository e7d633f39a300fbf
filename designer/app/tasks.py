"""Run callables off the GUI thread (a QThreadPool); results and errors come back on queued signals."""
from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

QUEUED = Qt.ConnectionType.QueuedConnection

log = logging.getLogger(__name__)


class Task(QObject):
    """One background call. `finished(result)` or `failed(exc, details)` arrive on the GUI thread unless the
    task was cancelled first. A callable that accepts `cancelled` gets a threading.Event to poll."""

    finished = Signal(object)
    failed = Signal(object, str)

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        super().__init__()
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self.cancelled = threading.Event()
        self.done = threading.Event()

    def cancel(self) -> None:
        self.cancelled.set()

    def is_cancelled(self) -> bool:
        return self.cancelled.is_set()

    def _run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # noqa: BLE001 - reported on the GUI thread
            if not self.cancelled.is_set():
                self.failed.emit(exc, "".join(traceback.format_exception(exc)))
        else:
            if not self.cancelled.is_set():
                self.finished.emit(result)
        finally:
            self.done.set()


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task
        self.setAutoDelete(True)

    def run(self) -> None:
        self.task._run()


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._tasks: set[Task] = set()

    def run(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException, str], None] | None = None, **kwargs: Any) -> Task:
        task = Task(fn, args, kwargs)
        self._tasks.add(task)  # keep the QObject alive until it reports
        if on_done is not None:
            task.finished.connect(on_done, QUEUED)
        if on_error is not None:
            task.failed.connect(on_error, QUEUED)
        else:
            task.failed.connect(lambda exc, details: log.error("background task failed\n%s", details), QUEUED)
        task.finished.connect(lambda _r, t=task: self._tasks.discard(t), QUEUED)
        task.failed.connect(lambda _e, _d, t=task: self._tasks.discard(t), QUEUED)
        self.pool.start(_Runnable(task))
        return task

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self._tasks.clear()

    def wait(self, msecs: int = 5000) -> bool:
        return self.pool.waitForDone(msecs)
