"""Import configuration: prompts, placeholders, one-pass {{{ }}} rendering, uid links."""
from __future__ import annotations

import json

import pytest

from designer.io import ConfigureError, configure_package, load_package
from tests.conftest import FIXTURE_PACKAGES, ROOT, SAMPLE_PACKAGE
from tests.io.test_save_and_cli import run_cli


def test_sample_configured():
    package = load_package(SAMPLE_PACKAGE)
    configured = configure_package(package, {"aws_account_id": "7"})
    chat_id = configured.id_of("behavior_180")
    resolved = configured.package
    invoke = resolved.behavior_by_uid("behavior_181")
    http = invoke.children[0].actions[1]
    assert http["http_url"] == "https://lambda.us-west-2.amazonaws.com/2015-03-31/functions/CerbDnsLookup/invocations"
    assert http["auth_connected_account_id"] == "7"
    # behaviors' own templates are untouched
    assert "{{_http_response.body|json_pretty}}" in json.dumps(invoke.to_json())
    interaction = resolved.behavior_by_uid("behavior_179")
    switch = interaction.children[0].children[0].children[0].actions[0]
    assert switch["behavior_id"] == str(chat_id)
    assert configured.behavior_by_id(switch["behavior_id"]).uid == "behavior_180"
    assert configured.placeholders["aws_account__context"] == "cerberusweb.contexts.connected_account"
    # editing copy untouched: still the template
    assert "{{{aws_region}}}" in json.dumps(package.to_json())


def test_missing_prompts_named():
    package = load_package(SAMPLE_PACKAGE)
    with pytest.raises(ConfigureError) as info:
        configure_package(package, {})
    assert info.value.missing == ["aws_account_id"]
    assert "'AWS Account:' (aws_account_id) is required." in str(info.value)


@pytest.mark.parametrize("path", FIXTURE_PACKAGES, ids=lambda p: p.name)
def test_every_fixture_configures(path):
    package = load_package(path)
    values = {p["key"]: "1" for p in package.prompts if p.get("type") == "chooser"}
    configured = configure_package(package, values)
    text = json.dumps(configured.package.to_json())
    assert "{{{" not in text


def test_random_placeholder_rendered():
    package = load_package(next(p for p in FIXTURE_PACKAGES if p.name == "sync-accounts.json"))
    text = json.dumps(configure_package(package).package.to_json())
    assert "random_string" not in text


def test_export_set_writes_a_ready_package(tmp_path):
    out = tmp_path / "ready.json"
    result = run_cli("export", str(SAMPLE_PACKAGE), "-o", str(out), "--set", "aws_account_id=3", "--set",
                     "aws_region=eu-west-1")
    assert result.returncode == 0, result.stderr
    assert "lambda.eu-west-1.amazonaws.com" in out.read_text()
    missing = run_cli("export", str(SAMPLE_PACKAGE), "-o", str(out), "--configure")
    assert missing.returncode == 2 and "aws_account_id" in missing.stderr
    assert ROOT
