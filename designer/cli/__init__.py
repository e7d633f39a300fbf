"""`bot-designer`: the headless twins of everything the window does.

Each command group lives in its own module with a `register(subparsers)` function; `main` wires them up.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from designer import __version__
from designer.errors import DesignerError

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2

# module name → the command group it registers; imported lazily so `validate` never loads boto3 or Qt
_COMMAND_MODULES = (
    "designer.cli.package_commands",  # validate, export, show
    "designer.cli.simulate_commands",  # simulate, test
    "designer.cli.lambda_commands",  # lambda serve|invoke
    "designer.cli.accounts_commands",  # accounts add|list|show|edit|remove|test
    "designer.cli.gui_command",  # gui
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bot-designer",
        description="Design, lint, export and simulate Cerb bot packages.",
    )
    parser.add_argument("--version", action="version", version=f"bot-designer {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from designer.logging_setup import configure_logging

    configure_logging(verbosity=args.verbose)
    try:
        return int(args.handler(args) or EXIT_OK)
    except DesignerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", EXIT_FAILED)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
