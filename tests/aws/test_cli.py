"""`bot-designer lambda serve|invoke` as real subprocesses."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from designer.cli import main
from designer.credentials import AccountStore
from tests.credentials.conftest import real_secret_service_reason

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = Path(__file__).resolve().parent / "functions"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env.update(extra)
    return env


def _cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "designer", *args], input=stdin if stdin is not None else "",
                          capture_output=True, text=True, env=env or _env(), cwd=ROOT, timeout=60, check=False)


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, Any]]:
    """`lambda serve` with the secret piped on stdin; yields its ready line."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "designer", "lambda", "serve", "--functions", str(FUNCTIONS),
         "--access-key-id", "AKIACLITEST00000001"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=ROOT)
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("cli-secret-from-stdin\n")
        proc.stdin.close()
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else "no ready line"
        ready = json.loads(line)
        yield ready
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_serve_prints_the_ready_line(served: dict[str, Any]) -> None:
    assert set(served) >= {"endpoint", "region", "access_key_id", "secret_access_key"}
    assert served["endpoint"].startswith("http://127.0.0.1:")
    assert served["access_key_id"] == "AKIACLITEST00000001"
    assert served["secret_access_key"] == "cli-secret-from-stdin"  # read from stdin, never from argv


def _keys(ready: dict[str, Any]) -> dict[str, str]:
    return _env(AWS_ACCESS_KEY_ID=ready["access_key_id"], AWS_SECRET_ACCESS_KEY=ready["secret_access_key"])


def test_invoke_with_endpoint_and_env_keys(served: dict[str, Any]) -> None:
    done = _cli("lambda", "invoke", "Echo", "--payload", '{"a": 1}', "--endpoint", served["endpoint"],
                env=_keys(served))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["event"] == {"a": 1}


def test_invoke_with_the_ready_line_on_stdin_and_log(served: dict[str, Any]) -> None:
    done = _cli("lambda", "invoke", "Echo", "--payload", "{}", "--endpoint", served["endpoint"], "--log",
                stdin=json.dumps(served) + "\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["event"] == {}
    assert "START RequestId:" in done.stderr and "echo handler saw" in done.stderr


def test_invoke_qualifier_and_types(served: dict[str, Any]) -> None:
    base = ["lambda", "invoke", "Echo", "--payload", "{}", "--endpoint", served["endpoint"]]
    assert _cli(*base, "--qualifier", "live", env=_keys(served)).returncode == 0
    event = _cli(*base, "--type", "Event", env=_keys(served))
    assert event.returncode == 0 and event.stdout == "" and "202" in event.stderr
    dry = _cli(*base, "--type", "DryRun", env=_keys(served))
    assert dry.returncode == 0 and "204" in dry.stderr


def test_invoke_function_error_exits_1(served: dict[str, Any]) -> None:
    done = _cli("lambda", "invoke", "Raiser", "--payload", '{"why": "cli"}', "--endpoint", served["endpoint"],
                env=_keys(served))
    assert done.returncode == 1
    assert json.loads(done.stdout)["errorMessage"] == "boom: cli"
    assert "Unhandled" in done.stderr


def test_invoke_errors(served: dict[str, Any], tmp_path: Path) -> None:
    missing = _cli("lambda", "invoke", "Nope", "--endpoint", served["endpoint"], env=_keys(served))
    assert missing.returncode == 1 and "was not found" in missing.stderr and "hint:" in missing.stderr
    bad_json = _cli("lambda", "invoke", "Echo", "--payload", "{oops", "--endpoint", served["endpoint"],
                    env=_keys(served))
    assert bad_json.returncode == 2 and "not valid JSON" in bad_json.stderr
    no_keys = _cli("lambda", "invoke", "Echo", "--endpoint", served["endpoint"])
    assert no_keys.returncode == 2 and "AWS_ACCESS_KEY_ID" in no_keys.stderr
    payload_file = tmp_path / "event.json"
    payload_file.write_text('{"from": "file"}')
    from_file = _cli("lambda", "invoke", "Echo", "--payload", f"@{payload_file}", "--endpoint", served["endpoint"],
                     env=_keys(served))
    assert json.loads(from_file.stdout)["event"] == {"from": "file"}


def test_invoke_connection_refused(closed_port: int) -> None:
    done = _cli("lambda", "invoke", "Echo", "--endpoint", f"http://127.0.0.1:{closed_port}",
                env=_env(AWS_ACCESS_KEY_ID="AKIAX", AWS_SECRET_ACCESS_KEY="x"))
    assert done.returncode == 1
    assert "Is the local Lambda service running?" in done.stderr


def test_serve_generates_a_secret_when_stdin_is_empty(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "designer", "lambda", "serve", "--functions", str(FUNCTIONS)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env(), cwd=ROOT)
    try:
        ready = json.loads(proc.stdout.readline())  # type: ignore[union-attr]
        assert ready["secret_access_key"] and ready["access_key_id"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0


def test_serve_rejects_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lambda", "serve", "--functions", str(tmp_path / "nope")]) == 2
    assert "No functions folder" in capsys.readouterr().err


def test_invoke_with_an_unknown_account_says_which(capsys: pytest.CaptureFixture[str], monkeypatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.setenv("BOT_DESIGNER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setattr("sys.stdin", open(os.devnull))  # noqa: SIM115
    code = main(["lambda", "invoke", "Echo", "--account", "no-such-account-for-tests"])
    assert code in (1, 2)
    err = capsys.readouterr().err
    assert "error:" in err and "no-such-account-for-tests" in err


@pytest.mark.keyring
def test_invoke_with_a_connected_account_in_the_keyring(served: dict[str, Any], tmp_path: Path) -> None:
    reason = real_secret_service_reason()
    if reason:
        pytest.skip(reason)
    config = tmp_path / "config"
    store = AccountStore(config)
    name = f"Local Lambda {uuid.uuid4().hex[:8]}"
    store.add(name, "aws", fields={"access_key_id": served["access_key_id"], "region": served["region"],
                                   "endpoint_url": served["endpoint"]},
              secrets={"secret_access_key": served["secret_access_key"]})
    try:
        done = _cli("lambda", "invoke", "Echo", "--payload", '{"via": "account"}', "--account", name, "--log",
                    env=_env(BOT_DESIGNER_CONFIG_DIR=str(config)))
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["event"] == {"via": "account"}
        assert "START RequestId:" in done.stderr
        assert served["secret_access_key"] not in done.stdout + done.stderr
    finally:
        store.remove(name)
