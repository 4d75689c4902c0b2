"""Fit the tagging confidence's calibration table from an evaluation run.

    .venv/bin/python bench/taxonomy_calibrate.py RUN_ID [--out prompts/data/taxonomy_calibration.json]

The run must be of the golden set's development part (`eval run --split
dev`), made without a calibration table, so that the confidences it stored
are the raw ones. Isotonic regression (scikit-learn) maps raw confidence to
the top-1 accuracy it met; the table keeps the fitted steps as points that
`prompts/taxonomy.py` interpolates. The run's split is checked: a table
fitted on the test part would make every later test figure a tuned one.
"""

import argparse
import json
import sys
from pathlib import Path

from sklearn.isotonic import IsotonicRegression
from stack import BASE_DIR, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run")
    parser.add_argument("--out", default=str(BASE_DIR / "prompts" / "data" / "taxonomy_calibration.json"))
    args = parser.parse_args()
    setup_django()
    from evals.models import EvalRun

    run = EvalRun.objects.get(id=args.run)
    if run.split != "dev":
        sys.exit(f"run {run.id} is of split {run.split or 'all'!r}; fit only on the development part")
    pairs = [
        (float(r.outcome["labels"]["confidence"]), float(bool(r.outcome["labels"].get("top1"))))
        for r in run.results.all()
        if r.outcome.get("taskKind") == "taxonomy_tagging"
        and (r.outcome.get("labels") or {}).get("confidence") is not None
    ]
    if len(pairs) < 30:
        sys.exit(f"only {len(pairs)} tagging items with a confidence; too few to fit")
    model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(*zip(*pairs, strict=True))
    points = sorted(
        {
            (round(float(x), 4), round(float(y), 4))
            for x, y in zip(model.X_thresholds_, model.y_thresholds_, strict=True)
        }
    )
    table = {
        "fittedOn": f"evaluation run {run.id} (golden development part, {len(pairs)} tagging items)",
        "method": "isotonic regression of top-1 correctness on raw confidence",
        "points": points,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(table))


if __name__ == "__main__":
    main()
