"""The acceptance test: the seed AWS Lambda Bot holds its DNS conversation against the real local Lambda service."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from designer.sim import SimOptions
from tests.sim.conftest import FUNCTIONS, ROOT, SEED, seed_simulator
from tests.support import read_terminal_until

MENU = ["Hostname", "IP", "MX", "Bye"]


def _first_turn(conv):
    turn = conv.run()
    assert turn.state == "suspended"
    assert turn.messages == ["Hi, Kina!", "I can perform DNS lookups for you.", "What would you like to look up?"]
    assert [o.options for o in turn.outputs if o.kind == "buttons"] == [MENU]
    return turn


def test_seed_conversation_python_api(lambda_service):
    sim = seed_simulator(lambda_service)
    conv = sim.start("DNS conversational behavior")
    _first_turn(conv)

    turn = conv.say("Hostname")
    assert turn.messages == ["What hostname would you like to find an IP for?"]
    assert turn.prompt["kind"] == "text_prompt" and turn.prompt["placeholder"] == "e.g. cerb.ai"
    assert conv.dictionary["dns_mode"] == "Hostname"

    turn = conv.say("cerb.ai")
    assert turn.messages == ["* 104.18.50.1\n* 104.18.51.1\n", "What would you like to look up?"]
    bullets = turn.outputs[0]
    assert bullets.format == "markdown"
    assert bullets.html == "<ul>\n<li>104.18.50.1</li>\n<li>104.18.51.1</li>\n</ul>"
    assert conv.dictionary["iterations__counter"] == 2
    http = [c for c in conv.calls if c["kind"] == "http"]
    assert len(http) == 1 and http[0]["signed"] and http[0]["response"]["info"]["http_code"] == 200
    assert json.loads(http[0]["response"]["body"]) == ["104.18.50.1", "104.18.51.1"]
    assert "Authorization" not in json.dumps(conv.trace[-1].to_json()) or "REDACTED" in json.dumps(
        [e.to_json() for e in conv.trace])
    assert lambda_service.secret_access_key not in json.dumps([e.to_json() for e in conv.trace], default=str)

    turn = conv.say("MX")
    assert turn.messages == ["What hostname would you like to find mail servers for?"]
    turn = conv.say("cerb.ai")
    # PHP asort of the MX objects: by exchange first (not by priority)
    assert turn.messages[0] == ("* [5] alt1.aspmx.l.google.com\n* [5] alt2.aspmx.l.google.com\n"
                                "* [1] aspmx.l.google.com\n* [10] aspmx2.googlemail.com\n"
                                "* [10] aspmx3.googlemail.com\n")
    assert turn.outputs[0].html.startswith("<ul>\n<li>[5] alt1.aspmx.l.google.com</li>")

    turn = conv.say("IP")
    assert turn.messages == ["What IP would you like to find a hostname for?"]
    turn = conv.say("9.9.9.9")  # not in the function's table: a function error
    assert turn.messages == ["I had trouble: getHostByAddr ENOTFOUND 9.9.9.9", "What would you like to look up?"]

    turn = conv.say("Bye")
    assert turn.messages == ["Bye!"]
    assert turn.state == "stopped" and turn.stop_reason == "window_close"
    assert [o.kind for o in turn.outputs] == ["message", "window_close"]


def test_injected_function_failure(lambda_service):
    sim = seed_simulator(lambda_service)
    conv = sim.start("behavior_180")
    _first_turn(conv)
    conv.say("Hostname")
    lambda_service.faults.fail(1, "resolver exploded", function="CerbDnsLookup")
    turn = conv.say("cerb.ai")
    assert turn.messages[0] == "I had trouble: resolver exploded"


def test_typed_text_at_the_menu_says_bye(lambda_service):
    conv = seed_simulator(lambda_service).start("DNS conversational behavior")
    _first_turn(conv)
    turn = conv.say("hostname")  # `is` is case-insensitive
    assert turn.messages == ["What hostname would you like to find an IP for?"]


def test_start_from_the_interaction_menu(lambda_service):
    sim = seed_simulator(lambda_service)
    menu = sim.interactions(point="global")
    assert [(m.label, m.interaction, m.bot_name) for m in menu] == [("DNS lookup", "dns.lookup", "AWS Lambda Bot")]
    assert sim.interactions(point="mail.compose") == []
    conv = sim.start_interaction(menu[0])
    assert conv.current_behavior.title == "DNS conversational behavior"
    _first_turn(conv)
    assert conv.say("Hostname").messages == ["What hostname would you like to find an IP for?"]
    assert conv.say("example.com").messages == ["* 93.184.215.14\n", "What would you like to look up?"]


def test_record_then_replay_with_the_service_stopped(tmp_path):
    from designer.locallambda import LocalLambdaService

    cassette = tmp_path / "dns.cassette.json"
    script = ["Hostname", "cerb.ai", "MX", "example.org", "Bye"]

    def converse(svc, mode):
        conv = seed_simulator(svc, SimOptions(worker={"first_name": "Kina"}, http_mode=mode,
                                              cassette=str(cassette))).start("DNS conversational behavior")
        turns = [conv.run()] + [conv.say(s) for s in script]
        return [t.messages for t in turns]

    svc = LocalLambdaService(FUNCTIONS, region="us-west-2").start()
    try:
        recorded = converse(svc, "record")
    finally:
        svc.stop()
    assert cassette.exists()
    assert svc.secret_access_key not in cassette.read_text()
    replayed = converse(svc, "replay")  # the service is stopped: every answer comes from the cassette
    assert replayed == recorded
    assert replayed[2][0] == "* 104.18.50.1\n* 104.18.51.1\n"
    assert replayed[4][0] == "* [10] mx1.example.org\n* [20] mx2.example.org\n"


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "designer", *args], check=False, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def test_seed_conversation_cli():
    res = _cli("simulate", str(SEED), "--behavior", "DNS conversational behavior", "--local-lambda", str(FUNCTIONS),
               "--worker-name", "Kina", "--say", "Hostname", "--say", "cerb.ai", "--say", "MX", "--say", "cerb.ai",
               "--say", "IP", "--say", "10.1.2.3", "--say", "Bye")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    expected = ["bot: Hi, Kina!", "bot: I can perform DNS lookups for you.", "bot: What would you like to look up?",
                "bot: [buttons] Hostname | IP | MX | Bye", "you: Hostname",
                "bot: What hostname would you like to find an IP for?", "bot: [text prompt] e.g. cerb.ai",
                "you: cerb.ai", "bot: * 104.18.50.1", "     * 104.18.51.1",
                "bot: * [5] alt1.aspmx.l.google.com", "bot: I had trouble: getHostByAddr ENOTFOUND 10.1.2.3",
                "you: Bye", "bot: Bye!", "bot: [window closed]"]
    pos = 0
    for line in expected:
        found = out.find(line, pos)
        assert found >= 0, f"{line!r} missing (in order) from:\n{out}"
        pos = found


def test_cli_from_the_menu_with_json_trace():
    res = _cli("simulate", str(SEED), "--local-lambda", str(FUNCTIONS), "--say", "Hostname", "--say", "cerb.ai",
               "--say", "Bye", "--json")
    assert res.returncode == 0, res.stderr
    assert "menu (global): AWS Lambda Bot » DNS lookup" in res.stderr
    data = json.loads(res.stdout)
    kinds = {e["kind"] for e in data["trace"]}
    assert {"enter", "condition", "outcome", "action", "call", "output", "suspend", "stop"} <= kinds
    assert data["calls"][0]["request"]["url"].endswith("/functions/CerbDnsLookup/invocations")
    assert data["state"] == "stopped"


@pytest.mark.parametrize("broken", [False, True])
def test_cli_conversation_tests_with_junit(tmp_path, broken):
    yaml_file = ROOT / "packages" / "tests" / "aws-lambda-bot.yaml"
    if broken:
        text = yaml_file.read_text().replace('expect: ["Bye!"]', 'expect: ["Goodbye!"]')
        yaml_file = tmp_path / "broken.yaml"
        yaml_file.write_text(text.replace("../aws-lambda-bot.json", str(SEED)).replace("../functions",
                                                                                       str(FUNCTIONS)))
    junit = tmp_path / "out.xml"
    res = _cli("test", str(yaml_file), "--junit", str(junit))
    assert res.returncode == (1 if broken else 0), res.stdout + res.stderr
    import xml.etree.ElementTree as ET
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("tests") == "8"
    assert suite.get("failures") == ("1" if broken else "0")
    if broken:
        failure = suite.find("testcase[@name=\"turn 8: say 'Bye'\"]/failure")
        assert failure is not None and "Goodbye!" in failure.text


@pytest.mark.parametrize("path", sorted((ROOT / "packages" / "tests").glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_conversation_tests_pass(path):
    from designer.sim.testing import run_file
    result = run_file(path)
    assert result.passed, [(c.name, c.error or c.failures) for c in result.cases if not c.passed]


def test_cli_record_then_replay_without_service_or_account(tmp_path):
    cassette = tmp_path / "cli.cassette.json"
    says = ["--say", "Hostname", "--say", "cerb.ai", "--say", "Bye"]
    rec = _cli("simulate", str(SEED), "--behavior", "DNS conversational behavior", "--local-lambda", str(FUNCTIONS),
               "--http", "record", "--cassette", str(cassette), *says)
    assert rec.returncode == 0, rec.stderr
    rep = _cli("simulate", str(SEED), "--behavior", "DNS conversational behavior", "--set", "aws_account_id=recorded",
               "--http", "replay", "--cassette", str(cassette), *says)
    assert rep.returncode == 0, rep.stderr
    assert "bot: * 104.18.50.1" in rep.stdout
    assert rep.stdout == rec.stdout


def test_cli_is_interactive_on_a_terminal_once_the_says_run_out():
    """On a (pseudo-)terminal, after the last --say the CLI asks `you>` and feeds each typed line to the bot."""
    import os
    import time
    pty = pytest.importorskip("pty", reason="needs POSIX pseudo-terminals")

    pid, fd = pty.fork()
    if pid == 0:  # the child: stdin/stdout are the terminal
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "designer", "simulate", str(SEED), "--behavior",
                                   "DNS conversational behavior", "--local-lambda", str(FUNCTIONS), "--worker-name",
                                   "Kina", "--say", "Hostname"], {**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 120
    try:
        shown = read_terminal_until(fd, b"you> ", deadline)
        assert b"bot: [text prompt] e.g. cerb.ai" in shown, shown
        os.write(fd, b"cerb.ai\r")
        shown += read_terminal_until(fd, b"you> ", deadline)
        os.write(fd, b"Bye\r")
        shown += read_terminal_until(fd, b"[window closed]", deadline)
        shown += read_terminal_until(fd, b"\x00never", min(deadline, time.monotonic() + 10))  # until the child exits
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    text = shown.decode("utf-8", "replace").replace("\r\n", "\n")
    assert os.waitstatus_to_exitcode(status) == 0, text
    for line in ("bot: Hi, Kina!", "you: Hostname", "bot: * 104.18.50.1", "bot: What would you like to look up?",
                 "bot: Bye!", "bot: [window closed]"):
        assert line in text, text
    assert text.count("you> ") == 2
