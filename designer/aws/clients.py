"""boto3 Lambda clients, cached per account/region/endpoint, with boto3's own retries off (we own the policy)."""
from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

from designer.aws.credentials import AwsCredentials

_lock = threading.Lock()
_clients: dict[tuple[Any, ...], Any] = {}


def lambda_client(creds: AwsCredentials, *, read_timeout: float = 70.0, connect_timeout: float = 5.0) -> Any:
    """A boto3 `lambda` client for these credentials; one per (account, region, endpoint, timeouts)."""
    key = (*creds.cache_key(), read_timeout, connect_timeout)
    with _lock:
        client = _clients.get(key)
        if client is None:
            config = Config(
                retries={"total_max_attempts": 1, "mode": "standard"},
                read_timeout=read_timeout,
                connect_timeout=connect_timeout,
                max_pool_connections=32,
            )
            if creds.profile:
                session = boto3.session.Session(profile_name=creds.profile, region_name=creds.region or None)
            else:
                session = boto3.session.Session(
                    aws_access_key_id=creds.access_key_id or None,
                    aws_secret_access_key=creds.secret_access_key or None,
                    aws_session_token=creds.session_token or None,
                    region_name=creds.region or None,
                )
            client = session.client("lambda", endpoint_url=creds.endpoint_url or None, config=config)
            _clients[key] = client
        return client


def clear_client_cache() -> None:
    with _lock:
        _clients.clear()
