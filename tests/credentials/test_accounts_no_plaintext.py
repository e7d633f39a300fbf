"""No secure keyring → refuse to store secrets (no plaintext fallback); metadata still lists."""
from __future__ import annotations

import json
import sys

import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backend import KeyringBackend

from designer.credentials import AccountStore, KeyringUnavailableError, keyring_status
from designer.credentials.vault import secure_backend
from tests.credentials.conftest import MemoryKeyring, scan, secret_value, unregistered


@unregistered
class PlaintextKeyring(KeyringBackend):
    """Claims to be a plaintext file backend, like keyrings.alt.file.PlaintextKeyring."""

    priority = 0.5  # type: ignore[assignment]
    file_path = "/tmp/keyring_pass.cfg"

    def __init__(self) -> None:
        super().__init__()
        self.written: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.written.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.written[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.written.pop((service, username), None)


@unregistered
class HighPriorityFileKeyring(PlaintextKeyring):
    """A file backend that even claims a high priority: still refused."""

    priority = 9  # type: ignore[assignment]


class FileBacked:
    """Like keyrings.alt.file_base.FileBacked: the secrets end up in a file, even if "encrypted"."""


@unregistered
class EncryptedKeyring(FileBacked, MemoryKeyring):
    priority = 2  # type: ignore[assignment]


def test_fail_backend_refuses_to_store_but_lists(fail_keyring, config_dir) -> None:
    store = AccountStore(config_dir)
    secret = secret_value()
    with pytest.raises(KeyringUnavailableError) as info:
        store.add("AWS", "aws", fields={"access_key_id": "AKIA1"}, secrets={"secret_access_key": secret})
    assert "Secret Service" in info.value.hint or "Keychain" in info.value.hint or "Credential" in info.value.hint
    if sys.platform.startswith("linux"):
        assert "DBUS_SESSION_BUS_ADDRESS" in info.value.hint  # the fix names the session bus
    assert store.list() == []
    assert scan(config_dir, [secret]) == [] if config_dir.exists() else True
    assert not (config_dir / "accounts.json").exists()
    assert keyring_status().available is False


def test_metadata_still_readable_without_keyring(swap_keyring, config_dir) -> None:
    memory = MemoryKeyring()
    swap_keyring(memory)
    store = AccountStore(config_dir)
    store.add("Prod", "aws", fields={"access_key_id": "AKIA1"}, secrets={"secret_access_key": secret_value()})
    store.add("Dev", "aws", fields={"profile": "dev"})  # a profile account needs no keyring
    swap_keyring(keyring.backends.fail.Keyring())
    assert [a.name for a in store.list()] == ["Dev", "Prod"]
    assert store.get("prod").fields["access_key_id"] == "AKIA1"
    assert store.aws_credentials("Dev").profile == "dev"  # no secret needed
    with pytest.raises(KeyringUnavailableError):
        store.aws_credentials("Prod")
    assert store.secret_status("Prod") == {"secret_access_key": "unknown (no keyring)", "session_token": "not set"}
    with pytest.raises(KeyringUnavailableError):
        store.edit("Prod", secrets={"secret_access_key": "another-secret"})
    store.edit("Prod", notes="metadata-only edits work")  # no secret touched
    with pytest.raises(KeyringUnavailableError):
        store.remove("Prod")  # would orphan its keyring entries
    store.remove("Prod", force=True)
    assert [a.name for a in store.list()] == ["Dev"]


@pytest.mark.parametrize("backend", [PlaintextKeyring(), HighPriorityFileKeyring(), EncryptedKeyring(),
                                     keyring.backends.null.Keyring()],
                         ids=["plaintext", "file-high-priority", "encrypted-file", "null"])
def test_insecure_backends_are_refused(swap_keyring, config_dir, backend) -> None:
    swap_keyring(backend)
    store = AccountStore(config_dir)
    secret = secret_value()
    with pytest.raises(KeyringUnavailableError):
        store.add("Slack", "bearer", secrets={"token": secret})
    assert getattr(backend, "written", {}) == {} and getattr(backend, "entries", {}) == {}
    assert scan(config_dir, [secret]) == [] if config_dir.exists() else True


def test_chainer_uses_only_its_secure_member(swap_keyring) -> None:
    memory, plain = MemoryKeyring(), PlaintextKeyring()

    @unregistered
    class Chain(keyring.backends.chainer.ChainerBackend):
        backends = (plain, memory)

    assert secure_backend(Chain()) is memory

    @unregistered
    class PlainChain(keyring.backends.chainer.ChainerBackend):
        backends = (plain,)

    with pytest.raises(KeyringUnavailableError):
        secure_backend(PlainChain())


def test_secret_never_in_metadata_even_when_pasted_into_notes(memory_keyring, config_dir) -> None:
    store = AccountStore(config_dir)
    secret = secret_value()
    with pytest.raises(Exception, match="appears in"):
        store.add("B", "bearer", secrets={"token": secret}, notes=f"token is {secret}")
    assert store.list() == [] and memory_keyring.entries == {}


def test_failed_metadata_write_rolls_back_the_keyring(memory_keyring, config_dir, monkeypatch) -> None:
    import os

    store = AccountStore(config_dir)
    store.add("First", "bearer", secrets={"token": secret_value()})
    before = (config_dir / "accounts.json").read_text()
    entries = dict(memory_keyring.entries)

    def boom(src, dst):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(Exception, match="Cannot write the accounts file"):
        store.add("Second", "bearer", secrets={"token": secret_value()})
    monkeypatch.undo()
    assert (config_dir / "accounts.json").read_text() == before  # old file intact
    assert json.loads(before)["accounts"][0]["name"] == "First"
    assert memory_keyring.entries == entries  # the second account's secret was rolled back
    assert [p.name for p in config_dir.iterdir() if p.name.endswith(".tmp")] == []


# -- the real keyrings.alt package (a plaintext file "keyring" some systems install) --------------------------
def _keyrings_alt_file():  # type: ignore[no-untyped-def]
    return pytest.importorskip("keyrings.alt.file", reason="keyrings.alt is not installed here")


def test_keyrings_alt_plaintext_backend_is_refused(swap_keyring, config_dir, tmp_path) -> None:
    alt = _keyrings_alt_file()
    plain = alt.PlaintextKeyring()
    plain.file_path = str(tmp_path / "keyring_pass.cfg")
    swap_keyring(plain)
    status = keyring_status()
    assert not status.available and "keyrings.alt" in status.message, status
    secret = secret_value()
    with pytest.raises(KeyringUnavailableError) as info:
        AccountStore(config_dir).add("Slack", "bearer", secrets={"token": secret})
    assert "keyrings.alt" in info.value.message and info.value.hint
    assert not (tmp_path / "keyring_pass.cfg").exists()
    assert scan(tmp_path, [secret]) == []


def test_cli_refuses_keyrings_alt_selected_by_the_environment(config_dir, tmp_path) -> None:
    _keyrings_alt_file()
    from tests.credentials.test_accounts_cli import run

    data = tmp_path / "data"
    secret = secret_value()
    r = run(config_dir, "accounts", "add", "Plain", "--provider", "bearer", stdin=secret + "\n",
            env={"PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring", "XDG_DATA_HOME": str(data),
                 "HOME": str(tmp_path / "home")})
    assert r.returncode == 1, r.stdout + r.stderr
    assert "keyrings.alt" in r.stderr and "hint:" in r.stderr
    assert secret not in r.stdout + r.stderr
    assert scan(tmp_path, [secret]) == []
    assert not (config_dir / "accounts.json").exists()


@pytest.mark.parametrize("platform, words", [
    ("linux", ["Secret Service", "gnome-keyring-daemon", "DBUS_SESSION_BUS_ADDRESS", "keyrings.alt"]),
    ("darwin", ["macOS Keychain", "unlocked", "PYTHON_KEYRING_BACKEND"]),
    ("win32", ["Windows Credential Locker", "PYTHON_KEYRING_BACKEND"]),
])
def test_the_fix_is_specific_to_the_platform(fail_keyring, config_dir, monkeypatch, platform, words) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    with pytest.raises(KeyringUnavailableError) as info:
        AccountStore(config_dir).add("Slack", "bearer", secrets={"token": secret_value()})
    for word in words:
        assert word in info.value.hint, (platform, info.value.hint)
    assert keyring_status().hint == info.value.hint
