"""Template versions: immutability, checks, the workflow, labels, inheritance."""

import pytest

from prompts.models import ImmutableVersionError, PromptTemplate, TemplateVersion
from prompts.rendering import render_version
from prompts.services import (
    Arm,
    TemplateError,
    label_rollback,
    label_set,
    template_create,
    template_delete,
    version_create,
    version_transition,
)
from prompts.task_kinds import task_kinds
from prompts.tests.factories import version_activate

pytestmark = pytest.mark.django_db
SYSTEM = '{% extends "_base/system.jinja" %}{% block task %}Extract attributes.{% endblock %}'
USER = '{% extends "_base/user.jinja" %}{% block instructions %}Go.{% endblock %}'
PARAMS = {"content": "Blue cotton shirt, 200 g, see https://acme.example/x", "locale": "en-US"}


@pytest.fixture
def template():
    return template_create(organization=None, name="enrich-v2", task_kind="metadata_enrichment", owner="ana")


def draft(template, **fields):
    return version_create(template=template, **{"system_prompt": SYSTEM, "user_prompt": USER, **fields})


def live(template, **fields):
    return version_activate(draft(template, **fields))


def test_every_task_kind_is_seeded_with_an_active_production_version():
    for name in task_kinds():
        template = PromptTemplate.objects.get(name=name)
        label = template.labels.get(name="production")
        version = label.arms.get().version
        assert (version.version, version.status) == (task_kinds()[name].version, "active")
        assert len(version.content_hash) == 64


def test_a_saved_version_is_immutable_but_its_status_moves(template):
    version = draft(template)
    version.system_prompt = "changed"
    with pytest.raises(ImmutableVersionError):
        version.save()
    version = version_transition(version=TemplateVersion.objects.get(pk=version.pk), action="submit")
    assert version.status == "review"


def test_versions_number_themselves_and_cannot_be_reused(template):
    assert draft(template).version == "1.0.0"
    assert draft(template).version == "1.1.0"
    with pytest.raises(TemplateError) as caught:
        draft(template, version="1.1.0")
    assert caught.value.code == "conflict"


@pytest.mark.parametrize(
    ("user_prompt", "message", "line"),
    [
        ("Hello\n{% if content %}unclosed", "syntax error", 2),
        ("Line one\n  {{ colour }}", "undefined variable 'colour'", 2),
        ("{% import 'x' as y %}", "imports are not allowed", 1),
        ("{% include 'other.jinja' %}", "only the shared _base templates", 1),
        ("{{ content.__class__.__mro__ }}", "attribute '__class__' is not allowed", 1),
        ("{{ cycler.__init__.__globals__ }}", "attribute '__init__' is not allowed", 1),
    ],
)
def test_checks_reject_bad_templates_and_point_at_the_line(template, user_prompt, message, line):
    with pytest.raises(TemplateError) as caught:
        draft(template, user_prompt=user_prompt)
    errors = caught.value.errors
    assert any(message in e.message and e.field == "userPrompt" and e.line == line for e in errors), errors


def test_an_undefined_variable_reports_its_column(template):
    with pytest.raises(TemplateError) as caught:
        draft(template, user_prompt="ab\ncd {{ nope }}")
    error = caught.value.errors[0]
    assert (error.line, error.column) == (2, 7)


def test_strict_undefined_fails_the_test_render(template):
    with pytest.raises(TemplateError) as caught:
        draft(template, user_prompt="{{ product.colour.shade }}")
    assert "test render failed" in caught.value.errors[0].message


def test_size_limits(template):
    with pytest.raises(TemplateError):
        draft(template, user_prompt="x" * 20_001)
    with pytest.raises(TemplateError):
        draft(template, few_shot_examples=[{"input": "a", "output": {}}] * 51)


def test_the_review_workflow_and_illegal_moves(template):
    version = draft(template)
    with pytest.raises(TemplateError) as caught:
        version_transition(version=version, action="activate")
    assert caught.value.code == "invalid_state"
    version = version_activate(version)
    assert version.status == "active"
    assert version_transition(version=version, action="deprecate").status == "deprecated"


def test_production_takes_only_active_versions_and_every_move_is_recorded(template):
    first = live(template)
    candidate = draft(template)
    with pytest.raises(TemplateError):
        label_set(template=template, name="production", arms=[Arm(candidate)], moved_by="ana", reason="try")
    label_set(template=template, name="production", arms=[Arm(first)], moved_by="ana", reason="launch")
    second = live(template, system_prompt=SYSTEM.replace("Extract attributes.", "Extract all attributes."))
    label = label_set(template=template, name="production", arms=[Arm(second)], moved_by="bo", reason="better")
    assert label.arms.get().version == second
    label = label_rollback(template=template, name="production", moved_by="ana", reason="regression")
    assert label.arms.get().version == first
    moves = list(label.moves.values_list("moved_by", "reason"))
    assert moves[0] == ("ana", "rollback: regression") and moves[1] == ("bo", "better")
    staging = label_set(template=template, name="staging", arms=[Arm(candidate)], moved_by="bo", reason="qa")
    assert staging.arms.get().version == candidate  # any label may point at a draft


def test_a_child_version_extends_its_parent_by_blocks(template):
    parent = draft(template, system_prompt=SYSTEM + "{% block extra_rules %}- Keep it plain.{% endblock %}")
    child = draft(
        template, parent=parent,
        system_prompt="{% extends parent.system %}{% block task %}Extract every attribute.{% endblock %}",
    )  # fmt: skip
    kind = task_kinds()["metadata_enrichment"]
    system = render_version(version=child, kind=kind, parameters=PARAMS, fence_token="DATA_T")[0]["content"]
    assert "Extract every attribute." in system and "Keep it plain." in system
    assert "Extract attributes." not in system
    assert "never an instruction" in system  # the shared base's safety rules


def test_a_deleted_template_takes_no_new_versions(template):
    template_delete(template=template)
    with pytest.raises(TemplateError):
        draft(template)


@pytest.mark.parametrize(
    "user_prompt",
    [
        '{{ "x" * 300000000 }}',
        "{{ [1] * 10000000 }}",
        "{{ 7 ** 100000000 }}",
        "{% for a in range(1000) %}{% for b in range(1000) %}{% endfor %}{% endfor %}",
        "{% for a in range(100) %}{{ content * 5000 }}{% endfor %}",
        "{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}",
        "{{ 1 / 0 }}",
    ],
)
def test_hostile_templates_are_refused_at_save_within_limits(template, user_prompt):
    import time

    started = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        draft(template, user_prompt=user_prompt)
    assert time.monotonic() - started < 5  # refused quickly, not after allocating or looping
    assert "test render failed" in caught.value.errors[0].message


def test_a_template_within_the_limits_still_renders(template):
    version = draft(template, user_prompt="{% for i in range(3) %}{{ i }}{% endfor %} {{ fence(content) }}")
    assert version.user_prompt.startswith("{% for")


def test_the_range_allowance_is_for_the_whole_render():
    from jinja2.exceptions import SecurityError

    from prompts.rendering import RangeBudget

    budget = RangeBudget(limit=10)
    assert list(budget(5)) == [0, 1, 2, 3, 4]
    with pytest.raises(SecurityError):
        budget(6)  # 5 + 6 > 10: the allowance is for the whole render


def test_loops_share_one_allowance_so_nested_loops_over_a_long_input_stop():
    """A loop inside a loop over the job's own content writes nothing and
    multiplies nothing: only the loop allowance stops it (at job time too)."""
    import time

    from jinja2.exceptions import SecurityError

    from prompts.rendering import _environment, render_bounded

    template = _environment().from_string(
        "{% for a in content %}{% for b in content %}{% endfor %}{% endfor %}{{ loop_ok }}"
    )
    started = time.monotonic()
    with pytest.raises(SecurityError):
        render_bounded(template, {"content": "x" * 20_000, "loop_ok": "done"})
    assert time.monotonic() - started < 5
    assert render_bounded(template, {"content": "x" * 100, "loop_ok": "done"}) == "done"
    listed = _environment().from_string("{% for c in items %}{{ loop.index }}/{{ loop.length }} {% endfor %}")
    assert render_bounded(listed, {"items": "ab"}) == "1/2 2/2 "
