"""The real path: accounts whose secrets live in the Secret Service keyring (gnome-keyring in CI)."""
from __future__ import annotations

import json

import keyring
import pytest

from designer.credentials import AccountStore, SecretMissingError
from tests.credentials.conftest import scan, secret_value, service_of, unique

pytestmark = pytest.mark.keyring


def _secretstorage_items(service: str) -> list[str]:
    """Read the Secret Service directly (not through keyring): the usernames stored for this service."""
    import secretstorage

    conn = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(conn)
        return sorted(i.get_attributes().get("username", "") for i in collection.search_items({"service": service}))
    finally:
        conn.close()


def test_add_get_edit_remove_in_the_real_keyring(real_store: AccountStore, config_dir) -> None:
    secret, token = secret_value(), secret_value("tok")
    name = unique("AWS prod")
    account = real_store.add(name, "aws", fields={"access_key_id": "AKIATEST", "region": "eu-west-1"},
                             secrets={"secret_access_key": secret}, notes="for tests")
    service = service_of(account.id)
    assert keyring.get_password(service, "secret_access_key") == secret
    assert _secretstorage_items(service) == ["secret_access_key"]
    assert real_store.get(name.upper()).id == account.id  # names are case-insensitive
    assert real_store.get(account.id).name == name

    creds = real_store.aws_credentials(name)
    assert (creds.access_key_id, creds.secret_access_key, creds.region) == ("AKIATEST", secret, "eu-west-1")
    assert creds.label == name

    renamed = unique("AWS renamed")
    edited = real_store.edit(name, name=renamed, secrets={"session_token": token, "secret_access_key": secret + "x"})
    assert edited.id == account.id and edited.name == renamed
    assert keyring.get_password(service, "secret_access_key") == secret + "x"
    assert keyring.get_password(service, "session_token") == token
    assert real_store.secret_status(renamed) == {"secret_access_key": "set", "session_token": "set"}
    assert real_store.aws_credentials(renamed).session_token == token

    # switching to a profile drops the keys and their keyring entries
    real_store.edit(renamed, fields={"profile": "dev"})
    assert keyring.get_password(service, "secret_access_key") is None
    assert keyring.get_password(service, "session_token") is None
    assert real_store.aws_credentials(renamed).profile == "dev"

    assert scan(config_dir, [secret, token]) == []
    real_store.remove(renamed)
    assert real_store.list() == []
    assert _secretstorage_items(service) == []


def test_remove_deletes_every_entry(real_store: AccountStore) -> None:
    account = real_store.add(unique("hdrs"), "headers", fields={"headers": ["X-Api-Key", "X-Tenant"]},
                             secrets={"x-api-key": secret_value(), "X-Tenant": secret_value()})
    service = service_of(account.id)
    keyring.set_password(service, "stray-field", "left-behind-value")  # e.g. from an older version
    assert len(_secretstorage_items(service)) == 3
    real_store.remove(account.name)
    assert _secretstorage_items(service) == []


def test_vanished_secret_names_the_account_and_field(real_store: AccountStore) -> None:
    name = unique("Basic")
    account = real_store.add(name, "http_basic", fields={"username": "bob"}, secrets={"password": secret_value()})
    keyring.delete_password(service_of(account.id), "password")
    with pytest.raises(SecretMissingError) as info:
        real_store.http_auth_headers(name)
    text = str(info.value)
    assert name in text and "password" in text and "accounts edit" in text
    assert real_store.secret_status(name) == {"password": "missing"}


def test_http_auth_headers_at_call_time(real_store: AccountStore) -> None:
    token = secret_value()
    name = unique("Slack")
    account = real_store.add(name, "bearer", secrets={"token": token})
    assert real_store.http_auth_headers(name) == [("Authorization", f"Bearer {token}")]
    keyring.set_password(service_of(account.id), "token", token + "2")  # changed behind our back: read now
    assert real_store.http_auth_headers(name) == [("Authorization", f"Bearer {token}2")]
    assert token in real_store.secret_values() or token + "2" in real_store.secret_values()


def test_metadata_file_holds_no_secret(real_store: AccountStore, config_dir) -> None:
    secret = secret_value()
    real_store.add(unique("B"), "http_basic", fields={"username": "alice"}, secrets={"password": secret})
    doc = json.loads((config_dir / "accounts.json").read_text())
    assert doc["accounts"][0]["secret_fields"] == ["password"]
    assert scan(config_dir, [secret]) == []
