"""The account model: providers, their fields and secrets, and the `Account` value object (no secrets)."""
from __future__ import annotations

import re
import secrets as _secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from designer.credentials.errors import InvalidAccountError

CONNECTED_ACCOUNT_CONTEXT = "cerberusweb.contexts.connected_account"

AWS, HTTP_BASIC, BEARER, HEADERS = "aws", "http_basic", "bearer", "headers"
PROVIDERS = (AWS, HTTP_BASIC, BEARER, HEADERS)

# Non-secret fields each provider accepts (besides nothing else); secrets are listed separately.
PROVIDER_FIELDS: dict[str, tuple[str, ...]] = {
    AWS: ("access_key_id", "region", "endpoint_url", "profile"),
    HTTP_BASIC: ("username", "test_url"),
    BEARER: ("test_url",),
    HEADERS: ("headers", "test_url"),
}
PROVIDER_LABELS = {
    AWS: "Amazon Web Services", HTTP_BASIC: "HTTP Basic auth", BEARER: "Bearer token", HEADERS: "Custom headers",
}
# Words a Cerb chooser query may use for a provider (Cerb's service-provider extension ids included).
PROVIDER_ALIASES: dict[str, tuple[str, ...]] = {
    AWS: ("aws", "amazon", "amazon web services", "wgm.aws.service.provider", "cerb.service.provider.aws"),
    HTTP_BASIC: ("http_basic", "basic", "http basic", "http", "cerb.service.provider.http.basic"),
    BEARER: ("bearer", "token", "http", "cerb.service.provider.http.bearer"),
    HEADERS: ("headers", "header", "http", "custom headers", "cerb.service.provider.http.headers"),
}
DEFAULT_REGION = "us-east-1"

_ID_RE = re.compile(r"^acct-[0-9a-f]{12}$")
_HEADER_NAME_RE = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # RFC 9110 token
_REGION_RE = re.compile(r"^[a-z0-9-]{2,32}$")
_FORBIDDEN_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


def new_account_id() -> str:
    return "acct-" + _secrets.token_hex(6)


def looks_like_id(text: str) -> bool:
    return bool(_ID_RE.match(text))


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Account:
    """A connected account's metadata. It never holds a secret, so `repr`/`str` are always safe.

    `secret_fields` names the secrets that are set in the keyring (names only)."""

    id: str
    name: str
    provider: str
    fields: dict[str, Any] = field(default_factory=dict)
    notes: str = ""
    created_at: str = ""
    updated_at: str = ""
    secret_fields: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # unknown JSON kept verbatim

    __hash__ = None  # type: ignore[assignment]  # holds dicts

    def __str__(self) -> str:
        return f"{self.name} ({self.provider}, {self.id})"

    @property
    def label(self) -> str:
        return self.name

    @property
    def uses_profile(self) -> bool:
        return self.provider == AWS and bool(self.fields.get("profile"))

    def summary(self) -> str:
        """One line of non-secret details, for lists."""
        f = self.fields
        if self.provider == AWS:
            where = f.get("endpoint_url") or "AWS"
            who = f"profile {f['profile']}" if f.get("profile") else f"key {f.get('access_key_id', '?')}"
            return f"{who}, {f.get('region') or DEFAULT_REGION}, {where}"
        if self.provider == HTTP_BASIC:
            return f"user {f.get('username', '?')}"
        if self.provider == HEADERS:
            return "headers " + ", ".join(f.get("headers", []))
        return "bearer token"

    def to_dict(self) -> dict[str, Any]:
        """The metadata record as stored in the metadata file (never secrets)."""
        data = dict(self.extra)
        data.update({
            "id": self.id, "name": self.name, "provider": self.provider, "fields": _copy(self.fields),
            "secret_fields": list(self.secret_fields), "notes": self.notes,
            "created_at": self.created_at, "updated_at": self.updated_at,
        })
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Account:
        known = {"id", "name", "provider", "fields", "secret_fields", "notes", "created_at", "updated_at"}
        return cls(
            id=str(data["id"]), name=str(data["name"]), provider=str(data["provider"]),
            fields=_copy(dict(data.get("fields") or {})), notes=str(data.get("notes") or ""),
            created_at=str(data.get("created_at") or ""), updated_at=str(data.get("updated_at") or ""),
            secret_fields=tuple(data.get("secret_fields") or ()),
            extra={k: v for k, v in data.items() if k not in known},
        )

    def record(self) -> dict[str, Any]:
        """What a Cerb placeholder `{{{<key>_…}}}` can lazy-load about this account (no secrets)."""
        return {"_context": CONNECTED_ACCOUNT_CONTEXT, "_label": self.name, "id": self.id, "name": self.name,
                "service": self.provider, "created": self.created_at, "updated": self.updated_at}


def _copy(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, list | tuple) else v for k, v in fields.items()}


# -- validation ---------------------------------------------------------------------------------------
def normalize_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidAccountError("An account needs a name.", hint="Give a short name such as 'AWS production'.")
    name = name.strip()
    if len(name) > 100 or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InvalidAccountError(f"Invalid account name {name[:100]!r}.",
                                  hint="Use at most 100 printable characters.")
    if looks_like_id(name):
        raise InvalidAccountError(f"'{name}' looks like an account id.", hint="Choose a name that is not an id.")
    return name


def check_provider(provider: Any) -> str:
    if provider not in PROVIDERS:
        raise InvalidAccountError(f"Unknown provider {provider!r}.", hint=f"Use one of: {', '.join(PROVIDERS)}.")
    return str(provider)


def secret_names(provider: str, fields: dict[str, Any]) -> tuple[tuple[str, bool], ...]:
    """(secret field, required) pairs for this provider and fields, in the documented input order."""
    if provider == AWS:
        if fields.get("profile"):
            return ()
        return (("secret_access_key", True), ("session_token", False))
    if provider == HTTP_BASIC:
        return (("password", True),)
    if provider == BEARER:
        return (("token", True),)
    return tuple((h, True) for h in fields.get("headers", []))


def _check_url(key: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidAccountError(f"'{key}' must be an http(s) URL, not {value!r}.",
                                  hint="For example http://127.0.0.1:9001 or https://lambda.us-east-1.amazonaws.com")
    if parts.username or parts.password:
        raise InvalidAccountError(f"'{key}' must not contain credentials.",
                                  hint="Put secrets in the account's secrets, never in a URL.")
    return value


def normalize_fields(provider: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalize a provider's non-secret fields (empty values dropped)."""
    allowed = PROVIDER_FIELDS[provider]
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key not in allowed:
            raise InvalidAccountError(f"'{key}' is not a field of {provider} accounts.",
                                      hint=f"{provider} accounts take: {', '.join(allowed)}.")
        if value is None or value == "" or value == []:
            continue
        if key == "headers":
            names = [value] if isinstance(value, str) else list(value)
            seen: dict[str, str] = {}
            for h in names:
                h = str(h).strip()
                if not _HEADER_NAME_RE.match(h) or h.lower() in _FORBIDDEN_HEADERS:
                    raise InvalidAccountError(f"Invalid header name {h!r}.", hint="Use a name like X-Api-Key.")
                if h.lower() in seen:
                    raise InvalidAccountError(f"Header {h!r} is listed twice.", hint="List each header once.")
                seen[h.lower()] = h
            out[key] = list(seen.values())
            continue
        if not isinstance(value, str):
            raise InvalidAccountError(f"'{key}' must be text.", hint="")
        value = value.strip()
        if any(ord(c) < 32 for c in value):
            raise InvalidAccountError(f"'{key}' contains control characters.", hint="Remove line breaks and tabs.")
        if key in ("endpoint_url", "test_url"):
            value = _check_url(key, value)
        elif key == "region" and not _REGION_RE.match(value):
            raise InvalidAccountError(f"Invalid AWS region {value!r}.", hint="For example us-east-1.")
        elif key == "username" and ":" in value:
            raise InvalidAccountError("A Basic auth username cannot contain ':'.", hint="Check the username.")
        out[key] = value
    if provider == AWS:
        out.setdefault("region", DEFAULT_REGION)
        if out.get("profile") and out.get("access_key_id"):
            raise InvalidAccountError("An AWS account uses either a profile or access keys, not both.",
                                      hint="Drop --profile, or drop --access-key-id and the secret.")
        if not out.get("profile") and not out.get("access_key_id"):
            raise InvalidAccountError("An AWS account needs an access key id (or a profile name).",
                                      hint="Pass --access-key-id AKIA… (the secret is asked for), or --profile NAME.")
    elif provider == HTTP_BASIC and not out.get("username"):
        raise InvalidAccountError("An http_basic account needs a username.", hint="Pass --username NAME.")
    elif provider == HEADERS and not out.get("headers"):
        raise InvalidAccountError("A headers account needs at least one header name.",
                                  hint="Pass --header X-Api-Key (its value is asked for as a secret).")
    return out


def normalize_secrets(provider: str, fields: dict[str, Any], secrets: dict[str, Any]) -> dict[str, str | None]:
    """Map given secrets onto the provider's secret names (header names case-insensitively); None = remove."""
    names = [n for n, _ in secret_names(provider, fields)]
    by_lower = {n.lower(): n for n in names}
    out: dict[str, str | None] = {}
    for key, value in secrets.items():
        name = by_lower.get(str(key).lower()) if provider == HEADERS else (key if key in names else None)
        if name is None:
            expected = ", ".join(names) or "none (this account uses a profile)"
            raise InvalidAccountError(f"'{key}' is not a secret of this {provider} account.",
                                      hint=f"Its secrets are: {expected}.")
        if value is None or value == "":
            out[name] = None
            continue
        if not isinstance(value, str):
            raise InvalidAccountError(f"The secret '{name}' must be text.", hint="")
        if "\n" in value or "\r" in value or "\0" in value:
            raise InvalidAccountError(f"The secret '{name}' contains a line break.",
                                      hint="Secrets are single-line values.")
        out[name] = value
    return out
