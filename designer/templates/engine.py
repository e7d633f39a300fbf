"""TemplateEngine: Cerb's Twig (behaviour templates) and Cerb's package-import lexer, on the Jinja2 sandbox."""
from __future__ import annotations

import logging
import random
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from jinja2 import Template
from jinja2.exceptions import TemplateSyntaxError

from designer.templates import cerb10  # noqa: F401 - registers Cerb 10.x filters/functions
from designer.templates import lexer as lx
from designer.templates.compiler import TwigEnvironment
from designer.templates.errors import SecurityError, TemplateError
from designer.templates.filters import FILTERS
from designer.templates.functions import FUNCTIONS
from designer.templates.phpdate import get_timezone, to_datetime

log = logging.getLogger(__name__)

MAX_OUTPUT = 5_000_000        # characters one render may produce
CACHE_SIZE = 1024             # compiled templates kept per syntax
DEFAULT_BASE_URL = "http://127.0.0.1:8080/index.php/"


class _Compiled:
    """A compiled template: the Jinja2 Template plus what the error mapper needs."""

    __slots__ = ("_engine", "source", "template")

    def __init__(self, template: Template, source: str, engine: TemplateEngine) -> None:
        self.template = template
        self.source = source
        self._engine = engine

    def render(self, context: Mapping[str, Any]) -> str:
        return self._engine._render(self, context)


class TemplateEngine:
    """Renders Cerb templates. ``now`` (optional) returns an aware datetime: it pins the clock."""

    def __init__(self, now: Callable[[], datetime] | None = None, *, timezone_name: str = "UTC",
                 base_url: str = DEFAULT_BASE_URL, seed: int | None = None) -> None:
        self._now = now
        self.timezone: tzinfo = get_timezone(timezone_name)
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.random = random.Random(seed)
        self._envs = {name: self._make_env(syntax) for name, syntax in
                      (("twig", lx.DEFAULT_SYNTAX), ("package", lx.PACKAGE_SYNTAX))}
        self._caches: dict[str, OrderedDict[str, _Compiled]] = {"twig": OrderedDict(), "package": OrderedDict()}
        self._lock = threading.Lock()  # the simulator may render from worker threads

    def _make_env(self, syntax: lx.Syntax) -> TwigEnvironment:
        env = TwigEnvironment(syntax, FILTERS, FUNCTIONS)
        env.twig_date = self._date
        env.twig_now = self.now
        env.twig_random = self.random
        env.twig_base_url = self.base_url
        return env

    # --- clock ---------------------------------------------------------------------------------------------

    def now(self) -> datetime:
        current = self._now() if self._now is not None else datetime.now(UTC)
        if current.tzinfo is None:
            current = current.replace(tzinfo=UTC)
        return current.astimezone(self.timezone)

    def _date(self, value: Any, tz: Any) -> datetime:
        target = None if tz is False else (self.timezone if tz is None else get_timezone(tz))
        result = to_datetime(value, self.now(), target)
        return result

    # --- API -----------------------------------------------------------------------------------------------

    def compile(self, source: str, *, syntax: str = "twig") -> _Compiled:
        """Compile (or fetch from the LRU cache) a template; raises TemplateError on syntax/sandbox errors."""
        cache = self._caches[syntax]
        with self._lock:
            compiled = cache.get(source)
            if compiled is not None:
                cache.move_to_end(source)
                return compiled
        try:
            template = self._envs[syntax].from_string(source)
        except TemplateError:
            raise
        except TemplateSyntaxError as exc:
            raise TemplateError(f"{exc.message} at line {exc.lineno}", line=exc.lineno) from None
        except RecursionError:
            raise SecurityError("Template nested too deeply") from None
        except (SyntaxError, MemoryError) as exc:
            raise TemplateError(f"Template could not be compiled: {exc}") from None
        compiled = _Compiled(template, source, self)
        with self._lock:
            cache[source] = compiled
            if len(cache) > CACHE_SIZE:
                cache.popitem(last=False)
        return compiled

    def render(self, source: str, context: Mapping[str, Any]) -> str:
        """Render a behaviour template with Cerb's Twig; raises TemplateError (with the template line)."""
        return self._render(self.compile(source), context)

    def render_package(self, source: str, placeholders: Mapping[str, Any]) -> str:
        """Cerb's package-import render: only ``{{{ }}}``, ``{{% %}}``, ``{{# #}}`` (and ``#{{ }}`` inside
        strings) are template syntax; ``{{ }}``/``{% %}`` pass through untouched."""
        return self._render(self.compile(source, syntax="package"), placeholders)

    def _render(self, compiled: _Compiled, context: Mapping[str, Any]) -> str:
        template = compiled.template
        variables = context if isinstance(context, dict) else dict(context)
        ctx = template.new_context(variables, shared=True)
        out: list[str] = []
        size = 0
        try:
            for chunk in template.root_render_func(ctx):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise SecurityError(f"Template output too large (over {MAX_OUTPUT} characters)")
                out.append(chunk)
        except TemplateError as exc:
            raise self._with_line(exc, compiled, sys.exc_info()[2]) from None
        except RecursionError:
            raise self._with_line(SecurityError("Template recursion too deep"), compiled,
                                  sys.exc_info()[2]) from None
        except MemoryError:
            raise SecurityError("Template used too much memory") from None
        except Exception as exc:
            log.debug("template runtime error", exc_info=True)
            raise self._with_line(TemplateError(f"{type(exc).__name__}: {exc}"), compiled,
                                  sys.exc_info()[2]) from None
        return "".join(out)

    @staticmethod
    def _with_line(exc: TemplateError, compiled: _Compiled, tb: Any) -> TemplateError:
        if exc.line is not None:
            return exc
        line = None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == "<template>":
                line = compiled.template.get_corresponding_lineno(tb.tb_lineno)
            tb = tb.tb_next
        if line is None:
            return exc
        error = type(exc)(f"{exc.message} at line {line}", hint=exc.hint, line=line)
        return error
