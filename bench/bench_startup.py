"""Cold start to the first painted window (a fresh interpreter each run): the designer on the sample package
vs a bare PySide6 window, both measured from outside the process the same way."""
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
"""

OURS = """
from PySide6.QtWidgets import QApplication
app = QApplication([])
from designer.app.window import MainWindow
w = MainWindow(offer_recovery=False); w.show(); w.open_file(%r, prompt=False); app.processEvents(); w.grab()
w.setWindowModified(False); w.close()
""" % str(ROOT / "packages" / "aws-lambda-bot.json")


def cold(code: str, runs: int) -> Figure:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "HOME": os.environ.get("BENCH_HOME", "/tmp/bot-designer-bench-home")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's runs reuse compiled bytecode
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return Figure("", statistics.median(times), min(times), max(times))


def run(runs: int = 5) -> list[str]:
    cold(BARE, 1), cold(OURS, 1)  # warm the OS file cache: "cold" means a new process, not a cold disk
    ours, bare = cold(OURS, runs), cold(BARE, runs)
    ours.name, bare.name = "cold start to first window (sample package)", "bare PySide6 window"
    return [row(ours, bare, "≤ 2×")]


if __name__ == "__main__":
    print("\n".join(run()))
