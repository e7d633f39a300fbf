"""JSON values walked without recursion. Params are kept as the JSON they were read as, however deep (the
reader does not walk them), and copy.deepcopy, ==, json.dumps and recursive helpers all fail with
RecursionError somewhere below 1,000 levels; edits and searches use these instead."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any


def iter_strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, object keys included, in document order."""
    pending: list[Iterator[Any]] = [iter((value,))]
    while pending:
        for item in pending[-1]:
            if isinstance(item, str):
                yield item
            elif isinstance(item, dict):
                pending.append(chain.from_iterable(item.items()))  # key, value, key, value…
                break
            elif isinstance(item, list):
                pending.append(iter(item))
                break
        else:
            pending.pop()


def iter_string_paths(value: Any) -> Iterator[tuple[str, str]]:
    """iter_strings() with each string's path (`a.b[2]`; an object key has the path of its value)."""
    pending: list[Iterator[tuple[str, Any]]] = [iter((("", value),))]
    while pending:
        for path, item in pending[-1]:
            if isinstance(item, str):
                yield path, item
            elif isinstance(item, dict):
                pending.append(_entries(path, item))
                break
            elif isinstance(item, list):
                pending.append(_elements(path, item))
                break
        else:
            pending.pop()


def _elements(path: str, item: list[Any]) -> Iterator[tuple[str, Any]]:
    for i, value in enumerate(item):
        yield f"{path}[{i}]", value


def _entries(path: str, item: dict[Any, Any]) -> Iterator[tuple[str, Any]]:
    for key, value in item.items():
        sub = f"{path}.{key}" if path else str(key)
        yield sub, key
        yield sub, value


def _containers(value: Any) -> list[dict[Any, Any] | list[Any]]:
    """Every dict and list inside `value` (itself included), each after the container holding it."""
    found: list[Any] = []
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            found.append(item)
            todo.extend(item.values())
        elif isinstance(item, list):
            found.append(item)
            todo.extend(item)
    return found


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """`value` with `change` applied to every string (keys too). Only the containers on the way to a changed
    string are new (dicts keep their order and type); everything else is `value`'s own objects, so
    `map_strings(v, f) is v` tells that nothing changed."""
    done: dict[int, Any] = {}

    def mapped(item: Any) -> Any:
        if isinstance(item, str):
            new = change(item)
            return item if new == item else new
        return done.get(id(item), item)

    for container in reversed(_containers(value)):  # the innermost first: their results are ready for parents
        if isinstance(container, dict):
            pairs = [(mapped(k), mapped(v)) for k, v in container.items()]
            if any(nk is not k or nv is not v for (nk, nv), (k, v) in zip(pairs, container.items(), strict=True)):
                done[id(container)] = type(container)(pairs)
        else:
            items = [mapped(v) for v in container]
            if any(n is not o for n, o in zip(items, container, strict=True)):
                done[id(container)] = type(container)(items)
    return mapped(value)


def copy_json(value: Any) -> Any:
    """A deep copy of a JSON value: dicts keep their key order and type; immutable scalars are shared."""
    if not isinstance(value, (dict, list)):
        return value
    root = type(value)()
    todo = [(value, root)]
    while todo:
        source, target = todo.pop()
        for k, v in (source.items() if isinstance(source, dict) else enumerate(source)):
            if isinstance(v, (dict, list)):
                child = type(v)()
                todo.append((v, child))
                v = child
            if isinstance(target, dict):
                target[k] = v
            else:
                target.append(v)
    return root


def same_json(a: Any, b: Any) -> bool:
    """`a == b` (with Python's own rules: 1 == 1.0, dicts regardless of order) at any depth."""
    try:
        return bool(a == b)
    except RecursionError:
        pass
    todo = [(a, b)]
    while todo:
        x, y = todo.pop()
        if isinstance(x, dict) and isinstance(y, dict):
            if x.keys() != y.keys():
                return False
            todo.extend((v, y[k]) for k, v in x.items())
        elif isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                return False
            todo.extend(zip(x, y, strict=True))
        elif isinstance(x, (dict, list)) or isinstance(y, (dict, list)) or x != y:
            return False
    return True


def json_depth(value: Any) -> int:
    """How many containers deep `value` nests (a scalar: 0, `[]`: 1, `[[1]]`: 2)."""
    deepest = 0
    todo = [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            todo.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest
