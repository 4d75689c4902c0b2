"""python manage.py eval <action> ...

Datasets:
  eval import --dataset NAME --kind golden|adversarial FILE.jsonl [--description TEXT]
  eval import --dataset NAME --kind adversarial --from-adversarial-set [--blind-only | --fresh]  (safety/data/...)
  eval import --dataset NAME --kind history FILE --from-review-export
  eval import --dataset golden --kind golden --golden [--data-dir DIR]     (labels + public records)
  eval golden-labels [--data-dir DIR]      rewrite evals/data/golden/labels.jsonl from the records
  eval sample --dataset NAME [--size 1000] [--out FILE]
  eval export --dataset NAME [--version N] [--out FILE]
  eval list
Runs:
  eval run --dataset NAME --template LABEL_OR_VERSION [--route small|large|policy|DEPLOYMENT] [--sample N]
           [--concurrency K] [--task-kind KIND ...] [--gate] [--report FILE]
  eval run --resume RUN_ID [--concurrency K] [--gate]
  eval compare RUN_A RUN_B
  eval report RUN_ID --out FILE.html
"""

import json
import sys
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from evals.compare import runs_compare
from evals.datasets import DatasetError, adversarial_rows, dataset_export, dataset_get, dataset_import
from evals.fewshot import fewshot_load
from evals.golden import DEFAULT_DATA_DIR, golden_rows, labels_read
from evals.labelling import labels_build, labels_write, unseen_labels
from evals.models import DatasetKind, EvalDataset, EvalRun
from evals.report import run_report
from evals.runner import run_execute, run_rescore, run_start
from evals.sampling import history_rows, stratified_sample
from evals.sources import SourceMissing
from evals.splits import SPLITS
from prompts.task_kinds import task_kinds

ADVERSARIAL_SET = Path(settings.BASE_DIR) / "safety" / "data" / "adversarial" / "cases.jsonl"
FRESH_ADVERSARIAL_SET = ADVERSARIAL_SET.with_name("fresh.jsonl")


def _run_named(run_id: str, what: str = "") -> EvalRun:
    """The run with this id; a clear error for an unknown or malformed one."""
    try:
        run = EvalRun.objects.select_related("dataset").filter(id=uuid.UUID(run_id)).first()
    except ValueError:
        run = None
    if run is None:
        raise CommandError(f"no run {run_id}{what}")
    return run


class Command(BaseCommand):
    help = "Evaluation: datasets, runs against the real pipeline, gates, comparisons and reports."

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import")
        importing.add_argument("file", nargs="?")
        importing.add_argument("--dataset", required=True)
        importing.add_argument("--kind", choices=DatasetKind.values, required=True)
        importing.add_argument("--description", default="")
        importing.add_argument("--from-adversarial-set", action="store_true")
        importing.add_argument(
            "--blind-only",
            action="store_true",
            help="with --from-adversarial-set: only the cases no layer was tuned on",
        )
        importing.add_argument(
            "--fresh",
            action="store_true",
            help="with --from-adversarial-set: the fresh set (fresh.jsonl), written apart from every layer",
        )
        importing.add_argument(
            "--from-review-export", action="store_true", help="FILE is reviewed past jobs as review_export writes them"
        )
        importing.add_argument("--golden", action="store_true", help="the repository's labels joined with the records")
        importing.add_argument(
            "--unseen",
            action="store_true",
            help="records the golden set does not use, labelled by its rules (enrichment, tagging)",
        )
        importing.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
        labelling = actions.add_parser("golden-labels")
        labelling.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
        sampling = actions.add_parser("sample")
        sampling.add_argument("--dataset", required=True)
        sampling.add_argument("--size", type=int, default=1000)
        sampling.add_argument("--minimum", type=int, default=5)
        sampling.add_argument("--seed", type=int, default=0)
        sampling.add_argument("--out")
        exporting = actions.add_parser("export")
        exporting.add_argument("--dataset", required=True)
        exporting.add_argument("--version", type=int)
        exporting.add_argument("--out")
        actions.add_parser("list")
        running = actions.add_parser("run")
        running.add_argument("--dataset")
        running.add_argument("--version", type=int, help="dataset version (default: the latest)")
        running.add_argument("--template", help="a label (production, staging) or a version (1.2.0)")
        running.add_argument(
            "--route", default="policy", help="small, large, policy, or a deployment to pin (obedient: the stand-in)"
        )
        running.add_argument("--sample", type=int, help="a stratified sample of N items")
        running.add_argument("--seed", type=int, default=0)
        running.add_argument("--task-kind", action="append", dest="task_kinds")
        running.add_argument(
            "--split",
            choices=SPLITS,
            default="",
            help="the development or test part (evals/splits.py; golden or adversarial)",
        )
        running.add_argument(
            "--exclude-run",
            action="append",
            dest="exclude_runs",
            metavar="RUN_ID",
            help="leave out the items of this earlier run (a fresh sample that shares none of them)",
        )
        running.add_argument("--concurrency", type=int, default=2, help="jobs in flight at once")
        running.add_argument("--gate", action="store_true", help="exit 3 when a launch gate fails")
        running.add_argument("--resume", help="go on with an interrupted run")
        running.add_argument("--report", help="write the HTML report here")
        running.add_argument(
            "--stall-seconds", type=float, default=900.0, help="give up (resumably) when no item ends for this long"
        )
        comparing = actions.add_parser("compare")
        comparing.add_argument("run_a")
        comparing.add_argument("run_b")
        rescoring = actions.add_parser("rescore", help="grade a run's items again from their jobs' outputs")
        rescoring.add_argument("run")
        few_shot = actions.add_parser("fewshot", help="the platform's few-shot examples from the development part")
        few_shot.add_argument("--dataset", default="golden")
        reporting = actions.add_parser("report")
        reporting.add_argument("run")
        reporting.add_argument("--out", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action'].replace('-', '_')}")(options)
        except (DatasetError, SourceMissing) as exc:
            for problem in getattr(exc, "problems", [])[:50]:
                self.stderr.write(problem)
            raise CommandError(str(exc)) from exc

    def _out(self, path: str | None) -> Any:
        return open(path, "w", encoding="utf-8") if path else sys.stdout

    def _import(self, options: dict[str, Any]) -> None:
        if options["from_adversarial_set"]:
            source = FRESH_ADVERSARIAL_SET if options["fresh"] else ADVERSARIAL_SET
            cases = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line]
            # A case the API would refuse (a field over its length limit) never becomes a job.
            kinds = task_kinds()
            refused = {
                c["id"] for c in cases if any(kinds[c["task_kind"]].input_validator.iter_errors(c["parameters"]))
            }
            if refused:
                self.stdout.write(
                    f"left out {len(refused)} case(s) the API refuses as input: {', '.join(sorted(refused))}"
                )
                cases = [case for case in cases if case["id"] not in refused]
            if options["blind_only"]:
                cases = [case for case in cases if "blind" in case["provenance"]]
            lines: Any = adversarial_rows(cases)
        elif options["golden"]:
            lines = golden_rows(labels_read(), options["data_dir"])
        elif options["unseen"]:
            used = {(str(label["record"]["source"]), str(label["record"]["id"])) for label in labels_read()}
            lines = golden_rows(unseen_labels(options["data_dir"], used), options["data_dir"])
        elif options["file"] and options["from_review_export"]:
            lines = history_rows(Path(options["file"]).read_text(encoding="utf-8").splitlines())
        elif options["file"]:
            lines = Path(options["file"]).read_text(encoding="utf-8").splitlines()
        else:
            raise CommandError("give a FILE, --golden or --from-adversarial-set")
        result = dataset_import(
            name=options["dataset"], kind=options["kind"], lines=lines, description=options["description"]
        )
        self.stdout.write(f"{result.dataset}: {result.items} items {json.dumps(result.by_task_kind)}")

    def _golden_labels(self, options: dict[str, Any]) -> None:
        labels = labels_build(options["data_dir"])
        labels_write(labels)
        counts: dict[str, int] = {}
        for label in labels:
            counts[label["taskKind"]] = counts.get(label["taskKind"], 0) + 1
        self.stdout.write(f"{len(labels)} labels {json.dumps(counts)}")

    def _export(self, options: dict[str, Any]) -> None:
        dataset = dataset_get(options["dataset"], options["version"])
        out = self._out(options["out"])
        try:
            for line in dataset_export(dataset):
                out.write(line)
        finally:
            if out is not sys.stdout:
                out.close()

    def _sample(self, options: dict[str, Any]) -> None:
        """Propose items to label, stratified by task kind, locale and tier."""
        dataset = dataset_get(options["dataset"])
        chosen = stratified_sample(dataset, size=options["size"], minimum=options["minimum"], seed=options["seed"])
        out = self._out(options["out"])
        try:
            for item in chosen:
                out.write(
                    json.dumps({"key": item.key, "taskKind": item.task_kind, "tags": item.tags}, ensure_ascii=False)
                    + "\n"
                )
        finally:
            if out is not sys.stdout:
                out.close()
        self.stderr.write(f"{len(chosen)} of {dataset.items.count()} items proposed from {dataset}")

    def _list(self, options: dict[str, Any]) -> None:
        for dataset in EvalDataset.objects.all():
            self.stdout.write(f"{dataset.name} v{dataset.version} ({dataset.kind}): {dataset.items.count()} items")
        for run in EvalRun.objects.select_related("dataset")[:20]:
            verdict = {True: "passed", False: "failed", None: "-"}[run.passed]
            self.stdout.write(f"run {run.id} {run.dataset} {run.template}/{run.route} {run.status} {verdict}")

    def _run(self, options: dict[str, Any]) -> None:
        if options["resume"]:
            run = _run_named(options["resume"])
        else:
            if not options["dataset"] or not options["template"]:
                raise CommandError("give --dataset and --template (or --resume RUN_ID)")
            excluded = [_run_named(run_id, " to exclude") for run_id in options["exclude_runs"] or []]
            run = run_start(
                dataset=dataset_get(options["dataset"], options["version"]),
                template=options["template"],
                route=options["route"],
                sample=options["sample"],
                seed=options["seed"],
                task_kinds_only=options["task_kinds"],
                created_by="manage.py eval run",
                split=options["split"],
                exclude_runs=excluded,
            )
        self.stderr.write(
            f"run {run.id}: {run.dataset} {run.template}/{run.route}, {run.results.count()} items "
            f"(resume with: manage.py eval run --resume {run.id})"
        )
        from tqdm import tqdm

        with tqdm(total=run.results.count(), unit="item", file=sys.stderr) as bar:

            def progress(done: int, total: int) -> None:
                bar.update(done - bar.n)

            run = run_execute(
                run=run, concurrency=options["concurrency"], stall_seconds=options["stall_seconds"], progress=progress
            )
        self.stdout.write(
            json.dumps(
                {"run": str(run.id), "passed": run.passed, "gates": run.gates, "rates": run.metrics.get("rates")},
                indent=1,
            )
        )
        if options["report"]:
            Path(options["report"]).write_text(run_report(run), encoding="utf-8")
        if options["gate"] and not run.passed:
            failed = [g["metric"] for g in run.gates if not g["passed"]] or ["no gates configured"]
            raise CommandError(f"launch gate failed: {', '.join(failed)}", returncode=3)

    def _compare(self, options: dict[str, Any]) -> None:
        self.stdout.write(runs_compare(_run_named(options["run_a"]), _run_named(options["run_b"])))

    def _rescore(self, options: dict[str, Any]) -> None:
        run = run_rescore(run=_run_named(options["run"]))
        self.stdout.write(f"run {run.id}: {run.results.count()} items graded again")

    def _fewshot(self, options: dict[str, Any]) -> None:
        counts = fewshot_load(dataset=dataset_get(options["dataset"]))
        self.stdout.write(f"few-shot examples from the development part: {json.dumps(counts)}")

    def _report(self, options: dict[str, Any]) -> None:
        Path(options["out"]).write_text(run_report(_run_named(options["run"])), encoding="utf-8")
        self.stdout.write(options["out"])
