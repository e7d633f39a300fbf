"""Work over a whole package at once (decode, build the model, lint it) pauses Python's cyclic GC.

Such work allocates hundreds of thousands of objects that are acyclic, or cyclic only through parent links that
stay alive: each collection the allocations trigger walks all of them again and finds nothing. On the
10,000-node benchmark package that was a third of import + lint, and most of its run-to-run spread.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
