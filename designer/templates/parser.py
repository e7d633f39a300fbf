"""Twig's parser (Twig 3 ExpressionParser precedences, Cerb's allow-listed tags), producing a Jinja2 AST.

Standard Jinja2 nodes are used for structure (Output, If, Assign, AssignBlock); every Twig operator, filter,
function and attribute access becomes a ``TwigOp``/``TwigCall`` node that the code generator turns into a call
into ``runtime`` with PHP semantics. Loops are ``TwigFor`` (Twig's scoping: sets inside a loop are seen after it).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jinja2 import nodes

from designer.templates import lexer as lx
from designer.templates.errors import SecurityError, TemplateError
from designer.templates.lexer import Token

log = logging.getLogger(__name__)

MAX_NESTING = 64

# Twig 3.5 binary operators: name → (precedence, right-associative, runtime op)
BINARY: dict[str, tuple[int, bool, str]] = {
    "or": (10, False, "or"), "and": (15, False, "and"),
    "b-or": (16, False, "bor"), "b-xor": (17, False, "bxor"), "b-and": (18, False, "band"),
    "==": (20, False, "eq"), "!=": (20, False, "ne"), "<=>": (20, False, "spaceship"),
    "<": (20, False, "lt"), ">": (20, False, "gt"), ">=": (20, False, "ge"), "<=": (20, False, "le"),
    "not in": (20, False, "notin"), "in": (20, False, "in_"), "matches": (20, False, "matches"),
    "starts with": (20, False, "startswith"), "ends with": (20, False, "endswith"),
    "..": (25, False, "range"), "+": (30, False, "add"), "-": (30, False, "sub"), "~": (40, False, "concat"),
    "*": (60, False, "mul"), "/": (60, False, "div"), "//": (60, False, "floordiv"), "%": (60, False, "mod"),
    "is": (100, False, "is"), "is not": (100, False, "isnot"), "**": (200, True, "pow"),
    "??": (300, True, "coalesce"),
}
UNARY: dict[str, tuple[int, str]] = {"not": (50, "not"), "-": (500, "neg"), "+": (500, "pos")}

ALLOWED_TAGS = {"do", "filter", "apply", "for", "if", "sandbox", "set", "spaceless", "verbatim", "with"}
FORBIDDEN_TAGS = {"autoescape", "block", "embed", "extends", "flush", "from", "import", "include", "macro",
                  "use", "deprecated", "guard", "cache", "raw", "call", "break", "continue"}
TESTS = {"defined", "empty", "iterable", "null", "none", "even", "odd", "divisible by", "divisibleby",
         "same as", "sameas", "constant", "numeric", "prefixed", "suffixed", "pattern"}
_TWO_WORD_TESTS = {"divisible": "by", "same": "as"}
RESERVED_NAMES = frozenset({"self", "caller", "varargs", "kwargs"})
_CONSTANTS = {"true": True, "TRUE": True, "false": False, "FALSE": False, "null": None, "NULL": None,
              "none": None, "NONE": None}


def _node_class(name: str, base: type[nodes.Node], fields: tuple[str, ...], doc: str) -> Any:
    """Jinja2 forbids subclassing its nodes through the metaclass; build the class the way it would."""
    namespace = {"fields": base.fields + fields, "attributes": base.attributes, "abstract": False,
                 "__module__": __name__, "__doc__": doc, "__qualname__": name}
    return type.__new__(nodes.NodeType, name, (base,), namespace)


if TYPE_CHECKING:  # the classes built below, as a type checker sees them

    class TwigOp(nodes.Expr):
        op: str
        args: list[nodes.Expr]

    class TwigCall(nodes.Expr):
        kind: str
        name: str
        args: list[nodes.Expr]
        kwargs: list[nodes.Keyword]

    class TwigDefined(nodes.Expr):
        node: nodes.Name

    class TwigCapture(nodes.Stmt):
        target: nodes.Name
        body: list[nodes.Node]

    class TwigFor(nodes.Stmt):
        saves: list[nodes.Name]
        scoped: list[nodes.Name]
        target: nodes.Expr
        iter: nodes.Expr
        pairs: bool
        test: nodes.Expr | None
        body: list[nodes.Node]
        else_: list[nodes.Node]
        loop_store: nodes.Name

else:
    TwigOp = _node_class("TwigOp", nodes.Expr, ("op", "args"),
                         "A runtime operation: ``op`` names a function in ``runtime`` (or a short-circuit form).")
    TwigCall = _node_class("TwigCall", nodes.Expr, ("kind", "name", "args", "kwargs"),
                           "A call of an allow-listed filter (kind='filter') or function (kind='function').")
    TwigDefined = _node_class("TwigDefined", nodes.Expr, ("node",),
                              "``name is defined``: true when the variable exists, even if it is null.")
    TwigCapture = _node_class("TwigCapture", nodes.Stmt, ("target", "body"),
                              "A block set: the body's output captured into a variable, sets inside it kept (Twig).")
    TwigFor = _node_class("TwigFor", nodes.Stmt,
                          ("saves", "scoped", "target", "iter", "pairs", "test", "body", "else_", "loop_store"),
                          "Twig's for loop, compiled inline in the enclosing scope (sets inside it are kept).")


class Parser:
    def __init__(self, tokens: list[Token], filters: Any, functions: Any) -> None:
        self.tokens = tokens
        self.pos = 0
        self.filters = filters
        self.functions = functions
        self.depth = 0
        self.tmp = 0

    # --- token stream ----------------------------------------------------------------------------------

    @property
    def current(self) -> Token:
        return self.tokens[self.pos]

    def look(self, offset: int = 1) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def next(self) -> Token:
        token = self.tokens[self.pos]
        if self.pos < len(self.tokens) - 1:
            self.pos += 1
        return token

    def error(self, message: str, token: Token | None = None, cls: type[TemplateError] = TemplateError,
              hint: str = "") -> TemplateError:
        line = (token or self.current).line
        return cls(f"{message} at line {line}", line=line, hint=hint)

    def test(self, type_: str, value: object = None) -> bool:
        return self.current.test(type_, value)

    def next_if(self, type_: str, value: object = None) -> Token | None:
        return self.next() if self.current.test(type_, value) else None

    def expect(self, type_: str, value: object = None, message: str = "") -> Token:
        token = self.current
        if not token.test(type_, value):
            found = "end of template" if token.type == lx.EOF else f'"{token.value}"'
            want = f'"{value}"' if value is not None else type_
            raise self.error(message or f"Unexpected token {found} (expected {want})")
        return self.next()

    # --- statements ------------------------------------------------------------------------------------

    def parse(self) -> nodes.Template:
        body = self.subparse(None)
        return nodes.Template(body, lineno=1)

    def subparse(self, end_tags: tuple[str, ...] | None) -> list[nodes.Node]:
        body: list[nodes.Node] = []
        while True:
            token = self.current
            if token.type == lx.EOF:
                if end_tags:
                    raise self.error(f'Unexpected end of template (expecting "{end_tags[-1]}")')
                return body
            if token.type == lx.TEXT:
                self.next()
                body.append(nodes.Output([nodes.TemplateData(token.value, lineno=token.line)], lineno=token.line))
            elif token.type == lx.VAR_START:
                self.next()
                expr = self.parse_expression()
                self.expect(lx.VAR_END)
                body.append(nodes.Output([expr], lineno=token.line))
            elif token.type == lx.BLOCK_START:
                self.next()
                name_token = self.current
                if name_token.type != lx.NAME:
                    raise self.error("A block must start with a tag name")
                if end_tags and name_token.value in end_tags:
                    return body
                self.next()
                body.extend(self.parse_tag(name_token))
            else:
                raise self.error(f'Unexpected token "{token.value}"')

    def parse_tag(self, token: Token) -> list[nodes.Node]:
        name = str(token.value)
        tags_hint = "Cerb's sandbox allows the tags: " + ", ".join(sorted(ALLOWED_TAGS))
        if name in FORBIDDEN_TAGS:
            raise self.error(f'Tag "{name}" is not allowed', token, SecurityError, tags_hint)
        if name not in ALLOWED_TAGS:
            raise self.error(f'Unknown "{name}" tag', token, hint=tags_hint)
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error("Templates nested too deeply", token, SecurityError)
        try:
            tag: Callable[[Token], list[nodes.Node]] = getattr(self, f"tag_{name}")
            return tag(token)
        finally:
            self.depth -= 1

    def end_block(self) -> None:
        self.expect(lx.BLOCK_END)

    def tag_if(self, token: Token) -> list[nodes.Node]:
        test = self.truthy(self.parse_expression())
        self.end_block()
        body = self.subparse(("elseif", "else", "endif"))
        node = nodes.If(test, body, [], [], lineno=token.line)
        while True:
            tag = self.next()
            if tag.value == "elseif":
                cond = self.truthy(self.parse_expression())
                self.end_block()
                node.elif_.append(nodes.If(cond, self.subparse(("elseif", "else", "endif")), [], [],
                                           lineno=tag.line))
            elif tag.value == "else":
                self.end_block()
                node.else_ = self.subparse(("endif",))
            else:
                self.end_block()
                return [node]

    def tag_for(self, token: Token) -> list[nodes.Node]:
        names = [self.expect(lx.NAME).value]
        while self.next_if(lx.PUNCT, ","):
            names.append(self.expect(lx.NAME).value)
        self.expect(lx.OPERATOR, "in")
        seq = self.parse_expression()
        test = None
        if self.next_if(lx.NAME, "if"):
            test = self.truthy(self.parse_expression())
        self.end_block()
        body = self.subparse(("else", "endfor"))
        else_: list[nodes.Node] = []
        if self.next().value == "else":
            self.end_block()
            else_ = self.subparse(("endfor",))
            self.next()
        self.end_block()
        line = token.line
        if len(names) == 1:
            target: nodes.Expr = self.store(str(names[0]), line)
        else:
            target = nodes.Tuple([self.store(str(n), line) for n in names[-2:]], "store", lineno=line)
        saved = [nodes.Name(str(n), "load", lineno=line) for n in names[-2:]] + [nodes.Name("loop", "load")]
        # Variables first created inside the loop are dropped after it, as Twig does.
        created = sorted({n.name for stmt in body for n in stmt.find_all(nodes.Name)
                          if n.ctx == "store" and n.name not in names and n.name != "loop"})
        scoped = [nodes.Name(n, "load", lineno=line) for n in created]
        return [TwigFor(saved, scoped, target, seq, len(names) > 1, test, body, else_, self.store("loop", line),
                        lineno=line)]

    def tag_set(self, token: Token) -> list[nodes.Node]:
        names = [str(self.expect(lx.NAME).value)]
        while self.next_if(lx.PUNCT, ","):
            names.append(str(self.expect(lx.NAME).value))
        if self.next_if(lx.OPERATOR, "="):
            values = [self.parse_expression()]
            while self.next_if(lx.PUNCT, ","):
                values.append(self.parse_expression())
            self.end_block()
            if len(values) != len(names):
                raise self.error("When using set, you must have the same number of variables and assignments",
                                 token)
            if len(names) == 1:
                return [nodes.Assign(self.store(names[0], token.line), values[0], lineno=token.line)]
            # Evaluate every value before assigning (``set a, b = b, a`` swaps).
            targets = nodes.Tuple([self.store(n, token.line) for n in names], "store", lineno=token.line)
            return [nodes.Assign(targets, nodes.Tuple(values, "load", lineno=token.line), lineno=token.line)]
        if len(names) != 1:
            raise self.error("When using set with a block, you cannot have a multi-target", token)
        self.end_block()
        body = self.subparse(("endset",))
        self.next()
        self.end_block()
        return [TwigCapture(self.store(names[0], token.line), body, lineno=token.line)]

    def tag_do(self, token: Token) -> list[nodes.Node]:
        expr = self.parse_expression()
        self.end_block()
        return [nodes.ExprStmt(expr, lineno=token.line)]

    def _captured(self, token: Token, end: str) -> tuple[list[nodes.Node], nodes.Name]:
        """The body up to ``end``, captured into a hidden variable (for filter/spaceless blocks)."""
        self.tmp += 1
        hidden = f"_tw_capture_{self.tmp}"
        body = self.subparse((end,))
        self.next()
        self.end_block()
        assign = TwigCapture(self.store(hidden, token.line), body, lineno=token.line)
        return [assign], nodes.Name(hidden, "load", lineno=token.line)

    def tag_filter(self, token: Token) -> list[nodes.Node]:
        # Parse the filter chain against a placeholder, then apply it to the captured body.
        placeholder = nodes.Const("", lineno=token.line)
        chain = self.parse_filters(placeholder, require=True)
        self.end_block()
        stmts, ref = self._captured(token, "endfilter" if token.value == "filter" else "endapply")
        self._replace_placeholder(chain, placeholder, ref)
        return [*stmts, nodes.Output([chain], lineno=token.line)]

    tag_apply = tag_filter

    @staticmethod
    def _replace_placeholder(chain: nodes.Node, placeholder: nodes.Node, ref: nodes.Expr) -> None:
        node = chain
        while isinstance(node, TwigCall):
            if node.args and node.args[0] is placeholder:
                node.args[0] = ref
                return
            node = node.args[0]

    def tag_spaceless(self, token: Token) -> list[nodes.Node]:
        self.end_block()
        stmts, ref = self._captured(token, "endspaceless")
        return [*stmts, nodes.Output([TwigOp("spaceless", [ref], lineno=token.line)], lineno=token.line)]

    def tag_verbatim(self, token: Token) -> list[nodes.Node]:
        # A well-formed verbatim block is consumed by the lexer; reaching here means extra tokens.
        raise self.error('Unexpected token in "verbatim" tag', token)

    def tag_sandbox(self, token: Token) -> list[nodes.Node]:
        self.end_block()
        body = self.subparse(("endsandbox",))
        self.next()
        self.end_block()
        return body

    def tag_with(self, token: Token) -> list[nodes.Node]:
        variables = None
        only = False
        if not self.test(lx.BLOCK_END):
            if not self.test(lx.NAME, "only"):
                variables = self.parse_expression()
            only = bool(self.next_if(lx.NAME, "only"))
        self.end_block()
        body = self.subparse(("endwith",))
        self.next()
        self.end_block()
        # Every name the body reads gets its value from the hash first, then (unless "only") from outside.
        self.tmp += 1
        hidden = f"_tw_with_{self.tmp}"
        names = sorted({n.name for stmt in body for n in stmt.find_all(nodes.Name) if n.ctx == "load"})
        targets = [nodes.Name(hidden, "param")] + [nodes.Name(n, "param") for n in names]
        hash_ref = nodes.Name(hidden, "load")
        values: list[nodes.Expr] = [variables if variables is not None else nodes.Const(None)]
        for name in names:
            fallback = nodes.Const(None) if only else nodes.Name(name, "load")
            values.append(TwigOp("with_lookup", [hash_ref, nodes.Const(name), fallback]))
        inner = nodes.With(targets[1:], values[1:], body, lineno=token.line)
        return [nodes.With([targets[0]], [values[0]], [inner], lineno=token.line)]

    # --- expressions -----------------------------------------------------------------------------------

    def store(self, name: str, line: int) -> nodes.Name:
        if name in RESERVED_NAMES:
            raise self.error(f'Cannot assign to "{name}"')
        return nodes.Name(name, "store", lineno=line)

    def truthy(self, expr: nodes.Expr) -> nodes.Expr:
        return TwigOp("truthy", [expr], lineno=expr.lineno)

    def parse_expression(self, precedence: int = 0) -> nodes.Expr:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error("Expression nested too deeply", cls=SecurityError)
        try:
            expr = self.get_primary()
            while self.current.type == lx.OPERATOR and self.current.value in BINARY:
                prec, right, op = BINARY[str(self.current.value)]
                if prec < precedence:
                    break
                token = self.next()
                if op in ("is", "isnot"):
                    expr = self.parse_test(expr, negate=op == "isnot", token=token)
                    continue
                if op == "coalesce":
                    self._check_defined_operand(expr, token)
                rhs = self.parse_expression(prec if right else prec + 1)
                if op == "pow" and isinstance(expr, TwigOp) and expr.op in ("neg", "pos"):
                    # Twig compiles "-2 ** 2" to PHP "(-2 ** 2)", which PHP reads as -(2 ** 2).
                    expr = TwigOp(expr.op, [TwigOp(op, [expr.args[0], rhs], lineno=token.line)], lineno=token.line)
                    continue
                expr = TwigOp(op, [expr, rhs], lineno=token.line)
            if precedence == 0:
                expr = self.parse_conditional(expr)
            return expr
        finally:
            self.depth -= 1

    def parse_conditional(self, expr: nodes.Expr) -> nodes.Expr:
        while self.test(lx.PUNCT, "?"):
            token = self.next()
            if self.next_if(lx.PUNCT, ":"):
                expr = TwigOp("elvis", [expr, self.parse_expression()], lineno=token.line)
                continue
            then = self.parse_expression()
            other: nodes.Expr = nodes.Const("")
            if self.next_if(lx.PUNCT, ":"):
                other = self.parse_expression()
            expr = TwigOp("cond", [expr, then, other], lineno=token.line)
        return expr

    def get_primary(self) -> nodes.Expr:
        token = self.current
        if token.type == lx.OPERATOR and token.value in UNARY:
            self.next()
            prec, op = UNARY[str(token.value)]
            operand = self.parse_expression(prec)
            return self.parse_postfix(TwigOp(op, [operand], lineno=token.line))
        if token.test(lx.PUNCT, "("):
            self.next()
            expr = self.parse_expression()
            self.expect(lx.PUNCT, ")", message="An opened parenthesis is not properly closed")
            return self.parse_postfix(expr)
        return self.parse_primary()

    def parse_primary(self) -> nodes.Expr:
        token = self.current
        line = token.line
        if token.type == lx.NAME:
            self.next()
            name = str(token.value)
            if name in _CONSTANTS:
                node: nodes.Expr = nodes.Const(_CONSTANTS[name], lineno=line)
            elif self.test(lx.PUNCT, "("):
                node = self.parse_function(name, token)
            elif name in RESERVED_NAMES:
                # Jinja2 binds these itself (self → TemplateReference): read the render context instead.
                node = TwigOp("ctxvar", [nodes.ContextReference(), nodes.Const(name)], lineno=line)
            else:
                node = nodes.Name(name, "load", lineno=line)
        elif token.type == lx.NUMBER:
            self.next()
            node = nodes.Const(token.value, lineno=line)
        elif token.test(lx.PUNCT, '"') or token.type == lx.STRING:
            node = self.parse_string()
        elif token.test(lx.PUNCT, "["):
            node = self.parse_array()
        elif token.test(lx.PUNCT, "{"):
            node = self.parse_hash()
        else:
            found = "end of template" if token.type == lx.EOF else f'"{token.value}"'
            raise self.error(f"Unexpected token {found}")
        return self.parse_postfix(node)

    def parse_string(self) -> nodes.Expr:
        parts: list[nodes.Expr] = []
        while True:
            if self.test(lx.STRING):
                parts.append(nodes.Const(self.next().value, lineno=self.current.line))
            elif self.next_if(lx.PUNCT, '"'):
                while not self.test(lx.PUNCT, '"'):
                    if self.test(lx.STRING):
                        value = self.next().value
                        if value:
                            parts.append(nodes.Const(value))
                    else:
                        self.expect(lx.INTERP_START)
                        parts.append(TwigOp("tostring", [self.parse_expression()]))
                        self.expect(lx.INTERP_END)
                self.next()
            else:
                break
        if not parts:
            return nodes.Const("")
        node = parts[0]
        for part in parts[1:]:
            node = TwigOp("concat", [node, part])
        if len(parts) > 1 or not isinstance(node, nodes.Const):
            node = TwigOp("tostring", [node])
        return node

    def parse_array(self) -> nodes.Expr:
        token = self.expect(lx.PUNCT, "[")
        items: list[nodes.Expr] = []
        while not self.test(lx.PUNCT, "]"):
            if items:
                self.expect(lx.PUNCT, ",", message="An array element must be followed by a comma")
                if self.test(lx.PUNCT, "]"):
                    break
            items.append(self.parse_expression())
        self.next()
        return nodes.List(items, lineno=token.line)

    def parse_hash(self) -> nodes.Expr:
        token = self.expect(lx.PUNCT, "{")
        args: list[nodes.Expr] = []
        first = True
        while not self.test(lx.PUNCT, "}"):
            if not first:
                self.expect(lx.PUNCT, ",", message="A hash value must be followed by a comma")
                if self.test(lx.PUNCT, "}"):
                    break
            first = False
            current = self.current
            if current.type == lx.NAME:
                self.next()
                key: nodes.Expr = nodes.Const(current.value)
                if self.test(lx.PUNCT, ",") or self.test(lx.PUNCT, "}"):
                    args += [key, nodes.Name(str(current.value), "load")]
                    continue
            elif current.type in (lx.STRING, lx.NUMBER) or current.test(lx.PUNCT, '"'):
                key = self.parse_string() if current.type != lx.NUMBER else nodes.Const(self.next().value)
            elif current.test(lx.PUNCT, "("):
                key = self.parse_expression()
            else:
                raise self.error(f'A hash key must be a quoted string, a number, a name, or an expression '
                                 f'enclosed in parentheses (unexpected token "{current.value}")')
            self.expect(lx.PUNCT, ":", message="A hash key must be followed by a colon (:)")
            args += [key, self.parse_expression()]
        self.next()
        return TwigOp("hash", args, lineno=token.line)

    def parse_postfix(self, node: nodes.Expr) -> nodes.Expr:
        while True:
            token = self.current
            if token.test(lx.PUNCT, "."):
                self.next()
                attr = self.next()
                if attr.type not in (lx.NAME, lx.NUMBER, lx.OPERATOR):
                    raise self.error("Expected name or number", attr)
                key = nodes.Const(attr.value, lineno=attr.line)
                if self.test(lx.PUNCT, "("):
                    args, _ = self.parse_arguments()
                    node = TwigOp("method", [node, key, nodes.List(args)], lineno=attr.line)
                else:
                    node = TwigOp("getattr", [node, key], lineno=attr.line)
            elif token.test(lx.PUNCT, "["):
                self.next()
                if self.test(lx.PUNCT, ":"):
                    start: nodes.Expr = nodes.Const(0)
                else:
                    start = self.parse_expression()
                if self.next_if(lx.PUNCT, ":"):
                    length: nodes.Expr = nodes.Const(None)
                    if not self.test(lx.PUNCT, "]"):
                        length = self.parse_expression()
                    self.expect(lx.PUNCT, "]")
                    node = TwigCall("filter", "slice", [node, start, length], [], lineno=token.line)
                else:
                    self.expect(lx.PUNCT, "]")
                    node = TwigOp("getitem", [node, start], lineno=token.line)
            elif token.test(lx.PUNCT, "|"):
                node = self.parse_filters(node)
            else:
                return node

    def parse_filters(self, node: nodes.Expr, require: bool = False) -> nodes.Expr:
        if require and not self.test(lx.NAME):
            raise self.error("Expected a filter name")
        while require or self.test(lx.PUNCT, "|"):
            if not require:
                self.next()
            require = False
            name_token = self.expect(lx.NAME)
            name = str(name_token.value)
            if name not in self.filters:
                cls = SecurityError if name in _KNOWN_DISALLOWED_FILTERS else TemplateError
                raise self.error(f'Filter "{name}" is not allowed' if cls is SecurityError
                                 else f'Unknown "{name}" filter', name_token, cls,
                                 "Cerb's filters: " + ", ".join(sorted(self.filters)))
            args: list[nodes.Expr] = []
            kwargs: list[nodes.Keyword] = []
            if self.test(lx.PUNCT, "("):
                args, kwargs = self.parse_arguments()
            if name == "nl2br" and not _html_safe(node):
                # Twig's nl2br has pre_escape=html: unsafe input is HTML-escaped first (autoescape or not).
                node = TwigCall("filter", "escape", [node], [], lineno=name_token.line)
            node = TwigCall("filter", name, [node, *args], kwargs, lineno=name_token.line)
            if not self.test(lx.PUNCT, "|"):
                break
        return node

    def parse_function(self, name: str, token: Token) -> nodes.Expr:
        if name not in self.functions:
            cls = SecurityError if name in _KNOWN_DISALLOWED_FUNCTIONS else TemplateError
            raise self.error(f'Function "{name}" is not allowed' if cls is SecurityError
                             else f'Unknown "{name}" function', token, cls,
                             "Cerb's functions: " + ", ".join(sorted(self.functions)))
        args, kwargs = self.parse_arguments()
        return TwigCall("function", name, args, kwargs, lineno=token.line)

    def parse_arguments(self) -> tuple[list[nodes.Expr], list[nodes.Keyword]]:
        self.expect(lx.PUNCT, "(", message="A list of arguments must begin with an opening parenthesis")
        args: list[nodes.Expr] = []
        kwargs: list[nodes.Keyword] = []
        while not self.test(lx.PUNCT, ")"):
            if args or kwargs:
                self.expect(lx.PUNCT, ",", message="Arguments must be separated by a comma")
            if self.current.type == lx.NAME and (self.look().test(lx.OPERATOR, "=")
                                                 or self.look().test(lx.PUNCT, ":")):
                key = str(self.next().value)
                self.next()
                kwargs.append(nodes.Keyword(key, self.parse_expression()))
            else:
                if kwargs:
                    raise self.error("Positional arguments cannot be used after named arguments")
                args.append(self.parse_expression())
        self.expect(lx.PUNCT, ")", message="A list of arguments must be closed by a parenthesis")
        return args, kwargs

    def parse_test(self, expr: nodes.Expr, negate: bool, token: Token) -> nodes.Expr:
        name_token = self.expect(lx.NAME)
        name = str(name_token.value)
        if name in _TWO_WORD_TESTS and self.test(lx.NAME, _TWO_WORD_TESTS[name]):
            name = f"{name} {self.next().value}"
        if name not in TESTS:
            raise self.error(f'Unknown "{name}" test', name_token)
        args: list[nodes.Expr] = []
        if self.test(lx.PUNCT, "("):
            args, _ = self.parse_arguments()
        elif name in ("divisible by", "divisibleby", "same as", "sameas"):
            args = [self.parse_primary()]
        if name == "defined":
            result: nodes.Expr = self.defined(expr)
        else:
            result = TwigOp("test_" + name.replace(" ", "").replace("divisibleby", "divisibleby"),
                            [expr, *args], lineno=token.line)
        return TwigOp("not", [result], lineno=token.line) if negate else result

    def _check_defined_operand(self, expr: nodes.Expr, token: Token) -> None:
        """Twig compiles ``a ?? b`` with a ``defined`` test on ``a``: only simple variables qualify."""
        simple = isinstance(expr, (nodes.Name, nodes.Const, nodes.List)) or (
            isinstance(expr, TwigOp) and expr.op in ("getattr", "getitem", "hash", "ctxvar"))
        if not simple:
            raise self.error('The "defined" test only works with simple variables', token)

    def defined(self, expr: nodes.Expr) -> nodes.Expr:
        if isinstance(expr, nodes.Name):
            return TwigDefined(expr, lineno=expr.lineno)
        if isinstance(expr, TwigOp) and expr.op in ("getattr", "getitem"):
            return TwigOp("defined_attr", expr.args, lineno=expr.lineno)
        if isinstance(expr, (nodes.Const, nodes.List)) or (isinstance(expr, TwigOp) and expr.op == "hash"):
            return nodes.Const(True, lineno=expr.lineno)
        raise self.error('The "defined" test only works with simple variables')


def _html_safe(node: nodes.Node) -> bool:
    """Twig's safe analysis, enough for nl2br: constants and the output of escape/raw/nl2br are safe."""
    if isinstance(node, nodes.Const):
        return True
    if isinstance(node, TwigCall) and node.kind == "filter" and node.name in ("e", "escape", "raw", "nl2br"):
        return True
    if isinstance(node, TwigOp) and node.op == "cond":
        return _html_safe(node.args[1]) and _html_safe(node.args[2])
    return False


# Names a template might try that exist in Jinja2 or Twig but are outside Cerb's allow-list.
_KNOWN_DISALLOWED_FILTERS = {"attr", "map", "select", "reject", "selectattr", "rejectattr", "groupby", "xmlattr",
                             "safe", "tojson", "pprint", "indent", "wordwrap", "center", "filesizeformat",
                             "forceescape", "urlize", "list", "string", "int", "float", "items", "dictsort",
                             "sum", "unique", "random", "reduce", "filter", "column", "spaceless", "repeat",
                             "wordcount", "striptags_", "format_", "u"}
_KNOWN_DISALLOWED_FUNCTIONS = {"lipsum", "cycler", "joiner", "namespace", "dict", "include", "source",
                               "constant", "template_from_string", "block", "parent", "dump", "eval", "exec",
                               "getattr", "globals", "locals", "vars", "open", "import", "__import__",
                               "country_timezones", "html_classes", "config", "request", "self", "url_for",
                               "get_flashed_messages"}
