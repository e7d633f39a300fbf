"""`bot-designer accounts add|list|show|edit|remove|test`: connected accounts from the command line.

Secrets are never taken from argv. When stdin is a terminal they are asked for without echo (getpass);
otherwise stdin holds either a JSON object {secret field: value} or one line per secret, in this order:
  aws (keys):  secret_access_key, then an optional session_token line
  aws (--profile): nothing
  http_basic:  password
  bearer:      token
  headers:     one value per --header, in the order the headers were given
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from designer.credentials import AccountStore, InvalidAccountError, secret_names
from designer.credentials.model import PROVIDERS

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2

_FIELD_OPTIONS = (
    ("--access-key-id", "access_key_id", "ID", "aws: the access key id (the secret is asked for)"),
    ("--region", "region", "R", "aws: region (default us-east-1)"),
    ("--endpoint-url", "endpoint_url", "URL", "aws: endpoint override, e.g. the local Lambda service"),
    ("--profile", "profile", "P", "aws: use this AWS profile instead of keys"),
    ("--username", "username", "U", "http_basic: the user name (the password is asked for)"),
    ("--test-url", "test_url", "URL", "http providers: the URL `accounts test` requests by default"),
)


def register(subparsers: Any) -> None:
    group = subparsers.add_parser("accounts", help="manage connected accounts (secrets in the OS keyring)",
                                  description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = group.add_subparsers(dest="accounts_command", metavar="SUBCOMMAND")
    sub.required = True

    add = sub.add_parser("add", help="add an account; secrets are asked for (or read from stdin)",
                         description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add.add_argument("name", metavar="NAME")
    add.add_argument("--provider", required=True, choices=PROVIDERS)
    _field_args(add)
    add.add_argument("--header", action="append", default=[], metavar="NAME",
                     help="headers: a header whose value is a secret (repeatable)")
    add.add_argument("--notes", default="", metavar="TEXT")
    add.set_defaults(handler=cmd_add)

    lst = sub.add_parser("list", help="list accounts (no secrets)")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_list)

    show = sub.add_parser("show", help="show one account and which secrets are set (never their values)")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    edit = sub.add_parser("edit", help="change an account; --secrets re-reads its secrets",
                          description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    edit.add_argument("name", metavar="NAME")
    edit.add_argument("--rename", default=None, metavar="NEW")
    _field_args(edit)
    edit.add_argument("--header", action="append", default=None, metavar="NAME",
                      help="headers: replace the header list (repeatable; implies --secrets for new ones)")
    edit.add_argument("--clear", action="append", default=[], metavar="FIELD",
                      help="remove a non-secret field, e.g. --clear endpoint_url")
    edit.add_argument("--notes", default=None, metavar="TEXT")
    edit.add_argument("--secrets", action="store_true", help="re-enter the account's secrets")
    edit.set_defaults(handler=cmd_edit)

    rm = sub.add_parser("remove", help="delete an account and all its keyring entries")
    rm.add_argument("name", metavar="NAME")
    rm.add_argument("--force", action="store_true",
                    help="remove the metadata even when the keyring is unavailable")
    rm.set_defaults(handler=cmd_remove)

    test = sub.add_parser("test", help="check an account: AWS ListFunctions, or an HTTP request to --url")
    test.add_argument("name", metavar="NAME")
    test.add_argument("--url", default=None, metavar="URL", help="http providers: the URL to request")
    test.add_argument("--json", action="store_true")
    test.set_defaults(handler=cmd_test)


def _field_args(parser: argparse.ArgumentParser) -> None:
    for flag, dest, metavar, help_text in _FIELD_OPTIONS:
        parser.add_argument(flag, dest=f"f_{dest}", default=None, metavar=metavar, help=help_text)


def _fields_from(args: argparse.Namespace) -> dict[str, Any]:
    fields = {dest: getattr(args, f"f_{dest}") for _, dest, _, _ in _FIELD_OPTIONS
              if getattr(args, f"f_{dest}") is not None}
    if args.header is not None and args.header != []:
        fields["headers"] = list(args.header)
    return fields


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (OSError, ValueError):
        return False


def read_secrets(names: list[tuple[str, bool]], account_name: str) -> dict[str, str]:
    """Secrets for these (field, required) names: getpass on a terminal, else stdin (JSON or lines)."""
    if not names:
        return {}
    if _stdin_is_tty():
        out = {}
        for field, required in names:
            suffix = "" if required else " (optional, Enter to skip)"
            value = getpass.getpass(f"{field} for '{account_name}'{suffix}: ")
            if value:
                out[field] = value
        return out
    text = sys.stdin.read() if sys.stdin is not None else ""
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InvalidAccountError(f"The secrets on stdin are not valid JSON ({exc.msg}).",
                                      hint='Send {"field": "value", …} or one line per secret.') from None
        if not isinstance(data, dict) or not all(isinstance(v, str | type(None)) for v in data.values()):
            raise InvalidAccountError("The secrets JSON must map field names to strings.", hint="")
        return {str(k): v for k, v in data.items() if v}
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    order = ", ".join(f if r else f"[{f}]" for f, r in names)
    if len(lines) > len(names):
        raise InvalidAccountError(f"Too many lines on stdin: expected {len(names)} at most ({order}).",
                                  hint="Send one line per secret, in that order, or a JSON object.")
    out = {field: value for (field, _), value in zip(names, lines, strict=False) if value}
    return out


def _store() -> AccountStore:
    return AccountStore()


def cmd_add(args: argparse.Namespace) -> int:
    store = _store()
    fields = _fields_from(args)
    from designer.credentials.model import check_provider, normalize_fields, normalize_name

    name = normalize_name(args.name)
    provider = check_provider(args.provider)
    norm = normalize_fields(provider, fields)  # fail on bad input before asking for secrets
    wanted = list(secret_names(provider, norm))
    if wanted:
        _require_keyring(store)
    if any(a.name.casefold() == name.casefold() for a in store.list()):
        raise InvalidAccountError(f"An account named '{name}' already exists.", hint="Choose another name.")
    secrets = read_secrets(wanted, name)
    account = store.add(name, provider, fields=norm, secrets=secrets, notes=args.notes)
    print(f"Added {account.provider} account '{account.name}' ({account.id}); secrets are in the OS keyring.")
    return EXIT_OK


def _require_keyring(store: AccountStore) -> None:
    from designer.credentials import KeyringUnavailableError

    status = store.keyring_status()
    if not status.available:
        raise KeyringUnavailableError(status.message, hint=status.hint, backend=status.backend)


def cmd_list(args: argparse.Namespace) -> int:
    store = _store()
    accounts = store.list()
    status = store.keyring_status()
    if args.json:
        print(json.dumps({"accounts": [_public(a) for a in accounts], "file": str(store.path),
                          "keyring": {"available": status.available, "backend": status.backend,
                                      "message": status.message, "hint": status.hint}}, indent=2))
        return EXIT_OK
    if not accounts:
        print("No connected accounts. Add one with `bot-designer accounts add NAME --provider …`.")
    else:
        width = max(len(a.name) for a in accounts)
        for a in accounts:
            print(f"{a.name:<{width}}  {a.provider:<10}  {a.id}  {a.summary()}")
    if not status.available:
        print(f"note: {status.message}\n  hint: {status.hint}", file=sys.stderr)
    return EXIT_OK


def _public(account: Any) -> dict[str, Any]:
    data = account.to_dict()
    data.pop("extra", None)
    return data


def cmd_show(args: argparse.Namespace) -> int:
    store = _store()
    account = store.get(args.name)
    secrets = store.secret_status(account.id)
    if args.json:
        print(json.dumps({**_public(account), "secrets": secrets}, indent=2))
        return EXIT_OK
    print(f"{account.name}  ({account.provider}, {account.id})")
    for key, value in account.fields.items():
        print(f"  {key}: {', '.join(value) if isinstance(value, list) else value}")
    for key, state in secrets.items():
        print(f"  secret {key}: {state}")
    if account.notes:
        print(f"  notes: {account.notes}")
    print(f"  created {account.created_at}, updated {account.updated_at}")
    return EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    store = _store()
    account = store.get(args.name)
    fields = _fields_from(args)
    for key in args.clear:
        fields[key] = None
    secrets: dict[str, Any] = {}
    reread = args.secrets or (args.header is not None and account.provider == "headers")
    if reread:
        from designer.credentials.model import normalize_fields

        merged = {**account.fields, **fields}
        if account.provider == "aws" and fields.get("profile"):
            merged.pop("access_key_id", None)
        if account.provider == "aws" and fields.get("access_key_id"):
            merged.pop("profile", None)
        norm = normalize_fields(account.provider, {k: v for k, v in merged.items() if v is not None})
        wanted = list(secret_names(account.provider, norm))
        if wanted:
            _require_keyring(store)
        secrets = read_secrets(wanted, account.name)
        if account.provider == "aws" and "session_token" in dict(wanted) and "session_token" not in secrets:
            secrets["session_token"] = None  # re-entering keys without a token clears the old token
    updated = store.edit(account.id, name=args.rename, fields=fields or None, secrets=secrets or None,
                         notes=args.notes)
    print(f"Updated account '{updated.name}' ({updated.id}).")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    store = _store()
    account = store.get(args.name)
    store.remove(account.id, force=args.force)
    print(f"Removed account '{account.name}' and its keyring entries.")
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    store = _store()
    outcome = store.test(args.name, url=args.url)
    if args.json:
        print(json.dumps(outcome.to_dict(), indent=2, default=str))
    else:
        print(outcome)
    return EXIT_OK if outcome.ok else EXIT_FAILED
