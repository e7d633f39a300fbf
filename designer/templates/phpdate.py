"""PHP dates for Twig: ``date()`` format letters, Twig's date converter (``'now'``, timestamps, strtotime strings)
and a strtotime subset (absolute dates and times, keywords, weekdays, ``+1 day``/``2 weeks ago``, ``first day of``)."""
from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from designer.templates.errors import TemplateError

log = logging.getLogger(__name__)

_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_DAY_ABBR = {d[:3]: i for i, d in enumerate(_DAYS)} | {d: i for i, d in enumerate(_DAYS)} | {
    "tues": 1, "wednes": 2, "thur": 3, "thurs": 3}
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(_MONTHS)} | {m: i + 1 for i, m in enumerate(_MONTHS)} | {
    "sept": 9}
_UNITS = {"sec": "s", "secs": "s", "second": "s", "seconds": "s", "min": "i", "mins": "i", "minute": "i",
          "minutes": "i", "hour": "h", "hours": "h", "day": "d", "days": "d", "week": "w", "weeks": "w",
          "fortnight": "f", "fortnights": "f", "month": "m", "months": "m", "year": "y", "years": "y",
          "weekday": "wd", "weekdays": "wd"}


def get_timezone(name: Any) -> tzinfo:
    if isinstance(name, tzinfo):
        return name
    text = str(name)
    if text.upper() in ("UTC", "GMT", "Z"):
        return UTC
    match = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})?", text)
    if match:
        offset = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
        return timezone(-offset if match.group(1) == "-" else offset)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise TemplateError(f'Unknown or bad timezone ({text})') from None


# --- formatting -------------------------------------------------------------------------------------------

def _offset_seconds(dt: datetime) -> int:
    offset = dt.utcoffset()
    return int(offset.total_seconds()) if offset else 0


def _offset(dt: datetime, colon: bool) -> str:
    seconds = _offset_seconds(dt)
    sign = "-" if seconds < 0 else "+"
    seconds = abs(seconds)
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    return f"{sign}{hours:02d}{':' if colon else ''}{minutes:02d}"


def _suffix(day: int) -> str:
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _tz_name(dt: datetime) -> str:
    if dt.tzinfo is UTC or (isinstance(dt.tzinfo, ZoneInfo) and dt.tzinfo.key in ("UTC", "Etc/UTC")):
        return "UTC"
    name = dt.tzname() or ""
    if not name or name.startswith(("UTC+", "UTC-")) or re.fullmatch(r"[+-]\d+", name):
        return _offset(dt, True)
    return name


def php_date_format(fmt: str, dt: datetime) -> str:
    out: list[str] = []
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        i += 1
        if ch == "\\":
            if i < len(fmt):
                out.append(fmt[i])
                i += 1
            continue
        handler = _FORMATS.get(ch)
        out.append(handler(dt) if handler else ch)
    return "".join(out)


def _iso(dt: datetime) -> tuple[int, int, int]:
    return dt.isocalendar()[0], dt.isocalendar()[1], dt.isocalendar()[2]


_FORMATS: dict[str, Callable[[datetime], str]] = {
    "d": lambda d: f"{d.day:02d}", "D": lambda d: _DAYS[d.weekday()][:3].title(), "j": lambda d: str(d.day),
    "l": lambda d: _DAYS[d.weekday()].title(), "N": lambda d: str(d.isoweekday()), "S": lambda d: _suffix(d.day),
    "w": lambda d: str(d.isoweekday() % 7), "z": lambda d: str(d.timetuple().tm_yday - 1),
    "W": lambda d: f"{_iso(d)[1]:02d}", "F": lambda d: _MONTHS[d.month - 1].title(),
    "m": lambda d: f"{d.month:02d}", "M": lambda d: _MONTHS[d.month - 1][:3].title(), "n": lambda d: str(d.month),
    "t": lambda d: str(calendar.monthrange(d.year, d.month)[1]), "L": lambda d: "1" if calendar.isleap(d.year) else "0",
    "o": lambda d: str(_iso(d)[0]), "Y": lambda d: str(d.year), "y": lambda d: f"{d.year % 100:02d}",
    "a": lambda d: "am" if d.hour < 12 else "pm", "A": lambda d: "AM" if d.hour < 12 else "PM",
    "B": lambda d: f"{int(((d.astimezone(UTC).timestamp() + 3600) % 86400) / 86.4):03d}",
    "g": lambda d: str(d.hour % 12 or 12), "G": lambda d: str(d.hour), "h": lambda d: f"{d.hour % 12 or 12:02d}",
    "H": lambda d: f"{d.hour:02d}", "i": lambda d: f"{d.minute:02d}", "s": lambda d: f"{d.second:02d}",
    "u": lambda d: f"{d.microsecond:06d}", "v": lambda d: f"{d.microsecond // 1000:03d}",
    "e": lambda d: getattr(d.tzinfo, "key", None) or _tz_name(d), "I": lambda d: "1" if d.dst() else "0",
    "O": lambda d: _offset(d, False), "P": lambda d: _offset(d, True),
    "p": lambda d: "Z" if not d.utcoffset() else _offset(d, True), "T": _tz_name,
    "Z": lambda d: str(_offset_seconds(d)),
    "c": lambda d: php_date_format("Y-m-d\\TH:i:sP", d), "r": lambda d: php_date_format("D, d M Y H:i:s O", d),
    "U": lambda d: str(int(d.timestamp())),
}


# --- parsing ----------------------------------------------------------------------------------------------

class _Parsed:
    def __init__(self) -> None:
        self.date: tuple[int, int, int] | None = None
        self.time: tuple[int, int, int, int] | None = None
        self.reset_time = False
        self.relative: list[tuple[int, str]] = []
        self.weekday: tuple[int, int] | None = None  # (weekday, behaviour: 0 this/1 next/-1 last)
        self.first_last: str | None = None
        self.tz: tzinfo | None = None
        self.timestamp: int | None = None


_TOKEN_RES: list[tuple[str, re.Pattern[str]]] = [
    ("ts", re.compile(r"@(-?\d+)")),
    ("iso", re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?")),
    ("compact", re.compile(r"(\d{4})(\d{2})(\d{2})t(\d{2}):?(\d{2}):?(\d{2})")),
    ("us", re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})")),
    ("eu", re.compile(r"(\d{1,2})[.\-](\d{1,2})[.\-](\d{4})")),
    ("dmy", re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ \-.]*([a-z]{3,9})\.?(?:[ \-.,]+(\d{4}))?(?![a-z])")),
    ("mdy", re.compile(r"([a-z]{3,9})\.?[ \-.]+(\d{1,2})(?:st|nd|rd|th)?(?:[ ,.\-]+(\d{4}))?(?![\d:])")),
    ("my", re.compile(r"([a-z]{3,9})[ \-.,]+(\d{4})")),
    ("time", re.compile(r"t?(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:\s*([ap])\.?m\.?)?")),
    ("ampm", re.compile(r"(\d{1,2})\s*([ap])\.?m\.?")),
    ("first_last", re.compile(r"(first|last) day of")),
    ("rel", re.compile(r"([+-]?)\s*(\d+|an?|next|last|previous|this)\s*([a-z]+)(?:\s+(ago))?")),
    ("tz", re.compile(r"(z|utc|gmt|[+-]\d{2}:?\d{2})(?![a-z])")),
    ("word", re.compile(r"([a-z]+)")),
]


def _parse(text: str) -> _Parsed:
    parsed = _Parsed()
    src = text.strip().lower()
    pos = 0
    while pos < len(src):
        if src[pos] in " \t\n,":
            pos += 1
            continue
        for kind, regex in _TOKEN_RES:
            match = regex.match(src, pos)
            if match and _apply(parsed, kind, match):
                pos = match.end()
                break
        else:
            raise TemplateError(f"Failed to parse time string ({text}) at position {pos} ({text[pos:pos + 1]}): "
                                "The timezone could not be found in the database")
    return parsed


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _apply(p: _Parsed, kind: str, m: re.Match[str]) -> bool:
    g = m.groups()
    if kind == "ts":
        p.timestamp = int(g[0])
    elif kind == "iso":
        p.date = (int(g[0]), int(g[1]), int(g[2]))
        if g[3] is not None:
            p.time = (int(g[3]), int(g[4]), int(g[5] or 0), int((g[6] or "0")[:6].ljust(6, "0")))
    elif kind == "compact":
        p.date = (int(g[0]), int(g[1]), int(g[2]))
        p.time = (int(g[3]), int(g[4]), int(g[5]), 0)
    elif kind == "us":
        p.date = (_year(g[2]), int(g[0]), int(g[1]))
    elif kind == "eu":
        p.date = (int(g[2]), int(g[1]), int(g[0]))
    elif kind in ("dmy", "mdy", "my"):
        month_word = g[1] if kind == "dmy" else g[0]
        if month_word not in _MONTH_ABBR:
            return False
        now_year = p.date[0] if p.date else None
        if kind == "dmy":
            day, year = int(g[0]), g[2]
        elif kind == "mdy":
            day, year = int(g[1]), g[2]
        else:
            day, year = 1, g[1]
        p.date = (int(year) if year else (now_year or -1), _MONTH_ABBR[month_word], day)
    elif kind == "time":
        hour = int(g[0])
        if g[4]:
            hour = hour % 12 + (12 if g[4] == "p" else 0)
        p.time = (hour, int(g[1]), int(g[2] or 0), int((g[3] or "0")[:6].ljust(6, "0")))
    elif kind == "ampm":
        p.time = (int(g[0]) % 12 + (12 if g[1] == "p" else 0), 0, 0, 0)
    elif kind == "first_last":
        p.first_last = g[0]
    elif kind == "rel":
        sign, amount, unit, ago = g
        if unit in _DAY_ABBR and amount in ("next", "last", "previous", "this"):
            p.weekday = (_DAY_ABBR[unit], {"next": 1, "last": -1, "previous": -1, "this": 0}[amount])
            p.reset_time = True
            return True
        if unit not in _UNITS:
            return False
        if amount in ("a", "an", "this"):
            number = 1 if amount != "this" else 0
        elif amount == "next":
            number = 1
        elif amount in ("last", "previous"):
            number = -1
        else:
            number = int(amount)
        if sign == "-":
            number = -number
        if ago:
            number = -number
        p.relative.append((number, _UNITS[unit]))
    elif kind == "tz":
        p.tz = get_timezone(g[0].upper())
    elif kind == "word":
        word = g[0]
        if word == "now":
            pass
        elif word in ("today", "midnight"):
            p.reset_time = True
        elif word == "noon":
            p.reset_time = True
            p.time = (12, 0, 0, 0)
        elif word == "tomorrow":
            p.reset_time = True
            p.relative.append((1, "d"))
        elif word == "yesterday":
            p.reset_time = True
            p.relative.append((-1, "d"))
        elif word in _DAY_ABBR:
            p.weekday = (_DAY_ABBR[word], 0)
            p.reset_time = True
        elif word in _MONTH_ABBR:
            year = p.date[0] if p.date else -1
            p.date = (year, _MONTH_ABBR[word], p.date[2] if p.date else 1)
        elif word in ("of", "at", "on", "t"):
            pass
        else:
            return False
    return True


def _add_months(dt: datetime, months: int) -> datetime:
    """PHP month arithmetic: the day overflows (Jan 31 + 1 month → Mar 3)."""
    total = dt.year * 12 + (dt.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    days = calendar.monthrange(year, month)[1]
    overflow = max(0, dt.day - days)
    return dt.replace(year=year, month=month, day=min(dt.day, days)) + timedelta(days=overflow)


def _resolve(p: _Parsed, base: datetime) -> datetime:
    if p.timestamp is not None:
        return datetime.fromtimestamp(p.timestamp, UTC).astimezone(p.tz or base.tzinfo)
    dt = base if p.tz is None else base.astimezone(p.tz).replace(tzinfo=None).replace(tzinfo=p.tz)
    if p.tz is not None:
        dt = datetime.combine(base.astimezone(p.tz).date(), base.astimezone(p.tz).time(), p.tz)
    if p.date is not None:
        year, month, day = p.date
        year = dt.year if year < 0 else year
        try:
            dt = datetime.combine(date(year, month, 1), time(), dt.tzinfo) + timedelta(days=day - 1)
        except ValueError:
            raise TemplateError(f"Invalid date {year}-{month}-{day}") from None
        if p.time is None:
            dt = dt.replace(hour=0, minute=0, second=0, microsecond=0)
    if p.reset_time or (p.date is not None and p.time is None):
        dt = dt.replace(hour=0, minute=0, second=0, microsecond=0)
    if p.time is not None:
        hour, minute, second, micro = p.time
        if hour > 23 or minute > 59 or second > 60:
            raise TemplateError("Failed to parse time string: invalid time")
        dt = dt.replace(hour=hour, minute=minute, second=min(second, 59), microsecond=micro)
    if p.first_last is not None:
        dt = dt.replace(day=1)  # "first/last day of" counts months from the 1st: no day overflow
    for amount, unit in p.relative:
        if unit == "m":
            dt = _add_months(dt, amount)
        elif unit == "y":
            dt = _add_months(dt, amount * 12)
        elif unit == "wd":
            step = 1 if amount >= 0 else -1
            for _ in range(abs(amount)):
                dt += timedelta(days=step)
                while dt.weekday() >= 5:
                    dt += timedelta(days=step)
        else:
            seconds = {"s": 1, "i": 60, "h": 3600, "d": 86400, "w": 604800, "f": 1209600}[unit] * amount
            if unit in ("d", "w", "f"):
                dt = dt + timedelta(days=seconds // 86400)
            else:
                dt = datetime.fromtimestamp(dt.timestamp() + seconds, UTC).astimezone(dt.tzinfo)
    if p.first_last is not None:
        days = calendar.monthrange(dt.year, dt.month)[1]
        dt = dt.replace(day=1 if p.first_last == "first" else days)  # PHP keeps the time of day here
    if p.weekday is not None:
        target, behaviour = p.weekday
        delta = (target - dt.weekday()) % 7
        if behaviour == 1 and delta == 0:
            delta = 7
        if behaviour == -1:
            delta = -((dt.weekday() - target) % 7 or 7)
        dt += timedelta(days=delta)
    return dt


def strtotime(text: str, base: datetime) -> datetime:
    """Parse a strtotime-style string relative to ``base`` (an aware datetime)."""
    return _resolve(_parse(text), base)


def to_datetime(value: Any, now: datetime, tz: tzinfo | None) -> datetime:
    """Twig's date converter: null/'now' → now; ints and digit strings are timestamps; other strings parsed."""
    if isinstance(value, datetime):
        result = value
    elif value is None or value == "now" or value == "":
        result = now
    elif isinstance(value, bool):
        result = datetime.fromtimestamp(int(value), UTC)
    elif isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"-?\d+", value)):
        try:
            result = datetime.fromtimestamp(int(value), UTC)
        except (OverflowError, OSError, ValueError):
            raise TemplateError(f"Timestamp out of range ({value})") from None
    elif isinstance(value, float):
        result = strtotime(_float_text(value), now)
    elif isinstance(value, str):
        result = strtotime(value, now)
    else:
        raise TemplateError("Cannot convert that value to a date")
    return result.astimezone(tz) if tz is not None else result


def _float_text(value: float) -> str:
    from designer.templates.php import php_float_to_string

    return php_float_to_string(value)
