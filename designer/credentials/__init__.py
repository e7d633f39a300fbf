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

from typing import TYPE_CHECKING

from designer.lazy import lazy_names

# Each public name and the module that defines it. They load on first use (PEP 562): every command and the
# window import `designer.credentials.masking` for the logging filter, and that must not pull in keyring,
# the Secret Service client and http.client (about 150 ms of a cold start).
_HOME = {
    "AccountChain": "ephemeral", "EphemeralAccounts": "ephemeral",
    "AccountError": "errors", "AccountNotFoundError": "errors", "InvalidAccountError": "errors",
    "KeyringUnavailableError": "errors", "PromptBindingError": "errors", "SecretMissingError": "errors",
    "install_secret_masking": "masking", "redact": "masking", "register_secret": "masking",
    "CONNECTED_ACCOUNT_CONTEXT": "model", "PROVIDERS": "model", "Account": "model", "secret_names": "model",
    "TestOutcome": "probe",
    "account_prompts": "prompts", "bind_prompts": "prompts", "preselect": "prompts",
    "AccountSource": "source",
    "AccountStore": "store",
    "KeyringStatus": "vault", "keyring_status": "vault",
}


__getattr__ = lazy_names(__name__, _HOME)


if TYPE_CHECKING:
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
