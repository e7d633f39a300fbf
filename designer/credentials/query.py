"""Cerb chooser queries over accounts: `aws OR amazon`, `name:slack`, `provider:aws`, `service:(name:aws)`,
quoted phrases, `name:prod*` globs, `!`/`-`/NOT negation, AND (implicit) / OR, parentheses.

Free text matches the name (words and substrings) and the provider's names. Unknown fields and Cerb
directives (`sort:`, `limit:`, `page:`, `owner.*:` …) do not constrain. `match` returns accounts with a
score, best first."""
from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from designer.credentials.model import PROVIDER_ALIASES, Account

_TOKEN = re.compile(r'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([^\s()"]+))')
_NAME_FIELDS = {"name", "label", "_label", "title"}
_PROVIDER_FIELDS = {"provider", "service", "extension", "extension_id", "type", "service.name", "service_name"}

Pred = Callable[[Account], float]  # 0 = no match, > 0 = match with that strength


@dataclass
class _Tok:
    kind: str  # "(" ")" "word"
    text: str = ""
    quoted: bool = False


def _tokens(query: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(query):
        m = _TOKEN.match(query, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        if m.group(1):
            out.append(_Tok("("))
        elif m.group(2):
            out.append(_Tok(")"))
        elif m.group(3) is not None:
            out.append(_Tok("word", re.sub(r"\\(.)", r"\1", m.group(3)), quoted=True))
        elif m.group(4):
            out.append(_Tok("word", m.group(4)))
    return out


def _text_score(value: str, term: str) -> float:
    value, term = value.lower(), term.lower()
    if not term:
        return 1.0
    if any(c in term for c in "*?"):
        return 2.0 if fnmatch.fnmatchcase(value, term) else 0.0
    if value == term:
        return 4.0
    if term in re.split(r"[^a-z0-9]+", value):
        return 3.0
    return 2.0 if term in value else 0.0


def _provider_score(account: Account, term: str) -> float:
    term = term.lower().strip()
    if not term:
        return 1.0
    aliases = (*PROVIDER_ALIASES.get(account.provider, ()), account.provider)
    if any(fnmatch.fnmatchcase(a, term) if any(c in term for c in "*?") else a == term for a in aliases):
        return 1.5
    return 0.0


def _free_text(term: str, provider_only: bool) -> Pred:
    if provider_only:
        return lambda a: _provider_score(a, term)
    return lambda a: max(_text_score(a.name, term), _provider_score(a, term))


def _field_pred(field: str, value: str, provider_only: bool) -> Pred | None:
    f = field.lower()
    if f in _NAME_FIELDS:
        return (lambda a: _provider_score(a, value)) if provider_only else (lambda a: _text_score(a.name, value))
    if f in _PROVIDER_FIELDS:
        return lambda a: _provider_score(a, value)
    if f == "id":
        return lambda a: 4.0 if a.id == value else 0.0
    if f in ("notes", "note"):
        return lambda a: _text_score(a.notes, value) and 1.0
    if f in ("region", "endpoint_url", "endpoint", "username", "profile", "access_key_id"):
        key = "endpoint_url" if f == "endpoint" else f
        return lambda a: 1.0 if _text_score(str(a.fields.get(key, "")), value) else 0.0
    return None  # unknown field or directive: no constraint


class _Parser:
    def __init__(self, tokens: list[_Tok], provider_only: bool = False) -> None:
        self.toks = tokens
        self.i = 0
        self.provider_only = provider_only

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> Pred | None:
        pred = self.or_expr()
        while self.peek() is not None:  # stray ')' etc.: skip, keep parsing
            self.i += 1
            more = self.or_expr()
            pred = _and(pred, more)
        return pred

    def or_expr(self) -> Pred | None:
        parts = [self.and_expr()]
        while (t := self.peek()) is not None and t.kind == "word" and not t.quoted and t.text == "OR":
            self.i += 1
            parts.append(self.and_expr())
        real = [p for p in parts if p is not None]
        if len(parts) > 1 and len(real) < len(parts):
            return None  # an OR with an unconstrained side matches everything
        if not real:
            return None
        if len(real) == 1:
            return real[0]
        return lambda a: max(p(a) for p in real)

    def and_expr(self) -> Pred | None:
        pred: Pred | None = None
        while (t := self.peek()) is not None and t.kind != ")":
            if t.kind == "word" and not t.quoted and t.text == "OR":
                break
            if t.kind == "word" and not t.quoted and t.text == "AND":
                self.i += 1
                continue
            pred = _and(pred, self.unary())
        return pred

    def unary(self) -> Pred | None:
        t = self.peek()
        assert t is not None
        if t.kind == "word" and not t.quoted and t.text == "NOT":
            self.i += 1
            return _not(self.unary())
        if t.kind == "word" and not t.quoted and len(t.text) > 1 and t.text[0] in "!-":
            self.toks[self.i] = _Tok("word", t.text[1:])
            return _not(self.unary())
        return self.primary()

    def primary(self) -> Pred | None:
        t = self.toks[self.i]
        self.i += 1
        if t.kind == "(":
            inner = self.or_expr()
            if (c := self.peek()) is not None and c.kind == ")":
                self.i += 1
            return inner
        if t.quoted or ":" not in t.text:
            return _free_text(t.text, self.provider_only)
        field, _, value = t.text.partition(":")
        if not value and (n := self.peek()) is not None:
            if n.kind == "(":  # field:(sub query) — e.g. service:(name:aws), name:(aws OR amazon)
                self.i += 1
                sub = _Parser(self.toks, provider_only=self.provider_only or field.lower() in _PROVIDER_FIELDS)
                sub.i = self.i
                inner = sub.or_expr()
                self.i = sub.i
                if (c := self.peek()) is not None and c.kind == ")":
                    self.i += 1
                if field.lower() in _NAME_FIELDS | _PROVIDER_FIELDS:
                    return inner
                return None
            if n.kind == "word" and n.quoted:
                self.i += 1
                value = n.text
        if value.startswith("[") and value.endswith("]"):  # field:[a,b]
            preds = [p for v in value[1:-1].split(",") if (p := _field_pred(field, v.strip(), self.provider_only))]
            return (lambda a: max(p(a) for p in preds)) if preds else None
        return _field_pred(field, value, self.provider_only)


def _and(a: Pred | None, b: Pred | None) -> Pred | None:
    if a is None:
        return b
    if b is None:
        return a
    return lambda acc: (min(a(acc), b(acc)) and a(acc) + b(acc))


def _not(p: Pred | None) -> Pred | None:
    if p is None:
        return None
    return lambda acc: 0.0 if p(acc) else 1.0


def compile_query(query: str) -> Pred | None:
    """A scoring predicate for the query, or None when it does not constrain (empty/unknown fields only)."""
    return _Parser(_tokens(query or "")).parse()


def match(query: str, accounts: Iterable[Account]) -> list[Account]:
    """Accounts that match the Cerb chooser query, best first (then by name)."""
    pred = compile_query(query)
    items = list(accounts)
    if pred is None:
        return sorted(items, key=lambda a: a.name.lower())
    scored = [(pred(a), a) for a in items]
    return [a for s, a in sorted(scored, key=lambda x: (-x[0], x[1].name.lower())) if s > 0]
