"""Export the audit log as JSON lines (stdout unless --output)."""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.audit_reading import audit_export, audit_time_parse
from tenants.models import Organization


class Command(BaseCommand):
    help = "Write audit rows as JSON lines in chain order, optionally for one organization and a time range."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="organization slug")
        parser.add_argument("--since", help="ISO 8601 time or date (inclusive)")
        parser.add_argument("--until", help="ISO 8601 time or date (exclusive)")
        parser.add_argument("--output", help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        since, until = self._time(options, "since"), self._time(options, "until")
        organization_id = None
        if options["org"]:
            organization = Organization.objects.filter(slug=options["org"]).first()
            if organization is None:
                raise CommandError(f"no organization {options['org']!r}")
            organization_id = organization.id
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                count = audit_export(out=out, organization_id=organization_id, since=since, until=until)
        else:
            count = audit_export(out=self.stdout, organization_id=organization_id, since=since, until=until)
        # On stderr: stdout may be the export itself.
        self.stderr.write(f"{count} audit rows exported")

    def _time(self, options: dict[str, Any], name: str) -> datetime | None:
        if not options[name]:
            return None
        parsed = audit_time_parse(options[name])
        if parsed is None:
            raise CommandError(f"--{name}: use an ISO 8601 time or date")
        return parsed
