"""Storage tiers by hand (beat moves jobs warm every hour on its own):

manage.py storage_tiers status
manage.py storage_tiers move [--older-than-days N] [--limit N]
manage.py storage_tiers restore --job ID [--job ID ...]
"""

import time
from contextlib import nullcontext
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Sum
from django.test.utils import override_settings
from django.utils import timezone

from jobs.models import Job, JobArchive
from jobs.services.tiers import ArchiveError, job_restore_hot, jobs_move_warm


class Command(BaseCommand):
    help = "Show, move or restore jobs between the hot and warm storage tiers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "move", "restore"])
        parser.add_argument("--older-than-days", type=int, help="move: jobs ended this long ago (default: the setting)")
        parser.add_argument("--limit", type=int, default=None, help="move: at most this many jobs")
        parser.add_argument("--job", action="append", default=[], help="restore: a job id (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            for row in Job.objects.values("storage_tier").annotate(jobs=Count("id")).order_by("storage_tier"):
                self.stdout.write(f"{row['storage_tier']:<6}{row['jobs']:>10} jobs")
            total = JobArchive.objects.aggregate(bytes=Sum("size_bytes"))["bytes"] or 0
            self.stdout.write(f"archive: {total / 2**20:.1f} MiB")
        elif options["action"] == "move":
            started = time.monotonic()
            days = options["older_than_days"]
            with override_settings(BEACON_WARM_AFTER_DAYS=days) if days is not None else nullcontext():
                moved, batch = 0, 1
                while batch:
                    batch = jobs_move_warm(now=timezone.now() + timedelta(seconds=1), limit=options["limit"])
                    moved += batch
                    if options["limit"] is not None:
                        break
            seconds = time.monotonic() - started
            self.stdout.write(f"{moved} job(s) moved warm in {seconds:.1f} s ({moved / max(seconds, 1e-9):.0f}/s)")
        else:
            if not options["job"]:
                raise CommandError("give --job ID (repeatable)")
            for job in Job.objects.filter(id__in=options["job"]):
                try:
                    restored = job_restore_hot(job)
                except ArchiveError as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(f"{job.id}: {'restored hot' if restored else 'not warm'}")
