"""One secret, every feature: import with a chooser, a signed HTTP call and Lambda invokes through the
simulator, a cassette, export, DEBUG logging, a crashing worker — then no file the app wrote and no output it
printed contains the secret. Runs against the real Secret Service keyring (skipped where there is none)."""
from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE_FUNCTIONS, SAMPLE_PACKAGE

keyring = pytest.importorskip("keyring")


def real_keyring_or_skip():
    from designer.credentials import keyring_status

    status = keyring_status()
    if not status.available:
        pytest.skip(f"no secure keyring here: {status.message}")


@pytest.fixture()
def canary() -> str:
    return "CANARY" + secrets.token_hex(12)


def crash_function(folder: Path) -> Path:
    fn = folder / "Crash"
    fn.mkdir(parents=True)
    (fn / "function.json").write_text(json.dumps({"name": "Crash", "runtime": "python3.11",
                                                  "handler": "app.handler", "timeout": 5}))
    (fn / "app.py").write_text("import os\n\ndef handler(event, context):\n    print('about to crash')\n"
                               "    os._exit(3)\n")
    return folder


@pytest.mark.keyring
def test_canary_secret_never_leaves_the_keyring(tmp_path, monkeypatch, capfd, canary):
    real_keyring_or_skip()
    from designer.aws.cassette import Cassette
    from designer.aws.invoker import Invoker
    from designer.aws.profiles.runbook import runbook_invoke
    from designer.credentials import AccountStore, bind_prompts, install_secret_masking
    from designer.io import configure_package, dumps_package, load_package, save_package
    from designer.locallambda import LocalLambdaService
    from designer.sim import SimOptions, Simulator

    home = tmp_path / "home"
    config = tmp_path / "config"
    out = tmp_path / "out"
    for folder in (home, config, out):
        folder.mkdir()
    monkeypatch.setenv("BOT_DESIGNER_CONFIG_DIR", str(config))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))

    log_file = out / "debug.log"
    handler = logging.FileHandler(log_file)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    install_secret_masking()
    functions = crash_function(tmp_path / "functions")
    for item in SAMPLE_FUNCTIONS.iterdir():
        os.symlink(item, functions / item.name)
    name = f"canary-{secrets.token_hex(4)}"
    store = AccountStore(config_dir=config)
    try:
        with LocalLambdaService(functions, access_key_id="AKIACANARYTEST", secret_access_key=canary,
                                region="us-west-2") as svc:
            store.add(name, "aws", fields={"access_key_id": svc.access_key_id, "region": svc.region,
                                           "endpoint_url": svc.endpoint}, secrets={"secret_access_key": canary})
            assert keyring.get_password  # the secret really is in the keyring (and nowhere else, below)

            # import with a connected-account chooser
            package = load_package(SAMPLE_PACKAGE)
            values = bind_prompts(package.prompts, store, {"aws_account_id": name})
            configured = configure_package(package, values)

            # simulate: the signed HTTP call reaches the local Lambda service; record a cassette
            cassette = out / "conversation.cassette.json"
            sim = Simulator(configured, accounts=store,
                            options=SimOptions(http_mode="record", cassette=str(cassette)))
            conv = sim.start("DNS conversational behavior")
            conv.run()
            conv.say("Hostname")
            turn = conv.say("cerb.ai")
            texts = " ".join(o.text or "" for o in turn.outputs)
            assert "104.18.50.1" in texts, texts
            logging.getLogger("designer.test").debug("secret in a log call: %s / %r", canary,
                                                     store.aws_credentials(name))
            trace_json = json.dumps([e.to_json() for e in conv.trace], default=str)
            (out / "trace.json").write_text(trace_json)

            # a Lambda invoke through the invoker, recorded too; and a worker that crashes
            creds = store.aws_credentials(name)
            invoker = Invoker(Cassette(out / "invoke.cassette.json", "record"))
            result = runbook_invoke(creds, "CerbDnsLookup", payload={"mode": "mx", "value": "cerb.ai"},
                                    invoker=invoker)
            assert result.ok
            crashed = runbook_invoke(creds, "Crash", payload={}, invoker=invoker)
            assert not crashed.ok
            reprs = " ".join(repr(x) for x in (store, store.get(name), creds, result, crashed, sim, conv))

            # export the template and the configured package
            save_package(package, out / "template.json")
            save_package(configured.package, out / "configured.json")
            exported = dumps_package(configured.package)

            # the CLI: simulate with the stored account at DEBUG, JSON trace
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            cli = subprocess.run(
                [sys.executable, "-m", "designer", "-vv", "simulate", str(SAMPLE_PACKAGE), "--behavior",
                 "DNS conversational behavior", "--account", name, "--set", "aws_region=us-west-2", "--json",
                 "--say", "Hostname", "--say", "cerb.ai", "--say", "Bye"],
                capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)
            assert cli.returncode == 0, cli.stderr[-2000:]
            assert "104.18.50.1" in cli.stdout
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(old_level)
        try:
            store.remove(name)
        except Exception:  # noqa: BLE001 - cleanup only
            pass

    assert keyring.get_password("bot-designer", name) is None
    captured = capfd.readouterr()
    haystacks = {"stdout": captured.out, "stderr": captured.err, "cli stdout": cli.stdout,
                 "cli stderr": cli.stderr, "reprs": reprs, "export": exported, "trace": trace_json}
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.is_symlink():
            haystacks[str(path)] = path.read_bytes().decode("utf-8", "replace")
    assert cassette.stat().st_size > 0
    assert "secret in a log call: ****" in log_file.read_text()  # it was logged, and masked
    leaks = [where for where, text in haystacks.items() if canary in text]
    assert leaks == []
