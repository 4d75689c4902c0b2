"""Answer a data-subject request: find, export or erase a person's jobs.

    manage.py data_subject find   --org acme --identifier jane@example.com
    manage.py data_subject export --org acme --identifier jane@example.com --output jane.json
    manage.py data_subject erase  --org acme --identifier jane@example.com --reference DSR-2026-17

Identifiers are matched by keyed hash against what the prepare stage redacted
(jobs/services/data_subjects.py); they are not stored or logged.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jobs.services.data_subjects import subject_erase, subject_export, subject_jobs
from tenants.audit.writing import audit_actor
from tenants.models import Organization


class Command(BaseCommand):
    help = "Find, export or erase what Beacon holds about a data subject."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["find", "export", "erase"])
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument(
            "--identifier", action="append", default=[], help="an e-mail, phone number or name (repeatable)"
        )
        parser.add_argument("--reference", default="", help="erase: the request's case number, kept on record")
        parser.add_argument("--output", type=Path, help="export: write the JSON here (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"no organization {options['org']!r}")
        identifiers = [value for value in options["identifier"] if value.strip()]
        if not identifiers:
            raise CommandError("give at least one --identifier")
        if options["action"] == "find":
            jobs = subject_jobs(organization=organization, identifiers=identifiers)
            for job in jobs:
                self.stdout.write(f"{job.id}  {job.task_kind}  {job.status}  {job.created_at:%Y-%m-%d}")
            self.stdout.write(f"{len(jobs)} job(s)")
        elif options["action"] == "export":
            text = json.dumps(subject_export(organization=organization, identifiers=identifiers), indent=2)
            if options["output"]:
                options["output"].write_text(text)
                self.stdout.write(f"written to {options['output']}")
            else:
                self.stdout.write(text)
        else:
            if not options["reference"]:
                raise CommandError("erase needs --reference (the request's case number, kept on record)")
            with audit_actor("command:data_subject"):
                erasure = subject_erase(
                    organization=organization,
                    identifiers=identifiers,
                    reference=options["reference"],
                    requested_by="command:data_subject",
                )
            self.stdout.write(
                f"erasure {erasure.record.id}: {len(erasure.erased)} job(s) erased, "
                f"{len(erasure.held)} kept under legal hold"
            )
