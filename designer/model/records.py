"""JSON-backed records: known fields typed, everything else kept verbatim and in its original place.

Every model object remembers the key order it was read with and the keys it does not understand, so
export(import(x)) == x including key order. Keys the model adds later go where Cerb's exporter puts them.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class _Absent:
    """Marks a key that is not in the JSON (as opposed to a key whose value is null)."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False

    def __deepcopy__(self, memo: Any) -> _Absent:
        return self


ABSENT: Any = _Absent()


def merged_key_order(original: Iterable[str], present: Iterable[str], canonical: tuple[str, ...]) -> list[str]:
    """The original order of the keys still present, with new keys placed after their canonical predecessor."""
    present_set = dict.fromkeys(present)
    order = [k for k in original if k in present_set]
    if len(order) == len(present_set):
        return order  # no key added since reading: the common case, on every save and lint snapshot
    placed = set(order)
    rank = {k: i for i, k in enumerate(canonical)}
    for key in present_set:
        if key in placed:
            continue
        if key in rank:
            # after the last already-placed key that comes before it in Cerb's order
            at = 0
            for i, existing in enumerate(order):
                if rank.get(existing, -1) < rank[key]:
                    at = i + 1
            order.insert(at, key)
        else:
            order.append(key)
        placed.add(key)
    return order


class JsonRecord:
    """Base for model objects that are read from and written back to a JSON object."""

    KEYS: tuple[str, ...] = ()  # the known keys, in the order Cerb's exporter writes them

    __slots__ = ("extra", "key_order")

    def __init__(self) -> None:
        self.extra: dict[str, Any] = {}  # keys the model does not understand, verbatim
        self.key_order: tuple[str, ...] = ()  # the order the keys were read in

    def known_fields(self) -> dict[str, Any]:
        """The known keys that are present, as JSON values."""
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        known = self.known_fields()
        values: dict[str, Any] = {**self.extra, **known}
        return {k: values[k] for k in merged_key_order(self.key_order, values, self.KEYS)}

    def _take_extra(self, data: Mapping[str, Any]) -> None:
        self.key_order = tuple(data)
        self.extra = {k: v for k, v in data.items() if k not in self.KEYS}
