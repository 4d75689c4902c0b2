"""Re-drive dead-lettered jobs: `manage.py redrive --all` or `--id N [--id M]`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jobs.models import DeadLetter
from jobs.services.lifecycle import dead_letter_redrive


class Command(BaseCommand):
    help = "Send dead-lettered jobs through the pipeline again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--id", type=int, action="append", default=[], help="dead letter id (repeatable)")
        parser.add_argument("--all", action="store_true", help="every dead letter not yet re-driven")
        parser.add_argument("--stage", help="with --all: only those that failed in this stage")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["id"] and not options["all"]:
            raise CommandError("give --id N (repeatable) or --all")
        pending = DeadLetter.objects.filter(redriven_at__isnull=True)
        if options["id"]:
            pending = pending.filter(id__in=options["id"])
        if options["stage"]:
            pending = pending.filter(stage=options["stage"])
        count = 0
        for dead_letter in pending.order_by("id"):
            job = dead_letter_redrive(dead_letter_id=dead_letter.id)
            self.stdout.write(f"re-drove dead letter {dead_letter.id}: job {job.id}")
            count += 1
        self.stdout.write(f"{count} job(s) re-driven")
