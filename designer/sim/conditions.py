"""Cerb's condition operators (cerb-semantics.md §4): per value type, `!` negation, unknown operator passes.

`evaluate_condition` returns (result, left, right, line) where `line` is Cerb's simulator log line."""
from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from designer.templates import TemplateError, pcre
from designer.templates.pcre import compile_php_regex
from designer.templates.php import to_int, to_php_string

TEXT, NUMBER, DATE, BOOL, PICKLIST, MULTI, LIST, WORKER, CTX = "S", "N", "E", "C", "D", "X", "M", "W", "ctx"

# Condition keys every event offers (the ones the sample packages use), by value type.
_COMMON = {"behavior_id": NUMBER, "behavior_name": TEXT, "behavior_priority": NUMBER, "behavior_uri": TEXT,
           "behavior_event_point": TEXT, "behavior_is_disabled": BOOL}
_WORKER = {f"worker_{k}": TEXT for k in ("first_name", "last_name", "full_name", "title", "at_mention_name",
                                          "timezone", "language", "email_address", "mobile", "phone", "location",
                                          "gender", "dob", "_label")}
_WORKER.update({"worker_id": NUMBER, "worker_is_superuser": BOOL, "worker_is_disabled": BOOL})
_CLIENT = {f"client_{k}": TEXT for k in ("browser", "browser_version", "ip", "platform", "time", "url")}
EVENT_CONDITIONS: dict[str, dict[str, str]] = {
    "event.message.chat.worker": {"message": "T", "interaction": TEXT, "interaction_bot_name": TEXT,
                                  "interaction_bot_image": TEXT, "interaction_behavior_id": NUMBER,
                                  "interaction_behavior_has_parent": BOOL, **_CLIENT, **_WORKER},
    "event.interactions.get.worker": {"point": TEXT, **_WORKER},
    "event.interaction.chat.worker": {"interaction": TEXT, **_CLIENT, **_WORKER},
    "event.macro.bot": {"va_id": NUMBER, "va_name": TEXT, "va__label": TEXT, "va_is_disabled": BOOL,
                        "va_created_at": DATE, "va_updated_at": DATE},
}
SPECIAL = {"_custom_script", "_day_of_week", "_day_of_month", "_month_of_year", "_time_of_day",
           "_calendar_availability"}


def condition_types(event_key: str, variable_defs: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    types = {**_COMMON, **EVENT_CONDITIONS.get(event_key, {})}
    for key, spec in variable_defs.items():
        code = str(spec.get("type", TEXT))
        types[key] = CTX if code.startswith("ctx_") or code == "contexts" else code
    return types


def infer_type(value: Any) -> str:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, (int, float)):
        return NUMBER
    return TEXT


_ASCII_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def text_match(oper: str, left: str, right: str) -> bool | None:
    """None when the operator is not a text operator (Cerb then leaves the condition passing)."""
    if oper == "is":  # strcasecmp / stripos fold ASCII letters only (PHP 8): 'É' is not 'é'
        return left.translate(_ASCII_FOLD) == right.translate(_ASCII_FOLD)
    if oper == "contains":
        return right.translate(_ASCII_FOLD) in left.translate(_ASCII_FOLD)
    if oper == "like":  # DevblocksPlatform::strToRegExp: `*` → `.*?`, anchored, /i (no /s: `.` stops at \n)
        return _pcre_search("/^" + ".*?".join(re.escape(p) for p in right.split("*")) + "$/i", left)
    if oper == "regexp":
        return _pcre_search(right, left)
    return None


def _pcre_search(pattern: str, subject: str) -> bool:
    """preg_match with the engine's timeout: a pattern that backtracks too long fails, as PHP's false does."""
    compiled = compile_php_regex(pattern)
    if compiled is None:
        return False
    try:
        return pcre.search(compiled, subject) is not None
    except TemplateError:
        return False


def _strtotime(text: Any, now: datetime) -> datetime | None:
    from designer.templates.phpdate import strtotime
    s = to_php_string(text).strip()
    if re.fullmatch(r"-?\d+", s):
        return datetime.fromtimestamp(int(s), UTC)
    try:
        return strtotime(s, now)
    except Exception:  # noqa: BLE001 - strtotime false
        return None


def _between_time(now: datetime, frm: Any, to: Any) -> bool:
    start, end = _strtotime(frm or "00:00", now), _strtotime(to or "23:59", now)
    if start is None or end is None:
        return False
    if end < start:
        end += timedelta(days=1)
        if now < start:
            now += timedelta(days=1)
    return start <= now <= end


def evaluate_condition(cond: Mapping[str, Any], values: Mapping[str, Any], types: Mapping[str, str],
                       render: Callable[[str], str], now: datetime) -> tuple[bool, Any, Any, str]:
    key = str(cond.get("condition", ""))
    raw_oper = str(cond.get("oper", ""))
    negate = raw_oper.startswith("!")
    oper = raw_oper.lstrip("!")
    right = cond.get("value", "")
    left: Any  # the value compared: a rendered script, a clock field or the variable's (any JSON value)
    result: bool | None

    if key == "_custom_script":
        try:
            left = render(str(cond.get("tpl", ""))).strip()
        except Exception as exc:  # noqa: BLE001 - a render error fails the condition (not negated)
            return False, None, right, f"Script error: {exc}"
        result = text_match(oper, left, to_php_string(right))
        result = True if result is None else result
        line = f"Script: `{left}` {'not ' if negate else ''}{oper} `{to_php_string(right)}`"
        return result != negate, left, right, line
    if key in ("_day_of_week", "_month_of_year"):
        params = cond.get("day" if key == "_day_of_week" else "month") or []
        wanted = [to_int(v) for v in (params if isinstance(params, list) else [params])]
        left = now.isoweekday() if key == "_day_of_week" else now.month
        result = left in wanted if oper == "is" else True
        return result != negate, left, wanted, f"{key}: `{left}` {raw_oper} `{wanted}`"
    if key == "_day_of_month":
        left, r = now.day, to_int(right)
        result = {"is": left == r, "gt": left > r, "lt": left < r}.get(oper, True)
        return result != negate, left, r, f"Day of month: `{left}` {raw_oper} `{r}`"
    if key == "_time_of_day":
        result = _between_time(now, cond.get("from"), cond.get("to")) if oper == "between" else True
        return result != negate, now.strftime("%H:%M"), [cond.get("from"), cond.get("to")], \
            f"Time of day: `{now:%H:%M}` {raw_oper} `{cond.get('from')}`-`{cond.get('to')}`"
    if key == "_calendar_availability":
        return True, None, None, "Calendar availability: not simulated (passes)"

    if key not in types and key not in values:
        return False, None, right, f"Invalid condition `{key}`"
    left = values.get(key)
    kind = types.get(key) or infer_type(left)
    if left is None:
        left = ""
    if kind in ("S", "T", "U"):
        lt, rt = to_php_string(left) if not isinstance(left, (dict, list)) else "Array", to_php_string(right)
        result = text_match(oper, lt, rt)
        line = f"Text: `{lt}` {'not ' if negate else ''}{oper} `{rt}`"
    elif kind in (NUMBER, "O", "Y", "L"):
        lv, rv = to_int(left), to_int(right)
        result = {"is": lv == rv, "gt": lv > rv, "lt": lv < rv}.get(oper)
        line = f"Number: `{lv}` {raw_oper} `{rv}`"
    elif kind == DATE:
        at = _strtotime(left, now) if left != "" else None
        frm, to = _strtotime(cond.get("from", ""), now), _strtotime(cond.get("to", ""), now)
        if at is None or frm is None or to is None:
            result = False
        else:
            if to < frm:
                to += timedelta(days=1)
            result = frm <= at <= to
        line = f"Date: `{left}` between `{cond.get('from')}` and `{cond.get('to')}`"
    elif kind == BOOL:
        expected = bool(to_int(cond.get("bool", 0)))
        result = _php_nonempty(left) == expected
        line = f"Boolean: `{left}` is `{expected}`"
    elif kind == PICKLIST:
        opts = cond.get("values") or []
        result = to_php_string(left) in [to_php_string(v) for v in opts] if oper == "in" else None
        line = f"Picklist: `{left}` {raw_oper} `{opts}`"
    elif kind == MULTI:
        opts = [to_php_string(v) for v in cond.get("values") or []]
        have = [to_php_string(v) for v in (left if isinstance(left, list) else [left])]
        result = (all(o in have for o in opts) if oper == "is"
                  else any(o in have for o in opts) if oper == "in" else None)
        line = f"Multi: `{have}` {raw_oper} `{opts}`"
    elif kind == LIST:
        needle = render(to_php_string(right)).lower() if oper == "contains" else ""
        items: list[Any] = left if isinstance(left, list) else []
        result = any(to_php_string(i).lower() == needle for i in items) if oper == "contains" else None
        line = f"List: {raw_oper} `{needle}`"
    elif kind == WORKER:
        ids = [to_int(v) for v in cond.get("worker_id") or []]
        if not ids and left in ("", 0, None):
            result = True
        elif oper == "in":
            result = to_int(left) in ids
        else:
            result = None
        line = f"Worker: `{left}` {raw_oper} `{ids}`"
    elif kind == CTX:
        count = len(left) if isinstance(left, (list, dict)) else 0
        rv = to_int(right)
        result = {"is": count == rv, "gt": count > rv, "lt": count < rv}.get(oper)
        line = f"Count: `{count}` {raw_oper} `{rv}`"
    else:
        lt, rt = to_php_string(left), to_php_string(right)
        result = text_match(oper, lt, rt)
        line = f"Text: `{lt}` {raw_oper} `{rt}`"
    if result is None:  # an operator the type does not handle: Cerb's `pass` stays true
        return True, left, right, line + " (unknown operator: passes)"
    return result != negate, left, right, line


def _php_nonempty(value: Any) -> bool:
    return value not in ("", "0", 0, None, False, [], {}) and value != 0.0


def evaluate_groups(groups: list[dict[str, Any]], check: Callable[[dict[str, Any]], bool],
                    note: Callable[[str], None] | None = None) -> tuple[bool, list[str]]:
    """Cerb's groups: ALL (any=0) stops at the first failure, ANY (any=1) at the first pass; groups ANDed."""
    notes: list[str] = []
    for group in groups:
        is_any = to_int(group.get("any", 0)) == 1
        notes.append(f"Conditions are in `{'any' if is_any else 'all'}` group.")
        if note is not None:
            note(notes[-1])
        conds = [c for c in group.get("conditions") or [] if isinstance(c, dict) and "condition" in c]
        passed = True
        for cond in conds:
            passed = check(cond)
            if is_any and passed:
                break
            if not is_any and not passed:
                break
        if not passed:
            return False, notes
    return True, notes
