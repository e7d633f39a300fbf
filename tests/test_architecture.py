"""The layer contracts in pyproject.toml hold: nothing imports up, nothing below the Qt shell imports Qt."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def test_import_contracts_hold():
    beside = Path(sys.executable).with_name("lint-imports")  # the test environment's own, first
    exe = str(beside) if beside.exists() else shutil.which("lint-imports")
    if not exe:
        pytest.skip("import-linter is not installed")
    result = subprocess.run([exe, "--config", "pyproject.toml"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
