"""Cold start to the first painted window (a fresh interpreter each run): the designer on the sample package
vs a bare PySide6 window, both measured the same way — from just before the process is started to the moment
its window has been painted (the child prints the wall-clock time then; its exit is not counted) — in turns,
so a busy moment of the machine weighs on both."""
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

OURS = """
from PySide6.QtWidgets import QApplication
app = QApplication([])
from designer.app.window import MainWindow
w = MainWindow(offer_recovery=False); w.show(); w.open_file(%r, prompt=False); app.processEvents(); w.grab()
import time; print(time.time(), flush=True)
w.setWindowModified(False); w.close()
""" % str(ROOT / "packages" / "aws-lambda-bot.json")


def _env() -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "HOME": os.environ.get("BENCH_HOME", "/tmp/bot-designer-bench-home")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's runs reuse compiled bytecode
    return env


def to_first_window(code: str) -> float:
    """Seconds from starting a new interpreter running `code` to the time it prints after its first paint."""
    start = time.time()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(), check=True, capture_output=True,
                          text=True)
    return float(done.stdout.split()[0]) - start


def run(runs: int = 7) -> list[str]:
    to_first_window(BARE), to_first_window(OURS)  # warm the OS file cache: "cold" is a new process, not a cold disk
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        times[0].append(to_first_window(OURS))
        times[1].append(to_first_window(BARE))
    ours, bare = (Figure(name, statistics.median(t), min(t), max(t)) for name, t in (
        ("cold start to first window (sample package)", times[0]), ("bare PySide6 window", times[1])))
    return [row(ours, bare, "≤ 2×")]


if __name__ == "__main__":
    print("\n".join(run()))
