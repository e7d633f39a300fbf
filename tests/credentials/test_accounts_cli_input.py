"""How the CLI reads secrets: getpass on a terminal, stdin lines or JSON otherwise."""
from __future__ import annotations

import io

import pytest

from designer.cli import accounts_commands as cli
from designer.credentials import InvalidAccountError

AWS = [("secret_access_key", True), ("session_token", False)]


def test_terminal_uses_getpass(monkeypatch) -> None:
    asked: list[str] = []
    answers = iter(["the-secret-1234", ""])
    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: asked.append(prompt) or next(answers))
    assert cli.read_secrets(AWS, "Prod") == {"secret_access_key": "the-secret-1234"}
    assert "secret_access_key for 'Prod'" in asked[0] and "optional" in asked[1]


@pytest.mark.parametrize("text, expected", [
    ("s-1\n", {"secret_access_key": "s-1"}),
    ("s-1\r\ntok-2\r\n", {"secret_access_key": "s-1", "session_token": "tok-2"}),
    ("s-1", {"secret_access_key": "s-1"}),
    ('{"secret_access_key": "s-1", "session_token": null}', {"secret_access_key": "s-1"}),
])
def test_stdin(monkeypatch, text, expected) -> None:
    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: False)
    monkeypatch.setattr(cli.sys, "stdin", io.StringIO(text))
    assert cli.read_secrets(AWS, "Prod") == expected


@pytest.mark.parametrize("text, match", [("a\nb\nc\n", "Too many lines"), ("{bad", "not valid JSON"),
                                         ('{"a": 1}', "map field names to strings")])
def test_stdin_errors(monkeypatch, text, match) -> None:
    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: False)
    monkeypatch.setattr(cli.sys, "stdin", io.StringIO(text))
    with pytest.raises(InvalidAccountError, match=match):
        cli.read_secrets(AWS, "Prod")


def test_in_process_round_trip(memory_keyring, config_dir, monkeypatch, capsys) -> None:
    from designer.cli import main

    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: False)
    monkeypatch.setattr(cli.sys, "stdin", io.StringIO('{"X-Api-Key": "hdr-secret-123"}'))
    assert main(["accounts", "add", "Zen", "--provider", "headers", "--header", "X-Api-Key"]) == 0
    assert main(["accounts", "show", "zen"]) == 0
    monkeypatch.setattr(cli.sys, "stdin", io.StringIO("k1-secret-123\nk2-secret-456\n"))
    assert main(["accounts", "edit", "Zen", "--header", "X-A", "--header", "X-B", "--notes", "two"]) == 0
    assert main(["accounts", "list"]) == 0
    out = capsys.readouterr()
    assert "secret X-Api-Key: set" in out.out and "headers X-A, X-B" in out.out
    for s in ("hdr-secret-123", "k1-secret-123", "k2-secret-456"):
        assert s not in out.out + out.err
    assert main(["accounts", "remove", "Zen"]) == 0
    assert memory_keyring.entries == {}
