"""Scan the database (and log files) for PII; exit 1 when anything is found.

python manage.py pii_audit [--logs PATH ...]
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safety.audit import audit_database, audit_files


class Command(BaseCommand):
    help = "Scan stored data and log files for PII that redaction should have removed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--logs", nargs="*", type=Path, default=[], help="log files to scan as well")
        parser.add_argument("--skip-database", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        findings = [] if options["skip_database"] else audit_database()
        findings += audit_files(path for path in options["logs"] if path.is_file())
        for finding in findings:
            self.stdout.write(f"{finding.where}: {finding.entity} {finding.masked}")
        if findings:
            raise CommandError(f"{len(findings)} PII finding(s)")
        self.stdout.write("no PII found")
