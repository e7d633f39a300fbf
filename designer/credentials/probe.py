"""Testing an account: AWS → Lambda ListFunctions against its endpoint/region; HTTP → one GET to a URL
with the account's auth applied (redirects are not followed, so credentials go nowhere else)."""
from __future__ import annotations

import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from designer.aws.credentials import AwsCredentials
from designer.credentials.masking import redact

log = logging.getLogger(__name__)
TIMEOUT = 15.0


@dataclass(frozen=True)
class TestOutcome:
    """The result of testing an account: `ok`, a one-line `message`, and non-secret `details`."""

    __test__ = False  # not a pytest test class

    ok: bool
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    hint: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "message": self.message, "hint": self.hint, "details": self.details}

    def __str__(self) -> str:
        text = f"{'OK' if self.ok else 'FAILED'}: {self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


def _outcome(ok: bool, message: str, details: dict[str, Any], hint: str = "") -> TestOutcome:
    return TestOutcome(ok, redact(message), redact(details), redact(hint))


def probe_aws(creds: AwsCredentials) -> TestOutcome:
    import botocore.exceptions as bce

    from designer.aws.clients import lambda_client

    details: dict[str, Any] = {"region": creds.region, "endpoint": creds.endpoint_url or "AWS",
                               "auth": f"profile {creds.profile}" if creds.profile else
                               f"access key {creds.access_key_id}"}
    try:
        client = lambda_client(creds, read_timeout=TIMEOUT, connect_timeout=5.0)
        reply = client.list_functions(MaxItems=1)
    except bce.ClientError as exc:
        err = exc.response.get("Error", {})
        code, msg = err.get("Code", "Error"), err.get("Message", str(exc))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        details.update(code=code, status=status)
        if code in ("UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch",
                    "InvalidClientTokenId", "ExpiredTokenException", "ExpiredToken") or (
                status in (401, 403) and code != "AccessDeniedException"):
            return _outcome(False, f"The keys were rejected ({code}: {msg}).", details,
                            "Check the access key id and re-enter the secret with `bot-designer accounts edit "
                            f"{creds.label} --secrets`.")
        if code == "AccessDeniedException":
            return _outcome(False, f"The keys work but may not list Lambda functions ({msg}).", details,
                            "Grant lambda:ListFunctions (and lambda:InvokeFunction) to this IAM user or role.")
        return _outcome(False, f"Lambda answered {code}: {msg}", details)
    except bce.EndpointConnectionError as exc:
        return _outcome(False, f"Cannot reach {creds.endpoint_url or 'AWS Lambda'} ({exc}).", details,
                        "Check the endpoint URL and region, and that the service (e.g. `bot-designer lambda "
                        "serve`) is running.")
    except bce.ProfileNotFound:
        return _outcome(False, f"The AWS profile '{creds.profile}' does not exist.", details,
                        "Create it with `aws configure --profile NAME` (or `aws configure sso`).")
    except (bce.NoCredentialsError, bce.PartialCredentialsError) as exc:
        return _outcome(False, f"No usable AWS credentials ({exc}).", details, "Check the profile or the keys.")
    except bce.BotoCoreError as exc:
        hint = "Run `aws sso login --profile NAME`." if "sso" in type(exc).__name__.lower() else ""
        return _outcome(False, f"The AWS call failed ({type(exc).__name__}: {exc}).", details, hint)
    functions = reply.get("Functions", [])
    details["functions_seen"] = [f.get("FunctionName") for f in functions]
    more = " (and more)" if reply.get("NextMarker") else ""
    listed = f"first function: {functions[0].get('FunctionName')}{more}" if functions else "no functions"
    return _outcome(True, f"Lambda ListFunctions succeeded in {creds.region} ({listed}).", details)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def probe_http(url: str, headers: list[tuple[str, str]], *, label: str = "") -> TestOutcome:
    parts = urlsplit(url)
    details: dict[str, Any] = {"url": url, "headers": [name for name, _ in headers]}
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _outcome(False, f"Not an http(s) URL: {url!r}.", details, "Pass --url https://…")
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        details["warning"] = "credentials were sent unencrypted (http)"
    request = urllib.request.Request(url, method="GET", headers={"User-Agent": "bot-designer"})
    for name, value in headers:
        request.add_header(name, value)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
        details["status"] = status
        if 300 <= status < 400:
            return _outcome(False, f"{url} redirects to {exc.headers.get('Location', '?')} (HTTP {status}); "
                            "not followed, so the credentials were not sent there.", details,
                            "Test the final URL with --url.")
        if status in (401, 403):
            return _outcome(False, f"{url} rejected the credentials (HTTP {status}).", details,
                            f"Re-enter them with `bot-designer accounts edit {label or 'NAME'} --secrets`.")
        return _outcome(False, f"{url} answered HTTP {status}.", details)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return _outcome(False, f"Cannot reach {url} ({reason}).", details, "Check the URL and the network.")
    details["status"] = status
    return _outcome(True, f"{url} accepted the request (HTTP {status}).", details)
