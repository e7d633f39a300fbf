"""The metadata file (`accounts.json` in the config folder): non-secret account records, written atomically."""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import platformdirs

from designer.credentials.errors import AccountError
from designer.credentials.model import Account

FILE_NAME = "accounts.json"
FORMAT_VERSION = 1
CONFIG_ENV = "BOT_DESIGNER_CONFIG_DIR"

_thread_lock = threading.RLock()


def default_config_dir() -> Path:
    env = os.environ.get(CONFIG_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir("bot-designer", appauthor=False))


class MetadataFile:
    def __init__(self, config_dir: Path) -> None:
        self.dir = Path(config_dir)
        self.path = self.dir / FILE_NAME

    def read(self) -> tuple[list[Account], dict[str, Any]]:
        """The accounts and the rest of the document (unknown top-level keys are kept)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return [], {}
        except OSError as exc:
            raise AccountError(f"Cannot read the accounts file {self.path}: {exc}",
                               hint="Check the folder's permissions.") from None
        try:
            doc = json.loads(text)
            if not isinstance(doc, dict) or not isinstance(doc.get("accounts", []), list):
                raise ValueError("not an object with an 'accounts' list")  # reported as damaged, below
            accounts = [Account.from_dict(a) for a in doc.get("accounts", [])]
        except (ValueError, KeyError, TypeError) as exc:
            raise AccountError(f"The accounts file {self.path} is damaged ({exc}).",
                               hint="Fix the JSON by hand, or move the file away to start with no accounts "
                               "(secrets stay in the OS keyring).") from None
        rest = {k: v for k, v in doc.items() if k not in ("accounts", "version")}
        return accounts, rest

    def write(self, accounts: list[Account], rest: dict[str, Any]) -> None:
        """Atomic: a temp file in the same folder, fsync, os.replace. A failure leaves the old file."""
        doc = {"version": FORMAT_VERSION, **rest, "accounts": [a.to_dict() for a in accounts]}
        data = json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".accounts-", suffix=".tmp", dir=self.dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            with contextlib.suppress(OSError):
                os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, OSError):
                raise AccountError(f"Cannot write the accounts file {self.path}: {exc}",
                                   hint="Check free space and the folder's permissions; the previous file "
                                   "is unchanged.") from None
            raise
        if hasattr(os, "O_DIRECTORY"):
            with contextlib.suppress(OSError):
                dfd = os.open(self.dir, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialize read-modify-write across threads and (where fcntl exists) processes."""
        with _thread_lock:
            self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                import fcntl
            except ImportError:  # Windows: threads only
                yield
                return
            with open(self.dir / ".accounts.lock", "a+") as lock:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
