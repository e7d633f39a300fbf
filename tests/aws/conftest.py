"""Fixtures for tests/aws: a REAL local Lambda service on loopback, driven by an unmodified boto3 client."""
from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from designer.aws import clients
from designer.aws.credentials import AwsCredentials
from designer.locallambda import LocalLambdaService
from tests.aws.realaws import Target, deploy_real_aws, local_target, real_aws_reason

FUNCTIONS = Path(__file__).resolve().parent / "functions"


@pytest.fixture(scope="session")
def functions_dir() -> Path:
    return FUNCTIONS


@pytest.fixture(scope="session")
def service(functions_dir: Path) -> Iterator[Any]:
    """One service for the whole session (faults are cleared around every test)."""
    svc = LocalLambdaService(functions_dir, access_key_id="AKIATESTSESSION0001",
                             secret_access_key="s3cr3t-session-key-0001")
    svc.start()
    try:
        yield svc
    finally:
        svc.stop()


@pytest.fixture()
def svc(service: Any) -> Iterator[Any]:
    service.faults.clear()
    yield service
    service.faults.clear()


@pytest.fixture()
def creds(svc: Any) -> AwsCredentials:
    return AwsCredentials(
        access_key_id=svc.access_key_id,
        secret_access_key=svc.secret_access_key,
        region=svc.region,
        endpoint_url=svc.endpoint,
        label="local",
    )


@pytest.fixture()
def own_service(functions_dir: Path) -> Iterator[Any]:
    """A service this test may stop (cassette replay with the service gone)."""
    svc = LocalLambdaService(functions_dir, access_key_id="AKIATESTOWN00000002",
                             secret_access_key="own-secret-never-stored-42")
    svc.start()
    try:
        yield svc
    finally:
        with contextlib.suppress(Exception):  # already stopped by the test
            svc.stop()


@pytest.fixture()
def closed_port() -> int:
    """A loopback port with nothing listening."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def isolated_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No AWS_* variables, an empty HOME with no ~/.aws, no instance metadata lookups."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "BOTO")):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    clients.clear_client_cache()
    yield home
    clients.clear_client_cache()


@pytest.fixture(scope="session")
def real_aws() -> Iterator[Target]:
    reason = real_aws_reason()
    if reason:
        pytest.skip(reason)
    yield from deploy_real_aws()


@pytest.fixture(params=["local", pytest.param("aws", marks=pytest.mark.aws)])
def target(request: pytest.FixtureRequest) -> Target:
    """The shared invoker tests run against the local service and, opt-in, against real AWS."""
    if request.param == "aws":
        return request.getfixturevalue("real_aws")
    return local_target(request.getfixturevalue("svc"))
