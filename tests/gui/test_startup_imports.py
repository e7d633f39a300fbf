"""What the first window must not wait for: boto3, keyring and the HTTP client load when a call needs them.
A deterministic guard for the cold-start figure in bench/bench_startup.py (no timing is asserted here)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, SAMPLE_PACKAGE

DEFERRED = ("boto3", "botocore", "keyring", "secretstorage", "http.client", "urllib.request")

FIRST_WINDOW = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from designer.app.window import MainWindow
w = MainWindow(offer_recovery=False); w.show(); w.open_file(sys.argv[1], prompt=False); app.processEvents(); w.grab()
print(json.dumps(sorted(m for m in sys.argv[2:] if m in sys.modules)))
w.setWindowModified(False); w.close()
"""


def test_the_first_window_loads_no_aws_keyring_or_http_modules(tmp_path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", FIRST_WINDOW, str(SAMPLE_PACKAGE), *DEFERRED], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
