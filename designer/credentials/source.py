"""`AccountSource`: the read API the simulator, the Lambda CLI and the package wiring code against, shared
by the persistent `AccountStore` and the in-memory `EphemeralAccounts`."""
from __future__ import annotations

import builtins  # in the classes below, `list` names their method: annotations say `builtins.list`
from abc import ABC, abstractmethod
from typing import Protocol, runtime_checkable

from designer.aws.credentials import AwsCredentials
from designer.credentials import query as _query
from designer.credentials.errors import AccountError, AccountNotFoundError, SecretMissingError
from designer.credentials.masking import register_basic_auth, register_secret
from designer.credentials.model import (
    AWS,
    BEARER,
    DEFAULT_REGION,
    HEADERS,
    HTTP_BASIC,
    Account,
    looks_like_id,
)


@runtime_checkable
class AccountSource(Protocol):
    """What consumers need: find accounts, and turn one into credentials at call time."""

    def list(self) -> list[Account]: ...

    def get(self, name_or_id: str) -> Account: ...

    def match_prompt(self, query: str) -> builtins.list[Account]: ...

    def aws_credentials(self, name_or_id: str) -> AwsCredentials: ...

    def http_auth_headers(self, name_or_id: str) -> builtins.list[tuple[str, str]]: ...

    def secret_values(self) -> set[str]: ...


class AccountReader(ABC):
    """The shared read logic; subclasses provide `list()` and `_read_secret()`."""

    @abstractmethod
    def list(self) -> list[Account]: ...

    @abstractmethod
    def _read_secret(self, account: Account, field: str) -> str | None: ...

    # -- lookup -------------------------------------------------------------------------------------------
    def find(self, name_or_id: str) -> Account | None:
        key = (name_or_id or "").strip()
        accounts = self.list()
        for a in accounts:
            if a.id == key:
                return a
        folded = key.casefold()
        for a in accounts:
            if a.name.casefold() == folded:
                return a
        return None

    def get(self, name_or_id: str) -> Account:
        account = self.find(name_or_id)
        if account is None:
            names = ", ".join(a.name for a in self.list()) or "none yet"
            what = "id" if looks_like_id((name_or_id or "").strip()) else "name"
            raise AccountNotFoundError(f"No connected account with the {what} '{name_or_id}'.",
                                       hint=f"Known accounts: {names}. Add one with `bot-designer accounts add`.")
        return account

    def match_prompt(self, query: str) -> builtins.list[Account]:
        return _query.match(query, self.list())

    # -- secrets at call time -----------------------------------------------------------------------------
    def _secret(self, account: Account, field: str, *, required: bool = True) -> str:
        value = self._read_secret(account, field)
        if not value:
            if required or field in account.secret_fields:
                raise SecretMissingError(account.name, field)
            return ""
        register_secret(value)
        return value

    def aws_credentials(self, name_or_id: str) -> AwsCredentials:
        account = self.get(name_or_id)
        if account.provider != AWS:
            raise AccountError(f"The account '{account.name}' is a {account.provider} account, not an AWS one.",
                               hint="Choose an AWS account for Lambda calls.")
        f = account.fields
        common = {"region": f.get("region") or DEFAULT_REGION, "endpoint_url": f.get("endpoint_url", ""),
                  "label": account.name}
        if f.get("profile"):
            return AwsCredentials(profile=f["profile"], **common)
        return AwsCredentials(
            access_key_id=f.get("access_key_id", ""),
            secret_access_key=self._secret(account, "secret_access_key"),
            session_token=self._secret(account, "session_token", required=False),
            **common,
        )

    def http_auth_headers(self, name_or_id: str) -> builtins.list[tuple[str, str]]:
        account = self.get(name_or_id)
        if account.provider == HTTP_BASIC:
            token = register_basic_auth(account.fields.get("username", ""), self._secret(account, "password"))
            return [("Authorization", f"Basic {token}")]
        if account.provider == BEARER:
            return [("Authorization", f"Bearer {self._secret(account, 'token')}")]
        if account.provider == HEADERS:
            return [(h, self._secret(account, h)) for h in account.fields.get("headers", [])]
        raise AccountError(f"The account '{account.name}' is an AWS account: it signs requests (SigV4) "
                           "instead of adding fixed headers.",
                           hint="Use aws_credentials() with designer.aws.sigv4 for AWS requests.")

    def secret_values(self) -> set[str]:
        """Every secret this source can currently read (for masking). Unreadable ones are skipped."""
        out: set[str] = set()
        for account in self.list():
            for field in account.secret_fields:
                try:
                    value = self._read_secret(account, field)
                except AccountError:
                    continue
                if value:
                    register_secret(value)
                    out.add(value)
        return out
