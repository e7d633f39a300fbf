"""Bot Designer: design, lint and simulate Cerb bot behaviors."""
from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("bot-designer")
except metadata.PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
