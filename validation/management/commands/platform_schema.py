"""Add a version to an output schema as a platform operator: the way
platform default schemas change, since no API key may.

    manage.py platform_schema NAME FILE [--number X.Y.Z] [--org SLUG] [--force] [--as WHO]

FILE is JSON: {"jsonSchema": {...}, "rules": [...], "quality": {...}}.
`--force` lets a breaking change through while active template versions
still pin older versions of the schema (they keep their pins either way).
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from validation.models import OutputSchema
from validation.schemas import SchemaRegistryError, next_minor, schema_version_create


class Command(BaseCommand):
    help = "Add a version to an output schema as a platform operator (platform defaults included)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("file", type=Path)
        parser.add_argument("--number", default="", help="the new version, X.Y.Z; default: the next minor")
        parser.add_argument("--org", help="an organization's schema instead of the platform's")
        parser.add_argument("--force", action="store_true")
        parser.add_argument("--as", dest="actor", default="operator")

    def handle(self, *args: Any, **options: Any) -> None:
        schemas = OutputSchema.objects.filter(name=options["name"])
        schema = (
            schemas.filter(organization__slug=options["org"])
            if options["org"]
            else schemas.filter(organization__isnull=True)
        ).first()
        if schema is None:
            raise CommandError(f"no schema {options['name']!r}")
        try:
            body = json.loads(options["file"].read_text())
            version = schema_version_create(
                schema=schema,
                version=options["number"] or next_minor(schema),
                json_schema=body["jsonSchema"],
                rules=body.get("rules", []),
                quality=body.get("quality", {}),
                created_by=f"command:{options['actor']}",
                force=options["force"],
            )
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"{options['file']}: {exc}") from exc
        except SchemaRegistryError as exc:
            details = "; ".join(d["message"] for d in exc.details)
            raise CommandError(f"{exc.message}{' (' + details + ')' if details else ''}") from exc
        self.stdout.write(f"{schema.name}@{version.version}")
