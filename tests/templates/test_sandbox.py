"""The sandbox: template-injection payloads are refused (TemplateError) or bounded, and nothing leaks."""
from __future__ import annotations

import gc
import threading

import pytest

from designer.templates import SecurityError, TemplateEngine, TemplateError

SECRET_CONTEXT = {"name": "Kina", "d": {"a": 1}, "s": "text", "list": [1, 2]}

# Each must raise TemplateError (a syntax, sandbox or runtime refusal).
REFUSED = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ s.__class__.__base__.__subclasses__() }}",
    "{{ ''['__class__'] }}",
    "{{ d.__init__.__globals__ }}",
    "{{ d.__globals__ }}",
    "{{ d.__builtins__ }}",
    "{{ list.__len__() }}",
    "{{ s.mro }}",
    "{{ s.mro() }}",
    "{{ s.format }}",
    "{{ s.format('{0.__class__}') }}",
    "{{ s.format_map(d) }}",
    "{{ d.func_globals }}",
    "{{ d.f_globals }}",
    "{{ d.gi_frame }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__.os }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ lipsum() }}",
    "{{ cycler() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ config.__class__ }}",
    "{{ request.__class__ }}",
    "{{ request.application.__globals__ }}",
    "{{ '{0.__class__}'|format(s) }}",
    "{{ '%s{0.__class__.__init__.__globals__}'|format(s) }}",
    "{{ s|attr('__class__') }}",
    "{{ s|attr('format') }}",
    "{{ d|map('upper') }}",
    "{{ d|select }}",
    "{{ d|tojson }}",
    "{{ s|safe }}",
    "{{ d|pprint }}",
    "{{ attribute(s, '__class__') }}",
    "{{ attribute(d, '__init__') }}",
    "{{ dump(d) }}",
    "{{ constant('PHP_VERSION') }}",
    "{{ source('x') }}",
    "{{ template_from_string('x') }}",
    "{{ include('x') }}",
    "{{ dict(a=1) }}",
    "{{ eval('1') }}",
    "{{ __import__('os') }}",
    "{{ range(1, 10**9)|length }}",
    "{{ range(1, 100000000)|length }}",
    "{{ (1..10000000)|length }}",
    "{% for i in 1..1000000 %}{% for j in 1..1000000 %}x{% endfor %}{% endfor %}",
    "{% for i in 1..1000 %}{% for j in 1..1000 %}{% for k in 1..1000 %}{% endfor %}{% endfor %}{% endfor %}",
    "{% set s = 'aaaaaaaaaa' %}{% for i in 1..40 %}{% set s = s ~ s %}{% endfor %}{{ s|length }}",
    "{{ 'a'|repeat(1000000000) }}",
    "{{ [1, 2]|batch(1000000000, 'x')|length }}",
    "{{ 'a' * 1000000000 }}",
    "{% include 'x' %}",
    "{% import 'x' as y %}",
    "{% from 'x' import y %}",
    "{% macro m() %}{% endmacro %}",
    "{% extends 'x' %}",
    "{% block b %}{% endblock %}",
    "{% embed 'x' %}{% endembed %}",
    "{% use 'x' %}",
    "{% autoescape %}{% endautoescape %}",
    "{% flush %}",
    "{% raw %}{% endraw %}",
    "{% call x() %}{% endcall %}",
    "{% print 1 %}",
    "{{ 1|nonexistent_filter }}",
    "{{ nonexistent_function() }}",
    "{{ " + "(" * 500 + "1" + ")" * 500 + " }}",
    "{{ " + "[" * 500 + "]" * 500 + " }}",
    "{% if true %}" * 200 + "{% endif %}" * 200,
    "{{ 1 + }}",
    "{% for %}",
    "{{ 'unclosed }}",
    "{% if x %}",
]


@pytest.mark.parametrize("payload", REFUSED)
def test_payload_is_refused(payload: str) -> None:
    engine = TemplateEngine()
    with pytest.raises(TemplateError) as info:
        engine.render(payload, dict(SECRET_CONTEXT))
    text = str(info.value)
    for leak in ("<class", "<built-in", "<function", "module", "globals"):
        assert leak not in text.lower() or "not allowed" in text.lower() or "unknown" in text.lower()


# Each renders, but harmlessly: nothing of Python shows and the output is bounded.
BOUNDED = {
    "{{ self }}": "",
    "{{ self.x }}": "",
    "{{ config }}{{ request }}{{ cycler }}{{ joiner }}{{ lipsum }}{{ namespace }}{{ range }}": "",
    "{{ s.upper }}{{ s.upper() }}{{ d.keys() }}{{ d.values }}{{ d.items }}{{ list.append }}": "",
    "{{ loop }}{{ loop.__class__ is defined ? 'y' : 'n' }}": "n",
    "{{ 'a'|format }}": "a",
    "{{ '%s'|format(d) }}": "Array",
    "{{ 2 ** 100000 }}": "INF",
    "{{ 10 ** 400 }}": "INF",
    "{{ 9 ** 9 ** 9 }}": "INF",
    "{% set a = [] %}{% for i in 1..50 %}{% set a = [a] %}{% endfor %}{{ a|length }}": "1",
    "{{ d.a }}{{ list.1 }}{{ missing.x.y.z }}": "12",
    "{% set x = -2 %}{{ x ** 0.5 }}": "NAN",  # not a Python complex number
}

_LAUGHS = ('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
           + "".join(f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(8)) + "]><x>&i;</x>")


@pytest.mark.parametrize("document", [
    _LAUGHS,  # a billion laughs: 10^9 characters if expanded
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',  # an external entity
])
def test_xml_entity_attacks_give_false(document: str) -> None:
    """Expat refuses the amplification and never fetches external entities: xml_decode is false (prints '')."""
    source = "{% set x = xml_decode(doc) %}{{ x is same as(false) ? 'false' : x }}|{{ x|length }}"
    assert TemplateEngine().render(source, {"doc": document}) == "false|0"


@pytest.mark.parametrize("payload,expected", BOUNDED.items())
def test_payload_is_harmless(payload: str, expected: str) -> None:
    assert TemplateEngine().render(payload, dict(SECRET_CONTEXT)) == expected


@pytest.mark.parametrize("payload", [
    "{% set s %}{% for i in 1..100000 %}{{ big }}{% endfor %}{% endset %}{{ s|length }}",
    "{% set l = [] %}{% for i in 1..10 %}{% set l = l|merge([big]) %}{% endfor %}{{ l|join|length }}",
    "{{ 'aaaaaaa'|replace({'a': big}) }}",
    "{{ big ~ big ~ big ~ big ~ big ~ big }}",
    "{% for i in 1..10 %}{{ big }}{% endfor %}",
    "{{ '%1000000000s'|format('x') }}",
    "{{ 1|number_format(100000000) }}",
    "{% set j = {} %}{% set j = dict_set(j, big|slice(0, 20000)|replace({'x': 'a.'}), 1) %}",
])
def test_big_strings_are_refused(payload: str) -> None:
    with pytest.raises(TemplateError):
        TemplateEngine().render(payload, {"big": "x" * 1_000_000})


def test_deep_nesting_json_encode_is_bounded() -> None:
    engine = TemplateEngine()
    source = "{% set a = 1 %}{% for i in 1..2000 %}{% set a = [a] %}{% endfor %}{{ a|json_encode|length }}"
    output = engine.render(source, {})
    assert output == "0"  # PHP's json_encode gives false past depth 512 → prints ''; length of '' is 0


def test_sandbox_errors_are_security_errors() -> None:
    engine = TemplateEngine()
    for payload in ("{{ ''.__class__ }}", "{% include 'x' %}", "{{ range(1, 10**9) }}", "{{ s|attr('x') }}"):
        with pytest.raises(SecurityError):
            engine.render(payload, SECRET_CONTEXT)


def test_context_is_not_modified() -> None:
    context = {"d": {"a": 1}, "list": [1, 2]}
    TemplateEngine().render("{% set d = dict_set(d, 'b', 2) %}{% set list = list|merge([3]) %}{% do d %}", context)
    assert context == {"d": {"a": 1}, "list": [1, 2]}


def test_engine_stays_healthy_after_refusals() -> None:
    engine = TemplateEngine()
    before = set(threading.enumerate())  # other tests' background threads are not this test's business
    for payload in REFUSED:
        with pytest.raises(TemplateError):
            engine.render(payload, dict(SECRET_CONTEXT))
    gc.collect()
    assert engine.render("Hi, {{ name }}!", {"name": "Kina"}) == "Hi, Kina!"
    assert [t for t in threading.enumerate() if t not in before] == []  # no refusal left a thread behind


def test_errors_name_the_template_line() -> None:
    engine = TemplateEngine()
    with pytest.raises(TemplateError) as info:
        engine.render("line one\n{{ 'x' }}\n{{ [] + 1 }}\n", {})
    assert info.value.line == 3
    assert "line 3" in str(info.value)
    with pytest.raises(TemplateError) as info:
        engine.render("ok\n\n{% include 'x' %}", {})
    assert info.value.line == 3
