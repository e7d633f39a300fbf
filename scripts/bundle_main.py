"""Entry point of the desktop bundle: with no arguments it opens the window; otherwise it is the CLI
(`bot-designer-bundle validate …`, `… gui --smoke`)."""
import sys

from designer.cli import main

if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--locallambda-pyworker"]:  # the embedded Lambda service's Python worker, run by the bundle
        from designer.locallambda import pyworker

        sys.argv = [sys.argv[0], *args[1:]]
        pyworker.main()
        sys.exit(0)
    if not args or (args[0].startswith("-") and args[0] not in ("-h", "--help", "--version", "-v", "--verbose")):
        args = ["gui", *args]
    sys.exit(main(args))
