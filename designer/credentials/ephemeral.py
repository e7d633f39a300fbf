"""Throwaway accounts held only in memory (nothing written, no keyring): e.g. the simulator's
`--local-lambda` binds a package's AWS prompts to the local Lambda service with one of these."""
from __future__ import annotations

import builtins  # in AccountChain, `list` names its method: annotations after it say `builtins.list`
import threading
from typing import Any

from designer.aws.credentials import AwsCredentials
from designer.credentials.errors import AccountNotFoundError, InvalidAccountError
from designer.credentials.masking import register_secret
from designer.credentials.model import (
    AWS,
    Account,
    check_provider,
    new_account_id,
    normalize_fields,
    normalize_name,
    normalize_secrets,
    now_iso,
    secret_names,
)
from designer.credentials.source import AccountReader, AccountSource


class EphemeralAccounts(AccountReader):
    """An `AccountSource` whose accounts and secrets live in this object only."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._accounts: dict[str, Account] = {}
        self._secrets: dict[tuple[str, str], str] = {}

    def __repr__(self) -> str:
        return f"EphemeralAccounts({len(self._accounts)} account(s): {', '.join(self._names())})"

    def _names(self) -> list[str]:
        return [a.name for a in self._accounts.values()]

    def list(self) -> list[Account]:
        with self._lock:
            return sorted(self._accounts.values(), key=lambda a: a.name.casefold())

    def _read_secret(self, account: Account, field: str) -> str | None:
        return self._secrets.get((account.id, field))

    def add(self, name: str, provider: str, *, fields: dict[str, Any] | None = None,
            secrets: dict[str, Any] | None = None, notes: str = "") -> Account:
        name, provider = normalize_name(name), check_provider(provider)
        norm_fields = normalize_fields(provider, dict(fields or {}))
        norm_secrets = {k: v for k, v in normalize_secrets(provider, norm_fields, dict(secrets or {})).items() if v}
        for field, required in secret_names(provider, norm_fields):
            if required and field not in norm_secrets:
                raise InvalidAccountError(f"The secret '{field}' is required for a {provider} account.", hint="")
        with self._lock:
            if self.find(name) is not None:
                raise InvalidAccountError(f"An account named '{name}' already exists.", hint="Choose another name.")
            stamp = now_iso()
            account = Account(new_account_id(), name, provider, norm_fields, str(notes or ""), stamp, stamp,
                              tuple(norm_secrets))
            self._accounts[account.id] = account
            for field, value in norm_secrets.items():
                register_secret(value)
                self._secrets[(account.id, field)] = value
            return account

    def add_aws(self, name: str, *, access_key_id: str, secret_access_key: str, region: str = "us-east-1",
                endpoint_url: str = "", session_token: str = "", notes: str = "") -> Account:
        """Shorthand, e.g. `add_aws("Local Lambda", endpoint_url=svc.endpoint, region=svc.region,
        access_key_id=svc.access_key_id, secret_access_key=svc.secret_access_key)`."""
        return self.add(name, AWS, fields={"access_key_id": access_key_id, "region": region,
                                           "endpoint_url": endpoint_url},
                        secrets={"secret_access_key": secret_access_key, "session_token": session_token or None},
                        notes=notes)

    def remove(self, name_or_id: str) -> None:
        with self._lock:
            account = self.get(name_or_id)
            self._accounts.pop(account.id, None)
            for key in [k for k in self._secrets if k[0] == account.id]:
                del self._secrets[key]


class AccountChain(AccountReader):
    """Several sources as one (first match wins), e.g. throwaway accounts in front of the stored ones.
    Any `AccountSource` can be a member; credentials come from the member that owns the account."""

    def __init__(self, *sources: AccountSource) -> None:
        self.sources = sources

    def __repr__(self) -> str:
        return f"AccountChain({', '.join(type(s).__name__ for s in self.sources)})"

    def list(self) -> list[Account]:
        seen: dict[str, Account] = {}
        for source in self.sources:
            for a in source.list():
                seen.setdefault(a.id, a)
        return sorted(seen.values(), key=lambda a: a.name.casefold())

    def _lookup(self, name_or_id: str) -> tuple[AccountSource, Account] | None:
        for source in self.sources:
            try:
                return source, source.get(name_or_id)
            except AccountNotFoundError:
                continue
        return None

    def find(self, name_or_id: str) -> Account | None:
        found = self._lookup(name_or_id)
        return found[1] if found else None

    def _owner(self, name_or_id: str) -> tuple[AccountSource, Account]:
        found = self._lookup(name_or_id)
        if found is None:
            self.get(name_or_id)  # raises the usual not-found error
            raise AssertionError("unreachable")
        return found

    def aws_credentials(self, name_or_id: str) -> AwsCredentials:
        source, account = self._owner(name_or_id)
        return source.aws_credentials(account.id)

    def http_auth_headers(self, name_or_id: str) -> builtins.list[tuple[str, str]]:
        source, account = self._owner(name_or_id)
        return source.http_auth_headers(account.id)

    def secret_values(self) -> set[str]:
        out: set[str] = set()
        for source in self.sources:
            out |= source.secret_values()
        return out

    def _read_secret(self, account: Account, field: str) -> str | None:  # not used: members read their own
        return None
