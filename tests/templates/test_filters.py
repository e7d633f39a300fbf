"""Each filter and function with its PHP-semantics edge cases."""
from __future__ import annotations

import re
from typing import Any

import pytest

from designer.templates import TemplateEngine, TemplateError

CTX: dict[str, Any] = {
    "n": 3, "f": 1.5, "s": "Hello World", "list": [3, 1, 2], "map": {"b": 2, "a": 1}, "nul": None,
    "mx": [{"exchange": "b.example", "priority": 20}, {"exchange": "a.example", "priority": 10}],
    "html": "<b>x</b> & y", "multi": "one\r\ntwo\nthree", "url": "a b/c?d=e&f",
}

CASES: list[tuple[str, str]] = [
    # printing
    ("{{ true }}|{{ false }}|{{ null }}|{{ 1.0 }}|{{ 0.1 + 0.2 }}|{{ [1] }}|{{ {a: 1} }}", "1|||1|0.3|Array|Array"),
    ("{{ 1.0e+20 }}|{{ -0.0 }}|{{ 1/3 }}", "1.0E+20|-0|0.33333333333333"),
    # json_encode / json_pretty / json_decode
    ("{{ {a: '/é'}|json_encode }}", '{"a":"\\/\\u00e9"}'),
    ("{{ [] |json_encode }}{{ {}|json_encode }}{{ {0: 'a', 1: 'b'}|json_encode }}{{ {1: 'a'}|json_encode }}",
     '[][]["a","b"]{"1":"a"}'),
    ("{{ 1.0|json_encode }}{{ 0.1|json_encode }}{{ 1e-5|json_encode }}", "10.11.0e-5"),
    ("{{ '{\"a\":[1,{}],\"u\":\"x/y\"}'|json_pretty }}",
     '{\n    "a": [\n        1,\n        {}\n    ],\n    "u": "x/y"\n}'),
    ("{{ nul|json_pretty }}{{ 5|json_pretty }}|{{ 'null'|json_pretty }}", "|null"),
    ("{{ json_decode('{\"a\":1}').a }}{{ json_decode('bad') is null ? 'N' }}", "1N"),
    # sort (asort, keys kept, PHP comparison incl. arrays of arrays)
    ("{{ list|sort|json_encode }}", '{"1":1,"2":2,"0":3}'),
    ("{{ map|sort|json_encode }}", '{"a":1,"b":2}'),
    ("{% for m in mx|sort %}{{ m.priority }} {% endfor %}", "10 20 "),
    ("{{ ['10', '9', 'a', 1]|sort|join(',') }}", "1,9,10,a"),
    # merge / keys / slice / batch / reverse / first / last / length
    ("{{ {a: 1}|merge({a: 2, b: 3})|json_encode }}{{ [1]|merge([2])|json_encode }}", '{"a":2,"b":3}[1,2]'),
    ("{{ map|keys|join(',') }}{{ list|keys|join(',') }}", "b,a0,1,2"),
    ("{{ 'abcdef'|slice(1, 3) }}{{ 'abcdef'|slice(-2) }}{{ [1, 2, 3]|slice(1)|join }}", "bcdef23"),
    ("{{ [1, 2, 3]|batch(2, 0)|json_encode }}", '[[1,2],{"2":3,"3":0}]'),  # keys kept, as Twig
    ("{{ 'abc'|reverse }}{{ [1, 2]|reverse|join }}", "cba21"),
    ("{{ s|first }}{{ s|last }}{{ list|first }}{{ list|last }}{{ map|first }}", "Hd322"),
    ("{{ 'héllo'|length }}{{ list|length }}{{ nul|length }}{{ 123|length }}", "5303"),
    # strings
    ("{{ 'a,b,,c'|split(',')|length }}{{ 'a,b,c'|split(',', 2)|last }}{{ 'abc'|split('')|join('-') }}",
     "4b,ca-b-c"),
    ("{{ 'Hello'|replace({'l': 'L', 'He': 'h'}) }}", "hLLo"),
    ("{{ '  x '|trim }}|{{ 'xxaxx'|trim('x') }}|{{ 'xxa'|trim('x', 'left') }}", "x|a|a"),
    ("{{ 'hELLO wORLD'|capitalize }}|{{ 'hello world'|title }}|{{ 'AbC'|lower }}{{ 'AbC'|upper }}",
     "Hello world|Hello World|abcABC"),
    ("{{ html|striptags }}|{{ html|e }}|{{ html|escape('url') }}", ("x & y|&lt;b&gt;x&lt;/b&gt; &amp; y|"
     "%3Cb%3Ex%3C%2Fb%3E%20%26%20y")),
    ("{{ multi|nl2br }}", "one<br />\r\ntwo<br />\nthree"),
    ("{{ url|url_encode }}|{{ {a: 'x y', b: null, c: true, d: [1]}|url_encode }}",
     "a%20b%2Fc%3Fd%3De%26f|a=x%20y&c=1&d%5B0%5D=1"),
    ("{{ 'a%20b'|url_decode }}|{{ 'a=1&b[]=2&b[]=3'|url_decode('json') }}", 'a b|{"a":"1","b":["2","3"]}'),
    ("{{ '%05.2f|%s|%x|%%|%2$s'|format(3.14159, 'q', 42) }}", "03.14|q|2a|%|q"),
    (("{{ 1234567.891|number_format }}|{{ 1234567.891|number_format(2) }}|{{ 1234.5|number_format(1, ',', '.') }}"
     "|{{ 0.5|number_format }}|{{ 'x'|number_format }}"), "1,234,568|1,234,567.89|1.234,5|1|0"),
    ("{{ 2.5|round }}|{{ -2.5|round }}|{{ 1.955|round(2) }}|{{ 1.2|round(0, 'ceil') }}|{{ 1.8|round(0, 'floor') }}",
     "3|-3|1.96|2|1"),
    ("{{ (-5)|abs }}{{ '-2.5'|abs }}{{ -5|abs }}", "52.5-5"),  # "-5|abs" is -(5|abs) in Twig
    ("{{ ''|default('d') }}{{ '0'|default('d') }}{{ 0|default('d') }}{{ missing|default('m') }}{{ []|default('e') }}",
     "d00me"),
    ("{{ 'a-b c!'|alphanum }}|{{ 'a-b c!'|alphanum('-') }}|{{ 'a b'|alphanum('', '_') }}", "abc|a-bc|a_b"),
    ("{{ 'hello'|md5 }}|{{ 'hello'|sha1 }}|{{ [1]|md5 }}",
     "5d41402abc4b2a76b9719d911017c592|aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d|"),
    ("{{ 'data'|hash_hmac('key') }}|{{ ''|hash_hmac('key') }}",
     "5031fe3d989c6d1537a013fa6e739da23463fdaec3b70137d828e36ace221bd0|"),
    (("{{ '{}'|base64_encode }}|{{ 'e30='|base64_decode }}|{{ '?>?'|base64url_encode }}|{{ 'Pz4_'|base64url_decode }}"
     "|{{ 5|base64_encode }}"), "e30=|{}|Pz4_|?>?|"),
    ("{{ 'Order #123'|regexp('/#(\\\\d+)/', 1) }}|{{ 'x'|regexp('/y/') }}", "123|"),
    (("{{ regexp_match_all('/(\\\\d)(\\\\w)/', '1a 2b')|json_encode }}|"
      "{{ regexp_match_all('/(\\\\d)/', '1 2', 1)|join }}"),
     '[["1a","2b"],["1","2"],["a","b"]]|12'),
    ("{{ multi|split_crlf|join('|') }}|{{ ' a, ,b'|split_csv|join('|') }}", "one|two|three|a|b"),
    (("{{ 'abcdefghij'|truncate(4) }}|{{ 'ab cd ef'|truncate(3, true) }}|{{ 'abc'|truncate(4) }}|"
     "{{ 'abcdef'|truncate(2, false, '…') }}"), "abcd...|ab cd...|abc|ab…"),
    ("{{ '&lt;b&gt;&amp;&quot;&#039;'|unescape }}", "<b>&\"'"),
    ("{{ 'ff'|base_convert(16, 2) }}|{{ 1536|bytes_pretty(1) }}|{{ 90061|secs_pretty }}|{{ 90061|secs_pretty(2) }}",
     "11111111|1.5 KB|1 day, 1 hour, 1 min, 1 sec|1 day, 1 hour"),
    ("{{ 'a b c'|quote(3) }}", "> a b\n> c"),
    ("{{ 'cerberusweb.contexts.ticket'|context_name }}|{{ 'cerberusweb.contexts.ticket'|context_name('singular') }}",
     "tickets|ticket"),
    (("{{ ('Joe <joe@example.com>, bad, ann@ex.org'|parse_emails)|length }}|"
     "{{ ('Joe <joe@example.com>'|parse_emails|first).host }}"), "2|example.com"),
    ("{{ 'x'|raw }}{{ 'x'|convert_encoding('UTF-8', 'ISO-8859-1') }}{{ 'x'|cerb_translate }}", "xxx"),
    # dates
    ("{{ 0|date('Y-m-d H:i:s') }}|{{ 86400|date('D, d M Y', 'UTC') }}", "1970-01-01 00:00:00|Fri, 02 Jan 1970"),
    ("{{ '2019-03-05 17:02:03'|date('r') }}|{{ '2019-03-05T17:02:03Z'|date('Ymd\\\\THis\\\\Z') }}",
     "Tue, 05 Mar 2019 17:02:03 +0000|20190305T170203Z"),
    ("{{ '2019-03-05 17:02:03'|date('jS F Y g:ia l N w z t L W', 'America/New_York') }}",
     "5th March 2019 12:02pm Tuesday 2 2 63 31 0 10"),
    ("{{ 'now'|date('U') }}|{{ 'today 08:30'|date('U') }}|{{ 'tomorrow'|date('Y-m-d H:i') }}",
     "1795338669|1795336200|2026-11-23 00:00"),
    (("{{ '+1 day'|date('Y-m-d') }}|{{ '2 weeks ago'|date('Y-m-d') }}|{{ 'next monday'|date('Y-m-d') }}|"
     "{{ 'friday noon'|date('Y-m-d H:i') }}|{{ 'first day of next month'|date('Y-m-d') }}"),
     "2026-11-23|2026-11-08|2026-11-23|2026-11-27 12:00|2026-12-01"),
    ("{{ '2019-01-31'|date_modify('+1 month')|date('Y-m-d') }}|{{ date('2019-01-01')|date('Y') }}",
     "2019-03-03|2019"),
    ("{{ '@86400'|date('Y-m-d') }}|{{ 'March 5, 2019'|date('Y-m-d') }}|{{ '5 Mar 2019 10am'|date('Y-m-d H:i') }}",
     "1970-01-02|2019-03-05|2019-03-05 10:00"),
    ("{{ 1551805323|date('c', 'Europe/Paris') }}|{{ 1551805323|date('T e P O Z', 'Europe/Paris') }}",
     "2019-03-05T18:02:03+01:00|CET Europe/Paris +01:00 +0100 3600"),
    # functions
    ("{% set j = {} %}{% set j = dict_set(j, 'a.b.c', 1) %}{% set j = dict_set(j, 'a.x', 2) %}{{ j|json_encode }}",
     '{"a":{"b":{"c":1},"x":2}}'),
    (("{% set j = dict_set(null, 'l.[]', 'p') %}{% set j = dict_set(j, 'l.[]', 'q') %}"
     "{% set j = dict_set(j, 'a{DOT}b', 1) %}{{ j|json_encode }}"), '{"l":["p","q"],"a.b":1}'),
    ("{% set j = jsonpath_set({}, 'items[]', 1) %}{% set j = jsonpath_set(j, 'items[]', 2) %}{{ j|json_encode }}",
     '{"items":[1,2]}'),
    ("{{ array_combine(['a', 'b'], [1, 2])|json_encode }}{{ array_diff([1, 2, 3], [2])|json_encode }}",
     '{"a":1,"b":2}{"0":1,"2":3}'),
    ("{{ array_intersect([1, 2, 3], [3, 1])|json_encode }}{{ array_unique(['a', 'b', 'a'])|json_encode }}",
     '{"0":1,"2":3}["a","b"]'),
    (("{{ array_values({x: 1})|json_encode }}{{ array_sort_keys({b: 1, a: 2})|json_encode }}"
      "{{ array_values(5) is null }}"),
     '[1]{"a":2,"b":1}1'),
    ("{{ max(1, 5, 3) }}{{ min([4, 2]) }}{{ max('a', 'b') }}{{ cycle(['x', 'y'], 3) }}", "52by"),
    ("{{ range(1, 5, 2)|join }}{{ range('a', 'c')|join }}{{ (3..1)|join }}", "135abc321"),
    ("{{ attribute(map, 'a') }}{{ attribute(list, 0) }}{{ attribute(map, 'zz') }}", "13"),
    ("{{ validate_email('a@b.co') }}{{ validate_email('x') }}{{ validate_number('1e3') }}{{ validate_number('x') }}",
     "11"),
    ("{{ placeholders_list().n }}{{ cerb_placeholders_list()|keys|length > 5 }}", "31"),
    ("{{ cerb_url('c=profiles&what=ticket&id=5') }}", "http://127.0.0.1:8080/index.php/profiles/ticket/5"),
    ("{{ cerb_avatar_url('cerberusweb.contexts.worker', 3, 99) }}|{{ cerb_file_url(5, 'a b.png') }}",
     "http://127.0.0.1:8080/index.php/avatars/worker/3?v=99|http://127.0.0.1:8080/index.php/files/5/a%20b.png"),
    ("{{ cerb_has_priv('x') ? 'y' : 'n' }}{{ cerb_record_readable('t', 1) ? 'y' : 'n' }}", "nn"),
    # Cerb 10.x additions
    ("{{ {a: 1, b: 2}|values|join }}|{{ [{id: 1, n: 'a'}, {id: 2, n: 'b'}]|column('n', 'id')|json_encode }}",
     '12|{"1":"a","2":"b"}'),
    ("{{ 'a\nb'|indent('> ') }}|{{ 'ab'|repeat(3) }}|{{ 'Hello, World!'|permalink }}", "> a\n> b|ababab|hello-world"),
    ("{{ ('https://h.com:8080/p?q=1#f'|parse_url).port }}{{ array_sum([1, '2', 3.5]) }}", "80806.5"),
    (("{{ array_count_values(['a', 'b', 'a'])|json_encode }}{{ array_fill_keys(['a'], 0)|json_encode }}"
      "{{ array_extract_keys({a: 1, b: 2}, ['b'])|json_encode }}"), '{"a":2,"b":1}{"a":0}{"b":2}'),
    ("{{ clamp_int(15, 0, 10) }}{{ clamp_float(-1, 0, 1) }}{{ dict_unset({a: {b: 1, c: 2}}, 'a.b')|json_encode }}",
     '100{"a":{"c":2}}'),
    (("{{ 'abc' is prefixed('ab') }}{{ 'abc' is suffixed('bc') }}{{ 'x.example.com' is pattern('*.example.com') }}"
      "{{ 'cerberusweb.contexts.ticket'|context_alias }}"), "111ticket"),
    (("{% set x = xml_decode('<r><item a=\"1\"><title>T1</title></item><item><title>T2</title></item></r>') %}"
     "{% for i in xml_xpath(x, '//item') %}{{ i.title }}{{ i.a }};{% endfor %}{{ xml_decode('<bad') ? 'y' : 'n' }}"),
     "T11;T2;n"),
]


@pytest.mark.parametrize("source,expected", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_filter_or_function(engine: TemplateEngine, source: str, expected: str) -> None:
    assert engine.render(source, CTX) == expected


@pytest.mark.parametrize("source", [
    "{{ 'x'|date('U', 'Not/AZone') }}",
    "{{ 'Hostname'|date('U') }}",
    "{{ null|merge([1]) }}",
    "{{ 'x'|sort }}",
    "{{ [1]|batch(0) }}",
    "{{ 1 / 0 }}",
    "{{ 1 % 0 }}",
    "{{ 'abc' + 1 }}",
    "{{ [] + 1 }}",
    "{{ array_combine([1], [1, 2]) }}",
    "{{ max([]) }}",
    "{{ '%s %s'|format('a') }}",
    "{{ 'a'|round(0, 'bogus') }}",
    "{{ random([]) }}",
    "{{ [1]|upper }}",
])
def test_runtime_errors(engine: TemplateEngine, source: str) -> None:
    with pytest.raises(TemplateError):
        engine.render(source, CTX)


def test_random_family_shapes(engine: TemplateEngine) -> None:
    for _ in range(20):
        assert 0 <= int(engine.render("{{ random(5) }}", {})) <= 5
        assert engine.render("{{ random(['a', 'b']) }}", {}) in ("a", "b")
        assert engine.render("{{ random('xyz') }}", {}) in ("x", "y", "z")
        assert 3 <= int(engine.render("{{ random(3, 4) }}", {})) <= 4
    assert re.fullmatch(r"[A-Za-z0-9]{40}", engine.render("{{ random_string(40) }}", {}))
    assert len(engine.render("{{ random_string(1000) }}", {})) == 255
    assert len(engine.render("{{ random_string() }}", {})) == 8
    assert sorted(engine.render("{{ shuffle([1, 2, 3])|join }}", {})) == ["1", "2", "3"]
    assert engine.render("{{ shuffle('x') ? 'y' : 'n' }}", {}) == "n"
