"""`AccountStore`: connected accounts persisted as metadata in the config folder + secrets in the OS keyring.

Nothing secret is ever written to the metadata file; without a secure keyring, writes are refused with a
`KeyringUnavailableError` while listing and reading metadata keep working."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend

from designer.credentials.errors import AccountError, InvalidAccountError, KeyringUnavailableError
from designer.credentials.metadata import MetadataFile, default_config_dir
from designer.credentials.model import (
    AWS,
    PROVIDER_FIELDS,
    Account,
    check_provider,
    new_account_id,
    normalize_fields,
    normalize_name,
    normalize_secrets,
    now_iso,
    secret_names,
)
from designer.credentials.probe import TestOutcome, probe_aws, probe_http
from designer.credentials.source import AccountReader
from designer.credentials.vault import KeyringStatus, Vault

log = logging.getLogger(__name__)
_MIN_LEAK_CHECK = 8


class AccountStore(AccountReader):
    """Connected accounts on this machine. Thread-safe; the file is re-read on every call."""

    def __init__(self, config_dir: Path | None = None, *, backend: KeyringBackend | None = None) -> None:
        self.config_dir = Path(config_dir) if config_dir is not None else default_config_dir()
        self._file = MetadataFile(self.config_dir)
        self._vault = Vault(backend)

    def __repr__(self) -> str:
        return f"AccountStore(config_dir={str(self.config_dir)!r})"

    @property
    def path(self) -> Path:
        """The metadata file."""
        return self._file.path

    def keyring_status(self) -> KeyringStatus:
        return self._vault.status()

    # -- read -----------------------------------------------------------------------------------------
    def list(self) -> list[Account]:
        accounts, _ = self._file.read()
        return sorted(accounts, key=lambda a: a.name.casefold())

    def _read_secret(self, account: Account, field: str) -> str | None:
        return self._vault.get(account.id, field)

    def secret_status(self, name_or_id: str) -> dict[str, str]:
        """For each secret field of the account: 'set', 'missing' or 'unknown' (no keyring). No values."""
        account = self.get(name_or_id)
        out: dict[str, str] = {}
        for field, required in secret_names(account.provider, account.fields):
            if field not in account.secret_fields and not required:
                out[field] = "not set"
                continue
            try:
                out[field] = "set" if self._vault.get(account.id, field) else "missing"
            except KeyringUnavailableError:
                out[field] = "unknown (no keyring)"
        return out

    # -- write ----------------------------------------------------------------------------------------
    def add(self, name: str, provider: str, *, fields: dict[str, Any] | None = None,
            secrets: dict[str, Any] | None = None, notes: str = "") -> Account:
        name, provider = normalize_name(name), check_provider(provider)
        norm_fields = normalize_fields(provider, dict(fields or {}))
        given = {k: v for k, v in normalize_secrets(provider, norm_fields, dict(secrets or {})).items() if v}
        for field, required in secret_names(provider, norm_fields):
            if required and field not in given:
                raise InvalidAccountError(f"The secret '{field}' is required for this {provider} account.",
                                          hint="Enter it when asked (it is never taken from the command line).")
        notes = str(notes or "")
        _check_no_leak(name, norm_fields, notes, given)
        if given:
            self._vault.backend()  # refuse before writing anything when there is no secure keyring
        with self._file.locked():
            accounts, rest = self._file.read()
            _check_unique(name, accounts)
            ids = {a.id for a in accounts}
            account_id = new_account_id()
            while account_id in ids:
                account_id = new_account_id()
            stamp = now_iso()
            account = Account(account_id, name, provider, norm_fields, notes, stamp, stamp, tuple(given))
            written: list[str] = []
            try:
                for field, value in given.items():
                    self._vault.set(account_id, field, value)
                    written.append(field)
                self._file.write([*accounts, account], rest)
            except BaseException:
                _rollback(self._vault, account_id, written)
                raise
        log.info("added account %s", account)
        return account

    def edit(self, name_or_id: str, *, name: str | None = None, fields: dict[str, Any] | None = None,
             secrets: dict[str, Any] | None = None, notes: str | None = None) -> Account:
        """Change an account. `fields`/`secrets` are merged (None or "" removes one). Setting an AWS
        `profile` drops the keys; setting `access_key_id` drops the profile."""
        with self._file.locked():
            accounts, rest = self._file.read()
            old = _find_in(accounts, name_or_id) or self.get(name_or_id)
            new_name = normalize_name(name) if name is not None else old.name
            if new_name.casefold() != old.name.casefold():
                _check_unique(new_name, [a for a in accounts if a.id != old.id])
            merged = dict(old.fields)
            changes = dict(fields or {})
            if old.provider == AWS:
                if changes.get("profile") and "access_key_id" not in changes:
                    changes["access_key_id"] = None
                if changes.get("access_key_id") and "profile" not in changes:
                    changes["profile"] = None
            for key, value in changes.items():
                if key not in PROVIDER_FIELDS[old.provider]:
                    normalize_fields(old.provider, {key: value})  # raises the precise error
                if value is None or value == "" or value == []:
                    merged.pop(key, None)
                else:
                    merged[key] = value
            new_fields = normalize_fields(old.provider, merged)
            wanted = [f for f, _ in secret_names(old.provider, new_fields)]
            required = {f for f, r in secret_names(old.provider, new_fields) if r}
            updates = normalize_secrets(old.provider, new_fields, dict(secrets or {}))
            keep = [f for f in old.secret_fields if f in wanted and f not in updates]
            to_set = {f: v for f, v in updates.items() if v}
            final_fields = tuple(f for f in wanted if f in keep or f in to_set)
            missing = required - set(final_fields)
            if missing:
                raise InvalidAccountError(
                    f"The account '{old.name}' would lack the secret(s) {', '.join(sorted(missing))}.",
                    hint=f"Re-enter secrets: `bot-designer accounts edit {old.name} --secrets`.")
            new_notes = old.notes if notes is None else str(notes)
            _check_no_leak(new_name, new_fields, new_notes, to_set)
            to_delete = [f for f in old.secret_fields if f not in final_fields]
            if to_set or to_delete:
                self._vault.backend()
            account = Account(old.id, new_name, old.provider, new_fields, new_notes, old.created_at, now_iso(),
                              final_fields, old.extra)
            previous: dict[str, str | None] = {}
            try:
                for field, value in to_set.items():
                    previous[field] = self._vault.get(old.id, field) if field in old.secret_fields else None
                    self._vault.set(old.id, field, value)
                self._file.write([account if a.id == old.id else a for a in accounts], rest)
            except BaseException:
                for field, value in previous.items():  # put the old secrets back
                    try:
                        if value:
                            self._vault.set(old.id, field, value)
                        else:
                            self._vault.delete(old.id, field)
                    except AccountError:
                        log.warning("could not restore the secret %s of %s", field, old)
                raise
            for field in to_delete:
                self._vault.delete(old.id, field)
        log.info("edited account %s", account)
        return account

    def rename(self, name_or_id: str, new_name: str) -> Account:
        return self.edit(name_or_id, name=new_name)

    def remove(self, name_or_id: str, *, force: bool = False) -> None:
        """Delete the account and ALL its keyring entries. Without a keyring this is refused, unless
        `force` (then the metadata goes and the secrets, if any, stay in the unreachable keyring)."""
        with self._file.locked():
            accounts, rest = self._file.read()
            account = _find_in(accounts, name_or_id) or self.get(name_or_id)
            possible = [f for f, _ in secret_names(account.provider, account.fields)]
            try:
                self._vault.delete_all(account.id, [*account.secret_fields, *possible])
            except KeyringUnavailableError:
                if not force:
                    raise
                log.warning("removing %s without deleting its keyring entries (no keyring)", account)
            self._file.write([a for a in accounts if a.id != account.id], rest)
        log.info("removed account %s", account)

    # -- test -----------------------------------------------------------------------------------------
    def test(self, name_or_id: str, *, url: str | None = None) -> TestOutcome:
        account = self.get(name_or_id)
        if account.provider == AWS:
            return probe_aws(self.aws_credentials(account.id))
        target = url or account.fields.get("test_url", "")
        if not target:
            raise InvalidAccountError(f"Testing the {account.provider} account '{account.name}' needs a URL.",
                                      hint="Pass --url https://… (or store one with --test-url).")
        return probe_http(target, self.http_auth_headers(account.id), label=account.name)


def _find_in(accounts: list[Account], key: str) -> Account | None:
    key = (key or "").strip()
    for a in accounts:
        if a.id == key:
            return a
    for a in accounts:
        if a.name.casefold() == key.casefold():
            return a
    return None


def _check_unique(name: str, accounts: list[Account]) -> None:
    for a in accounts:
        if a.name.casefold() == name.casefold():
            raise InvalidAccountError(f"An account named '{a.name}' already exists.",
                                      hint="Names are case-insensitive: choose another, or edit that account.")


def _check_no_leak(name: str, fields: dict[str, Any], notes: str, secrets: dict[str, Any]) -> None:
    """Refuse metadata that contains one of the secrets (e.g. pasted into the notes)."""
    text = "\n".join([name, notes, *(str(v) for v in fields.values())])
    for field, value in secrets.items():
        if value and len(value) >= _MIN_LEAK_CHECK and value in text:
            raise InvalidAccountError(f"The secret '{field}' also appears in the name, notes or fields.",
                                      hint="Remove it from there: metadata is stored unencrypted.")


def _rollback(vault: Vault, account_id: str, fields: list[str]) -> None:
    for field in fields:
        try:
            vault.delete(account_id, field)
        except AccountError:
            log.warning("could not roll back the secret %s of %s", field, account_id)
