"""Create an API key; print the raw key, and nothing else, on stdout."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tenants.models import Role
from tenants.services import api_key_create, organization_ensure, project_ensure


class Command(BaseCommand):
    help = "Create an API key (creating the organization and project when missing) and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--project", default="default", help="project slug (default: default)")
        parser.add_argument("--name", default="", help="a label for humans")
        parser.add_argument(
            "--scope", action="append", dest="scopes", help="a scope (repeat); none: every scope the role allows"
        )
        parser.add_argument("--project-only", action="store_true", help="limit the key to its project's jobs")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                org = organization_ensure(slug=options["org"])
                project = project_ensure(organization=org, slug=options["project"])
                issued = api_key_create(
                    organization=org,
                    project=project,
                    role=options["role"],
                    name=options["name"],
                    scopes=options["scopes"],
                    project_only=options["project_only"],
                )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        # Scripts read this line; keep stdout to exactly the key.
        self.stdout.write(issued.raw_key)
