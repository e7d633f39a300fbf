"""Fixtures for the connected-accounts tests: isolated config dirs, an in-memory keyring for unit tests,
and the real Secret Service keyring (skipped with a reason when none is reachable)."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from designer.credentials import AccountStore, keyring_status
from designer.credentials.vault import SERVICE


def unregistered(cls: type) -> type:
    """Keep a test backend out of keyring's automatic backend discovery (it registers every subclass)."""
    KeyringBackend._classes.discard(cls)  # type: ignore[attr-defined]
    return cls


@unregistered
class MemoryKeyring(KeyringBackend):
    """An in-memory backend for unit tests that need no real store."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


def real_secret_service_reason() -> str:
    backend = keyring.get_keyring()
    status = keyring_status(backend)
    if not status.available:
        return f"no Secret Service keyring is reachable ({status.message}); scripts/test provides gnome-keyring"
    if "SecretService" not in status.backend and "libsecret" not in status.backend:
        return f"the keyring is {status.backend}, not a Secret Service"
    return ""


@pytest.fixture
def swap_keyring() -> Iterator[object]:
    """Call with a backend to install it; the previous one is restored after the test."""
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(swap_keyring) -> MemoryKeyring:  # type: ignore[no-untyped-def]
    backend = MemoryKeyring()
    swap_keyring(backend)
    return backend


@pytest.fixture
def fail_keyring(swap_keyring) -> None:  # type: ignore[no-untyped-def]
    swap_keyring(keyring.backends.fail.Keyring())


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "config"
    monkeypatch.setenv("BOT_DESIGNER_CONFIG_DIR", str(d))
    return d


@pytest.fixture
def real_keyring() -> None:
    reason = real_secret_service_reason()
    if reason:
        pytest.skip(reason)


@pytest.fixture
def real_store(real_keyring, config_dir: Path) -> Iterator[AccountStore]:  # type: ignore[no-untyped-def]
    store = AccountStore(config_dir)
    yield store
    for account in store.list():  # clean up the real keyring even when a test fails
        store.remove(account.id)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def secret_value(prefix: str = "s3cr3t") -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def service_of(account_id: str) -> str:
    return f"{SERVICE}:{account_id}"


def scan(path: Path, needles: list[str]) -> list[str]:
    """Files under path that contain any of the needles."""
    hits = []
    for f in path.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            if any(n.encode() in data for n in needles):
                hits.append(str(f))
    return hits
