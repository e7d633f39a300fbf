"""The OS keyring, secure backends only: one entry per account and secret field, service
`bot-designer:<account id>`, username = the secret field's name. There is no plaintext fallback."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from designer.credentials.errors import KeyringUnavailableError, keyring_fix_hint
from designer.credentials.masking import register_secret

log = logging.getLogger(__name__)

SERVICE = "bot-designer"
_INSECURE_NAME = re.compile(r"plain_?text|uncrypted|unencrypted|file_?backed|^file|^null|^fail", re.IGNORECASE)


def service_for(account_id: str) -> str:
    return f"{SERVICE}:{account_id}"


@dataclass(frozen=True)
class KeyringStatus:
    """Whether secrets can be stored and read here, and if not, why and what to do."""

    available: bool
    backend: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        return self.message if self.available else f"{self.message} {self.hint}".strip()


def _backend_name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def insecure_reason(backend: Any) -> str:
    """Why this backend is not a secure OS keyring ('' when it is)."""
    cls = type(backend)
    module = cls.__module__ or ""
    name = _backend_name(backend)
    if module.startswith("keyring.backends.fail"):
        return f"no OS keyring was found (keyring chose {name})"
    if module.startswith("keyring.backends.null"):
        return f"the keyring backend is the null backend ({name}), which stores nothing"
    if module.startswith(("keyrings.alt", "keyrings_alt")):
        return f"the keyring backend {name} (keyrings.alt) keeps secrets in a file, not in the OS keyring"
    if any(_INSECURE_NAME.search(k.__name__) for k in cls.__mro__ if k is not object):
        return f"the keyring backend {name} is a plaintext or file backend"
    if getattr(backend, "plaintext", False) or getattr(backend, "file_path", None) or getattr(
            backend, "filename", None):
        return f"the keyring backend {name} keeps secrets in a file"
    try:
        priority = float(cls.priority)
    except Exception as exc:  # noqa: BLE001 - keyring signals "not viable" by raising
        return f"the keyring backend {name} is not usable ({exc})"
    if priority < 1:
        return f"the keyring backend {name} is not a recommended secure backend (priority {priority})"
    return ""


def secure_backend(backend: Any = None) -> KeyringBackend:
    """The secure backend to use, or KeyringUnavailableError. A chainer is reduced to its best secure member."""
    backend = backend if backend is not None else keyring.get_keyring()
    members = getattr(backend, "backends", None)
    if isinstance(backend, ChainerBackend) and members is not None:
        reasons = []
        for member in members:  # already sorted by priority, best first
            reason = insecure_reason(member)
            if not reason:
                return member  # type: ignore[no-any-return]
            reasons.append(reason)
        raise KeyringUnavailableError(
            "No secure OS keyring is available: " + ("; ".join(reasons) or "the keyring chain is empty") + ".",
            backend=_backend_name(backend))
    reason = insecure_reason(backend)
    if reason:
        raise KeyringUnavailableError(f"No secure OS keyring is available: {reason}.", backend=_backend_name(backend))
    return backend  # type: ignore[no-any-return]


def keyring_status(backend: Any = None) -> KeyringStatus:
    try:
        chosen = secure_backend(backend)
    except KeyringUnavailableError as exc:
        return KeyringStatus(False, exc.backend, exc.message, exc.hint)
    return KeyringStatus(True, _backend_name(chosen), f"Secrets are kept in {_backend_name(chosen)}.")


def _wrap(exc: Exception, doing: str, backend: Any) -> KeyringUnavailableError:
    kind = type(exc).__name__
    text = str(exc) or kind
    if isinstance(exc, keyring.errors.KeyringLocked) or "locked" in text.lower() or "dismissed" in text.lower():
        return KeyringUnavailableError(f"The OS keyring is locked; could not {doing} ({text}).",
                                       hint="Unlock it (log in to the desktop session, or unlock the 'login' "
                                       "keyring), then retry. " + keyring_fix_hint(), backend=_backend_name(backend))
    return KeyringUnavailableError(f"The OS keyring failed to {doing} ({kind}: {text}).",
                                   backend=_backend_name(backend))


class Vault:
    """Secrets of accounts in the OS keyring. Each call picks the current backend (tests may swap it)."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend

    def __repr__(self) -> str:
        return f"Vault(backend={_backend_name(self._backend) if self._backend else 'keyring.get_keyring()'})"

    def status(self) -> KeyringStatus:
        return keyring_status(self._backend)

    def backend(self) -> KeyringBackend:
        return secure_backend(self._backend)

    def set(self, account_id: str, field: str, value: str) -> None:
        backend = self.backend()
        register_secret(value)
        try:
            backend.set_password(service_for(account_id), field, value)
        except Exception as exc:  # noqa: BLE001 - every backend raises its own types
            raise _wrap(exc, f"store the secret '{field}'", backend) from None

    def get(self, account_id: str, field: str) -> str | None:
        backend = self.backend()
        try:
            value = backend.get_password(service_for(account_id), field)
        except Exception as exc:  # noqa: BLE001
            raise _wrap(exc, f"read the secret '{field}'", backend) from None
        if value:
            register_secret(value)
        return value

    def delete(self, account_id: str, field: str) -> bool:
        backend = self.backend()
        try:
            backend.delete_password(service_for(account_id), field)
        except keyring.errors.PasswordDeleteError:
            return False
        except Exception as exc:  # noqa: BLE001
            raise _wrap(exc, f"delete the secret '{field}'", backend) from None
        return True

    def delete_all(self, account_id: str, fields: tuple[str, ...] | list[str]) -> int:
        """Delete the named entries, then any other entry left under the account's service name."""
        removed = sum(1 for f in dict.fromkeys(fields) if self.delete(account_id, f))
        backend = self.backend()
        for _ in range(100):  # stragglers (e.g. a secret field since renamed), where the backend can list them
            try:
                cred = backend.get_credential(service_for(account_id), None)
            except Exception:  # noqa: BLE001 - optional capability
                break
            if cred is None or not getattr(cred, "username", None):
                break
            if not self.delete(account_id, cred.username):
                break
            removed += 1
        return removed
