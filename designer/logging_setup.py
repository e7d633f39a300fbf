"""Logging configuration shared by the CLI and the window; the secret-masking filter is installed here."""
from __future__ import annotations

import logging

from designer.credentials.masking import install_secret_masking


def configure_logging(verbosity: int = 0) -> None:
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    install_secret_masking()  # always: every record on every handler, before anything can log a secret
