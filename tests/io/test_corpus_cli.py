"""The malformed corpus through the real command line (in process): exit code 2, the JSON path and the line of
every error, never a traceback — and the well-formed oddities (deep, huge, cyclic) pass."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.cli import main
from tests.conftest import SAMPLE_PACKAGE


def seed() -> dict:
    return json.loads(SAMPLE_PACKAGE.read_text())


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def edited(change) -> str:
    data = seed()
    change(data)
    return json.dumps(data, indent=4)


def _set(path: list, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


B = ["bots", 0, "behaviors"]
CHAT = [*B, 0, "nodes"]  # behavior_180's nodes

# name → (file text, the JSON path an error must name)
CORPUS: dict[str, tuple[str | bytes, str]] = {
    "truncated": (SAMPLE_PACKAGE.read_text()[:9000], "(package)"),
    "empty file": ("", "(package)"),
    "top level is an array": ("[]", "(package)"),
    "package is a string": (edited(_set(["package"], "AWS")), "package"),
    "configure is a list": (edited(_set(["package", "configure"], [])), "package.configure"),
    "prompts is a number": (edited(_set(["package", "configure", "prompts"], 3)), "package.configure.prompts"),
    "prompt is a string": (edited(_set(["package", "configure", "prompts", 0], "x")), "package.configure.prompts[0]"),
    "prompt key is a number": (edited(_set(["package", "configure", "prompts", 0, "key"], 5)),
                               "package.configure.prompts[0].key"),
    "bots is an object": (edited(_set(["bots"], {})), "bots"),
    "bot is null": (edited(_set(["bots", 0], None)), "bots[0]"),
    "bot name is a list": (edited(_set(["bots", 0, "name"], [])), "bots[0].name"),
    "behaviors is a string": (edited(_set(B, "none")), "bots[0].behaviors"),
    "behavior is a number": (edited(_set([*B, 1], 1)), "bots[0].behaviors[1]"),
    "behavior title is null": (edited(_set([*B, 2, "title"], None)), "bots[0].behaviors[2].title"),
    "priority is an object": (edited(_set([*B, 2, "priority"], {})), "bots[0].behaviors[2].priority"),
    "event is a string": (edited(_set([*B, 1, "event"], "event.macro.bot")), "bots[0].behaviors[1].event"),
    "event key is missing": (edited(_set([*B, 1, "event"], {"params": {}})), "bots[0].behaviors[1].event.key"),
    "variables is a string": (edited(_set([*B, 0, "variables"], "x")), "bots[0].behaviors[0].variables"),
    "nodes is an object": (edited(_set(CHAT, {})), "bots[0].behaviors[0].nodes"),
    "node is a list": (edited(_set([*CHAT, 0], [])), "bots[0].behaviors[0].nodes[0]"),
    "node title is a number": (edited(_set([*CHAT, 0, "title"], 7)), "bots[0].behaviors[0].nodes[0].title"),
    "node status is unknown": (edited(_set([*CHAT, 0, "status"], "paused")), "bots[0].behaviors[0].nodes[0].status"),
    "params is a string": (edited(_set([*CHAT, 0, "params"], "x")), "bots[0].behaviors[0].nodes[0].params"),
    "actions is an object": (edited(_set([*CHAT, 0, "params", "actions"], {})),
                             "bots[0].behaviors[0].nodes[0].params.actions"),
    "action key is missing": (edited(_set([*CHAT, 0, "params", "actions", 0], {"var": "x"})),
                              "bots[0].behaviors[0].nodes[0].params.actions[0]"),
    "loop foreach is a list": (edited(_set([*CHAT, 1, "params", "foreach_json"], ["*"])),
                               "bots[0].behaviors[0].nodes[1].params.foreach_json"),
    "outcome groups is a string": (edited(_set([*CHAT, 1, "nodes", 2, "nodes", 0, "params", "groups"], "x")),
                                   "bots[0].behaviors[0].nodes[1].nodes[2].nodes[0].params.groups"),
    "condition is a number": (edited(_set([*CHAT, 1, "nodes", 2, "nodes", 0, "params", "groups", 0, "conditions", 0],
                                          1)),
                              "bots[0].behaviors[0].nodes[1].nodes[2].nodes[0].params.groups[0].conditions[0]"),
    "unknown node type": (edited(_set([*CHAT, 0, "type"], "goto")), "bots[0].behaviors[0].nodes[0].type"),
    "outcome at the root": (edited(_set([*CHAT, 0, "type"], "outcome")), "bots[0].behaviors[0].nodes[0]"),
    "action under a switch": (edited(_set([*CHAT, 1, "nodes", 2, "nodes", 0, "type"], "action")),
                              "bots[0].behaviors[0].nodes[1].nodes[2].nodes[0]"),
    "subroutine inside a loop": (edited(_set([*CHAT, 1, "nodes", 0, "type"], "subroutine")),
                                 "bots[0].behaviors[0].nodes[1].nodes[0]"),
    "records item lacks _context": (edited(_set(["records"], [{"uid": "r1"}])), "records[0]"),
    "duplicate uids": (edited(_set([*B, 3, "uid"], "behavior_180")), "bots[0].behaviors[3].uid"),
    "bot and behavior share a uid": (edited(_set(["bots", 0, "uid"], "behavior_181")), "bots[0].behaviors[3].uid"),
    "not UTF-8": (SAMPLE_PACKAGE.read_bytes().replace(b"Menu", b"M\xe9nu", 1), "(package)"),
    "100,000 levels of brackets": ("[" * 100_000 + "]" * 100_000, "(package)"),
}


@pytest.mark.parametrize("name", list(CORPUS))
def test_malformed_package_is_refused_cleanly(name: str, tmp_path: Path, capsys) -> None:
    text, where = CORPUS[name]
    path = tmp_path / "bad.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 2, out
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert errors, out
    assert any(f": error: {where}:" in line for line in errors), out
    for line in errors:  # FILE:LINE:COLUMN: every error has a real line
        file, line_no, column = line.split(":")[:3]
        assert file == str(path) and int(line_no) >= 1 and int(column) >= 1, line

    code, out, _ = run(capsys, "validate", "--json", str(path))
    [report] = json.loads(out)
    assert code == 2 and report["ok"] is False
    assert all(p["line"] and p["column"] for p in report["problems"])
    assert any(p["path"] == ("" if where == "(package)" else where) for p in report["problems"])

    for command in (["show", str(path)], ["export", str(path), "-o", str(tmp_path / "out.json")],
                    ["export", str(path), "-o", str(tmp_path / "out.json"), "--set", "aws_account_id=1"]):
        code, _, err = run(capsys, *command)
        assert code == 2 and err.startswith("error: ") and "hint:" in err
    assert not (tmp_path / "out.json").exists()


def test_all_errors_are_collected_not_just_the_first(tmp_path: Path, capsys) -> None:
    text = edited(lambda d: [_set(p, v)(d) for p, v in (
        (["package", "configure", "prompts"], 3), ([*CHAT, 0, "type"], "goto"), ([*B, 2, "title"], None),
        ([*B, 3, "uid"], "behavior_180"))])
    path = tmp_path / "bad.json"
    path.write_text(text)
    code, out, _ = run(capsys, "validate", "--json", str(path))
    paths = {p["path"] for p in json.loads(out)[0]["problems"]}
    assert code == 2 and paths >= {"package.configure.prompts", "bots[0].behaviors[0].nodes[0].type",
                                   "bots[0].behaviors[2].title", "bots[0].behaviors[3].uid"}


def nested_loops(depth: int) -> dict:
    node: dict = {"type": "action", "title": "leaf", "status": "live",
                  "params": {"actions": [{"action": "_exit", "mode": "stop"}]}}
    for i in range(depth):
        node = {"type": "loop", "title": f"l{i}", "status": "live",
                "params": {"foreach_json": "[1]", "as_placeholder": "x"}, "nodes": [node]}
    return node


def deep_value(depth: int) -> str:
    return "[" * depth + '"{{{uid.behavior_180}}} {{{aws_region}}}"' + "]" * depth


WELL_FORMED = {
    "50 levels of nodes": lambda: edited(_set(CHAT, [nested_loops(50)])),
    "150 levels of nodes": lambda: edited(_set(CHAT, [nested_loops(150)])),
    "a 20 MB string in a title, a message and the header": lambda: edited(lambda d: (
        _set([*CHAT, 0, "title"], "t" * (20 << 20))(d),
        _set([*CHAT, 0, "params", "actions", 0, "message"], "{{{aws_region}}} " + "m" * (20 << 20))(d),
        _set(["package", "library"], {"description": "d" * (20 << 20)})(d))),
    "params nested 900 deep": lambda: SAMPLE_PACKAGE.read_text().replace(
        '"action": "prompt_buttons",', f'"deep": {deep_value(900)}, "action": "prompt_buttons",', 1),
    "behaviors calling each other in a cycle": lambda: edited(lambda d: d["bots"][0]["behaviors"][3]["nodes"][0][
        "params"]["actions"].append({"action": "_run_behavior", "on": "_trigger_va_id", "var": "x",
                                     "behavior_id": "{{{uid.behavior_180}}}"})),
    "records linking to each other in a cycle": lambda: edited(_set(["records"], [
        {"uid": "a", "_context": "task", "links": "{{{uid.b}}}"},
        {"uid": "b", "_context": "task", "links": "{{{uid.a}}}"}])),
}


@pytest.mark.parametrize("name", list(WELL_FORMED))
def test_odd_but_valid_packages_pass_every_command(name: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "odd.json"
    path.write_text(WELL_FORMED[name]())
    original = json.loads(path.read_text())
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0, out[-2000:]
    code, out, _ = run(capsys, "show", str(path))
    assert code == 0 and out.startswith("package 'AWS Lambda Bot'")
    out_path = tmp_path / "out.json"
    code, _, err = run(capsys, "export", str(path), "-o", str(out_path))
    assert code == 0, err
    assert json.loads(out_path.read_text()) == original
    code, _, err = run(capsys, "export", str(path), "-o", str(out_path), "--set", "aws_account_id=1")
    assert code == 0, err
    assert "{{{" not in out_path.read_text()


def test_cycles_are_reported_as_warnings(tmp_path: Path, capsys) -> None:
    path = tmp_path / "cycle.json"
    path.write_text(WELL_FORMED["behaviors calling each other in a cycle"]())
    code, out, _ = run(capsys, "validate", "--json", str(path))
    [report] = json.loads(out)
    [cycle] = [p for p in report["problems"] if p["code"] == "recursive-call"]
    assert code == 0 and cycle["severity"] == "warning"
    assert "behavior_180 → behavior_181 → behavior_180" in cycle["message"]
    code, _, _ = run(capsys, "validate", "--strict", str(path))
    assert code == 1



def test_unreadable_paths_are_clean_errors(tmp_path: Path, capsys) -> None:
    code, out, _ = run(capsys, "validate", "--json", str(tmp_path / "missing.json"), str(tmp_path), str(SAMPLE_PACKAGE))
    missing, folder, sample = json.loads(out)
    assert code == 2 and sample["ok"] is True
    assert missing["ok"] is False and "cannot read" in missing["error"]
    assert folder["ok"] is False and "cannot read" in folder["error"]
    for command in (["show"], ["export", "-o", str(tmp_path / "out.json")]):
        code, _, err = run(capsys, *command, str(tmp_path / "missing.json"))
        assert code == 2 and err.startswith("error: cannot read")
