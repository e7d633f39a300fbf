"""One secret, every feature: import with a connected-account chooser, a signed HTTP call and Lambda invokes
(one of them crashing its worker) through the simulator, cassettes, export, DEBUG logging, the CLI — then no
file the app wrote and no output it printed contains the secret. Runs against the real Secret Service keyring
(skipped where there is none)."""
from __future__ import annotations

import http.server
import json
import logging
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import keyring
import pytest

from tests.conftest import ROOT, SAMPLE_FUNCTIONS, SAMPLE_PACKAGE
from tests.credentials.conftest import real_secret_service_reason
from tests.credentials.test_accounts_keyring import _secretstorage_items

pytestmark = pytest.mark.keyring


@pytest.fixture()
def canary() -> str:
    return "CANARY" + secrets.token_hex(12)


@pytest.fixture()
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every place the app may write (config, data, cache, home, temp) inside tmp_path, so the scan sees it all."""
    reason = real_secret_service_reason()
    if reason:
        pytest.skip(reason)
    home = tmp_path / "home"
    for folder in (home, tmp_path / "config", tmp_path / "out", tmp_path / "tmp"):
        folder.mkdir()
    monkeypatch.setenv("BOT_DESIGNER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    monkeypatch.setattr(tempfile, "tempdir", None)  # recomputed from TMPDIR (the local service's runtime files)
    return tmp_path


def crash_function(folder: Path) -> Path:
    fn = folder / "Crash"
    fn.mkdir(parents=True)
    (fn / "function.json").write_text(json.dumps({"name": "Crash", "runtime": "python3.11",
                                                  "handler": "app.handler", "timeout": 5}))
    (fn / "app.py").write_text("import os\n\ndef handler(event, context):\n    print('about to crash')\n"
                               "    os._exit(3)\n")
    return folder


def lambda_steps(account_id: str) -> list[dict[str, Any]]:
    """A behavior: a Lambda step that answers, then one whose worker dies."""
    from tests.sim.conftest import act, say

    def step(function: str, var: str) -> dict[str, Any]:
        return {"action": "aws.lambda.invoke", "account_id": account_id, "function": function,
                "payload": '{"mode":"mx","value":"cerb.ai"}', "var": var}

    return [act("calls", step("CerbDnsLookup", "dns"), step("Crash", "crash"),
                say("{{dns.outcome}} / {{crash.outcome}}: {{crash.error}}"))]


def files_under(folder: Path) -> dict[str, str]:
    return {str(p): p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*")
            if p.is_file() and not p.is_symlink()}


def test_canary_secret_never_leaves_the_keyring(sandbox: Path, capfd: pytest.CaptureFixture[str],
                                                canary: str) -> None:
    from designer.aws.cassette import Cassette
    from designer.aws.invoker import Invoker
    from designer.aws.profiles.runbook import runbook_invoke
    from designer.credentials import AccountStore, bind_prompts, preselect
    from designer.credentials.masking import is_installed
    from designer.credentials.vault import service_for
    from designer.io import configure_package, dumps_package, load_package, save_package
    from designer.locallambda import LocalLambdaService
    from designer.logging_setup import configure_logging
    from designer.sim import SimOptions, Simulator
    from tests.sim.conftest import behavior_package

    out = sandbox / "out"
    root = logging.getLogger()
    old_level = root.level
    configure_logging(verbosity=2)  # what `-vv` and the window do: DEBUG, masking installed
    assert is_installed() and root.level == logging.DEBUG
    log_file = out / "debug.log"
    handler = logging.FileHandler(log_file)  # added after the masking: still masked
    root.addHandler(handler)
    functions = crash_function(sandbox / "functions")
    for item in SAMPLE_FUNCTIONS.iterdir():
        os.symlink(item, functions / item.name)
    name = f"canary-{secrets.token_hex(4)}"
    store = AccountStore()
    service = ""
    try:
        with LocalLambdaService(functions, access_key_id="AKIACANARYTEST", secret_access_key=canary,
                                region="us-west-2") as svc:
            account = store.add(name, "aws", fields={"access_key_id": svc.access_key_id, "region": svc.region,
                                                     "endpoint_url": svc.endpoint},
                                secrets={"secret_access_key": canary})
            service = service_for(account.id)
            # the secret is in the real keyring (read back through the Secret Service itself) …
            assert keyring.get_password(service, "secret_access_key") == canary
            assert _secretstorage_items(service) == ["secret_access_key"]

            # import: the package's connected-account chooser is pre-selected by its query, then bound
            package = load_package(SAMPLE_PACKAGE)
            assert [a.id for a in preselect(package.prompts, store)["aws_account_id"]] == [account.id]
            values = bind_prompts(package.prompts, store)  # the only match: chosen without asking
            assert values["aws_account_id"] == account.id
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
            assert conv.calls and conv.calls[-1]["signed"]
            logging.getLogger("designer.test").debug("secret in a log call: %s / %r", canary,
                                                     store.aws_credentials(name))

            # Lambda steps through the simulator, credentials from the store at call time; one worker crashes
            lambda_cassette = out / "lambda.cassette.json"
            lambda_sim = Simulator(behavior_package(lambda_steps(account.id), event="event.macro.bot"),
                                   accounts=store,
                                   options=SimOptions(http_mode="record", cassette=str(lambda_cassette)))
            lambda_conv = lambda_sim.dry_run("Main")
            said = " ".join(lambda_conv.run().messages)
            assert said.startswith("Success / Error: "), said
            traces = json.dumps([[e.to_json() for e in c.trace] for c in (conv, lambda_conv)], default=str)
            calls = json.dumps([conv.calls, lambda_conv.calls], default=str)
            (out / "trace.json").write_text(traces)

            # the invoker directly, recorded too, and the crash again (its error report)
            creds = store.aws_credentials(name)
            invoker = Invoker(Cassette(out / "invoke.cassette.json", "record"))
            result = runbook_invoke(creds, "CerbDnsLookup", payload={"mode": "mx", "value": "cerb.ai"},
                                    invoker=invoker)
            assert result.ok
            crashed = runbook_invoke(creds, "Crash", payload={}, invoker=invoker)
            assert not crashed.ok
            report = json.dumps(crashed.error.to_dict() if crashed.error else None, default=str)
            reprs = " ".join(repr(x) for x in (store, account, creds, result, crashed, sim, conv, lambda_sim,
                                               lambda_conv, svc, invoker, sim.cassette, store.test(name)))

            # export the template (placeholders, never account ids) and the configured copy
            save_package(package, out / "template.json")
            template = (out / "template.json").read_text()
            assert "{{{aws_account_id}}}" in template and account.id not in template
            save_package(configured.package, out / "configured.json")
            exported = dumps_package(configured.package)

            # the CLI: simulate with the stored account at DEBUG; show and test the account
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            cli = [subprocess.run(
                [sys.executable, "-m", "designer", "-vv", "simulate", str(SAMPLE_PACKAGE), "--behavior",
                 "DNS conversational behavior", "--account", name, "--set", "aws_region=us-west-2", "--json",
                 "--say", "Hostname", "--say", "cerb.ai", "--say", "Bye"],
                capture_output=True, text=True, env=env, timeout=120, cwd=ROOT, check=False)]
            assert cli[0].returncode == 0, cli[0].stderr[-2000:]
            assert "104.18.50.1" in cli[0].stdout
            for args in (["accounts", "show", name, "--json"], ["accounts", "test", name, "--json"]):
                cli.append(subprocess.run([sys.executable, "-m", "designer", "-vv", *args], capture_output=True,
                                          text=True, env=env, timeout=120, cwd=ROOT, check=False))
                assert cli[-1].returncode == 0, cli[-1].stdout + cli[-1].stderr
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(old_level)
        if store.find(name) is not None:
            store.remove(name)

    # removing the account removed its keyring entries (asked of the Secret Service directly)
    assert service and _secretstorage_items(service) == []
    assert keyring.get_password(service, "secret_access_key") is None
    captured = capfd.readouterr()
    haystacks = {"stdout": captured.out, "stderr": captured.err, "reprs": reprs, "export": exported,
                 "traces": traces, "calls": calls, "crash report": report, **files_under(sandbox)}
    for i, r in enumerate(cli):
        haystacks.update({f"cli {i} stdout": r.stdout, f"cli {i} stderr": r.stderr, f"cli {i} argv": str(r.args)})
    assert cassette.stat().st_size > 0 and lambda_cassette.stat().st_size > 0
    assert "secret in a log call: ****" in log_file.read_text()  # it was logged, and masked
    assert "DEBUG" in cli[0].stderr  # the CLI really logged at DEBUG
    leaks = [where for where, text in haystacks.items() if canary in text]
    assert leaks == []


class _EchoServer(http.server.ThreadingHTTPServer):
    pass


class _Echo(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # http.server calls it by this name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args: Any) -> None:
        return


def test_custom_header_secret_never_reaches_a_cassette(sandbox: Path, canary: str) -> None:
    from designer.credentials import AccountStore
    from designer.sim import SimOptions, Simulator
    from tests.sim.conftest import act, behavior_package, say

    server = _EchoServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    store = AccountStore()
    account = store.add(f"canary-{secrets.token_hex(4)}", "headers", fields={"headers": ["X-Zendesk-Auth"]},
                        secrets={"X-Zendesk-Auth": canary})
    try:
        http = {"action": "core.va.action.http_request", "http_verb": "post",
                "http_url": f"http://127.0.0.1:{server.server_address[1]}/api", "http_headers": "",
                "http_body": "{}", "auth": "connected_account", "auth_connected_account_id": account.id,
                "run_in_simulator": "1", "response_placeholder": "resp"}
        cassette = sandbox / "out" / "headers.cassette.json"
        sim = Simulator(behavior_package([act("call", http, say("{{resp.info.http_code}}"))],
                        event="event.macro.bot"), accounts=store,
                        options=SimOptions(http_mode="record", cassette=str(cassette)))
        conv = sim.dry_run("Main")
        assert conv.run().messages == ["200"]
        trace = json.dumps([[e.to_json() for e in conv.trace], conv.calls], default=str)
    finally:
        store.remove(account.id)
        server.shutdown()
        server.server_close()
        thread.join()
    assert canary not in trace
    assert [where for where, text in files_under(sandbox).items() if canary in text] == []


def test_crash_report_dialog_never_shows_a_secret(sandbox: Path, canary: str, qapp: Any) -> None:
    from designer.app.errors import ExceptHook
    from designer.credentials import AccountStore

    store = AccountStore()
    account = store.add(f"canary-{secrets.token_hex(4)}", "bearer", secrets={"token": canary})
    shown: list[str] = []
    hook = ExceptHook(lambda title, text, details: shown.append(f"{title}\n{text}\n{details}"))
    try:
        headers = store.http_auth_headers(account.id)  # read from the keyring, as a call would
        try:
            raise RuntimeError(f"the server refused {headers}")  # e.g. a library echoing what it was given
        except RuntimeError as exc:
            hook.handle(type(exc), exc, exc.__traceback__)
        deadline = time.monotonic() + 30
        while not shown and time.monotonic() < deadline:  # the dialog is shown through a queued signal
            qapp.processEvents()
            time.sleep(0.01)
    finally:
        store.remove(account.id)
    assert shown and "RuntimeError" in shown[0]
    assert canary not in shown[0]
