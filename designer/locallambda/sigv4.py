"""SigV4 verification over exactly the headers a request lists in SignedHeaders.

boto3 signs a few headers (host, x-amz-date, x-amz-content-sha256…); Cerb signs every header it sends
(content-type, date, host, x-amz-client-context, x-amz-date) and never x-amz-content-sha256 — both verify
here because the canonical request is rebuilt from the request's own SignedHeaders list.
"""
from __future__ import annotations

import calendar
import hashlib
import hmac
import logging
import re
import time
from email.utils import parsedate_to_datetime
from urllib.parse import quote, unquote

from designer.locallambda.registry import ApiError

log = logging.getLogger(__name__)

_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<cred>[^,\s]+)\s*,\s*SignedHeaders=(?P<signed>[^,\s]+)\s*,"
    r"\s*Signature=(?P<sig>[0-9a-fA-F]+)\s*$"
)


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    k = _hmac(("AWS4" + secret).encode("utf-8"), date)
    k = _hmac(k, region)
    k = _hmac(k, service)
    return _hmac(k, "aws4_request")


def canonical_query(raw_query: str) -> str:
    pairs: list[tuple[str, str]] = []
    for part in raw_query.split("&") if raw_query else []:
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((quote(unquote(key.replace("+", " ")), safe="-_.~"),
                      quote(unquote(value.replace("+", " ")), safe="-_.~")))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def _canonical_uris(raw_path: str) -> list[str]:
    # SigV4 for every service but S3 encodes the (already encoded) path once more: botocore and Cerb both do.
    path = raw_path or "/"
    return list(dict.fromkeys([quote(path, safe="/~"), path, quote(unquote(path), safe="/~")]))


def _parse_amz_date(value: str) -> float | None:
    try:
        return float(calendar.timegm(time.strptime(value, "%Y%m%dT%H%M%SZ")))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None


class Verifier:
    """Checks requests against one access key pair; raises ApiError (403) on any failure."""

    def __init__(self, access_key_id: str, secret_access_key: str, service: str = "lambda",
                 max_clock_skew: float | None = 900.0) -> None:
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.service = service
        self.max_clock_skew = max_clock_skew

    def verify(self, method: str, raw_path: str, raw_query: str, headers: list[tuple[str, str]], body: bytes) -> None:
        lower: dict[str, list[str]] = {}
        for name, value in headers:
            lower.setdefault(name.strip().lower(), []).append(value)
        auth = (lower.get("authorization") or [""])[0]
        if not auth:
            raise ApiError(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
        m = _AUTH_RE.match(auth.strip())
        if not m:
            raise ApiError(403, "IncompleteSignatureException",
                           "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.")
        cred = m.group("cred").split("/")
        if len(cred) != 5 or cred[4] != "aws4_request":
            raise ApiError(403, "IncompleteSignatureException", f"Credential is malformed: {m.group('cred')}")
        key_id, date, region, service = cred[0], cred[1], cred[2], cred[3]
        if key_id != self.access_key_id:
            raise ApiError(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
        if service != self.service:
            raise ApiError(403, "InvalidSignatureException",
                           f"Credential should be scoped to correct service: '{self.service}'.")
        signed = m.group("signed").lower().split(";")
        if "host" not in signed:
            raise ApiError(403, "InvalidSignatureException", "'Host' must be a signed header.")
        amz_date = (lower.get("x-amz-date") or lower.get("date") or [""])[0].strip()
        when = _parse_amz_date(amz_date)
        if when is None:
            raise ApiError(403, "IncompleteSignatureException",
                           "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        if self.max_clock_skew is not None and abs(time.time() - when) > self.max_clock_skew:
            raise ApiError(403, "InvalidSignatureException", f"Signature expired: {amz_date} is too far from now.")
        missing = [h for h in signed if h not in lower]
        if missing:
            raise ApiError(403, "InvalidSignatureException", f"Signed header(s) missing from the request: {missing}")
        payload_hash = (lower.get("x-amz-content-sha256") or [""])[0].strip()
        if not payload_hash:
            payload_hash = hashlib.sha256(body).hexdigest()
        elif payload_hash != "UNSIGNED-PAYLOAD" and payload_hash != hashlib.sha256(body).hexdigest():
            raise ApiError(400, "InvalidSignatureException", "The provided 'x-amz-content-sha256' header does "
                           "not match what was computed.")
        key = signing_key(self.secret_access_key, date, region, service)
        scope = f"{date}/{region}/{service}/aws4_request"
        wanted = m.group("sig").lower()
        # Header values: trimmed; botocore also collapses inner spaces, Cerb does not — accept either.
        header_variants = []
        for collapse in (False, True):
            lines = []
            for h in signed:
                vals = [" ".join(v.split()) if collapse else v.strip() for v in lower[h]]
                lines.append(f"{h}:{','.join(vals)}\n")
            header_variants.append("".join(lines))
        query = canonical_query(raw_query)
        for uri in _canonical_uris(raw_path):
            for hdrs in dict.fromkeys(header_variants):
                canonical = "\n".join([method.upper(), uri, query, hdrs, ";".join(signed), payload_hash])
                to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                                     hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
                if hmac.compare_digest(hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest(), wanted):
                    return
        log.info("signature mismatch for %s %s (signed headers %s)", method, raw_path, signed)
        raise ApiError(403, "InvalidSignatureException",
                       "The request signature we calculated does not match the signature you provided. "
                       "Check your AWS Secret Access Key and signing method. Consult the service documentation "
                       "for details.")
