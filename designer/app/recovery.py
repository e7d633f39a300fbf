"""Autosave files for crash recovery: `<AppDataLocation>/recovery/<session>.json`, one per open document,
written atomically while there are unsaved changes and removed on save, close and discard."""
from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from designer.io import atomic_write_text, dumps_json
from designer.model import Package

log = logging.getLogger(__name__)

FORMAT = "bot-designer-recovery"
_live_sessions: dict[str, Callable[[], bool]] = {}  # session → "is its window still alive?" (this process)


@dataclass
class RecoveryFile:
    path: Path
    source: str | None  # the document's file, or None when it was never saved
    saved_at: float
    data: dict[str, Any]

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.saved_at))
        name = self.source or "an unsaved new package"
        return f"{name}\n(autosaved {when})"


def register_session(session: str, alive: Callable[[], bool] = lambda: True) -> None:
    _live_sessions[session] = alive


def unregister_session(session: str) -> None:
    _live_sessions.pop(session, None)


def _is_live(session: str) -> bool:
    alive = _live_sessions.get(session)
    if alive is None:
        return False
    if alive():
        return True
    unregister_session(session)  # its window is gone without closing: a crash, as far as recovery goes
    return False


def write(folder: Path, session: str, package: Package, source: str | None) -> Path:
    path = folder / f"{session}.json"
    payload = {"format": FORMAT, "pid": os.getpid(), "source": source, "saved_at": time.time(),
               "package": package.to_json()}
    atomic_write_text(path, dumps_json(payload, indent=None))
    return path


def remove(folder: Path, session: str) -> None:
    try:
        (folder / f"{session}.json").unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("cannot remove recovery file: %s", exc)


def _pid_alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def pending(folder: Path) -> list[RecoveryFile]:
    """Recovery files left by windows that are gone (a crash, a kill): newest first."""
    found = []
    for path in folder.glob("*.json"):
        session = path.stem
        if _is_live(session):
            continue
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("unreadable recovery file %s", path)
            continue
        if (not isinstance(payload, dict) or payload.get("format") != FORMAT
                or not isinstance(payload.get("package"), dict)):
            continue
        pid = payload.get("pid")
        if pid != os.getpid() and _pid_alive(pid):
            continue  # another running instance owns it
        found.append(RecoveryFile(path, payload.get("source"), float(payload.get("saved_at") or 0), payload["package"]))
    return sorted(found, key=lambda r: r.saved_at, reverse=True)
