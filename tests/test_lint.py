"""The whole tree is clean for ruff and mypy, with the rules and file lists configured in pyproject.toml."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _tool(name: str) -> str:
    beside = Path(sys.executable).with_name(name)  # the test environment's own, first
    exe = str(beside) if beside.exists() else shutil.which(name)
    if not exe:
        pytest.skip(f"{name} is not installed (it is in the [test] extras)")
    return exe


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_ruff_finds_nothing():
    result = _run(_tool("ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing():
    result = _run(_tool("mypy"))
    assert result.returncode == 0, result.stdout + result.stderr
