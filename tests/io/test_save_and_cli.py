"""Atomic saves and the package commands (run as real subprocesses, as a user would)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from designer.io import SaveError, load_package, save_package
from tests.conftest import FIXTURE_PACKAGES, ROOT, SAMPLE_PACKAGE


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "designer", *args], capture_output=True, text=True, input=stdin,
                          cwd=ROOT, timeout=120)


def test_save_is_atomic_and_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "p.json"
    package = load_package(SAMPLE_PACKAGE)
    save_package(package, target)
    before = target.read_bytes()
    package.set_field(package.bots[0], "name", "Changed")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(SaveError, match="previous file is unchanged"):
        save_package(package, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.json"]  # no temp file left behind


def test_save_into_missing_folder_is_a_clean_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SaveError, match="cannot save"):
        save_package(load_package(SAMPLE_PACKAGE), blocker / "p.json")


def test_validate_all_fixtures_ok():
    result = run_cli("validate", *map(str, FIXTURE_PACKAGES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": ok (") == len(FIXTURE_PACKAGES)


def test_validate_json_and_exit_code_for_invalid(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"package": {}, "bots": [{"uid": 1}]}')
    result = run_cli("validate", "--json", str(bad), str(SAMPLE_PACKAGE))
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report[0]["ok"] is False and report[1]["ok"] is True
    assert {p["path"] for p in report[0]["problems"]} >= {"bots[0]"}
    assert all(p["line"] == 1 for p in report[0]["problems"])
    assert "Traceback" not in result.stderr


def test_export_round_trip(tmp_path):
    out = tmp_path / "out.json"
    result = run_cli("export", str(SAMPLE_PACKAGE), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text()) == json.loads(SAMPLE_PACKAGE.read_text())
    assert out.read_text().startswith('{\n    "package"')


def test_show_prints_the_tree():
    result = run_cli("show", str(SAMPLE_PACKAGE), "--behavior", "behavior_180")
    assert result.returncode == 0
    assert "- loop: Menu — for each [\"*\"] as iterations" in result.stdout
    assert "- outcome: Hostname — message is \"Hostname\"" in result.stdout
    assert "Get interactions" not in result.stdout


def test_help_everywhere():
    for args in ([], ["validate"], ["export"], ["show"]):
        result = run_cli(*args, "--help")
        assert result.returncode == 0 and "usage:" in result.stdout


def test_bad_set_is_a_clean_error():
    result = run_cli("export", str(SAMPLE_PACKAGE), "-o", "-", "--set", "novalue")
    assert result.returncode == 1 and "KEY=VALUE" in result.stderr and "Traceback" not in result.stderr


def test_readme_starts_with_the_two_commands():
    lines = [line for line in (ROOT / "README.md").read_text().splitlines()[:12] if line.strip().startswith("scripts/")]
    assert lines[:2] == ["scripts/run-designer", "scripts/test"]
    assert Path(ROOT / ".ci" / "run").read_text().count("scripts/test") == 1


def test_save_follows_a_symlink_and_keeps_it(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    save_package(load_package(SAMPLE_PACKAGE), link)
    assert link.is_symlink() and json.loads(real.read_text())["package"]["name"] == "AWS Lambda Bot"


def test_save_to_a_fifo_writes_into_it_instead_of_replacing_it(tmp_path):
    """`export -o /dev/stdout` or a pipe: renaming a temporary file over a device would replace the device."""
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    save_package(load_package(SAMPLE_PACKAGE), fifo)
    reader.join(timeout=60)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received[0])["package"]["name"] == "AWS Lambda Bot"
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_help_on_every_command_and_subcommand(capsys):
    """Every (sub)command of the parser answers --help, found by walking the parser (so new ones are covered)."""
    import argparse

    from designer.cli import build_parser, main

    def commands(parser, prefix):
        yield prefix
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from commands(sub, [*prefix, name])

    found = list(commands(build_parser(), []))
    assert {"validate", "export", "show"} <= {c[0] for c in found if c}
    for command in found:
        with pytest.raises(SystemExit) as exit_info:
            main([*command, "--help"])
        out = capsys.readouterr().out
        assert exit_info.value.code == 0 and out.startswith("usage: bot-designer"), command
        assert "--help" in out


def test_export_of_invalid_input_exits_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"package": {"name": "x"}, "bots": [{"uid": "b"}]}')
    out = tmp_path / "out.json"
    result = run_cli("export", str(bad), "-o", str(out))
    assert result.returncode == 2 and "bots[0]" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_validate_reports_lint_with_positions(tmp_path):
    data = json.loads(SAMPLE_PACKAGE.read_text())
    data["bots"][0]["behaviors"][3]["nodes"][0]["params"]["actions"][0]["action"] = "acme.teleport"
    data["bots"][0]["behaviors"][3]["nodes"][0]["params"]["actions"].append(
        {"action": "_run_behavior", "behavior_id": "{{{uid.behavior_999}}}", "var": "x", "on": "_trigger_va_id"})
    path = tmp_path / "lint.json"
    path.write_text(json.dumps(data, indent=2))
    result = run_cli("validate", "--json", str(path))
    assert result.returncode == 1  # loads, but a lint error (dangling link) means it will not run as meant
    [report] = json.loads(result.stdout)
    by_code = {p["code"]: p for p in report["problems"]}
    assert by_code["dangling-uid"]["severity"] == "error" and by_code["unknown-action"]["severity"] == "warning"
    assert by_code["dangling-uid"]["path"] == "bots[0].behaviors[3].nodes[0]"
    assert by_code["dangling-uid"]["line"] > 1
    text = run_cli("validate", str(path)).stdout
    assert f"{path}:{by_code['dangling-uid']['line']}:" in text and "[dangling-uid]" in text


def test_show_prints_statuses_action_keys_and_other_collections(tmp_path):
    data = json.loads(SAMPLE_PACKAGE.read_text())
    invoke = data["bots"][0]["behaviors"][3]
    invoke["nodes"][0]["status"] = "disabled"
    invoke["nodes"].append({"type": "action", "title": "Only in the simulator", "status": "simulator",
                            "params": {"actions": [{"action": "_exit"}]}})
    data["records"] = [{"uid": "r", "_context": "task"}]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    out = run_cli("show", str(path)).stdout
    assert ("- action: Invoke CerbDnsLookup Lambda function [disabled] — _set_custom_var, "
            "core.va.action.http_request, _set_custom_var") in out
    assert "- action: Only in the simulator [simulator] — _exit" in out
    assert "behavior 'Invoke CerbDnsLookup Lambda function' (behavior_181) on event.macro.bot" in out
    assert "  prompt aws_account_id (chooser): AWS Account:" in out
    assert "- subroutine: parseResponse()" in out and "records: 1 item(s), kept as is" in out
