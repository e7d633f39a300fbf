"""`bot-designer gui [FILE] [--local-lambda DIR] [--smoke]`: open the designer window.

The Qt shell is imported only when this command runs, so the other commands never load Qt.
"""
from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    from designer.app.main import add_arguments  # stdlib-only module: no Qt yet

    parser = subparsers.add_parser("gui", help="open the designer window",
                                   description="Open the Bot Designer window, optionally on a package.")
    add_arguments(parser)
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from designer.app.main import run

    return int(run(args.file, args.local_lambda, smoke=args.smoke))
