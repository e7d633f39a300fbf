"""Bot Designer: design, lint and simulate Cerb bot behaviors."""
from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # the version comes from the installed metadata, read on demand: importlib.metadata costs ~30 ms at start-up
    if name == "__version__":
        from importlib import metadata

        try:
            return metadata.version("bot-designer")
        except metadata.PackageNotFoundError:  # a source tree that was not installed
            return "0.0.0+source"
    raise AttributeError(name)
