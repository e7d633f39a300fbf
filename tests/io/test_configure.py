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


def several_prompts(tmp_path):
    data = json.loads(SAMPLE_PACKAGE.read_text())
    prompts = data["package"]["configure"]["prompts"]
    prompts[1]["params"]["default"] = ""  # aws_region: now required too
    prompts.append({"type": "picklist", "label": "Tier:", "key": "tier", "params": {"options": ["gold", "silver"]}})
    prompts.append({"type": "text", "label": "Greeting:", "key": "greeting", "params": {"default": "Hi"}})
    path = tmp_path / "prompts.json"
    path.write_text(json.dumps(data, indent=4))
    return path


def test_export_set_names_each_missing_prompt(tmp_path):
    path = several_prompts(tmp_path)
    out = tmp_path / "ready.json"
    result = run_cli("export", str(path), "-o", str(out), "--set", "aws_account_id=4")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "'AWS Region:' (aws_region) is required." in result.stderr
    assert "'Tier:' (tier) is required." in result.stderr
    assert "aws_account_id" not in result.stderr and "greeting" not in result.stderr  # given / has a default
    assert "--set KEY=VALUE" in result.stderr and not out.exists()
    with pytest.raises(ConfigureError) as info:
        configure_package(load_package(path), {})
    assert info.value.missing == ["aws_account_id", "aws_region", "tier"]


def test_export_set_checks_picklists_and_unknown_keys(tmp_path):
    path = several_prompts(tmp_path)
    result = run_cli("export", str(path), "-o", "-", "--set", "aws_account_id=4", "--set", "aws_region=eu-west-1",
                     "--set", "tier=bronze", "--set", "colour=red")
    assert result.returncode == 2
    assert "'Tier:' (tier) must be one of: gold, silver." in result.stderr
    assert "unknown prompt(s): colour" in result.stderr
    result = run_cli("export", str(path), "-o", "-", "--set", "aws_account_id=4", "--set", "aws_region=eu-west-1",
                     "--set", "tier=gold")
    assert result.returncode == 0, result.stderr
    ready = json.loads(result.stdout)
    assert "{{{" not in result.stdout and ready["package"]["configure"]["prompts"][2]["key"] == "tier"


def test_configuring_keeps_key_order_and_behaviors_own_templates():
    package = load_package(SAMPLE_PACKAGE)
    resolved = configure_package(package, {"aws_account_id": "7"}).package.to_json()
    original = package.to_json()

    def key_paths(value, path=""):
        if isinstance(value, dict):
            yield path, list(value)
            for k, v in value.items():
                yield from key_paths(v, f"{path}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                yield from key_paths(v, f"{path}[{i}]")

    assert list(key_paths(resolved)) == list(key_paths(original))
    templates = [s for s in json.dumps(original).split('"') if "{{" in s and "{{{" not in s]
    assert templates and all(t in json.dumps(resolved) for t in templates)


def test_configuring_a_deeply_nested_value_does_not_hit_the_recursion_limit():
    package = load_package(SAMPLE_PACKAGE)
    action = package.behavior_by_uid("behavior_181").children[0].actions[0]
    deep: object = "{{{aws_region}}}"
    for _ in range(2000):
        deep = [deep]
    action["deep"] = deep
    rendered = configure_package(package, {"aws_account_id": "7"}).package.behavior_by_uid("behavior_181")
    value = rendered.children[0].actions[0]["deep"]
    for _ in range(2000):
        value = value[0]
    assert value == "us-west-2"
