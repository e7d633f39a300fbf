"""`accounts test` of an AWS account against the embedded Lambda service."""
from __future__ import annotations

import json

import pytest

from designer import locallambda
from designer.credentials import AccountStore, EphemeralAccounts
from designer.credentials.probe import probe_aws
from tests.credentials.conftest import secret_value, unique


@pytest.fixture
def service():  # type: ignore[no-untyped-def]
    svc = locallambda.LocalLambdaService(None, access_key_id="AKIALOCALTEST", secret_access_key=secret_value("ll"))
    svc.start()
    yield svc
    svc.stop()


def test_ephemeral_account_against_local_lambda(service) -> None:
    eph = EphemeralAccounts()
    eph.add_aws("Local", access_key_id=service.access_key_id, secret_access_key=service.secret_access_key,
                region=service.region, endpoint_url=service.endpoint)
    outcome = probe_aws(eph.aws_credentials("Local"))
    assert outcome.ok, outcome.message
    assert service.secret_access_key not in json.dumps(outcome.to_dict())

    eph.add_aws("Wrong", access_key_id=service.access_key_id, secret_access_key="not-the-secret-123",
                region=service.region, endpoint_url=service.endpoint)
    bad = probe_aws(eph.aws_credentials("Wrong"))
    assert not bad.ok and "rejected" in bad.message and "accounts edit" in bad.hint


@pytest.mark.keyring
def test_stored_account_test_against_local_lambda(real_store: AccountStore, service, config_dir) -> None:
    from tests.credentials.test_accounts_cli import run

    name = unique("Local Lambda")
    real_store.add(name, "aws", fields={"access_key_id": service.access_key_id, "region": service.region,
                                        "endpoint_url": service.endpoint},
                   secrets={"secret_access_key": service.secret_access_key})
    assert real_store.test(name).ok
    r = run(config_dir, "accounts", "test", name, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["ok"] is True
    assert service.secret_access_key not in r.stdout + r.stderr


def test_profile_account_that_does_not_exist(tmp_path, monkeypatch) -> None:
    config = tmp_path / "aws-config"
    config.write_text("[profile other]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    eph = EphemeralAccounts()
    eph.add("SSO", "aws", fields={"profile": "missing-profile"})
    outcome = probe_aws(eph.aws_credentials("SSO"))
    assert not outcome.ok and "missing-profile" in outcome.message and "aws configure" in outcome.hint
