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

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                org = organization_ensure(slug=options["org"])
                project = project_ensure(organization=org, slug=options["project"])
                issued = api_key_create(organization=org, project=project, role=options["role"], name=options["name"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        # Scripts read this line; keep stdout to exactly the key.
        self.stdout.write(issued.raw_key)
