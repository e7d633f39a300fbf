"""Fixtures: one local Lambda service (sample + test functions) shared by the module, and boto3 clients."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from designer.locallambda import LocalLambdaService

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent.parent / "packages" / "functions"
TEST_FUNCTIONS = HERE / "functions"


def make_client(svc: LocalLambdaService, *, key: str | None = None, secret: str | None = None) -> Any:
    return boto3.client(
        "lambda", endpoint_url=svc.endpoint, region_name=svc.region,
        aws_access_key_id=key or svc.access_key_id, aws_secret_access_key=secret or svc.secret_access_key,
        config=Config(retries={"total_max_attempts": 1}, read_timeout=20, connect_timeout=5),
    )


@pytest.fixture(scope="module")
def functions_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("functions")
    for src in (SAMPLES, TEST_FUNCTIONS):
        for folder in src.iterdir():
            if (folder / "function.json").is_file():
                shutil.copytree(folder, root / folder.name)
    return root


@pytest.fixture(scope="module")
def svc(functions_dir: Path) -> Iterator[LocalLambdaService]:
    with LocalLambdaService(functions_dir, concurrency=6) as service:
        service.invoker.async_retry_delays = (0.1, 0.1)
        yield service


@pytest.fixture()
def client(svc: LocalLambdaService) -> Any:
    svc.faults.clear()
    return make_client(svc)
