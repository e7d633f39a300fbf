"""An Xvfb screenshot of the window mid-conversation (trace and calls inspector visible), in a subprocess on
the xcb platform; skipped without a DISPLAY."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ARTIFACTS, ROOT


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="no X display (run under xvfb-run, as scripts/test does)")
def test_screenshot_mid_conversation(tmp_path: object) -> None:
    out = ARTIFACTS / "simulator-conversation.png"
    out.unlink(missing_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "BOT_DESIGNER_CONFIG_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "tests.gui_sim.screenshot_app", str(out)], cwd=ROOT, env=env,
                            check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.exists() and out.stat().st_size > 20_000
    from PySide6.QtGui import QImage
    image = QImage(str(out))
    assert image.width() >= 1000 and image.height() >= 700
    colors = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 37)}
    assert len(colors) > 20, "the screenshot shows a rendered window, not a blank screen"
