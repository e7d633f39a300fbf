"""The Jinja2 side: an ImmutableSandboxedEnvironment whose parser is the Twig parser and whose code generator
knows the Twig nodes. Everything a template can reach goes through ``runtime`` (attribute access included), so
Jinja2's own globals, filters, tests and attribute lookup are never exposed.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.sandbox import ImmutableSandboxedEnvironment

from designer.templates import lexer as lx
from designer.templates import runtime
from designer.templates.parser import Parser, TwigCall, TwigCapture, TwigDefined, TwigFor, TwigOp

if TYPE_CHECKING:
    import random
    from datetime import datetime

log = logging.getLogger(__name__)


def _null_undefined(*args: Any, **kwargs: Any) -> None:
    """Twig with strict_variables=false: an undefined name is null."""
    return


class TwigCodeGenerator(CodeGenerator):
    def _args(self, args: list[nodes.Expr], frame: Frame) -> None:
        for index, arg in enumerate(args):
            if index:
                self.write(", ")
            self.visit(arg, frame)

    def visit_TwigOp(self, node: TwigOp, frame: Frame) -> None:
        op, args = node.op, node.args
        if op == "and" or op == "or":
            self.write("(environment.rt.truthy(")
            self.visit(args[0], frame)
            self.write(f") {op} environment.rt.truthy(")
            self.visit(args[1], frame)
            self.write("))")
        elif op == "not":
            self.write("(not environment.rt.truthy(")
            self.visit(args[0], frame)
            self.write("))")
        elif op == "cond":
            self.write("((")
            self.visit(args[1], frame)
            self.write(") if environment.rt.truthy(")
            self.visit(args[0], frame)
            self.write(") else (")
            self.visit(args[2], frame)
            self.write("))")
        elif op in ("elvis", "coalesce"):
            tmp = self.temporary_identifier()
            check = f"environment.rt.truthy({tmp} := (" if op == "elvis" else f"(({tmp} := ("
            self.write(f"({tmp} if {check}")
            self.visit(args[0], frame)
            self.write(")) else (" if op == "elvis" else ")) is not None) else (")
            self.visit(args[1], frame)
            self.write("))")
        elif op in ("startswith", "endswith"):
            # Twig tests is_string(left) before it evaluates the right operand.
            tmp = self.temporary_identifier()
            self.write(f"(isinstance(({tmp} := (")
            self.visit(args[0], frame)
            self.write(f")), str) and environment.rt.{op}({tmp}, ")
            self.visit(args[1], frame)
            self.write("))")
        elif op == "hash":
            self.write("environment.rt.make_hash((")
            self._args(args, frame)
            self.write(",))" if args else "))")
        elif op == "method":
            self.write("environment.rt.method(")
            self._args(args, frame)
            self.write(")")
        else:
            self.write(f"environment.rt.{op}(")
            self._args(args, frame)
            self.write(")")

    def visit_TwigCall(self, node: TwigCall, frame: Frame) -> None:
        registry = "twig_filters" if node.kind == "filter" else "twig_functions"
        func = getattr(self.environment, registry)[node.name]
        self.write(f"environment.{registry}[{node.name!r}](")
        first = True
        if getattr(func, "needs_context", False):
            self.write("context")
            first = False
        elif getattr(func, "needs_env", False):
            self.write("environment")
            first = False
        for arg in node.args:
            if not first:
                self.write(", ")
            first = False
            self.visit(arg, frame)
        for keyword in node.kwargs:
            if not first:
                self.write(", ")
            first = False
            self.write(f"{keyword.key}=")
            self.visit(keyword.value, frame)
        self.write(")")

    def visit_TwigDefined(self, node: TwigDefined, frame: Frame) -> None:
        ref = frame.symbols.ref(node.node.name)
        self.write(f"({ref} is not missing)")

    def visit_TwigCapture(self, node: TwigCapture, frame: Frame) -> None:
        # Same symbols (so sets in the body reach the enclosing scope, as in Twig), own output buffer.
        capture = frame.copy()
        self.buffer(capture)
        self.blockvisit(node.body, capture)
        ref = frame.symbols.ref(node.target.name)
        self.writeline(f"{ref} = environment.rt.Markup(environment.rt.bounded_concat({capture.buffer}))", node)
        if frame.toplevel and not node.target.name.startswith("_tw_"):
            self.writeline(f"context.vars[{node.target.name!r}] = {ref}")

    def visit_TwigFor(self, node: TwigFor, frame: Frame) -> None:
        saved: list[tuple[str, str]] = []
        for name in node.saves:
            tmp = self.temporary_identifier()
            ref = frame.symbols.ref(name.name)
            self.writeline(f"try: {tmp} = {ref}", node)
            self.writeline(f"except NameError: {tmp} = missing")
            saved.append((ref, tmp))
        scoped: list[tuple[str, str]] = []
        for name in node.scoped:
            tmp = self.temporary_identifier()
            ref = frame.symbols.ref(name.name)
            self.writeline(f"try: {tmp} = {ref} is missing")
            self.writeline(f"except NameError: {tmp} = True")
            scoped.append((ref, tmp))
        seq, loop, item = (self.temporary_identifier() for _ in range(3))
        self.writeline(f"{seq} = environment.rt.for_seq(", node)
        self.visit(node.iter, frame)
        self.write(f", {node.pairs!r})")
        self.writeline(f"{loop} = environment.rt.Loop(len({seq}), {saved[-1][1]}, context)")
        self.writeline(f"for {item} in {seq}:")
        self.indent()
        self.newline()
        self.visit(node.target, frame)
        self.write(f" = {item}")
        if node.test is not None:
            self.writeline("if not (")
            self.visit(node.test, frame)
            self.write("): continue")
        self.writeline(f"{frame.symbols.ref('loop')} = {loop}.step()")
        self.blockvisit(node.body, frame)
        self.outdent()
        # Twig restores the loop variables (and drops "loop") before the else branch and after the loop.
        for ref, tmp in saved:
            self.writeline(f"{ref} = {tmp}")
        for ref, was_missing in scoped:
            self.writeline(f"if {was_missing}: {ref} = missing")
        if node.else_:
            self.writeline(f"if {loop}.index0 < 0:")
            self.indent()
            self.blockvisit(node.else_, frame)
            self.outdent()

    # Jinja2's own Getattr/Getitem/Filter/Test/Call nodes are never produced by the Twig parser.


class TwigEnvironment(ImmutableSandboxedEnvironment):
    code_generator_class = TwigCodeGenerator

    # the engine's clock, random source and base URL, set by TemplateEngine for the filters and functions
    # registered with env=True
    twig_date: Callable[[Any, Any], datetime]
    twig_now: Callable[[], datetime]
    twig_random: random.Random
    twig_base_url: str

    def __init__(self, syntax: lx.Syntax, filters: dict[str, Any], functions: dict[str, Any]) -> None:
        super().__init__(autoescape=False, optimized=False, cache_size=0, auto_reload=False,
                         keep_trailing_newline=True, finalize=runtime.tostring)
        self.twig_lexer = lx.Lexer(syntax)
        self.twig_filters = filters
        self.twig_functions = functions
        self.rt = runtime
        # Nothing of Jinja2's own reaches a template.
        self.globals.clear()
        self.filters.clear()
        self.tests.clear()
        self.undefined = _null_undefined  # type: ignore[assignment]
        self.concat = runtime.bounded_concat  # type: ignore[assignment]  # joins {% set %} block buffers

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tokens = self.twig_lexer.tokenize(source)
        return Parser(tokens, self.twig_filters, self.twig_functions).parse()
