"""The window drawn in a real X window (Xvfb): PNGs of the seed package's conversational behavior, and pixel
probes that nodes were painted. Qt's platform cannot change in-process, so the window runs in a subprocess."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SAMPLE_PACKAGE

pytestmark = pytest.mark.xvfb


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X server (run under xvfb-run)")
def test_screenshot_of_the_conversational_behavior(artifacts_dir, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "gui" / "screenshot_app.py"), str(SAMPLE_PACKAGE),
                           str(artifacts_dir)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert proc.returncode == 0 and line, proc.stdout + proc.stderr
    result = json.loads(line[len("RESULT "):])
    assert result["platform"] == "xcb"
    assert result["behavior"] == "DNS conversational behavior"
    assert result["selected"] == [result["node"]]
    png = artifacts_dir / "designer-window.png"
    assert png.exists() and png.stat().st_size > 10_000
    assert (artifacts_dir / "designer-screen.png").exists()
    probes = result["probes"]
    assert len(probes) >= 3, result
    background = result["background"]
    assert background is not None
    drawn = [p for p in probes if p["centre"] != background or p["edge"] != background]
    assert len(drawn) == len(probes), (background, probes)
    # each node's body shows its type's fill colour, in the widget render and on the X server's screen
    assert all(p["fill_in_window"] for p in probes), probes
    assert all(p["fill_on_screen"] for p in probes), probes
    fitted = result["fit_probes"]
    assert len(fitted) >= 10 and (artifacts_dir / "designer-window-fit.png").exists(), result
    assert all(p["fill_in_window"] and p["fill_on_screen"] for p in fitted), fitted
    assert {p["type"] for p in fitted} >= {"action", "switch", "outcome", "loop", "subroutine"}, fitted
    assert len({p["fill"] for p in fitted}) >= 5, fitted  # types are told apart by colour
    assert result["selected_frame"], result  # the selected node wears the selection frame


STAGED_START = r"""
import json, sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
import designer.app.window as window_module
window_module.BUILD_AT_THE_LATEST_MS = 600_000  # only the first paint may trigger the build here
from designer.app.main import create_window
paints = []
original = window_module.MainWindow.paintEvent
def paint(self, event):
    paints.append(self.is_built)
    original(self, event)
window_module.MainWindow.paintEvent = paint
w = create_window(sys.argv[1], sys.argv[2])
deadline = time.monotonic() + 60
while w.file_path is None and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.005)
print("RESULT " + json.dumps({"platform": app.platformName(), "paints_before_build": paints[:1],
                              "built": w.is_built, "opened": w.file_path is not None,
                              "behavior": w.current_behavior().title if w.current_behavior() else None}))
w.simulation.local.stop(); w.setWindowModified(False); w.close()
"""


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X server (run under xvfb-run)")
def test_the_app_paints_its_frame_in_a_real_x_window_before_building_the_rest(tmp_path):
    """The app's start (`create_window`) on the X server: the first paint of the window's frame comes before
    the build, and it is that paint that triggers the build (the fallback timer is pushed out of reach)."""
    from tests.conftest import SAMPLE_FUNCTIONS

    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-c", STAGED_START, str(SAMPLE_PACKAGE), str(SAMPLE_FUNCTIONS)],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert proc.returncode == 0 and line, proc.stdout + proc.stderr
    assert json.loads(line[len("RESULT "):]) == {"platform": "xcb", "paints_before_build": [False], "built": True,
                                                 "opened": True, "behavior": "DNS conversational behavior"}
