"""Where the invoker tests run: the local Lambda service, or (opt-in, marker `aws`) a real Lambda.

Real AWS runs when BOT_DESIGNER_AWS_TESTS=1, boto3 finds credentials (keys, AWS_PROFILE, SSO…) and
BOT_DESIGNER_AWS_ROLE names an execution role ARN: the test functions of tests/aws/functions are deployed
under unique names for the session (with the aliases their function.json defines) and deleted
afterwards. BOT_DESIGNER_AWS_ENDPOINT_URL points the same run at any Lambda-compatible endpoint.
"""
from __future__ import annotations

import io
import json
import os
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import boto3

from designer.aws import clients
from designer.aws.credentials import AwsCredentials

FUNCTIONS = Path(__file__).resolve().parent / "functions"
DEPLOYED = ("Echo", "Raiser", "Sleeper")  # the functions the shared invoker tests call


@dataclass(frozen=True)
class Target:
    """A Lambda to test against: credentials, and the real names of the test functions there."""

    kind: str  # "local" | "aws"
    creds: AwsCredentials
    account_id: str
    names: dict[str, str] = field(default_factory=dict)
    role_arn: str = "arn:aws:iam::123456789012:role/lambda-exec"
    python_runtime: str = "python3.11"

    def fn(self, name: str) -> str:
        return self.names.get(name, name)

    def arn(self, name: str) -> str:
        return f"arn:aws:lambda:{self.creds.region}:{self.account_id}:function:{self.fn(name)}"


def real_aws_reason() -> str:
    """Why the real-AWS variant is skipped ('' when it runs)."""
    if os.environ.get("BOT_DESIGNER_AWS_TESTS") != "1":
        return "set BOT_DESIGNER_AWS_TESTS=1 (with AWS credentials and BOT_DESIGNER_AWS_ROLE) to run against AWS"
    if boto3.session.Session().get_credentials() is None:
        return "BOT_DESIGNER_AWS_TESTS=1 but boto3 finds no AWS credentials"
    if not os.environ.get("BOT_DESIGNER_AWS_ROLE"):
        return "set BOT_DESIGNER_AWS_ROLE to an execution role ARN the test functions can be created with"
    return ""


def _zip(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            if f.is_file() and f.name != "function.json":
                zf.write(f, f.name)
    return buf.getvalue()


def deploy_real_aws() -> Iterator[Target]:
    """Deploy the test functions, yield the target, delete them (even when a test failed)."""
    session = boto3.session.Session()
    frozen = session.get_credentials().get_frozen_credentials()
    # explicit keys (not the profile), so tests can make a wrong-secret and an unknown-key variant
    creds = AwsCredentials(
        access_key_id=frozen.access_key, secret_access_key=frozen.secret_key, session_token=frozen.token or "",
        region=session.region_name or os.environ.get("AWS_REGION") or "us-east-1",
        endpoint_url=os.environ.get("BOT_DESIGNER_AWS_ENDPOINT_URL", ""), label="real AWS tests",
    )
    runtime = os.environ.get("BOT_DESIGNER_AWS_RUNTIME", "python3.12")
    role = os.environ["BOT_DESIGNER_AWS_ROLE"]
    client = clients.lambda_client(creds)
    prefix = f"bot-designer-test-{uuid.uuid4().hex[:8]}"
    names: dict[str, str] = {}
    account_id = ""
    try:
        for name in DEPLOYED:
            spec = json.loads((FUNCTIONS / name / "function.json").read_text())
            real = f"{prefix}-{name}"
            created = client.create_function(
                FunctionName=real, Runtime=runtime, Role=role, Handler=spec["handler"],
                Code={"ZipFile": _zip(FUNCTIONS / name)}, Timeout=int(spec.get("timeout", 10)),
                Description=f"bot-designer test run: {spec.get('description', '')}"[:256],
                Tags={"created-by": "bot-designer-tests"})
            names[name] = real
            account_id = created["FunctionArn"].split(":")[4]
            client.get_waiter("function_active_v2").wait(FunctionName=real)
            for alias, version in (spec.get("aliases") or {}).items():
                client.create_alias(FunctionName=real, Name=alias, FunctionVersion=version)
        yield Target("aws", creds, account_id, names, role_arn=role, python_runtime=runtime)
    finally:
        for real in names.values():
            try:
                client.delete_function(FunctionName=real)
            except Exception as exc:  # noqa: BLE001 - report, keep deleting the others
                print(f"could not delete the test function {real}: {exc}")


def local_target(svc: Any) -> Target:
    creds = AwsCredentials(access_key_id=svc.access_key_id, secret_access_key=svc.secret_access_key,
                           region=svc.region, endpoint_url=svc.endpoint, label="local")
    return Target("local", creds, svc.account_id)


def with_secret(target: Target, secret: str) -> AwsCredentials:
    return replace(target.creds, secret_access_key=secret)


def with_key(target: Target, key: str) -> AwsCredentials:
    return replace(target.creds, access_key_id=key, session_token="")
