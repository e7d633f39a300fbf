"""The Twig dialect: syntax, printing, scoping and whitespace rules as Cerb's Twig has them; and the API."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from designer.templates import TemplateEngine, TemplateError
from designer.templates.php import (
    is_php_empty,
    php_json_decode,
    php_json_encode,
    php_loose_equals,
    php_sort,
    to_php_string,
)

CTX = {"n": 3, "s": "Hello", "list": [3, 1, 2], "d": {"keys": "K", "items": "I", "a": {"b": "deep"}},
       "mx": [{"e": "b", "p": 2}, {"e": "a", "p": 1}], "zero": "0", "nul": None}

CASES = [
    # operators
    ("{{ nul ?? 'x' }}{{ missing ?? 'y' }}{{ zero ?? 'z' }}", "xy0"),
    ("{{ zero ?: 'e' }}{{ s ?: 'e' }}{{ n > 2 ? 'big' : 'small' }}{{ n > 5 ? 'big' }}", "eHellobig"),
    ("{{ s starts with 'He' }}{{ s ends with 'lo' }}{{ s matches '/^h/i' }}{{ s starts with 'x' }}", "111"),
    ("{{ (1..3)|join }}{{ ('a'..'c')|join }}{{ (n..1)|join(',') }}{{ 1..3|join }}", "123abc3,2,1Array"),
    ("{{ 'a' ~ 1 ~ true ~ false ~ null ~ 1.50 ~ [1] }}", "a111.5Array"),
    ("{{ 6 b-and 3 }}{{ 6 b-or 3 }}{{ 6 b-xor 3 }}{{ 7 // 2 }}{{ -7 // 2 }}{{ 2 ** 3 }}{{ 7 % 3 }}", "2753-481"),
    ("{{ '3' + '4' }}{{ '1.5' * 2 }}{{ null + 1 }}{{ true + true }}{{ '10' / '4' }}", ("7312" "2.5")),
    ("{{ '1' == 1 ? 'eq' }}{{ '1e1' == '10' ? 'eq' }}{{ 'abc' == 0 ? 'eq' : 'ne' }}{{ null == false ? 'eq' }}",
     "eqeqneeq"),
    ("{{ 2 in [1, '2'] ? 'in' }}{{ 'ell' in s ? 'in' }}{{ 5 not in list ? 'out' }}", "ininout"),
    ("{{ not nul ? 'T' }}{{ nul or zero ? 'T' : 'F' }}{{ 1 and 'x' }}", "TF1"),
    # literals
    ("{{ {key: 1, 'q': 2, (n ~ 'x'): 3, 4: 'four'}|json_encode }}", '{"key":1,"q":2,"3x":3,"4":"four"}'),
    ('{{ "a#{n + 1}b#{s|upper}" }}|{{ \'no #{n}\' }}|{{ "esc \\#{n}" }}', "a4bHELLO|no #{n}|esc #{n}"),
    ("{{ [1, [2, 3]]|json_encode }}{{ []|length }}", "[1,[2,3]]0"),
    # tests
    ("{{ '' is empty }}{{ '0' is empty ? 'y' : 'n' }}{{ [] is empty }}{{ nul is null }}{{ s is not null }}", "1n111"),
    ("{{ list is iterable }}{{ s is iterable ? 'y' : 'n' }}{{ d is iterable }}", "1n1"),
    ("{{ n is odd }}{{ 4 is even }}{{ 9 is divisible by(3) }}{{ n is same as(3) }}{{ n is same as('3') ? 'y' : 'n' }}",
     "1111n"),
    (("{{ n is defined }}{{ nul is defined }}{{ missing is defined ? 'y' : 'n' }}{{ d.a.b is defined }}"
     "{{ d.zz is defined ? 'y' : 'n' }}"), "11n1n"),
    ("{{ '12' is numeric }}{{ ' 1.5' is numeric }}{{ 'x1' is numeric ? 'y' : 'n' }}", "11n"),
    # attributes: map keys before anything Python
    ("{{ d.keys }}{{ d.items }}{{ d['a']['b'] }}{{ d.a.b }}{{ list.0 }}{{ list[2] }}{{ list.9 }}", "KIdeepdeep32"),
    ("{{ missing.x.y }}{{ nul.x }}{{ s.x }}{{ n.x }}{{ d.zz.q }}", ""),
    # for
    ("{% for k, v in d.a %}{{ k }}={{ v }}{% endfor %}|{% for i, v in list %}{{ i }}{{ v }}{% endfor %}",
     "b=deep|031122"),
    ("{% for v in list if v > 1 %}{{ v }}{% endfor %}|{% for v in [] %}x{% else %}none{% endfor %}", "32|none"),
    (("{% for v in list %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first ? 'F' }}"
     "{{ loop.last ? 'L' }}{{ loop.length }};{% endfor %}"), "103F3;212 3;321L3;".replace(" ", "")),
    ("{% for a in [1, 2] %}{% for b in [1] %}{{ loop.parent.loop.index }}{{ loop.parent.n }}{% endfor %}{% endfor %}",
     "1323"),
    ("{% for v in s %}x{% endfor %}{% for v in nul %}x{% endfor %}{% for v in 5 %}x{% endfor %}", ""),
    ("{% set t = 0 %}{% for v in list %}{% set t = t + v %}{% endfor %}{{ t }}", "6"),
    ("{% set v = 'keep' %}{% for v in list %}{% endfor %}{{ v }}", "keep"),
    ("{% for x in list %}{% set created = x %}{% endfor %}[{{ created }}]", "[]"),
    ("{% for x in list %}{% set n = x %}{% endfor %}[{{ n }}]", "[2]"),
    ("{% for x in [] %}{% else %}{{ loop.index ?? 'no loop' }}{% endfor %}", "no loop"),
    ("{% set acc = {} %}{% for m in mx %}{% set acc = dict_set(acc, m.e, m.p) %}{% endfor %}{{ acc|json_encode }}",
     '{"b":2,"a":1}'),
    # set / with / filter / spaceless / verbatim / do
    ("{% set a, b = 1, 2 %}{% set a, b = b, a %}{{ a }}{{ b }}", "21"),
    ("{% set block %}x{{ n }}y{% endset %}{{ block|upper }}", "X3Y"),
    ("{% with {n: 9} %}{{ n }}{{ s }}{% endwith %}{{ n }}|{% with {n: 9} only %}{{ n }}{{ s }}{% endwith %}",
     "9Hello3|9"),
    ("{% filter upper %}a{{ s }}{% endfilter %}|{% apply lower|trim %} X {% endapply %}", "AHELLO|x"),
    ("{% spaceless %}\n<p>  <b>x</b>  </p>\n{% endspaceless %}", "<p><b>x</b></p>"),
    ("{% verbatim %}{{ n }}{% if %}{% endverbatim %}", "{{ n }}{% if %}"),
    ("{% do n + 1 %}{% if n > 1 %}a{% elseif n %}b{% else %}c{% endif %}", "a"),
    ("{% sandbox %}ok{% endsandbox %}", "ok"),
    # whitespace
    ("a\r\nb\rc", "a\nb\nc"),
    ("{% if true %}\nx\n{% endif %}\ny\n", "x\ny\n"),
    ("{{ 'v' }}\nz", "v\nz"),
    ("{# c #}\nq", "q"),
    ("a  {{- 'b' -}}  \n c", "abc"),
    ("a  {{~ 'b' ~}}  \n c", "ab\n c"),
    ("<{%- if true -%}  x  {%- endif -%}>", "<x>"),
    ("line\n", "line\n"),
]


@pytest.mark.parametrize("source,expected", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_dialect(engine: TemplateEngine, source: str, expected: str) -> None:
    assert engine.render(source, CTX) == expected


def test_undefined_never_raises(engine: TemplateEngine) -> None:
    source = ("{{ a }}{{ a.b.c }}{{ a[1] }}{{ a|upper }}{{ a ~ 'x' }}{{ a + 1 }}{{ a is empty }}"
              "{% for x in a %}{% endfor %}{% if a.b %}{% endif %}{{ a|default('d') }}{{ a|length }}")
    assert engine.render(source, {}) == "x11d0"


def test_syntax_errors_name_the_line(engine: TemplateEngine) -> None:
    with pytest.raises(TemplateError) as info:
        engine.render("a\nb\n{{ 1 + }}", {})
    assert info.value.line == 3 and "line 3" in str(info.value)
    with pytest.raises(TemplateError, match="endif"):
        engine.render("{% if x %}", {})
    with pytest.raises(TemplateError, match="Unknown"):
        engine.render("{% bogus %}", {})


def test_compiled_templates_are_cached_and_bounded() -> None:
    from designer.templates import engine as engine_module

    engine = TemplateEngine()
    assert engine.compile("Hi {{ n }}") is engine.compile("Hi {{ n }}")
    for i in range(engine_module.CACHE_SIZE + 10):
        engine.compile(f"{{{{ {i} }}}}")
    assert len(engine._caches["twig"]) == engine_module.CACHE_SIZE


def test_clock_can_be_pinned() -> None:
    engine = TemplateEngine(now=lambda: datetime(2020, 2, 29, 12, 0, tzinfo=UTC))
    assert engine.render("{{ 'now'|date('Y-m-d H:i') }}|{{ date()|date('U') }}", {}) == "2020-02-29 12:00|1582977600"
    assert engine.render("{{ 'now'|date('H:i', 'Asia/Tokyo') }}", {}) == "21:00"


def test_context_mapping_is_not_copied_or_changed(engine: TemplateEngine) -> None:
    context = {"n": 1}
    assert engine.render("{% set n = 2 %}{% set m = 3 %}{{ n }}{{ m }}", context) == "23"
    assert context == {"n": 1}


def test_php_helpers() -> None:
    assert to_php_string(True) == "1" and to_php_string(None) == "" and to_php_string(2.0) == "2"
    assert to_php_string([1]) == "Array" and to_php_string(0.1 + 0.2) == "0.3"
    assert is_php_empty("") and is_php_empty([]) and is_php_empty(None) and not is_php_empty("0")
    assert php_json_encode({"a": "/", "b": []}) == '{"a":"\\/","b":[]}'
    assert php_json_decode('{"0":"a","1":"b"}') == ["a", "b"]
    assert php_json_decode("{}") == [] and php_json_decode("nope") is None
    assert php_loose_equals("1", 1) and php_loose_equals("abc", "ABC") is False and php_loose_equals(None, [])
    assert php_sort([3, 1, 2]) == {1: 1, 2: 2, 0: 3}
    assert php_sort({"b": 2, "a": 1}) == {"a": 1, "b": 2}
    assert next(iter(php_sort([{"x": "b", "p": 1}, {"x": "a", "p": 2}]).values()))["x"] == "a"


def test_rendering_from_many_threads() -> None:
    import threading

    engine = TemplateEngine()
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(50):
                assert engine.render(f"{{{{ n + {j} }}}}", {"n": i}) == str(i + j)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
