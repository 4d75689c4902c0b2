"""python manage.py review_export [--out FILE] [--since 2026-11-01] [--task-kind KIND]"""

import sys
from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from review.exports import review_decisions_jsonl


class Command(BaseCommand):
    help = "Export reviewer decisions as JSONL (input, model output, final output, decision)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", help="file to write (default: stdout)")
        parser.add_argument("--since", help="only decisions on or after this date (YYYY-MM-DD)")
        parser.add_argument("--task-kind")

    def handle(self, *args: Any, **options: Any) -> None:
        since = None
        if options["since"]:
            try:
                since = timezone.make_aware(datetime.combine(datetime.fromisoformat(options["since"]).date(), time()))
            except ValueError as exc:
                raise CommandError(f"--since must be a date like 2026-11-01: {exc}") from exc
        lines = review_decisions_jsonl(since=since, task_kind=options["task_kind"])
        count = 0
        if options["out"]:
            with open(options["out"], "w", encoding="utf-8") as handle:
                for line in lines:
                    handle.write(line)
                    count += 1
        else:
            for line in lines:
                sys.stdout.write(line)
                count += 1
        self.stderr.write(f"{count} decision(s) exported")
