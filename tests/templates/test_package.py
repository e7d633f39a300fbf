"""render_package: Cerb's package-import lexer ({{{ }}}, {{% %}}, {{# #}}, #{{ }}) leaves behaviour syntax alone."""
from __future__ import annotations

import json
import re

import pytest

from designer.templates import TemplateEngine, TemplateError

from .conftest import PACKAGES_DIR


def test_placeholder_inside_url_leaves_behaviour_syntax(engine: TemplateEngine) -> None:
    source = ('"https://lambda.{{{aws_region}}}.amazonaws.com/2015-03-31/functions/x/invocations" '
              "{{message}} {% if message %}yes{% endif %}")
    out = engine.render_package(source, {"aws_region": "us-west-2"})
    assert out == ('"https://lambda.us-west-2.amazonaws.com/2015-03-31/functions/x/invocations" '
                   "{{message}} {% if message %}yes{% endif %}")


def test_functions_and_filters_work(engine: TemplateEngine) -> None:
    out = engine.render_package("{{{random_string(40)|lower}}}", {})
    assert re.fullmatch(r"[a-z0-9]{40}", out)


def test_nested_uid_map(engine: TemplateEngine) -> None:
    placeholders = {"uid": {"behavior_181": 181, "bot_33": 7}, "default": {"base_url": "http://x/"}}
    assert engine.render_package("{{{uid.behavior_181}}}", placeholders) == "181"
    assert engine.render_package("{{{uid.bot_33}}}/{{{default.base_url}}}", placeholders) == "7/http://x/"


def test_package_blocks_comments_and_interpolation(engine: TemplateEngine) -> None:
    source = '{{% if x %}}X{{% else %}}Y{{% endif %}}{{# note #}}{{{ "a#{{x}}b" }}}{% raw %}'
    assert engine.render_package(source, {"x": 5}) == "Xa5b{% raw %}"


def test_plain_twig_is_untouched_even_when_invalid(engine: TemplateEngine) -> None:
    source = "{{ unclosed {% for %} {# x"
    assert engine.render_package(source, {}) == source


def test_behaviour_template_containing_triple_brace_is_taken_for_a_package_tag(engine: TemplateEngine) -> None:
    # Cerb's documented pitfall: "{{{a:1}|json_encode}}" is lexed by the package lexer.
    with pytest.raises(TemplateError):
        engine.render_package("{{{a:1}|json_encode}}", {})


def test_every_fixture_package_string_renders() -> None:
    engine = TemplateEngine(seed=1)
    placeholders = {"aws_region": "us-west-2", "aws_account_id": "5", "uid": _UidMap(), "default": {}}
    count = 0
    for path in sorted(PACKAGES_DIR.glob("*.json")):
        def walk(value: object) -> None:
            nonlocal count
            if isinstance(value, str) and re.search(r"\{\{[#%{]", value):
                out = engine.render_package(value, placeholders)
                assert "{{{" not in out
                count += 1
            elif isinstance(value, dict):
                for key, item in value.items():
                    walk(key)
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(json.loads(path.read_text(encoding="utf-8")))
    assert count > 0


class _UidMap(dict):  # type: ignore[type-arg]
    """Every uid resolves to a number, like Cerb's freshly created records."""

    def __missing__(self, key: str) -> int:
        return 100 + len(key)

    def __contains__(self, key: object) -> bool:
        return True
