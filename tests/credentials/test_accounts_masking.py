"""Secrets never reach logs, reprs or redacted traces."""
from __future__ import annotations

import io
import logging

import pytest

from designer.aws.credentials import AwsCredentials
from designer.credentials import AccountStore, EphemeralAccounts, install_secret_masking, redact
from designer.credentials.masking import MASK, register_aws_credentials, register_secret
from tests.credentials.conftest import secret_value


@pytest.fixture
def masking() -> None:
    install_secret_masking()
    install_secret_masking()  # idempotent


def test_child_logger_records_are_masked_on_root_handlers(masking, memory_keyring, config_dir) -> None:
    secret = secret_value()
    store = AccountStore(config_dir)
    store.add("Slack", "bearer", secrets={"token": secret})  # registered when written
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)  # added after install: still masked
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        child = logging.getLogger("designer.sim.some.child")
        child.debug("calling with token %s", secret)
        child.debug(f"headers={store.http_auth_headers('Slack')}")
        try:
            raise RuntimeError(f"bad token {secret}")
        except RuntimeError:
            child.exception("failed")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    text = stream.getvalue()
    assert secret not in text
    assert text.count(MASK) >= 3
    assert "calling with token ****" in text


def test_caplog_at_debug_sees_only_masks(masking, caplog) -> None:
    secret = secret_value()
    register_secret(secret)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("designer.aws.deep.child").debug("secret=%s url=%s", secret, f"https://x/?k={secret}")
    assert secret not in caplog.text
    assert "secret=****" in caplog.text


def test_handler_on_child_logger_is_masked(masking) -> None:
    secret = secret_value()
    register_secret(secret)
    stream = io.StringIO()
    child = logging.getLogger("designer.tests.masking.own")
    handler = logging.StreamHandler(stream)
    child.addHandler(handler)
    child.setLevel(logging.DEBUG)
    child.propagate = False
    try:
        child.debug("value %r", {"secret_access_key": secret})
    finally:
        child.removeHandler(handler)
    assert secret not in stream.getvalue() and MASK in stream.getvalue()


def test_aws_credentials_secrets_are_masked(masking) -> None:
    creds = AwsCredentials("AKIAEXAMPLE", secret_value(), secret_value("sess"))
    register_aws_credentials(creds)
    text = redact(f"{creds.secret_access_key} and {creds.session_token}")
    assert text == f"{MASK} and {MASK}"


def test_any_aws_credentials_made_after_install_are_masked(masking) -> None:
    import dataclasses

    secret = secret_value("env")
    creds = AwsCredentials("AKIAENV", secret_access_key=secret)
    assert redact(f"key {secret}") == f"key {MASK}"
    other = secret_value("replaced")
    dataclasses.replace(creds, secret_access_key=other)
    assert redact(other) == MASK
    assert creds.secrets == (secret,)  # the value object itself is unchanged


def test_redact_structures_and_url_encoded_forms() -> None:
    secret = "p@ss word/" + secret_value()
    register_secret(secret)
    import urllib.parse

    obj = {"headers": [["Authorization", f"Basic {secret}"]], secret: (1, secret.encode()),
           "url": "https://h/?p=" + urllib.parse.quote(secret, safe="")}
    out = redact(obj)
    flat = repr(out)
    assert secret not in flat and urllib.parse.quote(secret, safe="") not in flat
    assert out["headers"][0][1] == f"Basic {MASK}"
    assert redact(42) == 42
    assert redact("only-here", secrets=["only-here"]) == MASK


def test_basic_auth_token_is_masked(memory_keyring, config_dir) -> None:
    store = AccountStore(config_dir)
    store.add("B", "http_basic", fields={"username": "bob"}, secrets={"password": secret_value()})
    [(name, value)] = store.http_auth_headers("B")
    assert name == "Authorization" and redact(value) == f"Basic {MASK}"


def test_reprs_hold_no_secrets(memory_keyring, config_dir) -> None:
    secret = secret_value()
    store = AccountStore(config_dir)
    account = store.add("AWS", "aws", fields={"access_key_id": "AKIA1"}, secrets={"secret_access_key": secret})
    eph = EphemeralAccounts()
    eph.add_aws("Local", access_key_id="AKIALOCAL", secret_access_key=secret + "e", endpoint_url="http://127.0.0.1:1")
    creds = store.aws_credentials("AWS")
    for obj in (account, store, eph, creds, eph.list()[0], eph.aws_credentials("Local")):
        assert secret not in repr(obj) and secret not in str(obj)
    assert secret not in repr(account.to_dict())
