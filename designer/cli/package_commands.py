"""`validate`, `export` and `show`: the package commands."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from designer.analysis import lint
from designer.errors import DesignerError
from designer.io import (
    PackageFormatError,
    PackageReadError,
    add_positions,
    configure_package,
    decode_json_text,
    dumps_package,
    load_package,
    read_package_value,
    save_package,
)
from designer.model import ACTION, LOOP, OUTCOME, Behavior, Node, Package

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check packages for errors and lint problems",
                       description="Check Cerb package files: structure errors, with JSON path, line and column, "
                       "and lint problems. Exit status: 0 clean (warnings allowed), 1 lint errors (or any warning "
                       "with --strict), 2 a file that is not a valid package.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="package JSON files")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--strict", action="store_true", help="treat lint warnings as failures (exit 1)")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("export", help="write a package back out (round trip, or configured with --set)",
                       description="Read a package and write it again in Cerb's format. With --set, configure it: "
                       "answer its prompts and render its {{{…}}} package tags into a ready-to-run package.")
    p.add_argument("input", metavar="IN")
    p.add_argument("-o", "--output", metavar="OUT", required=True, help="output file ('-' for stdout)")
    p.add_argument("--set", dest="values", action="append", default=[], metavar="KEY=VALUE",
                   help="a prompt value (repeatable); configures the package")
    p.add_argument("--configure", action="store_true", help="configure even without --set (uses prompt defaults)")
    p.add_argument("--indent", type=int, default=4, help="indentation (default 4, as Cerb writes it; 0 = compact)")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("show", help="print a package's behavior trees as indented text",
                       description="Print each bot's behaviors as trees: node types, statuses and action keys.")
    p.add_argument("package", metavar="PACKAGE")
    p.add_argument("--behavior", metavar="TITLE|UID", help="only this behavior")
    p.set_defaults(handler=cmd_show)


def parse_assignments(items: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise DesignerError(f"--set expects KEY=VALUE, got {item!r}", hint="e.g. --set aws_region=us-east-1")
        values[key.strip()] = value
    return values


def read_package_file(path: Path) -> tuple[Package, str]:
    """The package and its source text (for line numbers in lint output)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PackageReadError(f"cannot read {path}: {exc.strerror or exc}", hint="check the path") from None
    data, text = decode_json_text(raw, str(path))
    return read_package_value(data, source=str(path), text=text)[0], text


def cmd_validate(args: argparse.Namespace) -> int:
    worst = EXIT_OK
    report: list[dict[str, Any]] = []
    for path in args.paths:
        try:
            package, text = read_package_file(Path(path))
        except PackageFormatError as exc:
            problems = exc.problems
            worst = EXIT_INVALID
        except DesignerError as exc:
            problems = []
            report.append({"file": path, "ok": False, "error": str(exc), "problems": []})
            if not args.json:
                print(f"{path}: error: {exc}")
            worst = EXIT_INVALID
            continue
        else:
            problems = add_positions(lint(package), text)
            if args.strict and problems and worst == EXIT_OK:
                worst = EXIT_FAILED
            if any(p.severity == "error" for p in problems) and worst == EXIT_OK:
                worst = EXIT_FAILED
        ok = not any(p.severity == "error" for p in problems)
        report.append({"file": path, "ok": ok, "problems": [p.to_json() for p in problems]})
        if not args.json:
            for p in problems:
                print(f"{path}:{p.line or 0}:{p.column or 0}: {p.severity}: {p.path or '(package)'}: "
                      f"{p.message} [{p.code}]")
            errors = sum(p.severity == "error" for p in problems)
            print(f"{path}: {'ok' if ok else 'invalid'} ({errors} error(s), {len(problems) - errors} warning(s))")
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    return worst


def cmd_export(args: argparse.Namespace) -> int:
    package = load_package(args.input)
    values = parse_assignments(args.values)
    if values or args.configure:
        package = configure_package(package, values).package
    indent = args.indent or None
    if args.output == "-":
        sys.stdout.write(dumps_package(package, indent=indent))
    else:
        save_package(package, Path(args.output), indent=indent)
    return EXIT_OK


def describe_node(node: Node) -> str:
    status = "" if node.effective_status == "live" else f" [{node.effective_status}]"
    detail = ""
    if node.type == ACTION:
        keys = [str(a.get("action", "?")) for a in node.actions]
        detail = f" — {', '.join(keys)}" if keys else ""
    elif node.type == LOOP and isinstance(node.params, dict):
        detail = f" — for each {node.params.get('foreach_json', '')} as {node.params.get('as_placeholder', '')}"
    elif node.type == OUTCOME:
        detail = " — " + describe_conditions(node)
    return f"{node.type}: {node.title}{status}{detail}"


def describe_conditions(node: Node) -> str:
    parts = []
    for group in node.groups:
        conds = [c for c in group.get("conditions", []) if isinstance(c, dict)]
        words = [f"{c.get('condition', '?')} {c.get('oper', '?')} {json.dumps(c.get('value', c.get('tpl', '')))}"
                 for c in conds]
        if words:
            parts.append((" or " if str(group.get("any", "0")) == "1" else " and ").join(words))
    return "; ".join(parts) if parts else "always (else)"


def render_tree(behavior: Behavior) -> list[str]:
    lines = []
    flags = [flag for flag, on in (("private", behavior.is_private), ("disabled", behavior.is_disabled)) if on]
    lines.append(f"  behavior {behavior.title!r} ({behavior.uid}) on {behavior.event_key}"
                 + (f" [{', '.join(flags)}]" if flags else ""))
    for name, var in behavior.variable_defs.items():
        lines.append(f"    var {name}: {var.get('type', '?')} {var.get('label', '')!r}")
    stack = [(n, 2) for n in reversed(behavior.children)]
    while stack:
        node, depth = stack.pop()
        lines.append("  " * depth + "- " + describe_node(node))
        stack.extend((c, depth + 1) for c in reversed(node.children))
    return lines


def cmd_show(args: argparse.Namespace) -> int:
    package: Package = load_package(args.package)
    out = [f"package {package.name!r}"]
    for prompt in package.prompts:
        out.append(f"  prompt {prompt.get('key')} ({prompt.get('type')}): {prompt.get('label', '')}")
    groups: list[tuple[str, list[Behavior]]] = [(f"bot {b.name!r} ({b.uid})", b.behaviors) for b in package.bots]
    if package.behaviors:
        groups.append(("behaviors for existing bots", package.behaviors))
    for heading, behaviors in groups:
        out.append(heading)
        for behavior in behaviors:
            if args.behavior and args.behavior not in (behavior.title, behavior.uid):
                continue
            out.extend(render_tree(behavior))
    for key, value in package.collections.items():
        count = len(value) if isinstance(value, list) else 1
        out.append(f"{key}: {count} item(s), kept as is")
    print("\n".join(out))
    return EXIT_OK

