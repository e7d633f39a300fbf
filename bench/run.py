"""Run every benchmark and print one table of figures next to baselines measured in the same run.

    python -m bench.run            # everything (a few minutes on a 2-core machine)
    python -m bench.run package    # only bench/bench_package.py
"""
from __future__ import annotations

import importlib
import platform
import sys
import time
from pathlib import Path

from bench.common import HEADER

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    print(f"Bot Designer benchmarks — Python {platform.python_version()}, {platform.machine()}, "
          f"{__import__('os').cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}\n")
    print(HEADER)
    failed = 0
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        try:
            for line in module.run():
                print(line, flush=True)
        except Exception as exc:  # noqa: BLE001 - a broken benchmark must not hide the others' figures
            failed += 1
            print(f"| {name} | failed: {type(exc).__name__}: {exc} | | | |", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
