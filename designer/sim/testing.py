"""Conversation tests: YAML files that hold a conversation with a behavior and check each turn.

    name: DNS lookups                      # optional
    package: ../aws-lambda-bot.json        # relative to the YAML file
    behavior: DNS conversational behavior  # title or uid … or:
    interaction: {point: global, name: DNS lookup}
    variables: {var_x: 1}                  # behavior inputs
    prompts: {aws_region: us-west-2}       # package prompt values
    local_lambda: ../functions             # run the embedded local Lambda service with these functions
    worker: {first_name: Kina}
    now: "2026-01-05T10:00:00Z"            # pin the clock
    turns:
      - expect: ["Hi, Kina!", "/lookups/"]  # the first turn (message ''); /…/ is a regex search
        buttons: [Hostname, IP, MX, Bye]
      - say: Hostname
        expect: [...]
        placeholders: {dns_mode: Hostname}
        state: suspended                    # suspended | stopped
"""
from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from designer.errors import DesignerError
from designer.sim.types import SimOptions, Turn


@dataclass
class CaseResult:
    name: str
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.failures and not self.error


@dataclass
class FileResult:
    path: str
    name: str
    cases: list[CaseResult] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.cases)


def _match(expected: Any, actual: str) -> bool:
    text = str(expected)
    if len(text) >= 2 and text.startswith("/") and text.endswith("/"):
        return re.search(text[1:-1], actual, re.DOTALL) is not None
    return text.strip() == actual.strip()


def check_turn(spec: dict[str, Any], turn: Turn, dictionary: dict[str, Any]) -> list[str]:
    failures: list[str] = []
    messages = turn.messages
    if "expect" in spec:
        expected = list(spec.get("expect") or [])
        if len(expected) != len(messages) or not all(_match(e, m) for e, m in zip(expected, messages, strict=True)):
            failures.append(f"messages: expected {expected!r}, got {messages!r}")
    if "buttons" in spec:
        offered = [o.options for o in turn.outputs if o.kind == "buttons"]
        got = offered[-1] if offered else []
        if list(spec["buttons"] or []) != got:
            failures.append(f"buttons: expected {spec['buttons']!r}, got {got!r}")
    if "placeholder" in spec:
        got_ph = (turn.prompt or {}).get("placeholder")
        if got_ph != spec["placeholder"]:
            failures.append(f"prompt placeholder: expected {spec['placeholder']!r}, got {got_ph!r}")
    for key, want in (spec.get("placeholders") or {}).items():
        have = dictionary.get(key)
        if not (_match(want, str(have)) if isinstance(want, str) and not isinstance(have, str) else
                _match(want, have) if isinstance(have, str) and isinstance(want, str) else have == want):
            failures.append(f"placeholder {key}: expected {want!r}, got {have!r}")
    if "state" in spec and spec["state"] != turn.state:
        failures.append(f"state: expected {spec['state']!r}, got {turn.state!r} {turn.stop_reason or turn.error or ''}")
    elif "state" not in spec and turn.state == "error":
        failures.append(f"engine error: {turn.error}")
    return failures


def load_spec(path: Path) -> dict[str, Any]:
    import yaml
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DesignerError(f"cannot read the conversation test {path}: {exc}") from exc
    if not isinstance(spec, dict) or "package" not in spec or not isinstance(spec.get("turns"), list):
        raise DesignerError(f"{path}: a conversation test needs `package` and a list of `turns`",
                            hint="see docs/simulator.md, 'Conversation tests'")
    return spec


def run_file(path: str | Path, *, accounts: Any = None) -> FileResult:
    from designer.sim.session import open_session

    path = Path(path)
    result = FileResult(str(path), path.stem)
    try:
        spec = load_spec(path)
    except DesignerError as exc:
        result.cases.append(CaseResult("load", error=str(exc)))
        return result
    result.name = str(spec.get("name") or path.stem)
    base = path.parent
    now = spec.get("now")
    options = SimOptions(worker=dict(spec.get("worker") or {}),
                         now=datetime.fromisoformat(str(now)) if now else None,
                         http_mode=spec.get("http", "live"),
                         cassette=str(base / spec["cassette"]) if spec.get("cassette") else None)
    local = base / spec["local_lambda"] if spec.get("local_lambda") else None
    try:
        with open_session(base / spec["package"], values={k: str(v) for k, v in (spec.get("prompts") or {}).items()},
                          local_lambda=local, options=options, accounts=accounts,
                          account=str(spec.get("account") or "")) as session:
            sim = session.simulator
            if spec.get("interaction"):
                inter = spec["interaction"] if isinstance(spec["interaction"], dict) else {"name": spec["interaction"]}
                menu = sim.interactions(point=str(inter.get("point", "global")))
                wanted = [m for m in menu if m.label == inter.get("name") or m.interaction == inter.get("name")]
                if not wanted:
                    raise DesignerError(f"no interaction {inter.get('name')!r} at point {inter.get('point', 'global')}"
                                        f"; the menu has {[m.label for m in menu]}")
                conv = sim.start_interaction(wanted[0])
            else:
                conv = sim.start(spec["behavior"], variables=spec.get("variables") or {})
            for index, turn_spec in enumerate(spec["turns"], 1):
                turn_spec = turn_spec or {}
                said = turn_spec.get("say")
                name = f"turn {index}" + (f": say {said!r}" if said is not None else " (start)")
                started = time.monotonic()
                case = CaseResult(name)
                try:
                    turn = conv.run() if said is None and index == 1 else conv.say(str(said or ""))
                    if said is not None:
                        result.transcript.append(f"you: {said}")
                    result.transcript += [f"bot: {m}" for m in turn.messages]
                    case.failures = check_turn(turn_spec, turn, conv.dictionary)
                except Exception as exc:  # noqa: BLE001 - reported as a test error
                    case.error = f"{type(exc).__name__}: {exc}"
                case.seconds = time.monotonic() - started
                result.cases.append(case)
    except DesignerError as exc:
        result.cases.append(CaseResult("setup", error=str(exc)))
    return result


def junit_xml(results: list[FileResult]) -> str:
    suites = ET.Element("testsuites")
    for r in results:
        failures = sum(1 for c in r.cases if c.failures)
        errors = sum(1 for c in r.cases if c.error)
        suite = ET.SubElement(suites, "testsuite", name=r.name, tests=str(len(r.cases)), failures=str(failures),
                              errors=str(errors), time=f"{sum(c.seconds for c in r.cases):.3f}", file=r.path)
        for c in r.cases:
            case = ET.SubElement(suite, "testcase", classname=r.name, name=c.name, time=f"{c.seconds:.3f}")
            if c.error:
                ET.SubElement(case, "error", message=c.error[:200]).text = c.error
            elif c.failures:
                ET.SubElement(case, "failure", message=c.failures[0][:200]).text = "\n".join(c.failures)
        ET.SubElement(suite, "system-out").text = "\n".join(r.transcript)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
