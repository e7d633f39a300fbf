"""A problem found in a package: by the reader (structure) or by lint (meaning). One type for both."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Problem:
    path: str  # JSON path, e.g. "bots[0].behaviors[2].nodes[1]"
    message: str
    code: str  # stable identifier, e.g. "outcome-parent", "dangling-uid"
    severity: Severity = "error"
    line: int | None = None
    column: int | None = None
    node_id: int | None = None  # the model node it concerns, when there is one

    def location(self) -> str:
        where = self.path or "(package)"
        if self.line is not None:
            where = f"line {self.line}, column {self.column}: {where}"
        return where

    def __str__(self) -> str:
        return f"{self.location()}: {self.severity}: {self.message} [{self.code}]"

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
        }
