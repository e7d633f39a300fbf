"""On a real terminal (a pseudo-terminal here) the CLI asks for secrets without echoing them."""
from __future__ import annotations

import os
import sys
import time

import keyring
import pytest

from designer.credentials import AccountStore
from tests.conftest import ROOT
from tests.credentials.conftest import secret_value, service_of, unique
from tests.support import read_terminal_until

pty = pytest.importorskip("pty", reason="needs POSIX pseudo-terminals")
pytestmark = pytest.mark.keyring


def test_secret_is_asked_without_echo(real_keyring, config_dir) -> None:
    name, token = unique("TTY bearer"), secret_value("tty")
    env = {**os.environ, "BOT_DESIGNER_CONFIG_DIR": str(config_dir), "PYTHONPATH": str(ROOT)}
    pid, fd = pty.fork()
    if pid == 0:  # the child: its controlling terminal is the pty, so getpass reads /dev/tty with echo off
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "designer", "accounts", "add", name,
                                   "--provider", "bearer"], env)
    deadline = time.monotonic() + 120
    try:
        shown = read_terminal_until(fd, b"token for", deadline)
        assert b"token for '" + name.encode() + b"'" in shown, shown  # getpass turns echo off before this
        os.write(fd, token.encode() + b"\r")
        shown += read_terminal_until(fd, b"\x00never", deadline)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    try:
        assert os.waitstatus_to_exitcode(status) == 0, shown
        assert token.encode() not in shown  # not echoed, not printed
        assert b"secrets are in the OS keyring" in shown
        account = AccountStore(config_dir).get(name)
        assert keyring.get_password(service_of(account.id), "token") == token
    finally:
        for a in AccountStore(config_dir).list():
            AccountStore(config_dir).remove(a.id)
