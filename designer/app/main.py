"""`bot-designer-gui` / `bot-designer gui`: start the window."""
from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot-designer-gui", description="Open the Bot Designer window.")
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", help="a Cerb package (.json) to open")
    parser.add_argument("--local-lambda", metavar="DIR",
                        help="a folder of Lambda functions to serve locally for the simulator")
    parser.add_argument("--smoke", action="store_true",
                        help="open the sample package, play its conversation against the local Lambda service, exit")


def create_window(file: str | None = None, local_lambda: str | None = None, *, dialogs: Any = None,
                  recover: bool = True) -> Any:
    """The shown main window. Its frame paints first; once built, it offers crash recovery (unless `recover`
    is false), else opens `file`. `window.is_built` (and the `built` signal) tell when that has happened."""
    from designer.app.window import MainWindow

    window = MainWindow(local_lambda_dir=local_lambda, offer_recovery=False, dialogs=dialogs, staged=True)
    if file:
        window.statusBar().showMessage(f"Opening {Path(file).name}…")
    window.built.connect(lambda: open_first(window, file, recover=recover))
    window.show()
    return window


def open_first(window: Any, file: str | None, *, recover: bool = True) -> None:
    """What a new window opens: the recovered edits of a crashed session when the user wants them, else `file`."""
    if (recover and window.offer_recovery()) or not file:
        window.statusBar().clearMessage()
    elif not Path(file).exists():
        window.statusBar().clearMessage()
        window.dialogs.error(window, "Cannot open package", f"{file} does not exist.")
    else:
        window.open_file(file, prompt=False)


def run(file: str | None = None, local_lambda: str | None = None, *, qt_args: Sequence[str] | None = None,
        smoke: bool = False) -> int:
    from PySide6.QtWidgets import QApplication

    from designer.app.errors import ExceptHook
    from designer.app.settings import APPLICATION, ORGANIZATION

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "bot-designer", *(qt_args or [])])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    if smoke:
        from designer.app.smoke import run_smoke

        try:
            return run_smoke(app)
        finally:
            release_clipboard(app)
    window = create_window(file, local_lambda)
    hook = ExceptHook(lambda title, text, details: window.dialogs.error(window, title, text, details))
    hook.install()
    try:
        return int(app.exec())
    finally:
        hook.uninstall()
        release_clipboard(app)


def release_clipboard(app: Any) -> None:
    """Drop clipboard data this process owns while Python still runs: Qt deletes it in a C++ exit handler,
    where a PySide6 wrapper of the QMimeData would crash the interpreter's exit."""
    clipboard = app.clipboard()
    if clipboard is not None and clipboard.ownsClipboard():
        clipboard.clear()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from designer.logging_setup import configure_logging

    configure_logging(verbosity=0)
    return run(args.file, args.local_lambda, smoke=args.smoke)


if __name__ == "__main__":
    sys.exit(main())
