"""CerbDnsLookup: the Cerb "AWS Lambda Bot" guide's DNS function, ported from Node.js to Python.

It answers from a FIXED TABLE instead of the network, so simulations are repeatable offline. The event is
{"mode": "resolve"|"reverse"|"mx", "value": "..."}; errors mimic what the Node.js original reports.
"""
from __future__ import annotations

from typing import Any

# Hostname → IPv4 addresses (mode "resolve", Node's dns.resolve = an A query).
A_RECORDS: dict[str, list[str]] = {
    "cerb.ai": ["104.18.50.1", "104.18.51.1"],
    "www.cerb.ai": ["104.18.50.1", "104.18.51.1"],
    "example.com": ["93.184.215.14"],
    "www.example.com": ["93.184.215.14"],
    "example.org": ["93.184.215.15"],
    "localhost": ["127.0.0.1"],
    "one.one.one.one": ["1.1.1.1", "1.0.0.1"],
    "dns.google": ["8.8.8.8", "8.8.4.4"],
}

# Hostname → MX records (mode "mx"), in the order a resolver returns them (not sorted by priority).
MX_RECORDS: dict[str, list[dict[str, Any]]] = {
    "cerb.ai": [
        {"exchange": "alt1.aspmx.l.google.com", "priority": 5},
        {"exchange": "aspmx.l.google.com", "priority": 1},
        {"exchange": "alt2.aspmx.l.google.com", "priority": 5},
        {"exchange": "aspmx3.googlemail.com", "priority": 10},
        {"exchange": "aspmx2.googlemail.com", "priority": 10},
    ],
    "example.com": [{"exchange": "", "priority": 0}],  # a "null MX" (RFC 7505): the domain takes no mail
    "example.org": [
        {"exchange": "mx2.example.org", "priority": 20},
        {"exchange": "mx1.example.org", "priority": 10},
    ],
}

# IPv4 address → hostnames (mode "reverse", Node's dns.reverse = a PTR query).
PTR_RECORDS: dict[str, list[str]] = {
    "104.18.50.1": ["cerb.ai"],
    "104.18.51.1": ["cerb.ai"],
    "8.8.8.8": ["dns.google"],
    "8.8.4.4": ["dns.google"],
    "1.1.1.1": ["one.one.one.one"],
    "127.0.0.1": ["localhost"],
}


class DnsError(Exception):
    """Shaped like Node's dns error: the message is '<syscall> <code> <host>'."""

    def __init__(self, syscall: str, code: str, hostname: str) -> None:
        super().__init__(f"{syscall} {code} {hostname}")
        self.code = code
        self.syscall = syscall
        self.hostname = hostname


def _missing(value: Any) -> bool:
    # The Node original: `undefined === event.mode || 0 === event.mode.length`
    return value is None or (hasattr(value, "__len__") and len(value) == 0)


def handler(event: dict[str, Any], context: Any) -> Any:
    event = event if isinstance(event, dict) else {}
    mode = event.get("mode")
    value = event.get("value")
    if _missing(mode):
        raise Exception("The 'mode' parameter is required.")  # plain, like the original's string
    if _missing(value):
        raise Exception("The 'value' parameter is required.")  # plain, like the original's string
    value = str(value).strip()
    if mode == "reverse":
        if value not in PTR_RECORDS:
            raise DnsError("getHostByAddr", "ENOTFOUND", value)
        return list(PTR_RECORDS[value])
    if mode == "mx":
        key = value.lower().rstrip(".")
        if key not in MX_RECORDS:
            raise DnsError("queryMx", "ENOTFOUND", value)
        return [dict(r) for r in MX_RECORDS[key]]
    key = value.lower().rstrip(".")  # anything else resolves, as in the original's `default:` branch
    if key not in A_RECORDS:
        raise DnsError("queryA", "ENOTFOUND", value)
    return list(A_RECORDS[key])
