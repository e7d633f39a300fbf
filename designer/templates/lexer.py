"""Twig's lexer (Twig 3 rules, Cerb's options): text, ``{{ }}``, ``{% %}``, ``{# #}``, expressions, strings with
``#{}`` interpolation, whitespace control (``-`` and ``~``), ``verbatim``, and the first newline after a block
or comment end trimmed. The delimiters are configurable: Cerb's package importer uses ``{{{ }}}``/``{{% %}}``.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from designer.templates.errors import TemplateError

log = logging.getLogger(__name__)

# Token types
TEXT, VAR_START, VAR_END, BLOCK_START, BLOCK_END = "text", "var_start", "var_end", "block_start", "block_end"
NAME, NUMBER, STRING, OPERATOR, PUNCT = "name", "number", "string", "operator", "punct"
INTERP_START, INTERP_END, EOF = "interp_start", "interp_end", "eof"

# Twig 3 operators, longest first so that ``//`` wins over ``/`` and ``not in`` over ``not``.
_WORD_OPERATORS = ["starts with", "ends with", "not in", "is not", "matches", "b-and", "b-xor", "b-or",
                   "not", "and", "or", "in", "is"]
_SYMBOL_OPERATORS = ["<=>", "??", "==", "!=", "<=", ">=", "..", "//", "**", "<", ">", "+", "-", "~", "*",
                     "/", "%", "="]
_OPERATOR_RE = re.compile(
    "|".join(
        [re.escape(op).replace(r"\ ", r"\s+") + r"(?=[\s()\[{])" if op[-1].isalpha() else re.escape(op)
         for op in _WORD_OPERATORS]
        + [re.escape(op) for op in _SYMBOL_OPERATORS]
    )
)
_NAME_RE = re.compile(r"[a-zA-Z_\x7f-\uffff][a-zA-Z0-9_\x7f-\uffff]*")
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+\-][0-9]+)?")
_SQ_STRING_RE = re.compile(r"'([^'\\]*(?:\\.[^'\\]*)*)'", re.DOTALL)
_WHITESPACE_RE = re.compile(r"[ \t\n\r\v\f\0]+")
_PUNCTUATION = "()[]{}?:.,|"
_LINE_WS = " \t\0\x0b"


@dataclass(frozen=True)
class Syntax:
    """The delimiters of one Twig lexer configuration."""

    var: tuple[str, str] = ("{{", "}}")
    block: tuple[str, str] = ("{%", "%}")
    comment: tuple[str, str] = ("{#", "#}")
    interpolation: tuple[str, str] = ("#{", "}")


DEFAULT_SYNTAX = Syntax()
PACKAGE_SYNTAX = Syntax(("{{{", "}}}"), ("{{%", "%}}"), ("{{#", "#}}"), ("#{{", "}}"))


@dataclass
class Token:
    type: str
    value: object
    line: int

    def test(self, type_: str, value: object = None) -> bool:
        return self.type == type_ and (value is None or self.value == value)


_CESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "f": "\f", "a": "\a", "b": "\b", "\\": "\\",
             "e": "\x1b"}


def stripcslashes(text: str) -> str:
    """PHP ``stripcslashes``: C escapes, octal, ``\\xHH``; a backslash before anything else is dropped."""
    if "\\" not in text:
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch != "\\" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in _CESCAPES:
            out.append(_CESCAPES[nxt])
            i += 2
        elif nxt == "x" and i + 2 < n and text[i + 2] in "0123456789abcdefABCDEF":
            j = i + 2
            while j < n and j < i + 4 and text[j] in "0123456789abcdefABCDEF":
                j += 1
            out.append(chr(int(text[i + 2:j], 16)))
            i = j
        elif nxt in "01234567":
            j = i + 1
            while j < n and j < i + 4 and text[j] in "01234567":
                j += 1
            out.append(chr(int(text[i + 1:j], 8) & 0xFF))
            i = j
        else:
            out.append(nxt)
            i += 2
    return "".join(out)


class Lexer:
    """Turns template source into tokens. One instance per syntax; ``tokenize`` is re-entrant."""

    def __init__(self, syntax: Syntax = DEFAULT_SYNTAX) -> None:
        self.syntax = syntax
        openers = sorted({syntax.var[0], syntax.block[0], syntax.comment[0]}, key=len, reverse=True)
        self._start_re = re.compile("(" + "|".join(re.escape(o) for o in openers) + ")([-~]?)")
        self._verbatim_end_re = re.compile(
            re.escape(syntax.block[0]) + r"([-~]?)\s*endverbatim\s*([-~]?)" + re.escape(syntax.block[1]))
        self._comment_end_re = re.compile(r"([-~]?)" + re.escape(syntax.comment[1]))

    def tokenize(self, source: str) -> list[Token]:
        state = _State(self, source.replace("\r\n", "\n").replace("\r", "\n"))
        state.run()
        return state.tokens


class _State:
    def __init__(self, lexer: Lexer, source: str) -> None:
        self.lexer = lexer
        self.syntax = lexer.syntax
        self.src = source
        self.pos = 0
        self.line = 1
        self.tokens: list[Token] = []
        self.brackets: list[tuple[str, int]] = []
        self.trim_next: str = ""  # "-" or "~": whitespace control for the following text

    def error(self, message: str, line: int | None = None) -> TemplateError:
        return TemplateError(f"{message} at line {line or self.line}", line=line or self.line)

    def push(self, type_: str, value: object) -> None:
        self.tokens.append(Token(type_, value, self.line))

    def advance(self, new_pos: int) -> None:
        self.line += self.src.count("\n", self.pos, new_pos)
        self.pos = new_pos

    def push_text(self, text: str, trim_before: str) -> None:
        if self.trim_next == "-":
            text = text.lstrip(" \t\n\r\v\f\0")
        elif self.trim_next == "~":
            text = text.lstrip(_LINE_WS)
        if trim_before == "-":
            text = text.rstrip(" \t\n\r\v\f\0")
        elif trim_before == "~":
            text = text.rstrip(_LINE_WS)
        self.trim_next = ""
        if text:
            self.tokens.append(Token(TEXT, text, self.line))

    def run(self) -> None:
        syntax = self.syntax
        start_re = self.lexer._start_re
        while True:
            match = start_re.search(self.src, self.pos)
            if match is None:
                self.push_text(self.src[self.pos:], "")
                self.advance(len(self.src))
                break
            opener, ws = match.group(1), match.group(2)
            text_line = self.line
            self.push_text(self.src[self.pos:match.start()], ws)
            if self.tokens and self.tokens[-1].type == TEXT:
                self.tokens[-1].line = text_line
            self.advance(match.end())
            if opener == syntax.comment[0]:
                self.lex_comment()
            elif opener == syntax.block[0]:
                if not self.lex_verbatim():
                    self.push(BLOCK_START, opener)
                    self.lex_expression(syntax.block[1], BLOCK_END)
            else:
                self.push(VAR_START, opener)
                self.lex_expression(syntax.var[1], VAR_END)
        self.push(EOF, None)

    def lex_comment(self) -> None:
        match = self.lexer._comment_end_re.search(self.src, self.pos)
        if match is None:
            raise self.error("Unclosed comment")
        end = match.end()
        self.trim_next = match.group(1)
        if not self.trim_next and self.src.startswith("\n", end):
            end += 1
        self.advance(end)

    def lex_verbatim(self) -> bool:
        match = re.compile(r"\s*verbatim\s*([-~]?)" + re.escape(self.syntax.block[1])).match(self.src, self.pos)
        if match is None:
            return False
        body_start = match.end()
        if match.group(1):
            self.trim_next = match.group(1)
        elif self.src.startswith("\n", body_start):
            body_start += 1
        end = self.lexer._verbatim_end_re.search(self.src, body_start)
        if end is None:
            raise self.error('Unexpected end of file: Unclosed "verbatim" block')
        self.advance(body_start)
        self.push_text(self.src[body_start:end.start()], end.group(1))
        after = end.end()
        self.trim_next = end.group(2)
        if not self.trim_next and self.src.startswith("\n", after):
            after += 1
        self.advance(after)
        return True

    def lex_expression(self, closer: str, end_type: str) -> None:
        src = self.src
        start_line = self.line
        while True:
            ws = _WHITESPACE_RE.match(src, self.pos)
            if ws:
                self.advance(ws.end())
            if self.pos >= len(src):
                kind = "variable" if end_type == VAR_END else "block"
                raise self.error(f"Unclosed \"{kind}\"", start_line)
            if not self.brackets:
                for ctl in ("-", "~", ""):
                    if src.startswith(ctl + closer, self.pos):
                        end = self.pos + len(ctl) + len(closer)
                        self.push(end_type, closer)
                        self.trim_next = ctl
                        if end_type == BLOCK_END and not ctl and src.startswith("\n", end):
                            end += 1
                        self.advance(end)
                        return
            self.lex_token()

    def lex_token(self) -> None:
        src, pos = self.src, self.pos
        prev = self.tokens[-1] if self.tokens else None
        after_dot = prev is not None and prev.type == PUNCT and prev.value in (".", "|")
        match = _OPERATOR_RE.match(src, pos)
        if match and not (after_dot and match.group(0)[0].isalpha()):
            self.push(OPERATOR, re.sub(r"\s+", " ", match.group(0)))
            self.advance(match.end())
            return
        match = _NAME_RE.match(src, pos)
        if match:
            self.push(NAME, match.group(0))
            self.advance(match.end())
            return
        match = _NUMBER_RE.match(src, pos)
        if match:
            text = match.group(0)
            number: int | float = int(text) if text.isdigit() and int(text) <= 2**63 - 1 else float(text)
            self.push(NUMBER, number)
            self.advance(match.end())
            return
        ch = src[pos]
        if ch in _PUNCTUATION:
            if ch in "([{":
                self.brackets.append((ch, self.line))
            elif ch in ")]}":
                if not self.brackets:
                    raise self.error(f'Unexpected "{ch}"')
                expected = {"(": ")", "[": "]", "{": "}"}[self.brackets.pop()[0]]
                if ch != expected:
                    raise self.error(f'Unclosed "{expected}"')
            self.push(PUNCT, ch)
            self.advance(pos + 1)
            return
        if ch == "'":
            match = _SQ_STRING_RE.match(src, pos)
            if match is None:
                raise self.error("Unclosed string")
            self.push(STRING, stripcslashes(match.group(1)))
            self.advance(match.end())
            return
        if ch == '"':
            self.lex_dq_string()
            return
        raise self.error(f'Unexpected character "{ch}"')

    def lex_dq_string(self) -> None:
        """A double-quoted string; ``#{expr}`` parts become INTERP_START … INTERP_END token runs."""
        src = self.src
        open_, close = self.syntax.interpolation
        self.advance(self.pos + 1)
        buf: list[str] = []
        start_line = self.line
        self.push(PUNCT, '"')
        while True:
            if self.pos >= len(src):
                raise self.error("Unclosed string", start_line)
            ch = src[self.pos]
            if ch == "\\" and self.pos + 1 < len(src):
                buf.append(src[self.pos:self.pos + 2])
                self.advance(self.pos + 2)
            elif ch == '"':
                self.push(STRING, stripcslashes("".join(buf)))
                self.advance(self.pos + 1)
                self.push(PUNCT, '"')
                return
            elif src.startswith(open_, self.pos):
                self.push(STRING, stripcslashes("".join(buf)))
                buf = []
                self.advance(self.pos + len(open_))
                self.push(INTERP_START, open_)
                depth = len(self.brackets)
                while True:
                    ws = _WHITESPACE_RE.match(src, self.pos)
                    if ws:
                        self.advance(ws.end())
                    if self.pos >= len(src):
                        raise self.error("Unclosed interpolation", start_line)
                    if len(self.brackets) == depth and src.startswith(close, self.pos):
                        self.advance(self.pos + len(close))
                        self.push(INTERP_END, close)
                        break
                    self.lex_token()
            else:
                buf.append(ch)
                self.advance(self.pos + 1)
