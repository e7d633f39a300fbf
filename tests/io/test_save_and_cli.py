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
