"""In-memory stand-ins for what Cerb would change: records and the bot key/value store, so later steps can read
what earlier steps wrote. Nothing here leaves the process."""
from __future__ import annotations

import hashlib
import itertools
import mimetypes
import threading
from pathlib import Path
from typing import Any

ATTACHMENT = "cerberusweb.contexts.attachment"
_LABEL_FIELDS = ("_label", "name", "subject", "title", "label", "content", "text")


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

    def attach_file(self, path: str | Path) -> dict[str, Any]:
        """A file the user 'uploads' to a prompt_file: an attachment record with Cerb's attachment fields (the
        content stays on disk; only its size and hash are read)."""
        path = Path(path)
        digest = hashlib.sha1()  # Cerb's storage_sha1hash (content identity, not security)
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 16), b""):
                digest.update(chunk)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return self.create(ATTACHMENT, {"_label": path.name, "name": path.name, "size": path.stat().st_size,
                                        "mime_type": mime, "storage_sha1hash": digest.hexdigest()})


def record_type_name(context: str | None) -> str:
    """'cerberusweb.contexts.ticket' → 'ticket': what Cerb's chat calls a record type in a worklist or chooser."""
    return str(context or "").rsplit(".", 1)[-1].replace("_", " ") or "record"


def record_label(record: dict[str, Any]) -> str:
    """What a chooser shows for a simulated record: `#id` and its first naming field."""
    name = next((str(record[k]) for k in _LABEL_FIELDS if str(record.get(k) or "").strip()), "")
    name = " ".join(name.split())
    return f"#{record.get('id')} {name[:60]}".rstrip()
