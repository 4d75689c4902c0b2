"""Walk the audit log's hash chain; exit non-zero at the first broken link."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain from the latest checkpoint; report the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-chain",
            action="store_true",
            help="only read: do not chain pending rows first (they are reported as pending)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify(chain_first=not options["no_chain"])
        if report.broken is not None:
            link = report.broken
            where = f"seq {link.seq}" if link.seq is not None else "an unchained row"
            raise CommandError(
                f"audit chain BROKEN at {where} (row id {link.row_id}): {link.reason}; "
                f"{report.checked} rows verified before it"
            )
        span = f"seq {report.first_seq}..{report.head_seq}" if report.checked else "no chained rows"
        self.stdout.write(
            f"audit chain OK: {report.checked} rows verified ({span}), head {report.head_hash}, "
            f"{report.pending} pending"
        )
