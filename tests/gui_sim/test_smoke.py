"""`bot-designer gui --smoke` plays the sample conversation through the window's simulator panel against the
embedded local Lambda service, and fails (exit status 1, with the reason) when the conversation goes wrong."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from designer.app.smoke import run_smoke
from tests.conftest import ROOT, SAMPLE_FUNCTIONS


def _functions_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "functions"
    shutil.copytree(SAMPLE_FUNCTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def test_smoke_plays_the_sample_through_the_panel(qapp: Any, capsys: Any) -> None:
    assert run_smoke(qapp) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "smoke: ok" in out and "simulator panel" in out
    assert "answered by the local service at http://127.0.0.1:" in out


def test_smoke_fails_when_the_function_answers_wrong(qapp: Any, capsys: Any, tmp_path: Path) -> None:
    functions = _functions_copy(tmp_path)
    code = functions / "CerbDnsLookup" / "lambda_function.py"
    code.write_text(code.read_text(encoding="utf-8").replace('"104.18.50.1", "104.18.51.1"', '"10.0.0.1"'),
                    encoding="utf-8")
    assert run_smoke(qapp, functions=functions) == 1
    err = capsys.readouterr().err
    assert "after 'cerb.ai'" in err and "expected '104.18.50.1'" in err and "10.0.0.1" in err


def test_smoke_fails_when_the_function_is_missing(qapp: Any, capsys: Any, tmp_path: Path) -> None:
    functions = _functions_copy(tmp_path)
    shutil.rmtree(functions / "CerbDnsLookup")
    assert run_smoke(qapp, functions=functions) == 1
    assert "expected '104.18.50.1'" in capsys.readouterr().err


def test_gui_smoke_command(tmp_path: Path) -> None:
    """The installed command, in its own process (offscreen): exit status 0."""
    command = Path(sys.executable).with_name("bot-designer")
    argv = [str(command)] if command.exists() else [sys.executable, "-m", "designer"]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BOT_DESIGNER_CONFIG_DIR": str(tmp_path / "config")}
    result = subprocess.run([*argv, "gui", "--smoke"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=180, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke: ok" in result.stdout
