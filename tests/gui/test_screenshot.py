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
                           str(artifacts_dir)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
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
