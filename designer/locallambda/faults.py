"""Fault injection: make the next N invocations (optionally of one function) misbehave on purpose."""
from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass
from typing import Any

log = logging.getLogger(__name__)

KINDS = ("throttle", "server_error", "slow", "fail", "deny")
# The x-amzn-ErrorType that botocore maps for each injected 5xx status.
ERROR_TYPES = {500: "ServiceException", 502: "EC2ThrottledException", 503: "ServiceException",
               504: "ServiceException"}


@dataclass
class Fault:
    kind: str  # one of KINDS
    remaining: int
    function: str | None = None
    status: int = 500
    seconds: float = 0.0
    message: str = "injected"
    error_type: str | None = None


class FaultInjector:
    """Rules are consumed in the order they were added. Per call at most one 'slow' rule and one of the
    outcome rules (throttle / server_error / fail) apply, so "slow AND failing" can be combined.
    A 'deny' rule is checked first and on its own: it also answers DryRun, which is what DryRun checks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Fault] = []

    def _add(self, fault: Fault) -> Fault:
        if fault.remaining < 1:
            raise ValueError("n must be at least 1")
        with self._lock:
            self._rules.append(fault)
        log.info("fault armed: %s", fault)
        return fault

    def throttle(self, n: int = 1, function: str | None = None) -> Fault:
        """The next n calls answer 429 TooManyRequestsException."""
        return self._add(Fault("throttle", n, function))

    def server_error(self, n: int = 1, status: int = 500, function: str | None = None,
                     error_type: str | None = None) -> Fault:
        """The next n calls answer a service error with this 5xx status."""
        if not 500 <= status <= 599:
            raise ValueError("status must be 5xx")
        return self._add(Fault("server_error", n, function, status=status, error_type=error_type))

    def slow(self, n: int = 1, seconds: float = 1.0, function: str | None = None) -> Fault:
        """The next n calls wait `seconds` before the handler runs (counts against nothing)."""
        return self._add(Fault("slow", n, function, seconds=float(seconds)))

    def fail(self, n: int = 1, message: str = "injected", function: str | None = None) -> Fault:
        """The next n calls return an Unhandled function error with this message; the handler is not run."""
        return self._add(Fault("fail", n, function, message=message))

    def deny(self, n: int = 1, function: str | None = None) -> Fault:
        """The next n calls (DryRun included) answer 403 AccessDeniedException, as for a caller whose IAM
        identity lacks lambda:InvokeFunction (the local service has no IAM of its own)."""
        return self._add(Fault("deny", n, function))

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def add(self, spec: dict[str, Any]) -> Fault:
        """The HTTP control path's entry: {"kind": ..., "n": 1, "function": null, + the kind's options}."""
        kind = spec.get("kind")
        n = int(spec.get("n", 1))
        fn = spec.get("function")
        if kind == "throttle":
            return self.throttle(n, fn)
        if kind == "server_error":
            return self.server_error(n, int(spec.get("status", 500)), fn, spec.get("error_type"))
        if kind == "slow":
            return self.slow(n, float(spec.get("seconds", 1.0)), fn)
        if kind == "fail":
            return self.fail(n, str(spec.get("message", "injected")), fn)
        if kind == "deny":
            return self.deny(n, fn)
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(KINDS)}")

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(r) for r in self._rules]

    def take(self, function: str) -> tuple[Fault | None, Fault | None]:
        """Consume the rules that apply to this call: (slow rule, outcome rule)."""
        slow: Fault | None = None
        outcome: Fault | None = None
        with self._lock:
            for rule in list(self._rules):
                if rule.function not in (None, function) or rule.kind == "deny":
                    continue
                if rule.kind == "slow" and slow is None:
                    slow = rule
                elif rule.kind != "slow" and outcome is None:
                    outcome = rule
                else:
                    continue
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._rules.remove(rule)
        return slow, outcome

    def take_denial(self, function: str) -> Fault | None:
        """Consume the first 'deny' rule that applies to this call, if any."""
        with self._lock:
            for rule in self._rules:
                if rule.kind == "deny" and rule.function in (None, function):
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._rules.remove(rule)
                    return rule
        return None
