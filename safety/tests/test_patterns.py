"""The injection rules as versions in the database: seeded, checked, gated, activated."""

import json

import pytest
from django.core.management import call_command

from safety.injection import scan_text
from safety.models import InjectionPatternSet, PatternSetStatus
from safety.patterns import (
    PatternSetError,
    active_version,
    pattern_set_activate,
    pattern_set_evaluate,
    pattern_set_propose,
    patterns_hash,
    shipped_patterns,
)

pytestmark = pytest.mark.django_db

EXTRA = {"id": "test-magic-word", "category": "test", "weight": 0.6, "regex": r"\bxyzzy plugh\b"}


def test_migrate_makes_the_shipped_file_the_active_version():
    active = InjectionPatternSet.objects.get(status=PatternSetStatus.ACTIVE)
    assert active.content_hash == patterns_hash(shipped_patterns())
    assert active_version() == active.version


@pytest.mark.parametrize(
    ("rules", "why"),
    [
        ([{"id": "a", "category": "c", "weight": 0.5}], "needs id, category, weight, regex"),
        ([{**EXTRA, "regex": "(unclosed"}], "does not compile"),
        ([{**EXTRA, "regex": "x*"}], "matches empty text"),
        ([EXTRA, EXTRA], "used twice"),
        ([{**EXTRA, "weight": 2}], "weight must be"),
        ([], "non-empty list"),
    ],
)
def test_a_broken_rule_set_is_refused_with_the_reason(rules, why):
    with pytest.raises(PatternSetError, match=why):
        pattern_set_propose(patterns=rules, author="tester")


def test_a_version_is_not_activated_before_its_evaluation_passes():
    draft = pattern_set_propose(patterns=[*shipped_patterns(), EXTRA], author="tester")
    with pytest.raises(PatternSetError, match="has not been evaluated"):
        pattern_set_activate(pattern_set=draft, actor="tester")


@pytest.fixture
def no_product_records(monkeypatch):
    """The gate as on a machine without ../shared/data: the same figures everywhere."""
    monkeypatch.setattr("evals.pattern_gate.clean_records", lambda limit: [])


@pytest.mark.slow
def test_the_gate_passes_a_harmless_rule_and_the_active_set_reaches_the_scan(no_product_records):
    assert scan_text("A lamp. xyzzy plugh.").hits == []
    draft = pattern_set_propose(patterns=[*shipped_patterns(), EXTRA], author="tester", note="one more rule")
    evaluation = pattern_set_evaluate(pattern_set=draft)
    assert evaluation["passed"], evaluation
    figures = evaluation["gates"][0]["figures"]
    assert figures["blindCaught"]["total"] == 1009 + 614  # both test parts
    assert figures["cleanSource"] == "the classifier corpus's synthetic product rows"
    pattern_set_activate(pattern_set=draft, actor="tester")
    assert InjectionPatternSet.objects.get(status=PatternSetStatus.ACTIVE).pk == draft.pk
    assert [hit.rule for hit in scan_text("A lamp. xyzzy plugh.").hits] == ["test-magic-word"]


NOISY = {"id": "test-the", "category": "test", "weight": 0.6, "regex": r"\b(the|and|de|und|et)\b"}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda rules: [p for p in rules if p["id"] != "payload-with-order"], "of the blind attacks against"),
        (lambda rules: [*rules, NOISY], "clean texts (at most 1%)"),
    ],
    ids=["misses-attacks", "flags-clean-text"],
)
def test_the_gate_refuses_a_set_that_misses_more_attacks_or_flags_clean_text(no_product_records, change, why):
    draft = pattern_set_propose(patterns=change(shipped_patterns()), author="tester")
    evaluation = pattern_set_evaluate(pattern_set=draft)
    assert not evaluation["passed"]
    assert why in evaluation["gates"][0]["reason"]
    with pytest.raises(PatternSetError, match="may not be activated"):
        pattern_set_activate(pattern_set=draft, actor="tester")


def test_the_command_proposes_from_a_file_and_lists_versions(tmp_path, capsys):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"patterns": [*shipped_patterns(), EXTRA]}))
    call_command("injection_patterns", "propose", str(path), "--author", "tester")
    call_command("injection_patterns", "list")
    out = capsys.readouterr().out
    assert "draft" in out and "active" in out and "by tester" in out


def test_with_the_product_records_beside_it_the_gate_reads_them():
    from evals.pattern_gate import _clean_inputs

    source, inputs = _clean_inputs()
    if source != "product records":
        pytest.skip("../shared/data is not beside the repository here")
    assert len(inputs) > 2000 and set(inputs[0]) == {"content", "product"}


def test_a_version_that_was_in_force_before_can_be_brought_back_at_once():
    shipped = InjectionPatternSet.objects.get(status=PatternSetStatus.ACTIVE)
    newer = pattern_set_propose(patterns=[*shipped_patterns(), EXTRA], author="tester")
    pattern_set_activate(pattern_set=newer, actor="tester", gated=False)
    shipped.refresh_from_db()
    assert shipped.status == PatternSetStatus.RETIRED
    pattern_set_activate(pattern_set=shipped, actor="tester")  # the rollback needs no new evaluation
    assert InjectionPatternSet.objects.get(status=PatternSetStatus.ACTIVE).pk == shipped.pk
    assert scan_text("A lamp. xyzzy plugh.").hits == []
