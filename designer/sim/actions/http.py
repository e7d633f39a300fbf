"""`core.va.action.http_request` (cerb-semantics.md §5.5): a REAL request, SigV4-signed through an AWS connected
account (credentials fetched from the account source at call time), recorded in the trace with secrets redacted."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from designer.sim.actions import ActionContext, action
from designer.sim.actions.core import rendered_params

if TYPE_CHECKING:
    from designer.aws.credentials import AwsCredentials


def account_credentials(ctx: ActionContext, account_id: str) -> tuple[str, AwsCredentials | None, dict[str, str]]:
    """(provider, AwsCredentials or None, extra headers) for a connected account id, via the account source."""
    accounts = ctx.it.sim.accounts
    if accounts is None or not account_id:
        return "", None, {}
    provider = "aws"
    getter = getattr(accounts, "get", None)
    if getter is not None:
        try:
            acct = getter(account_id)
            provider = str(getattr(acct, "provider", None)
                           or (acct.get("provider") if isinstance(acct, dict) else "aws"))
        except Exception:  # noqa: BLE001 - an unknown account: Cerb's placeholder is false
            return "", None, {}
    if provider == "aws":
        return "aws", accounts.aws_credentials(account_id), {}
    return provider, None, dict(accounts.http_auth_headers(account_id))


def header_secrets(headers: dict[str, str]) -> tuple[str, ...]:
    """The secret values in an HTTP-auth account's headers: every custom header value (its name need not
    look secret, e.g. `X-Zendesk-Auth`), a Bearer token, a Basic token and the password inside it."""
    import base64
    import binascii

    out: list[str] = []
    for value in headers.values():
        text = str(value or "")
        if not text:
            continue
        out.append(text)
        scheme, _, token = text.partition(" ")
        if scheme.lower() in ("bearer", "basic") and token.strip():
            out.append(token.strip())
            if scheme.lower() == "basic":
                try:
                    decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
                except (binascii.Error, UnicodeDecodeError):
                    continue
                password = decoded.partition(":")[2]
                if password:
                    out.append(password)
    return tuple(dict.fromkeys(out))


def _signed_view(verb: str, url: str, headers_text: str, body: str, creds: Any, now: Any) -> dict[str, Any]:
    """What is sent, for the trace: the destination and the signed headers, redacted (no secret survives)."""
    from urllib.parse import urlsplit

    from designer.aws.sigv4 import (
        prepare_cerb_request,
        redact_headers,
        rewrite_for_endpoint,
        service_and_region,
        sign_request,
    )
    try:
        service, region = service_and_region(urlsplit(url).hostname or "")
        send_url = rewrite_for_endpoint(url, creds.endpoint_url) if creds.endpoint_url else url
        prepared = prepare_cerb_request(verb, url, headers_text)
        if send_url != url:
            prepared = [(k, urlsplit(send_url).netloc if k.strip().lower() == "host" else v) for k, v in prepared]
        signed = sign_request(verb, send_url, prepared, body.encode("utf-8"), creds, now, service=service,
                              region=region)
        return {"sent_to": send_url, "headers": redact_headers(signed), "service": service, "region": region}
    except Exception as exc:  # noqa: BLE001 - Cerb sends nothing then; send_signed_http returns false
        return {"signing_error": str(exc)}


@action("core.va.action.http_request")
def http_request(ctx: ActionContext, a: dict[str, Any]) -> None:
    from designer.aws.sigv4 import prepare_cerb_request, redact_headers, send_signed_http

    verb = str(a.get("http_verb") or "get").upper()
    url = ctx.render(a.get("http_url", "")).strip()
    headers_text = ctx.render(a.get("http_headers", ""))
    body = ctx.render(a.get("http_body", "")) if verb in ("POST", "PUT", "PATCH", "DELETE") else ""
    given_options = a.get("options")
    options = given_options if isinstance(given_options, dict) else {}
    raw = str(options.get("raw_response_body", "0")) == "1"
    insecure = str(options.get("ignore_ssl_validation", "0")) == "1"
    var = str(a.get("response_placeholder") or "")
    auth = a.get("auth") or ""
    account_id = ctx.render(a.get("auth_connected_account_id", "")) if auth == "connected_account" else \
        ctx.render(a.get("auth_placeholder", "")) if auth == "placeholder" else ""
    request = {"method": verb, "url": url, "headers": redact_headers(prepare_cerb_request(verb, url, headers_text)),
               "body": body, "auth": auth, "account": account_id}
    if not (ctx.live or str(a.get("run_in_simulator", "0")) == "1"):
        ctx.trace(f">>> Sending HTTP request:\n{verb} {url}\n>>> NOTE: This HTTP request is not configured to run "
                  "in the simulator.", {"request": request})
        return
    if not var:
        ctx.trace("http_request: no response placeholder (not sent)", {"request": request})
        return
    creds: AwsCredentials | None = None
    extra_headers: dict[str, str] = {}
    provider = ""
    replaying = ctx.it.options.http_mode == "replay" and ctx.it.sim.cassette is not None
    if account_id and not replaying:  # a replay needs no account: the cassette answers by method, URL and body
        try:
            provider, creds, extra_headers = account_credentials(ctx, account_id)
        except Exception as exc:  # noqa: BLE001 - missing secret, keyring… → Cerb's false
            ctx.trace(f"http_request: the connected account {account_id!r} cannot be used: {exc}", {"request": request})
            ctx.values[var] = False
            return
        if provider == "":
            ctx.trace(f"http_request: no usable connected account {account_id!r}: placeholder false",
                      {"request": request})
            ctx.values[var] = False
            return
    secrets = header_secrets(extra_headers)
    if secrets:  # from now on this conversation's trace masks them (a server may echo them back)
        ctx.it.secrets.update(secrets)
    if extra_headers:
        headers_text = headers_text + "".join(f"\r\n{k}: {v}" for k, v in extra_headers.items())
    if provider == "aws" and creds is not None:
        request.update(_signed_view(verb, url, headers_text, body, creds, ctx.it.now()))
    started = time.monotonic()
    result = send_signed_http(verb, url, headers_text, body, creds if provider == "aws" else None,
                              raw_response_body=raw, ignore_ssl_validation=insecure, now=ctx.it.now(),
                              cassette=ctx.it.sim.cassette, secrets=secrets)
    duration_ms = round((time.monotonic() - started) * 1000, 1)
    ctx.values[var] = result
    call = {"kind": "http", "request": request, "response": result, "duration_ms": duration_ms,
            "node_id": ctx.node.id, "behavior_uid": ctx.fr.uid, "signed": provider == "aws",
            "mode": ctx.it.options.http_mode}
    if secrets:
        from designer.credentials import redact
        call = redact(call, secrets)
    ctx.it.calls.append(call)
    code = result.get("info", {}).get("http_code") if isinstance(result, dict) and isinstance(
        result.get("info"), dict) else None
    err = result.get("error") if isinstance(result, dict) else "not signed (placeholder false)"
    ctx.it.trace("call", ctx.node.id, ctx.fr, f"HTTP {verb} {url} → {code if code else err}", call)


__all__ = ["account_credentials", "header_secrets", "http_request", "rendered_params"]
