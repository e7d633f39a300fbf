"""Where the app's data folders are: in a source tree, an installed copy, or a frozen bundle."""
from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path


@cache
def app_root() -> Path:
    """The folder holding `resources/` and `packages/`."""
    env = os.environ.get("BOT_DESIGNER_ROOT")
    candidates = [Path(env)] if env else []
    if getattr(sys, "frozen", False):
        candidates.append(Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)))
    candidates.append(Path(__file__).resolve().parent.parent)
    for folder in candidates:
        if (folder / "resources").is_dir():
            return folder
    return candidates[-1]


def resource_path(*parts: str) -> Path:
    return app_root().joinpath("resources", *parts)


def sample_path(*parts: str) -> Path:
    return app_root().joinpath("packages", *parts)
