"""Fuzzing: any template text either renders or raises TemplateError — never another exception or a hang."""
from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.templates import TemplateEngine, TemplateError

TOKENS = ["{{", "}}", "{%", "%}", "{#", "#}", "{{{", "}}}", "{{%", "%}}", " ", "\n", "\r\n", "if", "endif", "for",
          "endfor", "in", "set", "=", "x", "y", "list", "map", "s", "n", "1", "0", "-1", "2.5", "'a'", '"b#{n}"',
          "(", ")", "[", "]", "{", "}", ":", ",", ".", "|", "?", "??", "?:", "~", "+", "-", "*", "/", "//", "%",
          "**", "..", "==", "<", "not", "and", "or", "is", "empty", "defined", "upper", "length", "join",
          "json_encode", "sort", "date", "range", "dict_set", "else", "elseif", "with", "endwith", "loop",
          "index", "parent", "__class__", "format", "abc", "-}}", "~}}", "{%-", "verbatim", "endverbatim"]
CONTEXT = {"list": [3, 1, 2], "map": {"a": 1}, "s": "str", "n": 2, "x": None}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=30))
def test_random_token_soup(tokens: list[str]) -> None:
    engine = TemplateEngine(seed=1)
    source = "".join(tokens)
    for render in (engine.render, engine.render_package):
        with contextlib.suppress(TemplateError):
            assert isinstance(render(source, CONTEXT), str)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_random_text(source: str) -> None:
    engine = TemplateEngine(seed=1)
    with contextlib.suppress(TemplateError):
        engine.render(source, CONTEXT)
