"""Timing helpers shared by the benchmarks: medians of repeated runs, printed next to their baseline."""
from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Figure:
    name: str
    median: float
    low: float
    high: float
    unit: str = "s"

    def show(self) -> str:
        scale, unit = 1, self.unit
        if self.unit == "s" and self.median < 1e-3:
            scale, unit = 1e6, "µs"
        elif self.unit == "s" and self.median < 1:
            scale, unit = 1e3, "ms"
        return f"{self.median * scale:10.2f} {unit} (min {self.low * scale:.2f}, max {self.high * scale:.2f})"


def measure(name: str, fn: Callable[[], object], *, repeat: int = 7, warmup: int = 1) -> Figure:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return Figure(name, statistics.median(times), min(times), max(times))


def measure_alternating(name_a: str, fn_a: Callable[[], object], name_b: str, fn_b: Callable[[], object], *,
                        repeat: int = 15, warmup: int = 1) -> tuple[Figure, Figure]:
    """Both measured in turns (a, b, a, b, …), so a drift of the machine or the server under test weighs on
    both alike: what a ratio between them needs."""
    for _ in range(warmup):
        fn_a(), fn_b()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((fn_a, times[0]), (fn_b, times[1])):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return tuple(Figure(name, statistics.median(t), min(t), max(t))  # type: ignore[return-value]
                 for name, t in ((name_a, times[0]), (name_b, times[1])))


def row(ours: Figure, base: Figure, target: str = "") -> str:
    ratio = ours.median / base.median if base.median else float("inf")
    return f"| {ours.name} | {ours.show()} | {base.name}: {base.show()} | {ratio:.2f}× | {target} |"


HEADER = "| measurement | ours (median) | baseline (median) | ratio | target |\n|---|---|---|---|---|"
