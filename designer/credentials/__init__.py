"""Connected accounts: non-secret metadata in the config folder, secrets only in the OS keyring.

    from designer.credentials import AccountStore
    store = AccountStore()
    store.add("AWS prod", "aws", fields={"access_key_id": "AKIA…", "region": "us-west-2"},
              secrets={"secret_access_key": "…"})
    creds = store.aws_credentials("AWS prod")      # secrets read from the keyring now

`EphemeralAccounts` is the in-memory twin (throwaway accounts, no keyring); both are `AccountSource`s.
Qt-free. See docs/accounts.md.
"""
from __future__ import annotations

from designer.credentials.ephemeral import AccountChain, EphemeralAccounts
from designer.credentials.errors import (
    AccountError,
    AccountNotFoundError,
    InvalidAccountError,
    KeyringUnavailableError,
    PromptBindingError,
    SecretMissingError,
)
from designer.credentials.masking import install_secret_masking, redact, register_secret
from designer.credentials.model import CONNECTED_ACCOUNT_CONTEXT, PROVIDERS, Account, secret_names
from designer.credentials.probe import TestOutcome
from designer.credentials.prompts import account_prompts, bind_prompts, preselect
from designer.credentials.source import AccountSource
from designer.credentials.store import AccountStore
from designer.credentials.vault import KeyringStatus, keyring_status

__all__ = [
    "CONNECTED_ACCOUNT_CONTEXT", "PROVIDERS", "Account", "AccountChain", "AccountError", "AccountNotFoundError",
    "AccountSource", "AccountStore", "EphemeralAccounts", "InvalidAccountError", "KeyringStatus",
    "KeyringUnavailableError", "PromptBindingError", "SecretMissingError", "TestOutcome", "account_prompts",
    "bind_prompts", "install_secret_masking", "keyring_status", "preselect", "redact", "register_secret",
    "secret_names",
]
