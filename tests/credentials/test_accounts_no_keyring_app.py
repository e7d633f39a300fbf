"""With no keyring at all the app still starts — the window, its simulator and the CLI — and explains what
to do; nothing secret is written anywhere. Each run is a fresh process with `keyring`'s `fail` backend and
no D-Bus session, as on a machine without a Secret Service."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE_PACKAGE
from tests.credentials.conftest import scan

pytest.importorskip("PySide6", reason="the window needs PySide6")

WINDOW_SCRIPT = r"""
import json, sys, time
from PySide6.QtWidgets import QApplication
from designer.app.main import create_window
from designer.logging_setup import configure_logging

configure_logging(0)
app = QApplication([sys.argv[0]])
window = create_window(sys.argv[1])
while not window.is_built:  # the frame paints first, the panels follow
    app.processEvents()
dialog = window.simulation.accounts_dialog()  # Tools → Connected accounts…
listed = []
dialog.accountsChanged.connect(lambda: listed.append(True))
deadline = time.monotonic() + 60
while (dialog.keyring_ok is None or not listed) and time.monotonic() < deadline:  # both run off the GUI thread
    app.processEvents()
    time.sleep(0.02)
print(json.dumps({"package": window.package.name if window.package else None, "keyring_ok": dialog.keyring_ok,
                  "hint": dialog.hint_label.text(), "save_enabled": dialog.save_button.isEnabled(),
                  "listed": [dialog.list.item(i).text() for i in range(dialog.list.count())]}))
dialog.close()
window.setWindowModified(False)
window.close()
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    home = tmp_path / "home"
    env.update({"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "PYTHONPATH": str(ROOT),
                "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_DATA_HOME": str(home / ".local" / "share"), "XDG_CACHE_HOME": str(home / ".cache"),
                "BOT_DESIGNER_CONFIG_DIR": str(tmp_path / "config"), "QT_QPA_PLATFORM": "offscreen",
                "TMPDIR": str(tmp_path / "tmp")})
    (tmp_path / "tmp").mkdir()
    return env


def _seed_metadata(config: Path) -> None:
    """An account whose secret is in a keyring this machine cannot reach (e.g. after a move)."""
    config.mkdir(parents=True)
    (config / "accounts.json").write_text(json.dumps({"version": 1, "accounts": [
        {"id": "acct-0123456789ab", "name": "AWS prod", "provider": "aws",
         "fields": {"access_key_id": "AKIAPROD", "region": "us-west-2"}, "secret_fields": ["secret_access_key"],
         "notes": "", "created_at": "", "updated_at": ""}]}))


def test_window_starts_and_the_accounts_dialog_explains(tmp_path: Path) -> None:
    env = _env(tmp_path)
    _seed_metadata(tmp_path / "config")
    before = (tmp_path / "config" / "accounts.json").read_bytes()
    r = subprocess.run([sys.executable, "-c", WINDOW_SCRIPT, str(SAMPLE_PACKAGE)], capture_output=True, text=True,
                       env=env, cwd=ROOT, timeout=180, check=False)
    assert r.returncode == 0, r.stderr[-3000:]
    shown = json.loads(r.stdout.strip().splitlines()[-1])
    assert shown["package"] and shown["keyring_ok"] is False and shown["save_enabled"] is False
    assert "No secure OS keyring" in shown["hint"] and "gnome-keyring-daemon" in shown["hint"], shown
    assert any("AWS prod" in item for item in shown["listed"])  # the metadata is still listed
    assert (tmp_path / "config" / "accounts.json").read_bytes() == before  # nothing rewritten


def test_window_smoke_runs_the_simulator_without_a_keyring(tmp_path: Path) -> None:
    # the local Lambda service's throwaway account lives in memory only: no keyring is needed for the samples
    env = _env(tmp_path)
    r = subprocess.run([sys.executable, "-m", "designer", "gui", "--smoke"], capture_output=True, text=True,
                       env=env, cwd=ROOT, timeout=300, check=False)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    assert "smoke: ok" in r.stdout
    assert not (tmp_path / "config" / "accounts.json").exists()


def test_cli_starts_lists_and_explains(tmp_path: Path) -> None:
    env = _env(tmp_path)
    _seed_metadata(tmp_path / "config")
    r = subprocess.run([sys.executable, "-m", "designer", "accounts", "list"], capture_output=True, text=True,
                       env=env, cwd=ROOT, timeout=120, check=False)
    assert r.returncode == 0 and "AWS prod" in r.stdout, r.stderr
    assert "No secure OS keyring" in r.stderr and "hint:" in r.stderr
    r = subprocess.run([sys.executable, "-m", "designer", "accounts", "show", "AWS prod"], capture_output=True,
                       text=True, env=env, cwd=ROOT, timeout=120, check=False)
    assert r.returncode == 0 and "secret secret_access_key: unknown (no keyring)" in r.stdout, r.stderr
    r = subprocess.run([sys.executable, "-m", "designer", "accounts", "test", "AWS prod"], capture_output=True,
                       text=True, env=env, cwd=ROOT, timeout=120, check=False)
    assert r.returncode == 1 and "No secure OS keyring" in r.stderr and "hint:" in r.stderr
    r = subprocess.run([sys.executable, "-m", "designer", "accounts", "add", "Slack", "--provider", "bearer"],
                       input="a-secret-that-must-not-land\n", capture_output=True, text=True, env=env, cwd=ROOT,
                       timeout=120, check=False)
    assert r.returncode == 1 and "No secure OS keyring" in r.stderr
    assert scan(tmp_path, ["a-secret-that-must-not-land"]) == []
