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

    def _list(self, options: dict[str, Any]) -> None:
        for dataset in EvalDataset.objects.all():
            self.stdout.write(f"{dataset.name} v{dataset.version} ({dataset.kind}): {dataset.items.count()} items")
