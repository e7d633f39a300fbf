"""PHP PCRE patterns on the ``regex`` module: delimiters, flags, named groups, and a match timeout."""
from __future__ import annotations

import pytest

from designer.templates import TemplateEngine, TemplateError, pcre

CASES = [
    ("{{ 'abc' matches '/B/i' }}", "1"),
    ("{{ 'abc' matches '{^a}' }}{{ 'abc' matches '#c$#' }}{{ 'a\nb' matches '/^b/m' }}{{ 'a\nb' matches '/a.b/s' }}",
     "1111"),
    ("{{ 'abc' matches '/x/' }}|{{ 'abc' matches 'no delimiters' }}|{{ 'abc' matches '/(/' }}", "0|0|0"),
    ("{{ 'abc' matches '/b/q' }}|{{ 'abc' matches '/b' }}|{{ 'abc' matches '\\\\b\\\\' }}", "0|0|0"),
    ("{{ 'Order #123'|regexp('/#(?<num>\\\\d+)/', 'num') }}", "123"),
    ("{{ 'Order #123'|regexp('/#(?P<num>\\\\d+)/', 1) }}", "123"),
    ("{{ 'x1y22'|regexp('/\\\\d+\\\\z/') }}", "22"),
    ("{{ 'a\tb'|regexp('/a\\\\hb/') }}|{{ 'aaab'|regexp('/a++b/') }}", "a\tb|aaab"),
    ("{{ 'xab'|regexp('/ab/A') }}|{{ 'abx'|regexp('/ab/A') }}", "|ab"),
    ("{{ regexp_match_all('/(a)(b)?/', 'ab a')|json_encode }}", '[["ab","a"],["a","a"],["b",""]]'),
    # Without /u, PCRE's classes and /i are ASCII-only (PHP strings are bytes); with /u they are Unicode.
    (("{{ 'café' matches '/^\\\\w+$/' }}{{ 'café' matches '/^\\\\w+$/u' }}{{ 'É' matches '/é/i' }}"
      "{{ 'É' matches '/é/iu' }}{{ '١٢' matches '/^\\\\d+$/' }}{{ '١٢' matches '/^\\\\d+$/u' }}"), "010101"),
]


@pytest.mark.parametrize("source,expected", CASES)
def test_patterns(source: str, expected: str) -> None:
    assert TemplateEngine().render(source, {}) == expected


@pytest.mark.parametrize("source", [
    "{{ s matches '/^(a|aa)+$/' }}",
    "{{ s|regexp('/^(a|aa)+$/') }}",
    "{{ regexp_match_all('/(a|aa)+$/', s)|length }}",
])
def test_catastrophic_backtracking_is_bounded(source: str) -> None:
    pcre.compile_php_regex.cache_clear()
    with pytest.raises(TemplateError, match="took too long"):
        TemplateEngine().render(source, {"s": "a" * 45 + "!"})
