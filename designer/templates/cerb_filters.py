"""Cerb's own filters (``_DevblocksTwigExtensions``): encodings, hashes, JSON, regexps, e-mail, text helpers."""
from __future__ import annotations

import base64
import hashlib
import hmac
import html
import logging
import re
import urllib.parse
from typing import TYPE_CHECKING, Any

from designer.templates import php
from designer.templates.errors import TemplateError
from designer.templates.filters import _filter, bytes_to_str, number_format
from designer.templates.pcre import preg_match
from designer.templates.php import is_numeric, make_array, php_json_encode, to_number, to_php_string

if TYPE_CHECKING:
    from designer.templates.compiler import TwigEnvironment

log = logging.getLogger(__name__)


# --- Cerb's own -----------------------------------------------------------------------------------------

@_filter()
def alphanum(value: Any, also: Any = "", replace_with: Any = "") -> str:
    extra = re.escape(to_php_string(also)) if also else ""
    return re.sub(f"[^a-zA-Z0-9{extra}]", to_php_string(replace_with), to_php_string(value))


@_filter()
def base_convert(value: Any, from_base: Any = 10, to_base: Any = 10) -> str:
    source, target = php.to_int(from_base), php.to_int(to_base)
    if not (2 <= source <= 36 and 2 <= target <= 36):
        raise TemplateError("base_convert(): bases must be between 2 and 36")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    number = 0
    for ch in to_php_string(value).lower():
        index = digits.find(ch)
        if 0 <= index < source:
            number = number * source + index
    if number == 0:
        return "0"
    out = []
    while number:
        number, rem = divmod(number, target)
        out.append(digits[rem])
    return "".join(reversed(out))


@_filter()
def base64_encode(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return base64.b64encode(value.encode("utf-8", "surrogatepass")).decode("ascii")


def _b64decode(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9+/]", "", text)
    cleaned = cleaned[: len(cleaned) - len(cleaned) % 4 + (len(cleaned) % 4 if len(cleaned) % 4 > 1 else 0)]
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        data = base64.b64decode(cleaned)
    except ValueError:
        return ""
    # Cerb 10.4 renders binary (non-UTF-8) results as '' (oracle dropbox-bot-029).
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return ""


@_filter()
def base64_decode(value: Any) -> str:
    return _b64decode(value) if isinstance(value, str) else ""


@_filter()
def base64url_encode(value: Any) -> str:
    return base64_encode(value).replace("+", "-").replace("/", "_").rstrip("=")


@_filter()
def base64url_decode(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return _b64decode(value.replace("-", "+").replace("_", "/"))


@_filter()
def bytes_pretty(value: Any, precision: Any = 0) -> str:
    if not is_numeric(value):
        return ""
    number = float(to_number(value))
    places = php.to_int(precision)
    for limit, unit in ((1e9, "GB"), (1e6, "MB"), (1e3, "KB")):
        if number >= limit:
            return f"{number_format(number / limit, places)} {unit}"
    return f"{to_php_string(number)} bytes"


@_filter()
def cerb_translate(value: Any) -> str:
    return to_php_string(value)


@_filter()
def context_name(value: Any, kind: Any = "plural") -> str:
    text = to_php_string(value)
    alias = text.rsplit(".", 1)[-1] if text.startswith("cerberusweb.contexts.") else ""
    if not alias:
        return ""
    name = alias.replace("_", " ")
    if kind == "plural":
        return name + ("es" if name.endswith(("s", "x", "ch", "sh")) else "s")
    return name if kind != "id" else text


@_filter(env=True)
def date_pretty(env: TwigEnvironment, value: Any, is_delta: Any = False) -> str:
    if not is_numeric(value) and not isinstance(value, str):
        return ""
    then = env.twig_date(value, None)
    seconds = int(env.twig_now().timestamp() - then.timestamp())
    future = seconds < 0
    text = secs_pretty(abs(seconds), 1)
    if abs(seconds) < 60:
        return "just now"
    return f"{text} from now" if future else f"{text} ago"


@_filter()
def hash_hmac(value: Any, key: Any = "", algo: Any = "sha256", raw: Any = False) -> str:
    text = to_php_string(value)
    if text == "":
        return ""
    name = to_php_string(algo).lower()
    if name not in hashlib.algorithms_available:
        return ""
    digest = hmac.new(to_php_string(key).encode("utf-8", "surrogatepass"), text.encode("utf-8", "surrogatepass"),
                      name)
    return bytes_to_str(digest.digest()) if php.php_truthy(raw) else digest.hexdigest()


@_filter()
def json_pretty(value: Any) -> str:
    """Cerb 10.4: strings only; decoded (objects stay objects) and re-encoded pretty with unescaped slashes."""
    if not isinstance(value, str):
        return ""
    decoded = php.php_json_decode_objects(value)
    try:
        return php_json_encode(decoded, pretty=True, escape_slashes=False)
    except ValueError:
        return ""


@_filter()
def md5(value: Any) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return ""
    return hashlib.md5(to_php_string(value).encode("utf-8", "surrogatepass")).hexdigest()


@_filter()
def sha1(value: Any) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return ""
    return hashlib.sha1(to_php_string(value).encode("utf-8", "surrogatepass")).hexdigest()


_EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                       r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)$")


@_filter()
def parse_emails(value: Any) -> list[dict[str, str]]:
    results = []
    for part in re.split(r",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", to_php_string(value)):
        part = part.strip()
        if not part:
            continue
        match = re.match(r'^\s*(?:"?([^"<]*?)"?\s*)?<([^>]+)>\s*$', part)
        personal, address = (match.group(1) or "", match.group(2).strip()) if match else ("", part)
        valid = _EMAIL_RE.match(address)
        if not valid:
            continue
        mailbox, host = address.rsplit("@", 1)
        full = f'"{personal}" <{address}>' if personal else address
        results.append({"full_email": full, "email": address, "mailbox": mailbox, "host": host,
                        "personal": personal})
    return results


@_filter()
def quote(value: Any, wrap: Any = 76) -> str:
    width = php.to_int(wrap)
    lines: list[str] = []
    for line in to_php_string(value).split("\n"):
        wrapped = _wordwrap(line, width) if width > 0 else [line]
        lines.extend("> " + piece for piece in wrapped)
    return "\n".join(lines)


def _wordwrap(line: str, width: int) -> list[str]:
    if len(line) <= width:
        return [line]
    out, current = [], ""
    for word in line.split(" "):
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    out.append(current)
    return out


@_filter()
def regexp(value: Any, pattern: Any, group: Any = 0) -> str:
    match = preg_match(to_php_string(pattern), to_php_string(value))
    if match is None:
        return ""
    try:
        found = match.group(php.to_int(group) if is_numeric(group) else to_php_string(group))
    except IndexError:
        return ""
    return found or ""


@_filter()
def secs_pretty(value: Any, precision: Any = 0) -> str:
    if not is_numeric(value):
        return ""
    seconds = abs(php.to_int(value))
    units = [("year", 31536000), ("month", 2592000), ("week", 604800), ("day", 86400), ("hour", 3600),
             ("min", 60), ("sec", 1)]
    parts = []
    for name, size in units:
        if seconds >= size:
            count, seconds = divmod(seconds, size)
            parts.append(f"{count} {name}{'s' if count != 1 else ''}")
    if not parts:
        return "0 secs"
    limit = php.to_int(precision)
    return ", ".join(parts[:limit] if limit > 0 else parts)


@_filter()
def split_crlf(value: Any) -> list[str]:
    return [line.strip() for line in re.split(r"\r\n|\r|\n", to_php_string(value)) if line.strip()]


@_filter()
def split_csv(value: Any) -> list[str]:
    return [part.strip() for part in to_php_string(value).split(",") if part.strip()]


@_filter()
def truncate(value: Any, length_: Any = 30, preserve: Any = False, separator: Any = "...") -> str:
    text = to_php_string(value)
    size = php.to_int(length_)
    if len(text) <= size:
        return text
    if php.php_truthy(preserve):
        breakpoint_ = text.find(" ", size)
        if breakpoint_ < 0:
            return text
        size = breakpoint_
    return text[:size].rstrip() + to_php_string(separator)


@_filter()
def unescape(value: Any) -> str:
    return html.unescape(to_php_string(value))


@_filter()
def url_decode(value: Any, as_: Any = "") -> Any:
    text = to_php_string(value)
    if as_ == "json":
        return php_json_encode(parse_query(text))
    return urllib.parse.unquote(text)


def parse_query(text: str) -> Any:
    result: dict[Any, Any] = {}
    for pair in text.split("&"):
        if not pair:
            continue
        key, _, val = pair.partition("=")
        key, val = urllib.parse.unquote_plus(key), urllib.parse.unquote_plus(val)
        match = re.match(r"^([^\[]+)((?:\[[^\]]*\])*)$", key)
        if not match:
            result[key] = val
            continue
        path = [match.group(1), *re.findall(r"\[([^\]]*)\]", match.group(2))]
        target = result
        for index, part in enumerate(path):
            last_part = index == len(path) - 1
            if part == "":
                part = len([k for k in target if isinstance(k, int)])
            part = php.normalize_key(part)
            if last_part:
                target[part] = val
            else:
                if not isinstance(target.get(part), dict):
                    target[part] = {}
                target = target[part]
    return _lists(result)


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return make_array([(k, _lists(v)) for k, v in value.items()]) if value else {}
    return value
