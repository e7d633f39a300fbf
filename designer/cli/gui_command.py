"""`bot-designer gui [FILE] [--local-lambda DIR]`: open the designer window.

`designer.cli` and `designer.app` are sibling layers (neither imports the other statically); this command is
the one place the headless CLI hands over to the Qt shell, so it loads `designer.app.main` at run time, the
way the CLI registry loads its command groups.
"""
from __future__ import annotations

import argparse
import importlib
from typing import Any

_APP_MAIN = "designer.app.main"


def register(subparsers: Any) -> None:
    add_arguments = importlib.import_module(_APP_MAIN).add_arguments
    parser = subparsers.add_parser("gui", help="open the designer window",
                                   description="Open the Bot Designer window, optionally on a package.")
    add_arguments(parser)
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    return int(importlib.import_module(_APP_MAIN).run(args.file, args.local_lambda, smoke=args.smoke))
