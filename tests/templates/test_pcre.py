"""PHP PCRE patterns on Python, with and without the optional ``regex`` module."""
from __future__ import annotations

import pytest

from designer.templates import TemplateEngine, TemplateError, pcre

CASES = [
    ("{{ 'abc' matches '/B/i' }}", "1"),
    ("{{ 'abc' matches '{^a}' }}{{ 'abc' matches '#c$#' }}{{ 'a\nb' matches '/^b/m' }}{{ 'a\nb' matches '/a.b/s' }}",
     "1111"),
    ("{{ 'abc' matches '/x/' }}|{{ 'abc' matches 'no delimiters' }}|{{ 'abc' matches '/(/' }}", "0|0|0"),
    ("{{ 'Order #123'|regexp('/#(?<num>\\\\d+)/', 'num') }}", "123"),
    ("{{ 'Order #123'|regexp('/#(?P<num>\\\\d+)/', 1) }}", "123"),
    ("{{ 'x1y22'|regexp('/\\\\d+\\\\z/') }}", "22"),
    ("{{ regexp_match_all('/(a)(b)?/', 'ab a')|json_encode }}", '[["ab","a"],["a","a"],["b",""]]'),
]


@pytest.fixture(params=["regex", "re"])
def flavour(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "regex" and pcre._regex is None:
        pytest.skip("the regex module is not installed")
    if request.param == "re":
        monkeypatch.setattr(pcre, "_regex", None)
    pcre.compile_php_regex.cache_clear()
    yield request.param
    pcre.compile_php_regex.cache_clear()


@pytest.mark.parametrize("source,expected", CASES)
def test_patterns(flavour: str, source: str, expected: str) -> None:
    assert TemplateEngine().render(source, {}) == expected


def test_catastrophic_backtracking_is_bounded_with_regex() -> None:
    if pcre._regex is None:
        pytest.skip("without the regex module there is no match timeout (documented)")
    pcre.compile_php_regex.cache_clear()
    with pytest.raises(TemplateError):
        TemplateEngine().render("{{ s matches '/^(a|aa)+$/' }}", {"s": "a" * 45 + "!"})
