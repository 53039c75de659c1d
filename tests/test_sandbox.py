"""The render sandbox: a template can read its context and nothing else, within bounded time and size."""

from __future__ import annotations

import pytest
from helpers import capped_call
from jinja2.sandbox import SecurityError

from pipeline.documents.render import jinja_env
from pipeline.documents.sandbox import TemplateLimitError


@pytest.mark.parametrize("source", [
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ (cycler|attr('__init__')).__globals__ }}",
    "{{ cycler['__init__'] }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ joiner.__call__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
])
def test_private_attributes_are_refused(source):
    with pytest.raises(SecurityError):
        jinja_env().from_string(source).render()


@pytest.mark.parametrize("source", [
    "{% for i in range(10**9) %}{% endfor %}",
    "{% for i in range(3000) %}{% for j in range(3000) %}{% endfor %}{% endfor %}",
    "{% set r = range(2000)|list %}{% for a in r %}{% for b in r %}{% endfor %}{% endfor %}",
    "{{ 'x' * 10**9 }}",
    "{{ ['x'] * 10**9 }}",
    "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "{% set ns = namespace(x=3) %}{% for i in range(40) %}{% set ns.x = ns.x * ns.x %}{% endfor %}",
    "{{ 7 ** 99999999 }}",
    "{{ 'x'|center(10**9) }}",
    "{{ 'x'|indent(10**9) }}",
    "{{ '%999999999s' % 'x' }}",
    "{{ '%*s' % (999999999, 'x') }}",
    "{{ '{:999999999}'.format('x') }}",
    "{{ 'x'.ljust(10**9) }}",
    "{{ 'x'.zfill(10**9) }}",
    "{% set s = 'x' * 1000000 %}{{ s|replace('x', s) }}",
    "{% set s = 'x' * 1000000 %}{{ s.replace('x', s) }}",
    "{% set s = 'x' * 1000000 %}{{ range(10000)|join(s) }}",
    "{% for i in range(150000) %}{{ 'x' * 1000 }}{% endfor %}",
])
def test_unbounded_work_is_refused(source):
    with pytest.raises(TemplateLimitError) as info:
        jinja_env().from_string(source).render()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.chinese)


def test_recursion_stops():
    with pytest.raises(RecursionError):
        jinja_env().from_string("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}").render()


def test_what_the_shipped_templates_use_still_works():
    source = ("{% if not cc.endswith('。') %}A{% endif %}{% for x in items %}{{ loop.index }}"
              "{{ loop.cycle('a', 'b') }}{% endfor %}{{ 'a,b'.split(',')|join('、') }}{{ d['k'] }}"
              "{{ items|length }}{{ '<' ~ cc }}{% for i in range(3) %}{{ i }}{% endfor %}")
    out = jinja_env().from_string(source).render(cc="x", items=[1, 2], d={"k": "v"})
    assert out == "A1a2ba、bv2&lt;x012"


def test_lipsum_is_not_offered():
    from jinja2 import UndefinedError
    with pytest.raises(UndefinedError):
        jinja_env().from_string("{{ lipsum(10**6) }}").render()


def test_output_past_the_bound_is_refused(monkeypatch):
    import pipeline.documents.sandbox as sandbox

    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 50_000)
    source = "{% for i in range(1000) %}{{ 'x' * 100 }}{% endfor %}"
    with pytest.raises(TemplateLimitError, match="output of more than 50000"):
        jinja_env().from_string(source).render()
    assert len(jinja_env().from_string(source.replace("1000", "400")).render()) == 40_000


# Each of these asked for gigabytes before a bound applied (a value built in one step, measured after).
BIG = "{% set s = 'x' * 3000000 %}"
ONE_STEP = {
    "join-over-range": "{% set s = 'x' * 1000000 %}{{ range(10000)|join(s) }}",
    "join-method-over-range": BIG + "{{ s.join(range(1000)) }}",
    "repr-of-list": BIG + "{{ [s] * 1000 }}",
    "string-of-list": BIG + "{{ ([s] * 1000)|string|length }}",
    "nested-lists": BIG + "{% set a = [s, s] %}{% set b = [a, a, a, a] %}{% set c = [b, b, b, b] %}{{ c|length }}{{ c }}",
    "percent-of-tuple": BIG + "{% set a = (s, s, s, s) %}{{ '%s' % (a,) }}",
    "namespace-repr": "{% set ns = namespace(a=['x' * 3000000]) %}{% set ns.b = ns.a * 3 %}{{ ns }}",
    "concat-chain": BIG + "{{ (" + " ~ ".join(["s"] * 80) + ")|length }}",
    "indent-many-lines": "{% set s = 'x\\n' * 1900000 %}{{ s|indent(9000)|length }}",
    "indent-string-width": "{% set s = 'x\\n' * 1900000 %}{{ s|indent('y' * 9000)|length }}",
    "wordwrap-wrapstring": BIG + "{{ s|wordwrap(1, true, s)|length }}",
    "nested-format-width": "{{ '{:{}}'.format('x', '999999999') }}",
    "format-filter-args": BIG + "{{ '" + "%s" * 80 + "'|format(" + ", ".join(["s"] * 80) + ")|length }}",
    "tojson-of-list": BIG + "{{ ([s] * 1000)|tojson|length }}",
}


@pytest.mark.parametrize("source", ONE_STEP.values(), ids=ONE_STEP.keys())
def test_values_built_in_one_step_are_refused_before_they_allocate(source):
    def render():
        jinja_env().from_string(source).render()

    outcome, grew_mb = capped_call(render)
    assert outcome == "TemplateLimitError"
    assert grew_mb < 160, f"{grew_mb:.0f} MB"  # the 3-million-character operand and its copies, not the result


def test_a_template_of_too_many_tags_is_refused_before_it_is_compiled():
    source = "{% if x %}{{ x.y|default('a') }}{% endif %}" * 200_000
    outcome, grew_mb = capped_call(lambda: jinja_env().from_string(source))
    assert outcome == "TemplateLimitError" and grew_mb < 100, (outcome, grew_mb)
    assert jinja_env().from_string("{{ 1 }}" * 2000).render() == "1" * 2000


def test_one_time_budget_for_every_render_of_a_build():
    from pipeline.documents.sandbox import render_budget

    slow = "{% for i in range(1000) %}{% endfor %}done"
    with render_budget(0.0):
        with pytest.raises(TemplateLimitError) as info:
            jinja_env().from_string(slow).render()
    assert info.value.timed_out
    assert jinja_env().from_string(slow).render() == "done"  # outside the budget, the render's own bound


def test_join_and_concat_still_work_as_jinja():
    source = ("{{ range(3)|join('-') }}{{ [{'n': 'a'}, {'n': 'b'}]|join(',', attribute='n') }}{{ '、'.join(['x', 'y']) }}"
              "{{ 'a' ~ 1 ~ '<' }}{{ ('x\\ny')|indent(2) }}{{ (1, 'b') }}{{ '%s=%d' % ('k', 3) }}")
    assert jinja_env().from_string(source).render() == "0-1-2a,bx、ya1&lt;x\n  y(1, &#39;b&#39;)k=3"
