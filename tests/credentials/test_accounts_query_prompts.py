"""Cerb chooser queries, prompt pre-selection and binding, and the ephemeral source."""
from __future__ import annotations

import json

import pytest

from designer.credentials import (
    CONNECTED_ACCOUNT_CONTEXT,
    AccountChain,
    AccountSource,
    AccountStore,
    EphemeralAccounts,
    PromptBindingError,
    bind_prompts,
    preselect,
)
from tests.conftest import SAMPLE_PACKAGE


@pytest.fixture
def source() -> EphemeralAccounts:
    eph = EphemeralAccounts()
    eph.add_aws("AWS prod", access_key_id="AKIA1", secret_access_key="secret-one-1234", region="us-west-2")
    eph.add_aws("amazon dev", access_key_id="AKIA2", secret_access_key="secret-two-1234")
    eph.add("Slack", "bearer", secrets={"token": "xoxb-12345678"})
    eph.add("slackbot legacy", "http_basic", fields={"username": "bot"}, secrets={"password": "pw-12345678"})
    eph.add("Zendesk", "headers", fields={"headers": ["X-Api-Key"]}, secrets={"X-Api-Key": "zd-12345678"})
    return eph


@pytest.mark.parametrize("query, expected", [
    ("aws OR amazon", ["amazon dev", "AWS prod"]),
    ("name:slack", ["Slack", "slackbot legacy"]),
    ("provider:aws", ["amazon dev", "AWS prod"]),
    ("service:(name:aws)", ["amazon dev", "AWS prod"]),
    ('"AWS prod"', ["AWS prod"]),
    ("aws prod", ["AWS prod"]),
    ("name:slack*", ["Slack", "slackbot legacy"]),
    ("-provider:aws provider:bearer", ["Slack"]),
    ("zendesk sort:name limit:10", ["Zendesk"]),
    ("nothing-like-this", []),
])
def test_match_prompt(source: EphemeralAccounts, query: str, expected: list[str]) -> None:
    assert [a.name for a in source.match_prompt(query)] == expected


def test_best_match_first(source: EphemeralAccounts) -> None:
    source.add_aws("slack aws bridge", access_key_id="AKIA3", secret_access_key="secret-three-123")
    # an exact name beats a word match beats a provider alias
    assert next(a.name for a in source.match_prompt("name:slack")) == "Slack"


PROMPTS = [
    {"type": "chooser", "label": "AWS Account", "key": "aws_account_id",
     "params": {"context": CONNECTED_ACCOUNT_CONTEXT, "query": "aws OR amazon", "single": True}},
    {"type": "text", "label": "Region", "key": "aws_region", "params": {"default": "us-east-1"}},
    {"type": "chooser", "label": "Slack", "key": "slack",
     "params": {"context": CONNECTED_ACCOUNT_CONTEXT, "query": "name:slack", "single": True}},
    {"type": "chooser", "label": "Worker", "key": "worker_id", "params": {"context": "cerberusweb.contexts.worker"}},
]


def test_preselect_and_bind(source: EphemeralAccounts) -> None:
    pre = preselect(PROMPTS, source)
    assert list(pre) == ["aws_account_id", "slack"]
    assert [a.name for a in pre["aws_account_id"]] == ["amazon dev", "AWS prod"]
    values = bind_prompts(PROMPTS, source, {"aws_account_id": "aws PROD", "slack": "Slack"})
    prod, slack = source.get("AWS prod"), source.get("Slack")
    assert values == {"aws_account_id": prod.id, "aws_account__context": CONNECTED_ACCOUNT_CONTEXT, "slack": slack.id}
    dumped = json.dumps(values)
    assert "secret" not in dumped and "xoxb" not in dumped


def test_bind_requires_a_choice_when_ambiguous(source: EphemeralAccounts) -> None:
    with pytest.raises(PromptBindingError, match="Several accounts match"):
        bind_prompts(PROMPTS[:1], source)
    with pytest.raises(PromptBindingError, match="no prompt"):
        bind_prompts(PROMPTS, source, {"aws_acount_id": "AWS prod"})
    with pytest.raises(PromptBindingError, match="No connected account"):
        bind_prompts(PROMPTS[:1], source, {"aws_account_id": "missing"})


def test_bind_single_match_is_automatic() -> None:
    eph = EphemeralAccounts()
    local = eph.add_aws("Local Lambda", access_key_id="AKIALOCAL", secret_access_key="local-secret-123",
                        endpoint_url="http://127.0.0.1:9001")
    assert bind_prompts(PROMPTS[:2], eph) == {"aws_account_id": local.id,
                                              "aws_account__context": CONNECTED_ACCOUNT_CONTEXT}
    creds = eph.aws_credentials(local.id)
    assert creds.endpoint_url == "http://127.0.0.1:9001" and creds.secret_access_key == "local-secret-123"


def test_bind_only_some_prompts() -> None:
    eph = EphemeralAccounts()
    local = eph.add_aws("Local Lambda (simulator)", access_key_id="AKIALOCAL", secret_access_key="local-secret-1")
    # the Slack prompt has no match in this source, but only the AWS one is asked for
    assert bind_prompts(PROMPTS, eph, only=["aws_account_id"])["aws_account_id"] == local.id
    with pytest.raises(PromptBindingError, match="Slack"):
        bind_prompts(PROMPTS, eph)


class _ForeignSource:
    """An AccountSource that is not an AccountReader (only the protocol)."""

    def __init__(self) -> None:
        self.inner = EphemeralAccounts()
        self.inner.add("Foreign", "bearer", secrets={"token": "foreign-token-1"})

    def list(self):  # type: ignore[no-untyped-def]
        return self.inner.list()

    def get(self, name_or_id):  # type: ignore[no-untyped-def]
        return self.inner.get(name_or_id)

    def match_prompt(self, query):  # type: ignore[no-untyped-def]
        return self.inner.match_prompt(query)

    def aws_credentials(self, name_or_id):  # type: ignore[no-untyped-def]
        return self.inner.aws_credentials(name_or_id)

    def http_auth_headers(self, name_or_id):  # type: ignore[no-untyped-def]
        return self.inner.http_auth_headers(name_or_id)

    def secret_values(self):  # type: ignore[no-untyped-def]
        return self.inner.secret_values()


def test_chain_over_any_account_source(source: EphemeralAccounts) -> None:
    foreign = _ForeignSource()
    chain = AccountChain(source, foreign)
    assert isinstance(foreign, AccountSource)
    assert chain.http_auth_headers("foreign") == [("Authorization", "Bearer foreign-token-1")]
    assert chain.get(foreign.get("Foreign").id).name == "Foreign"
    assert "foreign-token-1" in chain.secret_values()
    with pytest.raises(Exception, match="No connected account"):
        chain.get("nobody")


def test_sample_package_prompts(source: EphemeralAccounts) -> None:
    if not SAMPLE_PACKAGE.exists():
        pytest.skip("sample package not present")
    prompts = json.loads(SAMPLE_PACKAGE.read_text())["package"]["configure"]["prompts"]
    keys = list(preselect(prompts, source))
    assert keys, "the sample package has a connected-account prompt"
    values = bind_prompts(prompts, source, {keys[0]: "AWS prod"})
    assert values[keys[0]] == source.get("AWS prod").id


def test_sources_share_the_protocol(memory_keyring, config_dir, source) -> None:
    store = AccountStore(config_dir)
    store.add("Stored", "bearer", secrets={"token": "stored-token-1234"})
    chain = AccountChain(source, store)
    for s in (store, source, chain):
        assert isinstance(s, AccountSource)
    assert [a.name for a in chain.match_prompt("name:stored")] == ["Stored"]
    assert chain.http_auth_headers("stored") == [("Authorization", "Bearer stored-token-1234")]
    assert chain.aws_credentials("AWS prod").region == "us-west-2"
    assert "xoxb-12345678" in source.secret_values()


def test_ephemeral_http_headers(source: EphemeralAccounts) -> None:
    assert source.http_auth_headers("Zendesk") == [("X-Api-Key", "zd-12345678")]
    assert source.http_auth_headers("slackbot legacy")[0][1].startswith("Basic ")
    with pytest.raises(Exception, match="signs requests"):
        source.http_auth_headers("AWS prod")
    with pytest.raises(Exception, match="not an AWS one"):
        source.aws_credentials("Slack")
