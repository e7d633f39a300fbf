"""Cerb-style SigV4 signing and sending for `core.va.action.http_request` with an AWS connected account.

Exactly Cerb 9's `ServiceProvider_Aws::_generateRequestSignature` (cerb-semantics.md §8): service and region
from the URL host by Cerb's two regexes, EVERY header signed, `x-amz-date` honoured when the request has
one, the scope date today's UTC date, only `Authorization` added (no session token, no content hash header).

Endpoint override (an account pointing at the local Lambda service, LocalStack…): the request is SENT to
the override (scheme, host and port rewritten; path and query kept) and SIGNED with the Host header of that
destination, but with the service/region of the original AWS host, so a server that recomputes the
signature over SignedHeaders with the Host it received accepts it.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import re
import socket
import ssl
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from designer.aws.credentials import AwsCredentials
from designer.aws.errors import SigningError

if TYPE_CHECKING:
    from designer.aws.cassette import Cassette

log = logging.getLogger(__name__)

Headers = list[tuple[str, str]]

_REGIONAL_HOST = re.compile(r"^(.*?)\.(.*?)\.amazonaws\.com$")
_GLOBAL_HOST = re.compile(r"^(.*?)\.amazonaws\.com$")

SENSITIVE_HEADERS = frozenset({
    "authorization",
    "proxy-authorization",
    "x-amz-security-token",
    "x-amz-signature",
    "x-amz-credential",
    "x-api-key",
    "cookie",
    "set-cookie",
})
REDACTED = "***redacted***"

_BINARY_TYPES = frozenset({
    "application/octet-stream", "application/pdf", "application/zip", "audio/mpeg", "audio/ogg",
    "image/gif", "image/jpeg", "image/jpg", "image/png",
})
_JSON_TYPES = frozenset({"application/json", "text/javascript"})


def service_and_region(host: str) -> tuple[str, str]:
    """Cerb's rule: `<service>.<region>.amazonaws.com`, else `<service>.amazonaws.com` in us-east-1."""
    host = host.split(":", 1)[0] if host.count(":") == 1 else host
    m = _REGIONAL_HOST.match(host)
    if m:
        return m.group(1).lower(), m.group(2).lower()
    m = _GLOBAL_HOST.match(host)
    if m:
        return m.group(1), "us-east-1"
    raise SigningError(
        f"Cannot sign a request to '{host}' with an AWS account: the host is not <service>.<region>.amazonaws.com.",
        hint="Use the AWS URL (e.g. https://lambda.us-west-2.amazonaws.com/…); to reach a local service, set the "
        "account's endpoint override instead of changing the URL.",
    )


def _host_header(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # IPv6
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(parts.scheme)
    if parts.port and parts.port != default:
        return f"{host}:{parts.port}"
    return host


def _rawurlencode(value: str) -> str:
    return quote(value, safe="-_.~")


def canonical_path(path: str) -> str:
    """Each '/'-segment rawurlencode()d once; '/' when empty."""
    if not path:
        return "/"
    return "/".join(_rawurlencode(seg) for seg in path.split("/"))


def canonical_query(query: str) -> str:
    """PHP: parse_str, ksort(SORT_STRING), http_build_query(…, PHP_QUERY_RFC3986)."""
    if not query:
        return ""
    pairs = dict(parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{_rawurlencode(k)}={_rawurlencode(v)}" for k, v in sorted(pairs.items()))


def _grouped(headers: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for name, value in headers:
        groups.setdefault(name.strip().lower(), []).append(str(value).strip())
    return groups


def _get(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.strip().lower() == name:
            return value
    return None


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def sign_request(
    method: str,
    url: str,
    headers: list[tuple[str, str]],
    body: bytes,
    creds: AwsCredentials,
    now: dt.datetime | None = None,
    *,
    service: str | None = None,
    region: str | None = None,
) -> Headers:
    """The headers with Cerb's `Authorization` added (a `Host` header from the URL first, if missing).

    `service`/`region` default to what Cerb derives from the URL host (SigningError when it is not AWS).
    """
    if not creds.access_key_id or not creds.secret_access_key:
        raise SigningError(
            "The AWS account has no access key ID or secret access key to sign with.",
            hint="Enter both keys in the connected account (Cerb signs only with access keys).",
        )
    parts = urlsplit(url)
    if service is None or region is None:
        derived = service_and_region(parts.hostname or "")
        service = service or derived[0]
        region = region or derived[1]
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    out: Headers = [(k, v) for k, v in headers if k.strip().lower() != "authorization"]
    if _get(out, "host") is None:
        out.insert(0, ("Host", _host_header(url)))
    amz_date = _get(out, "x-amz-date")
    amz_date = amz_date.strip() if amz_date else now.strftime("%Y%m%dT%H%M%SZ")
    groups = _grouped(out)
    names = sorted(groups)
    canonical_headers = "".join(f"{n}:{','.join(groups[n]).strip()}\n" for n in names)
    signed_headers = ";".join(names)
    canonical = "\n".join([
        method.upper(),
        canonical_path(parts.path),
        canonical_query(parts.query),
        canonical_headers,
        signed_headers,
        hashlib.sha256(body).hexdigest(),
    ])
    day = now.strftime("%Y%m%d")
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join([
        "AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
    ])
    key = _hmac(("AWS4" + creds.secret_access_key).encode("utf-8"), day)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={creds.access_key_id}/{scope}, SignedHeaders={signed_headers}, "
        f"Signature={signature}"
    )
    out.append(("Authorization", authorization))
    return out


def redact_headers(headers: Iterable[tuple[str, str]] | Mapping[str, Any], secrets: Iterable[str] = ()) -> Any:
    """A copy with secrets masked (`Authorization` keeps its algorithm and SignedHeaders only).

    Same shape back: a list of pairs stays a list of pairs, a mapping stays a dict. A header whose value
    contains one of `secrets` is masked whatever its name (custom auth headers such as `X-Zendesk-Auth`).
    """
    known = tuple(s for s in secrets if s)

    def mask(name: str, value: Any) -> Any:
        if known and isinstance(value, str) and any(s in value for s in known):
            return REDACTED
        lname = name.strip().lower()
        if lname == "authorization" and isinstance(value, str) and value.startswith("AWS4-HMAC-SHA256"):
            m = re.search(r"SignedHeaders=([^,\s]+)", value)
            return f"AWS4-HMAC-SHA256 Credential={REDACTED}, SignedHeaders={m.group(1) if m else ''}, " \
                f"Signature={REDACTED}"
        if lname in SENSITIVE_HEADERS or "secret" in lname or "token" in lname:
            return REDACTED
        return value

    if isinstance(headers, Mapping):
        return {k: mask(k, v) for k, v in headers.items()}
    return [(k, mask(k, v)) for k, v in headers]


def prepare_cerb_request(method: str, url: str, headers: Iterable[tuple[str, str]] | str) -> Headers:
    """Headers as Cerb's HTTP action builds them: `Name: value` lines, `Host` from the URL, and
    `Content-Type: application/x-www-form-urlencoded` for POST/PUT/PATCH without one."""
    if isinstance(headers, str):
        pairs: Headers = []
        for line in headers.replace("\r\n", "\n").split("\n"):
            line = line.strip()
            if not line or ":" not in line:
                continue
            name, value = line.split(":", 1)
            pairs.append((name.strip(), value.strip()))
    else:
        pairs = [(k, v) for k, v in headers]
    if _get(pairs, "host") is None:
        pairs.insert(0, ("Host", _host_header(url)))
    if method.upper() in ("POST", "PUT", "PATCH") and _get(pairs, "content-type") is None:
        pairs.append(("Content-Type", "application/x-www-form-urlencoded"))
    return pairs


def rewrite_for_endpoint(url: str, endpoint_url: str) -> str:
    """The URL sent to an endpoint override: its scheme/host/port (and path prefix), our path and query."""
    if not endpoint_url:
        return url
    src, dst = urlsplit(url), urlsplit(endpoint_url)
    path = dst.path.rstrip("/") + (src.path or "/")
    return urlunsplit((dst.scheme, dst.netloc, path, src.query, ""))


def _decode_body(raw: bytes, content_type_header: str, raw_response_body: bool) -> tuple[str | None, Any]:
    ctype = content_type_header.split(";", 1)[0].strip().lower() or None
    charset = "utf-8"
    m = re.search(r"charset=([\w\-]+)", content_type_header, re.IGNORECASE)
    if m:
        charset = m.group(1)
    try:
        text = raw.decode(charset, errors="replace")
    except LookupError:
        text = raw.decode("utf-8", errors="replace")
    if raw_response_body:
        return ctype, text
    if ctype in _JSON_TYPES:
        try:
            return ctype, json.loads(text)
        except ValueError:
            return ctype, None
    if ctype in _BINARY_TYPES:
        return ctype, base64.b64encode(raw).decode("ascii")
    return ctype, text


def send_signed_http(
    method: str,
    url: str,
    headers: Iterable[tuple[str, str]] | str,
    body: bytes | str,
    creds: AwsCredentials | None,
    *,
    raw_response_body: bool = False,
    ignore_ssl_validation: bool = False,
    connect_timeout: float = 10.0,
    timeout: float = 30.0,
    now: dt.datetime | None = None,
    cassette: Cassette | None = None,
    secrets: Iterable[str] = (),
) -> dict[str, Any] | bool:
    """Cerb's `core.va.action.http_request`: build, sign (when `creds`), send; the response placeholder.

    `secrets`: values the caller put in the headers that no header NAME marks as secret (a connected
    account's custom headers, a Basic password, a Bearer token); a recording scrubs them with the
    credentials' own secrets, so `X-Zendesk-Auth: <token>` never reaches a cassette in clear.

    Returns `{content_type, headers, body, info{url, http_code}, error}`; the transport-failure shape
    `{content_type: None, headers: [], body: <request body>, info: [], error: <message>}`; or `False` when
    the request cannot be signed (Cerb sends nothing then). 4xx/5xx are normal responses.
    """
    method = method.upper()
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
    if cassette is not None and cassette.mode == "replay":
        return placeholder(cassette.replay_http(method, url, data), url, data, raw_response_body=raw_response_body)
    send_url = url
    prepared = prepare_cerb_request(method, url, headers)
    if creds is not None:
        try:
            service, region = service_and_region(urlsplit(url).hostname or "")
            if creds.endpoint_url:
                send_url = rewrite_for_endpoint(url, creds.endpoint_url)
                prepared = [(k, _host_header(send_url) if k.strip().lower() == "host" else v)
                            for k, v in prepared]
            prepared = sign_request(method, send_url, prepared, data, creds, now, service=service, region=region)
        except SigningError as exc:
            log.warning("not sending %s %s: %s", method, url, exc)
            return False
    started = time.monotonic()
    transport = _send(method, send_url, prepared, data, ignore_ssl_validation, connect_timeout, timeout)
    if cassette is not None and cassette.mode == "record":
        extra = tuple(s for s in secrets if s)
        cassette.record_http(method, url, data, redact_headers(prepared, extra), transport,
                             (time.monotonic() - started) * 1000, secrets=(*(creds.secrets if creds else ()), *extra))
    return placeholder(transport, url, data, raw_response_body=raw_response_body)


def placeholder(transport: Mapping[str, Any], url: str, request_body: bytes, *,
                raw_response_body: bool = False) -> dict[str, Any]:
    """Cerb's response placeholder from what the transport got (`status`, `headers`, `raw`) or `error`."""
    if transport.get("error"):
        return {
            "content_type": None,
            "headers": [],
            "body": request_body.decode("utf-8", errors="replace"),  # Cerb's variable-reuse bug, kept
            "info": [],
            "error": transport["error"],
        }
    headers: dict[str, str] = dict(transport.get("headers") or {})
    ctype, decoded = _decode_body(transport.get("raw") or b"", headers.get("content-type", ""), raw_response_body)
    return {
        "content_type": ctype,
        "headers": headers,
        "body": decoded,
        "info": {"url": url, "http_code": int(transport.get("status") or 0)},
        "error": None,
    }


def _send(method: str, send_url: str, headers: Headers, data: bytes, insecure: bool,
          connect_timeout: float, timeout: float) -> dict[str, Any]:
    """One HTTP exchange: `{status, headers (lower-cased, joined ', '), raw}` or `{error}`."""
    parts = urlsplit(send_url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        context = ssl.create_default_context()
        if insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection(parts.hostname or "", parts.port, timeout=connect_timeout,
                                           context=context)
    else:
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=connect_timeout)
    try:
        conn.connect()
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers:
            conn.putheader(name, value)
        if data or method in ("POST", "PUT", "PATCH"):
            conn.putheader("Content-Length", str(len(data)))
        conn.putheader("User-Agent", "bot-designer (Cerb http_request)")
        conn.endheaders(data if data else None)
        response = conn.getresponse()
        raw = response.read()
        grouped: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            grouped.setdefault(name.lower(), []).append(value)
        return {"status": response.status, "headers": {k: ", ".join(v) for k, v in grouped.items()}, "raw": raw}
    except (OSError, http.client.HTTPException) as exc:
        return {"error": _transport_message(exc, send_url)}
    finally:
        conn.close()


def _transport_message(exc: BaseException, url: str) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return (f"Failed to connect to {url}: Connection refused "
                "(is the local Lambda service running? check the endpoint)")
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"Operation timed out: {url}"
    return f"{type(exc).__name__}: {exc} ({url})"
