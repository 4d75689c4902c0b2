"""Storage tiers by hand (beat moves jobs warm every hour on its own):

manage.py storage_tiers status
manage.py storage_tiers move [--older-than-days N] [--limit N]          hot -> warm
manage.py storage_tiers move --cold [--older-than-days N] [--limit N]   warm -> cold
manage.py storage_tiers restore --job ID [--job ID ...]                 warm or cold -> hot
"""

import time
from contextlib import nullcontext
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Sum
from django.test.utils import override_settings
from django.utils import timezone

from jobs.models import ColdArchive, Job, JobArchive, StorageTier
from jobs.services.cold_tier import job_restore_warm, jobs_move_cold
from jobs.services.tiers import ArchiveError, job_restore_hot, jobs_move_warm


class Command(BaseCommand):
    help = "Show, move or restore jobs between the hot, warm and cold storage tiers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "move", "restore"])
        parser.add_argument("--cold", action="store_true", help="move: warm jobs into the monthly cold archives")
        parser.add_argument("--older-than-days", type=int, help="move: jobs ended this long ago (default: the setting)")
        parser.add_argument("--limit", type=int, default=None, help="move: at most this many jobs")
        parser.add_argument("--job", action="append", default=[], help="restore: a job id (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            for row in Job.objects.values("storage_tier").annotate(jobs=Count("id")).order_by("storage_tier"):
                self.stdout.write(f"{row['storage_tier']:<6}{row['jobs']:>10} jobs")
            warm = JobArchive.objects.filter(tier=StorageTier.WARM).aggregate(bytes=Sum("size_bytes"))["bytes"] or 0
            cold = ColdArchive.objects.aggregate(bytes=Sum("size_bytes"), parts=Count("id"))
            self.stdout.write(f"warm documents: {warm / 2**20:.1f} MiB")
            self.stdout.write(f"cold archives: {cold['parts']} part(s), {(cold['bytes'] or 0) / 2**20:.1f} MiB")
        elif options["action"] == "move":
            started = time.monotonic()
            days = options["older_than_days"]
            cold = options["cold"]
            setting = "BEACON_COLD_AFTER_DAYS" if cold else "BEACON_WARM_AFTER_DAYS"
            move = jobs_move_cold if cold else jobs_move_warm
            with override_settings(**{setting: days}) if days is not None else nullcontext():
                moved, batch = 0, 1
                while batch:
                    batch = move(now=timezone.now() + timedelta(seconds=1), limit=options["limit"])
                    moved += batch
                    if options["limit"] is not None:
                        break
            seconds = time.monotonic() - started
            tier = "cold" if cold else "warm"
            self.stdout.write(f"{moved} job(s) moved {tier} in {seconds:.1f} s ({moved / max(seconds, 1e-9):.0f}/s)")
        else:
            if not options["job"]:
                raise CommandError("give --job ID (repeatable)")
            for job in Job.objects.filter(id__in=options["job"]):
                try:
                    from_cold = job_restore_warm(job)
                    restored = job_restore_hot(job)
                except ArchiveError as exc:
                    raise CommandError(str(exc)) from exc
                said = (
                    "restored hot from the cold archive"
                    if from_cold
                    else "restored hot"
                    if restored
                    else "not archived"
                )
                self.stdout.write(f"{job.id}: {said}")
