"""Entry point of the desktop bundle: with no arguments it opens the window; otherwise it is the CLI
(`bot-designer-bundle validate …`, `… gui --smoke`)."""
import sys

from designer.cli import main

if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0].startswith("-") and args[0] not in ("-h", "--help", "--version", "-v", "--verbose"):
        args = ["gui", *args]
    sys.exit(main(args))
