"""Write packages back as Cerb package JSON, and save files so that a failure never loses the old one.

Formatting: Cerb's own (`JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES`): 4-space indent, `": "` and `","`
separators, non-ASCII as `\\uXXXX`, slashes unescaped, plus a final newline — stable and diff-friendly.
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from designer.errors import DesignerError
from designer.model import Package

DEFAULT_INDENT = 4


class SaveError(DesignerError):
    """The file could not be written; the previous file is untouched."""


def dumps_json(value: Any, *, indent: int | None = DEFAULT_INDENT) -> str:
    if indent is None:
        return json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return json.dumps(value, indent=indent, ensure_ascii=True) + "\n"


def dumps_package(package: Package, *, indent: int | None = DEFAULT_INDENT) -> str:
    return dumps_json(package.to_json(), indent=indent)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write via a temporary file in the same folder + fsync + rename: all or nothing.

    A symlink is followed (the link stays, its target gets the new content). A device or FIFO (`/dev/null`,
    `/dev/stdout`, a pipe) is written in place: renaming a file over it would replace the device itself.
    """
    path = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    if path.exists() and not path.is_file() and not path.is_dir():
        _write_in_place(path, text)
        return
    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else None
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SaveError(f"cannot save {path}: {exc.strerror or exc}",
                        hint="choose a folder you can write to (Save As…)") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise SaveError(f"cannot save {path}: {exc.strerror or exc}; the previous file is unchanged",
                        hint="free some disk space or choose another folder") from None


def _write_in_place(path: Path, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        raise SaveError(f"cannot write {path}: {exc.strerror or exc}",
                        hint="choose a regular file to save to") from None


def save_package(package: Package, path: str | Path, *, indent: int | None = DEFAULT_INDENT) -> None:
    atomic_write_text(path, dumps_package(package, indent=indent))
