"""Typed errors of the connected-accounts layer; each hint says what to do on this platform."""
from __future__ import annotations

import sys

from designer.errors import DesignerError

EXIT_FAILED, EXIT_INVALID = 1, 2


def keyring_fix_hint() -> str:
    """How to get a secure OS keyring on the platform we are running on."""
    if sys.platform == "darwin":
        return ("Bot Designer keeps secrets in the macOS Keychain: make sure the login keychain exists and is "
                "unlocked (Keychain Access), and that PYTHON_KEYRING_BACKEND is not set to another backend.")
    if sys.platform.startswith("win"):
        return ("Bot Designer keeps secrets in the Windows Credential Locker (Credential Manager): sign in with "
                "a normal user profile, and make sure PYTHON_KEYRING_BACKEND is not set to another backend.")
    return ("Bot Designer keeps secrets only in a Secret Service keyring: start a provider such as "
            "gnome-keyring (`gnome-keyring-daemon --start --components=secrets`) or KeePassXC (enable "
            "Secret Service integration), unlock it, and make sure DBUS_SESSION_BUS_ADDRESS is set in this "
            "shell (over SSH: `dbus-run-session -- bash`). Plaintext keyrings (keyrings.alt) are refused.")


class AccountError(DesignerError):
    """Base of every expected failure about connected accounts."""

    exit_code = EXIT_FAILED


class InvalidAccountError(AccountError):
    """The input describing an account is wrong (unknown provider, missing field, duplicate name, …)."""

    exit_code = EXIT_INVALID


class AccountNotFoundError(AccountError):
    exit_code = EXIT_INVALID


class KeyringUnavailableError(AccountError):
    """No secure OS keyring: nothing secret is stored or read (there is no plaintext fallback)."""

    def __init__(self, message: str, *, hint: str = "", backend: str = "") -> None:
        super().__init__(message, hint=hint or keyring_fix_hint())
        self.backend = backend


class SecretMissingError(AccountError):
    """The account's metadata says a secret is set, but its keyring entry is gone."""

    def __init__(self, account_name: str, field: str) -> None:
        super().__init__(
            f"The secret '{field}' of account '{account_name}' is missing from the OS keyring.",
            hint=f"Re-enter it with `bot-designer accounts edit {_quote(account_name)} --secrets` "
            "(or in the Accounts panel).",
        )
        self.account_name = account_name
        self.field = field


class PromptBindingError(AccountError):
    """A package's connected-account prompt cannot be bound to an account."""

    exit_code = EXIT_INVALID


def _quote(name: str) -> str:
    return f'"{name}"' if any(c.isspace() for c in name) else name
