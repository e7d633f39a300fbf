"""`bot-designer simulate` (hold a conversation with a behavior) and `bot-designer test` (conversation tests)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from designer.errors import DesignerError


def register(sub: Any) -> None:
    p = sub.add_parser("simulate", help="run a behavior in the simulator (a conversation for chat behaviors)",
                       description="Run a behavior as Cerb would; prompts wait for --say values (or the terminal).")
    p.add_argument("package", metavar="PACKAGE")
    p.add_argument("--behavior", default="", metavar="TITLE|UID", help="the behavior (default: the interaction menu)")
    p.add_argument("--var", action="append", default=[], metavar="K=V", help="a behavior input variable")
    p.add_argument("--say", action="append", default=[], metavar="TEXT", help="the next user message (repeatable)")
    p.add_argument("--set", dest="values", action="append", default=[], metavar="PROMPT=VALUE",
                   help="a package prompt value")
    p.add_argument("--account", default="", metavar="NAME", help="a stored connected account for account prompts")
    p.add_argument("--local-lambda", default=None, metavar="DIR",
                   help="start the embedded local Lambda service with the functions in DIR and bind the AWS "
                        "account prompts to it (a throwaway account)")
    p.add_argument("--http", choices=("live", "record", "replay"), default="live")
    p.add_argument("--cassette", default=None, metavar="FILE")
    p.add_argument("--live-everything", action="store_true", help="ignore run_in_simulator=0")
    p.add_argument("--point", default="global", help="the interaction menu point")
    p.add_argument("--interaction", default="", metavar="NAME", help="the menu item to start (default: the first)")
    p.add_argument("--worker-name", default="", metavar="FIRST", help="the worker's first name")
    p.add_argument("--json", action="store_true", help="print the full trace as JSON")
    p.set_defaults(handler=cmd_simulate)

    t = sub.add_parser("test", help="run conversation tests (YAML)")
    t.add_argument("files", nargs="+", metavar="FILE")
    t.add_argument("--junit", default=None, metavar="OUT.xml", help="write a JUnit XML report")
    t.set_defaults(handler=cmd_test)


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise DesignerError(f"{what} {item!r} is not KEY=VALUE", hint=f"e.g. {what} name=value")
        k, v = item.split("=", 1)
        out[k.strip()] = v
    return out


def _print_turn(turn: Any, out: Any) -> None:
    for o in turn.outputs:
        if o.kind == "message":
            for i, line in enumerate(o.text.rstrip("\n").split("\n")):
                print(("bot: " if i == 0 else "     ") + line, file=out)
        elif o.kind == "buttons":
            print("bot: [buttons] " + " | ".join(o.options), file=out)
        elif o.kind == "text_prompt":
            print(f"bot: [text prompt] {o.placeholder}", file=out)
        elif o.kind == "window_close":
            print("bot: [window closed]", file=out)
        elif o.kind == "effect":
            print(f"     (effect: {o.text})", file=out)
        elif o.kind == "prompt":  # date, chooser, file, images: say what is asked, as the chat window shows it
            spec = o.data or {}
            detail = o.placeholder or " | ".join(o.options) or " ".join(
                str(spec[k]) for k in ("context", "query") if spec.get(k))
            print(f"bot: [{spec.get('kind', 'prompt')} prompt] {detail}".rstrip(), file=out)
        elif o.kind in ("script", "worklist", "emote"):
            print(f"bot: [{o.data.get('kind', o.kind) if o.data else o.kind}] {o.text}", file=out)
    if turn.state == "error":
        print(f"!! engine error: {turn.error}", file=out)
    elif turn.stop_reason.startswith("guard"):
        print(f"!! {turn.stop_reason}", file=out)


def cmd_simulate(args: argparse.Namespace) -> int:
    from designer.sim import SimOptions
    from designer.sim.session import open_session

    worker = {"first_name": args.worker_name} if args.worker_name else {}
    options = SimOptions(http_mode=args.http, cassette=args.cassette, live_everything=args.live_everything,
                         worker=worker)
    if args.http != "live" and not args.cassette:
        raise DesignerError("--http record/replay needs --cassette FILE")
    out = sys.stderr if args.json else sys.stdout
    with open_session(args.package, values=_pairs(args.values, "--set"), account=args.account,
                      local_lambda=args.local_lambda, options=options) as session:
        sim = session.simulator
        if args.behavior:
            conv = sim.start(args.behavior, variables=_pairs(args.var, "--var"))
        else:
            menu = sim.interactions(point=args.point)
            if not menu:
                raise DesignerError(f"the package has no interaction at point {args.point!r}",
                                    hint="name a behavior with --behavior TITLE")
            pick = [m for m in menu if args.interaction in (m.label, m.interaction)] if args.interaction else menu
            if not pick:
                raise DesignerError(f"no menu item {args.interaction!r}",
                                    hint="items: " + ", ".join(m.label for m in menu))
            print(f"menu ({args.point}): " + ", ".join(f"{m.bot_name} » {m.label}" for m in menu), file=out)
            conv = sim.start_interaction(pick[0])
        says = list(args.say)
        turn = conv.run()
        _print_turn(turn, out)
        interactive = sys.stdin.isatty() and not args.json
        while turn.state == "suspended":
            if says:
                text = says.pop(0)
            elif interactive:
                try:
                    text = input("you> ")
                except EOFError:
                    break
            else:
                break
            print(f"you: {text}", file=out)
            turn = conv.say(text)
            _print_turn(turn, out)
        if args.json:
            json.dump({"trace": [e.to_json() for e in conv.trace], "calls": conv.calls,
                       "state": turn.state, "dictionary": _safe(conv.dictionary)}, sys.stdout, indent=2, default=str)
            print()
        return 1 if turn.state == "error" else 0


def _safe(values: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(values, default=str))


def cmd_test(args: argparse.Namespace) -> int:
    from designer.sim.testing import junit_xml, run_file

    results = [run_file(Path(f)) for f in args.files]
    for r in results:
        print(f"{'PASS' if r.passed else 'FAIL'} {r.name} ({r.path})")
        for c in r.cases:
            if not c.passed:
                print(f"  {c.name}: " + (c.error or "; ".join(c.failures)))
    if args.junit:
        Path(args.junit).write_text(junit_xml(results), encoding="utf-8")
    passed = sum(r.passed for r in results)
    print(f"{passed}/{len(results)} conversation test file(s) passed")
    return 0 if passed == len(results) else 1
