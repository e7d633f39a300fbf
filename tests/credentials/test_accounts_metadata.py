"""The metadata file and validation (in-memory keyring: the real one is covered in test_accounts_keyring)."""
from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from designer.credentials import AccountStore, InvalidAccountError
from designer.credentials.errors import AccountError


def test_config_dir_from_env(memory_keyring, config_dir) -> None:
    store = AccountStore()
    assert store.config_dir == config_dir
    store.add("x", "bearer", secrets={"token": "t-12345678"})
    assert (config_dir / "accounts.json").exists()
    if os.name == "posix":
        assert stat.S_IMODE((config_dir / "accounts.json").stat().st_mode) == 0o600


def test_atomic_write_keeps_the_old_file(memory_keyring, config_dir, monkeypatch) -> None:
    store = AccountStore(config_dir)
    store.add("Keep", "bearer", secrets={"token": "t-12345678"})
    before = (config_dir / "accounts.json").read_bytes()

    def fail_replace(src, dst):  # type: ignore[no-untyped-def]
        raise OSError("simulated crash before the rename")

    monkeypatch.setattr(os, "replace", fail_replace)
    with pytest.raises(AccountError):
        store.edit("Keep", name="Changed")
    monkeypatch.undo()
    assert (config_dir / "accounts.json").read_bytes() == before
    assert [a.name for a in store.list()] == ["Keep"]
    assert not [p for p in config_dir.iterdir() if p.suffix == ".tmp"]


def test_unknown_json_is_kept(memory_keyring, config_dir) -> None:
    store = AccountStore(config_dir)
    a = store.add("A", "bearer", secrets={"token": "t-12345678"})
    doc = json.loads(store.path.read_text())
    doc["future_setting"] = {"x": 1}
    doc["accounts"][0]["color"] = "blue"
    store.path.write_text(json.dumps(doc))
    store.edit("A", notes="hello")
    doc = json.loads(store.path.read_text())
    assert doc["future_setting"] == {"x": 1} and doc["accounts"][0]["color"] == "blue"
    assert store.get(a.id).notes == "hello"


def test_damaged_file_is_explained(config_dir) -> None:
    config_dir.mkdir(parents=True)
    (config_dir / "accounts.json").write_text("{not json")
    with pytest.raises(AccountError, match="damaged") as info:
        AccountStore(config_dir).list()
    assert "move the file away" in info.value.hint


@pytest.mark.parametrize("name, provider, fields, secrets, match", [
    ("", "aws", {}, {}, "needs a name"),
    ("x", "ftp", {}, {}, "Unknown provider"),
    ("x", "aws", {}, {"secret_access_key": "s-12345678"}, "access key id"),
    ("x", "aws", {"access_key_id": "A", "profile": "p"}, {}, "either a profile"),
    ("x", "aws", {"access_key_id": "A"}, {}, "required"),
    ("x", "aws", {"access_key_id": "A", "endpoint_url": "ftp://h"}, {"secret_access_key": "s"}, "http"),
    ("x", "aws", {"access_key_id": "A", "endpoint_url": "http://u:p@h"}, {"secret_access_key": "s"}, "credentials"),
    ("x", "aws", {"access_key_id": "A", "password": "p"}, {}, "not a field"),
    ("x", "http_basic", {}, {"password": "p"}, "username"),
    ("x", "bearer", {}, {"token": "a\nb"}, "line break"),
    ("x", "bearer", {}, {"password": "p"}, "not a secret"),
    ("x", "headers", {"headers": ["Bad Header"]}, {}, "Invalid header"),
    ("x", "headers", {"headers": ["X-A"]}, {}, "required"),
    ("acct-0123456789ab", "bearer", {}, {"token": "t"}, "looks like an account id"),
])
def test_validation(memory_keyring, config_dir, name, provider, fields, secrets, match) -> None:
    with pytest.raises(InvalidAccountError, match=match):
        AccountStore(config_dir).add(name, provider, fields=fields, secrets=secrets)
    assert memory_keyring.entries == {}


def test_names_are_unique_case_insensitively(memory_keyring, config_dir) -> None:
    store = AccountStore(config_dir)
    store.add("Prod", "bearer", secrets={"token": "t-12345678"})
    other = store.add("Other", "bearer", secrets={"token": "t-87654321"})
    with pytest.raises(InvalidAccountError, match="already exists"):
        store.add("PROD", "bearer", secrets={"token": "t"})
    with pytest.raises(InvalidAccountError, match="already exists"):
        store.edit(other.id, name="prod")
    assert store.rename("prod", "Production").name == "Production"
    assert store.get("production").id != other.id


def test_headers_account_edit_replaces_secrets(memory_keyring, config_dir) -> None:
    store = AccountStore(config_dir)
    a = store.add("H", "headers", fields={"headers": ["X-A", "X-B"]}, secrets={"X-A": "va-123456", "x-b": "vb-123456"})
    store.edit("H", fields={"headers": ["X-A", "X-C"]}, secrets={"X-C": "vc-123456"})
    assert store.http_auth_headers("H") == [("X-A", "va-123456"), ("X-C", "vc-123456")]
    assert (f"bot-designer:{a.id}", "X-B") not in memory_keyring.entries
    with pytest.raises(InvalidAccountError, match="lack the secret"):
        store.edit("H", fields={"headers": ["X-D"]})


def test_concurrent_adds_all_land(memory_keyring, config_dir) -> None:
    import threading

    store = AccountStore(config_dir)
    errors: list[BaseException] = []

    def add(i: int) -> None:
        try:
            AccountStore(config_dir).add(f"acct {i}", "bearer", secrets={"token": f"token-{i:04d}"})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.list()) == 12


def test_default_folder_is_the_platform_config_folder(memory_keyring, tmp_path, monkeypatch) -> None:
    import platformdirs

    monkeypatch.delenv("BOT_DESIGNER_CONFIG_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # where platformdirs looks on Linux
    store = AccountStore()
    expected = platformdirs.user_config_path("bot-designer", appauthor=False) / "accounts.json"
    assert store.path == expected
    if sys.platform.startswith("linux"):
        assert expected == tmp_path / "xdg" / "bot-designer" / "accounts.json"
    store.add("x", "bearer", secrets={"token": "t-12345678"})
    assert json.loads(expected.read_text())["accounts"][0]["name"] == "x"
