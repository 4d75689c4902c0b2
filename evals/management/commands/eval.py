"""python manage.py eval import|export|list ...

eval import --dataset NAME --kind golden|adversarial FILE.jsonl [--description TEXT]
eval import --dataset NAME --kind adversarial --from-adversarial-set   (safety/data/adversarial)
eval export --dataset NAME [--version N] [--out FILE]
eval list
"""

import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from evals.datasets import DatasetError, adversarial_rows, dataset_export, dataset_get, dataset_import
from evals.models import DatasetKind, EvalDataset
from evals.sampling import history_rows, stratified_sample

ADVERSARIAL_SET = Path(settings.BASE_DIR) / "safety" / "data" / "adversarial" / "cases.jsonl"


class Command(BaseCommand):
    help = "Evaluation datasets: import and export JSONL, list versions."

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import")
        importing.add_argument("file", nargs="?")
        importing.add_argument("--dataset", required=True)
        importing.add_argument("--kind", choices=DatasetKind.values, required=True)
        importing.add_argument("--description", default="")
        importing.add_argument("--from-adversarial-set", action="store_true")
        importing.add_argument("--from-review-export", action="store_true",
                               help="FILE is reviewed past jobs as review_export writes them")  # fmt: skip
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

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DatasetError as exc:
            for problem in exc.problems[:50]:
                self.stderr.write(problem)
            raise CommandError(str(exc)) from exc

    def _import(self, options: dict[str, Any]) -> None:
        if options["from_adversarial_set"]:
            cases = (json.loads(line) for line in ADVERSARIAL_SET.read_text(encoding="utf-8").splitlines() if line)
            lines: Any = adversarial_rows(cases)
        elif options["file"] and options["from_review_export"]:
            lines = history_rows(Path(options["file"]).read_text(encoding="utf-8").splitlines())
        elif options["file"]:
            lines = Path(options["file"]).read_text(encoding="utf-8").splitlines()
        else:
            raise CommandError("give a FILE or --from-adversarial-set")
        result = dataset_import(name=options["dataset"], kind=options["kind"], lines=lines,
                                description=options["description"])  # fmt: skip
        self.stdout.write(f"{result.dataset}: {result.items} items {json.dumps(result.by_task_kind)}")

    def _export(self, options: dict[str, Any]) -> None:
        dataset = dataset_get(options["dataset"], options["version"])
        out = open(options["out"], "w", encoding="utf-8") if options["out"] else sys.stdout  # noqa: SIM115
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
        out = open(options["out"], "w", encoding="utf-8") if options["out"] else sys.stdout  # noqa: SIM115
        try:
            for item in chosen:
                out.write(json.dumps({"key": item.key, "taskKind": item.task_kind, "tags": item.tags},
                                     ensure_ascii=False) + "\n")  # fmt: skip
        finally:
            if out is not sys.stdout:
                out.close()
        self.stderr.write(f"{len(chosen)} of {dataset.items.count()} items proposed from {dataset}")

    def _list(self, options: dict[str, Any]) -> None:
        for dataset in EvalDataset.objects.all():
            self.stdout.write(f"{dataset.name} v{dataset.version} ({dataset.kind}): {dataset.items.count()} items")
