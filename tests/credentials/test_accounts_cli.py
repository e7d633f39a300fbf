"""`bot-designer accounts …` as a user runs it: a subprocess, secrets on stdin, never in argv or output."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from designer.credentials import AccountStore
from tests.conftest import ROOT
from tests.credentials.conftest import scan, secret_value, unique


def run(config_dir: Path, *args: str, stdin: str = "",
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "BOT_DESIGNER_CONFIG_DIR": str(config_dir), "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "designer", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env=full_env, timeout=120, check=False)


@pytest.mark.keyring
def test_cli_round_trip_never_leaks(real_keyring, config_dir, tmp_path) -> None:
    secret, token, password = secret_value(), secret_value("tok"), secret_value("pw")
    name = unique("CLI AWS")
    outputs: list[subprocess.CompletedProcess] = []
    try:
        r = run(config_dir, "accounts", "add", name, "--provider", "aws", "--access-key-id", "AKIACLI",
                "--region", "eu-central-1", "--notes", "from the CLI", stdin=f"{secret}\n{token}\n")
        outputs.append(r)
        assert r.returncode == 0, r.stderr
        store = AccountStore(config_dir)
        creds = store.aws_credentials(name)
        assert (creds.secret_access_key, creds.session_token, creds.region) == (secret, token, "eu-central-1")

        r = run(config_dir, "accounts", "list", "--json")
        outputs.append(r)
        listed = json.loads(r.stdout)
        assert [a["name"] for a in listed["accounts"]] == [name] and listed["keyring"]["available"]

        r = run(config_dir, "accounts", "show", name, "--json")
        outputs.append(r)
        shown = json.loads(r.stdout)
        assert shown["secrets"] == {"secret_access_key": "set", "session_token": "set"}

        renamed = unique("CLI renamed")
        r = run(config_dir, "-vv", "accounts", "edit", name, "--rename", renamed, "--secrets",
                stdin=json.dumps({"secret_access_key": secret + "2"}))
        outputs.append(r)
        assert r.returncode == 0, r.stderr
        creds = store.aws_credentials(renamed)
        assert creds.secret_access_key == secret + "2" and creds.session_token == ""

        basic = unique("CLI basic")
        r = run(config_dir, "accounts", "add", basic, "--provider", "http_basic", "--username", "u",
                stdin=password + "\n")
        outputs.append(r)
        assert r.returncode == 0, r.stderr
        r = run(config_dir, "accounts", "test", basic, "--url", "http://127.0.0.1:9/")  # nothing listens there
        outputs.append(r)
        assert r.returncode == 1 and "Cannot reach" in r.stdout

        r = run(config_dir, "accounts", "add", unique("x"), "--provider", "bearer", stdin="a\nb\n")
        outputs.append(r)
        assert r.returncode == 2 and "Too many lines" in r.stderr

        for n in (renamed, basic):
            r = run(config_dir, "accounts", "remove", n)
            outputs.append(r)
            assert r.returncode == 0, r.stderr
        assert store.list() == []
    finally:
        for a in AccountStore(config_dir).list():
            AccountStore(config_dir).remove(a.id)
    needles = [secret, secret + "2", token, password]
    for r in outputs:
        text = r.stdout + r.stderr + " ".join(map(str, r.args))
        assert not [n for n in needles if n in text], r.args
    assert scan(config_dir, needles) == []


def test_cli_without_keyring_refuses_and_explains(config_dir) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    secret = secret_value()
    r = run(config_dir, "accounts", "add", "Nope", "--provider", "bearer", stdin=secret + "\n", env=env)
    assert r.returncode == 1
    assert "No secure OS keyring" in r.stderr and "hint:" in r.stderr
    assert secret not in r.stdout + r.stderr
    r = run(config_dir, "accounts", "add", "Dev", "--provider", "aws", "--profile", "dev", env=env)
    assert r.returncode == 0, r.stderr  # a profile account stores no secret
    r = run(config_dir, "accounts", "list", env=env)
    assert r.returncode == 0 and "Dev" in r.stdout and "No secure OS keyring" in r.stderr
    assert scan(config_dir, [secret]) == []


def test_cli_invalid_input_exits_2(config_dir) -> None:
    r = run(config_dir, "accounts", "show", "missing")
    assert r.returncode == 2 and "No connected account" in r.stderr
    r = run(config_dir, "accounts", "add", "x", "--provider", "aws", env={"PYTHON_KEYRING_BACKEND":
                                                                           "keyring.backends.fail.Keyring"})
    assert r.returncode == 2 and "access key id" in r.stderr


def test_no_secret_option_exists() -> None:
    r = subprocess.run([sys.executable, "-m", "designer", "accounts", "add", "--help"], capture_output=True,
                       text=True, cwd=ROOT, timeout=60, check=False)
    assert "--secret" not in r.stdout and "--password" not in r.stdout and "--token" not in r.stdout
