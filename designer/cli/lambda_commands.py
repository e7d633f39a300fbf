"""`bot-designer lambda serve|invoke`: run the local Lambda service; invoke a function once.

Secrets never come from argv: `serve` reads the secret access key from stdin when stdin is not a
terminal (else generates one and prints it in the ready line); `invoke --endpoint` takes keys from
AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or from a JSON ready line on stdin.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from designer.errors import DesignerError

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


class LambdaCliInputError(DesignerError):
    exit_code = EXIT_INVALID


def register(subparsers: Any) -> None:
    group = subparsers.add_parser("lambda", help="run the local Lambda service, or invoke a function")
    sub = group.add_subparsers(dest="lambda_command", metavar="SUBCOMMAND")
    sub.required = True

    serve = sub.add_parser(
        "serve",
        help="serve the Lambda Invoke API on loopback for a folder of functions",
        description="Prints one JSON ready line {endpoint, region, access_key_id, secret_access_key}, then "
        "serves until interrupted. The secret is read from stdin when stdin is not a terminal, "
        "otherwise generated.",
    )
    serve.add_argument("--functions", required=True, metavar="DIR", help="folder of <Name>/function.json folders")
    serve.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    serve.add_argument("--region", default="us-east-1")
    serve.add_argument("--access-key-id", default="", metavar="ID", help="the key callers sign with (default: generated)")
    serve.set_defaults(handler=cmd_serve)

    inv = sub.add_parser(
        "invoke",
        help="invoke a Lambda function once and print its payload",
        description="Exits 0 on success, 1 on a function error or a failed call, 2 on invalid input.",
    )
    inv.add_argument("name", metavar="NAME", help="function name or ARN")
    inv.add_argument("--payload", default="{}", metavar="JSON", help="the event as JSON, or @FILE")
    where = inv.add_mutually_exclusive_group()
    where.add_argument("--endpoint", default="", metavar="URL",
                       help="e.g. the local service; keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a "
                       "JSON ready line on stdin")
    where.add_argument("--account", default="", metavar="NAME", help="a connected AWS account (name or id)")
    inv.add_argument("--region", default="", metavar="R")
    inv.add_argument("--qualifier", default="", metavar="Q", help="version or alias")
    inv.add_argument("--type", dest="invocation_type", default="RequestResponse",
                     choices=("RequestResponse", "Event", "DryRun"))
    inv.add_argument("--log", action="store_true", help="also print the last 4 KB of the log (to stderr)")
    inv.add_argument("--timeout", type=float, default=30.0, help="total deadline in seconds (retries included)")
    inv.set_defaults(handler=cmd_invoke)


def _read_stdin() -> str:
    try:
        if sys.stdin is None or sys.stdin.isatty():
            return ""
        return sys.stdin.read()
    except (OSError, ValueError):
        return ""


def cmd_serve(args: argparse.Namespace) -> int:
    functions = Path(args.functions)
    if not functions.is_dir():
        raise LambdaCliInputError(f"No functions folder at {functions}.",
                                  hint="Pass --functions DIR with one <Name>/function.json folder per function.")
    if not 0 <= args.port <= 65535:
        raise LambdaCliInputError(f"Invalid port {args.port}.", hint="Use 0 (any free port) or 1-65535.")
    secret = _read_stdin().strip()
    if secret.startswith("{"):
        try:
            secret = str(json.loads(secret).get("secret_access_key", ""))
        except (ValueError, AttributeError):
            raise LambdaCliInputError("stdin is not a secret or a JSON ready line.",
                                      hint="Pipe the secret access key alone on stdin.") from None
    access_key_id = args.access_key_id or ("AKIALOCAL" + secrets.token_hex(6).upper())
    if not secret:
        secret = secrets.token_urlsafe(30)
    try:
        from designer.locallambda import serve
    except ImportError as exc:
        raise DesignerError(f"The local Lambda service is not available in this build ({exc}).",
                            hint="Install Bot Designer completely, or invoke real AWS instead.") from exc
    serve(functions, args.port, access_key_id, secret, args.region)
    return EXIT_OK


def _payload(text: str) -> bytes:
    if text.startswith("@"):
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise LambdaCliInputError(f"Cannot read the payload file {text[1:]}: {exc}",
                                      hint="Give --payload @FILE with a readable JSON file.") from exc
    try:
        json.loads(text)
    except ValueError as exc:
        raise LambdaCliInputError(f"--payload is not valid JSON: {exc}",
                                  hint="Quote the JSON for the shell, e.g. --payload '{\"key\": \"value\"}'.") from exc
    return text.encode("utf-8")


def _credentials(args: argparse.Namespace) -> Any:
    from designer.aws.credentials import AwsCredentials

    if args.account:
        try:
            from designer.credentials import AccountStore  # type: ignore[attr-defined]
        except ImportError as exc:
            raise DesignerError(
                f"Connected accounts are not available in this build ({exc}).",
                hint="Use --endpoint with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or the default AWS credentials.",
            ) from exc
        creds = AccountStore().aws_credentials(args.account)
        return dataclasses.replace(creds, region=args.region) if args.region else creds
    env_key, env_secret = os.environ.get("AWS_ACCESS_KEY_ID", ""), os.environ.get("AWS_SECRET_ACCESS_KEY", "")
    if args.endpoint or not (env_key and env_secret):
        ready: dict[str, Any] = {}
        if not (env_key and env_secret):
            text = _read_stdin().strip()
            if text:
                try:
                    ready = json.loads(text.splitlines()[0])
                    if not isinstance(ready, dict):
                        raise ValueError("not an object")
                except ValueError:
                    raise LambdaCliInputError(
                        "stdin is not a JSON ready line {endpoint, region, access_key_id, secret_access_key}.",
                        hint="Pipe the first line printed by `bot-designer lambda serve`, or set the AWS_* variables.",
                    ) from None
        endpoint = args.endpoint or str(ready.get("endpoint", ""))
        if endpoint:
            key = env_key if env_key and env_secret else str(ready.get("access_key_id", ""))
            secret = env_secret if env_key and env_secret else str(ready.get("secret_access_key", ""))
            if not (key and secret):
                raise LambdaCliInputError(
                    f"No keys for {endpoint}.",
                    hint="Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pipe the service's JSON ready line on stdin.",
                )
            return AwsCredentials(
                access_key_id=key, secret_access_key=secret,
                region=args.region or str(ready.get("region", "")) or os.environ.get("AWS_REGION", "us-east-1"),
                endpoint_url=endpoint, label="local" if "127.0.0.1" in endpoint or "localhost" in endpoint else "",
            )
    # the default AWS credential chain (env, profile, SSO, instance role)
    return AwsCredentials(
        access_key_id=env_key, secret_access_key=env_secret if env_key else "",
        session_token=os.environ.get("AWS_SESSION_TOKEN", "") if env_key else "",
        region=args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        profile="" if env_key else os.environ.get("AWS_PROFILE", ""),
    )


def cmd_invoke(args: argparse.Namespace) -> int:
    from designer.aws.invoker import InvokeRequest, Invoker

    payload = _payload(args.payload)
    creds = _credentials(args)
    result = Invoker().invoke(InvokeRequest(
        creds, args.name, payload, qualifier=args.qualifier, invocation_type=args.invocation_type,
        log_tail=args.log, timeout=args.timeout,
    ))
    if result.payload_bytes:
        sys.stdout.write(result.payload_text)
        if not result.payload_text.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
    if args.invocation_type != "RequestResponse":
        print(f"{result.status_code} {args.invocation_type} accepted (request {result.request_id})", file=sys.stderr)
    if args.log and result.log_tail:
        print("--- log tail ---", file=sys.stderr)
        print(result.log_tail.rstrip("\n"), file=sys.stderr)
    if result.function_error:
        print(f"error: the function failed ({result.function_error}): {result.error_message}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
