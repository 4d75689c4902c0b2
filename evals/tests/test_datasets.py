"""Datasets: import validates every line (or imports nothing), versions
increase, export round-trips, the adversarial set imports whole."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from evals.datasets import DatasetError, dataset_export, dataset_get, dataset_import
from evals.models import EvalItem
from evals.splits import fresh_split

FRESH_CASES = Path(__file__).resolve().parents[2] / "safety" / "data" / "adversarial" / "fresh.jsonl"

pytestmark = pytest.mark.django_db


def _row(key: str, **overrides) -> str:
    row = {"key": key, "taskKind": "metadata_enrichment", "provenance": "hand_labelled",
           "input": {"content": "Navy cotton T-shirt by Acme, size L.", "locale": "en-US"},
           "expected": {"attributes": {"colour": {"value": "navy", "evidence": "Navy"}}},
           "tags": {"locale": "en-US", "difficulty": "easy"}, "source": {"flipkart": "abc123"},
           **overrides}  # fmt: skip
    return json.dumps(row)


def test_an_import_creates_a_version_and_export_round_trips():
    first = dataset_import(name="golden", kind="golden", lines=[_row("a"), _row("b")])
    assert (first.dataset.version, first.items, first.by_task_kind) == (1, 2, {"metadata_enrichment": 2})
    second = dataset_import(name="golden", kind="golden", lines=[_row("a")])
    assert second.dataset.version == 2 and dataset_get("golden").version == 2
    exported = [json.loads(line) for line in dataset_export(dataset_get("golden", 1))]
    assert [json.loads(_row("a")), json.loads(_row("b"))] == exported


def test_every_bad_line_is_named_and_nothing_is_imported():
    lines = [_row("a"), "not json", _row("b", taskKind="poetry"), _row("c", input={"locale": "en-US"}),
             _row("a"), _row("d", provenance="guess")]  # fmt: skip
    with pytest.raises(DatasetError) as raised:
        dataset_import(name="golden", kind="golden", lines=lines)
    problems = "\n".join(raised.value.problems)
    assert "line 2: not JSON" in problems and "line 3: unknown taskKind 'poetry'" in problems
    assert "line 4: input input: 'content' is a required property" in problems
    assert "line 5: key 'a' appears twice" in problems and "line 6: provenance must be" in problems
    assert EvalItem.objects.count() == 0


def test_the_command_imports_the_adversarial_set_and_exports_it(tmp_path, capsys):
    call_command("eval", "import", "--dataset", "adversarial", "--kind", "adversarial", "--from-adversarial-set")
    assert "adversarial v1: 1624 items" in capsys.readouterr().out
    item = EvalItem.objects.get(key="adv-0001")
    assert item.expected["successMarkers"] and item.tags["technique"] == "direct_override"
    out = tmp_path / "adversarial.jsonl"
    call_command("eval", "export", "--dataset", "adversarial", "--out", str(out))
    assert len(out.read_text().splitlines()) == 1624
    with pytest.raises(CommandError, match="no dataset"):
        call_command("eval", "export", "--dataset", "missing")


def test_the_blind_part_of_the_adversarial_set_imports_on_its_own(capsys):
    call_command("eval", "import", "--dataset", "blind", "--kind", "adversarial", "--from-adversarial-set",
                 "--blind-only")  # fmt: skip
    assert "blind v1: 650 items" in capsys.readouterr().out
    assert not EvalItem.objects.filter(key="adv-0374").exists() and EvalItem.objects.filter(key="adv-0375").exists()
    assert EvalItem.objects.get(key="adv-0375").tags["locale"]  # the sampler's strata need it


def test_a_run_on_the_adversarial_test_part_takes_its_frozen_cases_pinned_to_a_deployment(capsys):
    from evals.models import EvalDataset
    from evals.runner import run_start

    call_command("eval", "import", "--dataset", "adversarial", "--kind", "adversarial", "--from-adversarial-set")
    dataset = EvalDataset.objects.get(name="adversarial")
    run = run_start(dataset=dataset, template="production", split="test", route="obedient")
    keys = set(run.results.values_list("item__key", flat=True))
    assert len(keys) == 1009 and "adv-1624" in keys and "adv-0001" not in keys
    with pytest.raises(DatasetError, match="deployment's name"):
        run_start(dataset=dataset, template="production", split="test", route="nonesuch")


def test_the_fresh_adversarial_set_imports_and_runs_its_frozen_test_part(capsys):
    from evals.models import EvalDataset
    from evals.runner import run_start

    call_command("eval", "import", "--dataset", "fresh", "--kind", "adversarial", "--from-adversarial-set", "--fresh")
    refused = {"fresh-0095", "fresh-0168", "fresh-1021"}  # a field longer than the API takes
    assert "left out 3 case(s) the API refuses as input: fresh-0095, fresh-0168, fresh-1021" in capsys.readouterr().out
    dataset = EvalDataset.objects.get(name="fresh")
    assert dataset.items.count() == 1200 - 3
    run = run_start(dataset=dataset, template="production", split="test", route="obedient")
    keys = set(run.results.values_list("item__key", flat=True))
    cases = [json.loads(line) for line in FRESH_CASES.read_text(encoding="utf-8").splitlines()]
    assert keys == {key for key, part in fresh_split(cases).items() if part == "test"} - refused
