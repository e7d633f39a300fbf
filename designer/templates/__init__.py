"""Cerb's Twig dialect on Jinja2's ImmutableSandboxedEnvironment (see docs/templates.md).

    engine = TemplateEngine(now=None)
    engine.render(source, context) -> str
    engine.render_package(source, placeholders) -> str
"""
from __future__ import annotations

from designer.templates.engine import TemplateEngine
from designer.templates.errors import SecurityError, TemplateError

__all__ = ["SecurityError", "TemplateEngine", "TemplateError"]
