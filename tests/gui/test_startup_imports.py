"""What the app's start must not wait for, measured in a fresh interpreter started the way `scripts/run-designer`
starts the app. A deterministic guard for the cold-start figures of bench/bench_startup.py (no timing here):

* the first window (the painted frame) comes before the canvas, the panels, the simulator and the template
  engine are even imported;
* the ready window (sample open, every panel built) still has no boto3, keyring or HTTP client, and no template
  engine: they load when a call or a run needs them."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, SAMPLE_FUNCTIONS, SAMPLE_PACKAGE

NOT_IN_THE_FRAME = ("designer.canvas", "designer.panels.outline", "designer.panels.properties",
                    "designer.panels.simulation", "designer.sim.conversation", "designer.templates", "jinja2")
NOT_WHEN_READY = ("boto3", "botocore", "keyring", "secretstorage", "http.client", "urllib.request",
                  "designer.sim.conversation", "designer.templates", "jinja2")

START = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from designer.app.main import create_window
frame, ready = json.loads(sys.argv[3]), json.loads(sys.argv[4])
w = create_window(sys.argv[1], sys.argv[2]); app.processEvents(); w.grab()
seen = {"built_at_first_paint": w.is_built, "frame": sorted(m for m in frame if m in sys.modules)}
while w.file_path is None:
    app.processEvents()
seen["ready"] = sorted(m for m in ready if m in sys.modules)
print(json.dumps(seen))
w.simulation.local.stop(); w.setWindowModified(False); w.close()
"""


def test_the_frame_paints_first_and_the_ready_window_loads_no_aws_keyring_http_or_templates(tmp_path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", START, str(SAMPLE_PACKAGE), str(SAMPLE_FUNCTIONS),
                             json.dumps(NOT_IN_THE_FRAME), json.dumps(NOT_WHEN_READY)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {"built_at_first_paint": False, "frame": [], "ready": []}
