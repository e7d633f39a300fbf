"""What the Lambda layer needs to reach AWS (or the local Lambda service): a value object, never persisted.

Connected accounts (designer.credentials) produce these at call time; nothing here reads the keyring.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Called with every AwsCredentials made: the credentials layer registers its secrets for log masking here.
CREATED_HOOKS: list[Callable[[Any], None]] = []


@dataclass(frozen=True)
class AwsCredentials:
    """Keys, or a profile name from the standard AWS config files (SSO included), plus where to send calls."""

    access_key_id: str = ""
    secret_access_key: str = field(default="", repr=False)
    session_token: str = field(default="", repr=False)
    region: str = "us-east-1"
    endpoint_url: str = ""  # an override: the local Lambda service, LocalStack, …
    profile: str = ""  # use this profile instead of keys
    label: str = ""  # the account's name, for error messages

    def __post_init__(self) -> None:
        for hook in CREATED_HOOKS:
            hook(self)

    def cache_key(self) -> tuple[str, ...]:
        """Identifies a client: same account, keys, region and endpoint → same boto3 client.

        The secret and token enter only as a digest, so a re-entered secret gets a new client.
        """
        digest = hashlib.sha256(f"{self.secret_access_key}\0{self.session_token}".encode()).hexdigest()[:16]
        return (self.profile, self.access_key_id, digest, self.region, self.endpoint_url)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.secret_access_key, self.session_token) if s)
