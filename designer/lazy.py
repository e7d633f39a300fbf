"""Package names that load on first use (PEP 562), for packages whose import must stay cheap: the window and
every command import `designer.credentials.masking` and `designer.sim.store`, which must not pull in keyring,
http.client, the interpreter or Jinja2 on the way."""
from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_names(package: str, homes: dict[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package`: each name in `homes` is imported from its submodule
    (`package.<home>`) the first time it is asked for, then kept on the package."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{home}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
