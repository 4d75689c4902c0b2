"""A full validation of realistic outputs: parse + JSON Schema + rules +
grounding + quality (language, readability included), per task kind.

    python -m beacon.runtime bench -- .venv/bin/python bench/validate.py [--runs 2000]

Target: p50 under 10 ms. The rules' result cache is emptied before every run,
so the figures are for outputs never seen before.
"""

import argparse
import json
import statistics
import time

from stack import percentile, setup_django

CONTENT = (
    "Acme Trailblazer hiking boot. Waterproof leather upper, rubber sole, 1.2 kg per pair, "
    "sizes 38-46. Colour: brown. Made in Portugal."
)
OUTPUTS = {
    "product_description": {
        "title": "Acme Trailblazer waterproof leather hiking boot",
        "description": "The Acme Trailblazer is a hiking boot with a waterproof leather upper and a rubber sole. "
        "It weighs 1.2 kg per pair and comes in sizes 38 to 46. The brown leather keeps its "
        "shape on long walks, and the sole grips on wet stone and gravel alike.",
        "bullet_points": ["Waterproof leather upper", "Rubber sole", "1.2 kg per pair", "Sizes 38-46"],
        "seo": {
            "meta_title": "Acme Trailblazer leather hiking boot",
            "meta_description": "Waterproof leather hiking boot with a rubber sole, sizes 38-46.",
        },
    },
    "metadata_enrichment": {
        "attributes": {
            "brand": {"value": "Acme", "evidence": "Acme Trailblazer hiking boot"},
            "material": {"value": "leather", "evidence": "Waterproof leather upper"},
            "colour": {"value": "brown", "evidence": "Colour: brown"},
            "size": {"value": "38-46", "evidence": "sizes 38-46"},
        }
    },
    "moderation_summary": {
        "verdict": "allow",
        "categories": ["none"],
        "summary": "A product description of a leather hiking boot, with no policy concerns.",
    },
    "taxonomy_tagging": {"categories": [{"path": "Apparel & Accessories > Shoes", "confidence": 0.92}]},
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    setup_django()
    from prompts.task_kinds import task_kinds
    from validation import rules
    from validation.grounding import ground_extraction, ground_generation
    from validation.output import output_validate
    from validation.quality import quality_evaluate
    from validation.rules import rules_evaluate

    parameters = {"content": CONTENT, "locale": "en-US"}
    print(f"validate: {args.runs} full validations per task kind (rules cache cold)")
    for name, output in OUTPUTS.items():
        kind = task_kinds()[name]
        text = "Here is the JSON:\n```json\n" + json.dumps(output, indent=2) + "\n```"  # exercises pass 2
        tables = {"taxonomy": list(kind.context.get("taxonomy", []))}
        timings = []
        for _ in range(args.runs):
            rules._RESULTS.clear()
            started = time.perf_counter()
            report = output_validate(text=text, validator=kind.output_validator)
            assert report.valid, report.errors
            trace = rules_evaluate(list(kind.rules), report.parsed, tables)
            trace += quality_evaluate(kind.quality, report.parsed, locale="en-US")
            if kind.output_kind == "extraction":
                ground_extraction(report.parsed, parameters)
            elif kind.output_kind == "generation":
                ground_generation(report.parsed, parameters)
            timings.append((time.perf_counter() - started) * 1000)
        failed = [r.rule for r in trace if not r.passed]
        print(
            f"  {name:<22} p50 {statistics.median(timings):6.3f} ms  p99 {percentile(timings, 99):6.3f} ms"
            f"  ({len(trace)} checks{', failed: ' + ', '.join(failed) if failed else ''})"
        )


if __name__ == "__main__":
    main()
