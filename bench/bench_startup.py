"""Cold start (a fresh interpreter each run), the way `scripts/run-designer` starts the app — the sample package
with the embedded local Lambda service — vs a bare PySide6 window, in turns so a busy moment of the machine
weighs on both. Counted from just before the process is started to the moment the child prints the wall-clock
time (its exit is not counted):

* first window: the window has been painted. The designer paints its frame (menus, dock frames in their
  remembered places, status bar) before it builds the canvas and the panels;
* ready: the sample package is open and drawn on the canvas, and every panel and the simulator are built."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Figure, row

ROOT = Path(__file__).resolve().parent.parent

BARE = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1280, 800); w.show(); app.processEvents(); w.grab()
import time; print(time.time(), flush=True)
"""

OURS = f"""
from PySide6.QtWidgets import QApplication
app = QApplication([])
from designer.app.main import create_window
w = create_window({str(ROOT / "packages" / "aws-lambda-bot.json")!r}, {str(ROOT / "packages" / "functions")!r})
w.resize(1280, 800)  # the bare window's size: the offscreen screen (800 × 800) is smaller than both
app.processEvents(); w.grab()
import time; print(time.time(), flush=True)
while w.file_path is None:
    app.processEvents()
w.grab(); print(time.time(), flush=True)
w.simulation.local.stop(); w.setWindowModified(False); w.close()
"""


def _env() -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "HOME": os.environ.get("BENCH_HOME", "/tmp/bot-designer-bench-home")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's runs reuse compiled bytecode
    return env


def start(code: str) -> list[float]:
    """Seconds from starting a new interpreter running `code` to each time it prints."""
    begun = time.time()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(), check=True, capture_output=True,
                          text=True)
    return [float(t) - begun for t in done.stdout.split()]


def run(runs: int = 11) -> list[str]:
    start(BARE), start(OURS)  # warm the OS file cache: "cold" is a new process, not a cold disk
    first: list[float] = []
    ready: list[float] = []
    bare: list[float] = []
    for _ in range(runs):
        ours = start(OURS)
        first.append(ours[0])
        ready.append(ours[1])
        bare.extend(start(BARE))
    figures = {name: Figure(name, statistics.median(t), min(t), max(t)) for name, t in (
        ("cold start to first window", first), ("cold start to ready (sample open, every panel built)", ready),
        ("bare PySide6 window", bare))}
    baseline = figures["bare PySide6 window"]
    return [row(figures["cold start to first window"], baseline, "≤ 2×"),
            row(figures["cold start to ready (sample open, every panel built)"], baseline, "")]


if __name__ == "__main__":
    print("\n".join(run()))
