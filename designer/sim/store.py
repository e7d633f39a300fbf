"""In-memory stand-ins for what Cerb would change: records and the bot key/value store, so later steps can read
what earlier steps wrote. Nothing here leaves the process."""
from __future__ import annotations

import itertools
import threading
from typing import Any


class RecordStore:
    def __init__(self) -> None:
        self.records: dict[str, dict[int, dict[str, Any]]] = {}
        self.keys: dict[str, Any] = {}
        self.sent: list[dict[str, Any]] = []  # mail that would have been sent
        self._ids = itertools.count(1001)
        self._lock = threading.Lock()

    def create(self, context: str, fields: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            rid = next(self._ids)
            record = {"id": rid, "_context": context, **fields}
            self.records.setdefault(context, {})[rid] = record
            return dict(record)

    def update(self, context: str, rid: int, fields: dict[str, Any]) -> dict[str, Any] | None:
        with self._lock:
            record = self.records.get(context, {}).get(rid)
            if record is None:
                return None
            record.update(fields)
            return dict(record)

    def get(self, context: str, rid: int) -> dict[str, Any] | None:
        record = self.records.get(context, {}).get(rid)
        return dict(record) if record is not None else None

    def delete(self, context: str, rid: int) -> bool:
        with self._lock:
            return self.records.get(context, {}).pop(rid, None) is not None

    def search(self, context: str, query: str = "") -> list[dict[str, Any]]:
        words = [w.lower() for w in query.split() if ":" not in w]
        return [dict(r) for r in self.records.get(context, {}).values()
                if all(any(w in str(v).lower() for v in r.values()) for w in words)]
