"""Work-arounds for the installed Qt binding.

PySide6 6.12.0 (abi3 wheel) on CPython 3.11: calls that return `None` or a bool (`setPos`, `update`,
`prepareGeometryChange`, `setSelected`, `Signal.emit`, …) give back `None`/`True`/`False` without taking a
reference, as if they were immortal (they are only from CPython 3.12 on). Every call lowers the singleton's
reference count by one, and after a few thousand calls the interpreter aborts with
"Fatal Python error: none_dealloc / bool_dealloc" (typically while collecting garbage at exit).

`make_singletons_immortal()` gives the three singletons a huge reference count, which is what CPython 3.12+
does itself (PEP 683), so the lost references can never reach zero. It is a no-op on 3.12+. Importing
`designer.canvas` applies it; the application's `main()` should call it too (it lives here only because the
canvas is the first Qt layer).
"""
from __future__ import annotations

import ctypes
import sys
from typing import Any

_BIG = 1 << 40


def make_singletons_immortal() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for obj in (None, True, False):
        refcnt = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is the first field of every object
        if refcnt.value < _BIG:
            refcnt.value += _BIG


make_singletons_immortal()


def emit(signal: Any, *args: Any) -> None:
    """`signal.emit(*args)` (one place to adapt if the binding's emit needs care again)."""
    signal.emit(*args)
