"""Import a taxonomy for an organization (or the platform default).

    python manage.py taxonomy_import PATH [--org SLUG] [--name NAME]

PATH: the Shopify Standard Product Taxonomy's `dist/<locale>/categories.txt`,
its source folder (`data/categories/*.yml`), or a JSON file
`{"categories": ["A > B", ...]}`. The file is read where it is; nothing is copied.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from prompts.taxonomy import read_taxonomy, taxonomy_import
from tenants.models import Organization


class Command(BaseCommand):
    help = "Import a product taxonomy (Shopify Standard Product Taxonomy format)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--org", help="organization slug; default: the platform default taxonomy")
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["path"]
        if not source.exists():
            raise CommandError(f"{source} does not exist")
        organization = None
        if options["org"]:
            organization = Organization.objects.filter(slug=options["org"]).first()
            if organization is None:
                raise CommandError(f"no organization {options['org']!r}")
        try:
            categories = read_taxonomy(source)
        except (ValueError, KeyError) as exc:
            raise CommandError(f"cannot read {source}: {exc}") from exc
        taxonomy = taxonomy_import(
            categories=categories, name=options["name"] or source.name, source=str(source), organization=organization
        )
        owner = organization.slug if organization else "the platform default"
        self.stdout.write(f"imported {taxonomy.node_count} categories for {owner}")
