"""Parsing replayed on real outputs of the local model (bench/record_outputs.py):
prose around JSON, cut-off JSON, prose with no JSON at all."""

import json
from collections import Counter
from pathlib import Path

from validation.output import parse_model_output

RECORDS = json.loads((Path(__file__).parent / "fixtures" / "local_model_outputs.json").read_text())["records"]


def test_every_recorded_output_parses_or_says_why_without_raising():
    passes: Counter[str | None] = Counter()
    for record in RECORDS:
        result = parse_model_output(record["text"])
        passes[result.parse_pass] += 1
        if result.parse_pass is None:
            assert result.error and result.value is None  # goes to pass 3, the repair call
        else:
            assert isinstance(result.value, dict | list)
            assert result.parse_pass == "direct" or result.changes
    assert passes["extracted"] >= 1 and passes[None] >= 1  # the fixture exercises passes 2 and 3
    assert sum(passes.values()) == len(RECORDS) == 24


def test_cut_off_outputs_are_recorded_as_such():
    truncated = [r for r in RECORDS if r["finishReason"] == "length"]
    assert truncated, "the fixture holds outputs cut off by the token limit"
    for record in truncated:
        parse_model_output(record["text"])  # never raises
