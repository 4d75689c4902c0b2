"""Change a template as a platform operator: the way platform defaults
change, since no API key may. Every rule still holds (checks on save,
approvals by others, the golden and launch gates).

    manage.py platform_template version NAME --system FILE --user FILE [--metadata JSON] --as WHO
    manage.py platform_template submit|activate|deprecate NAME VERSION
    manage.py platform_template approve NAME VERSION --as WHO [--security]
    manage.py platform_template label NAME LABEL VERSION[:WEIGHT]... --reason WHY --as WHO
    manage.py platform_template rollback NAME LABEL --reason WHY --as WHO

NAME is a platform template's name, or an organization's with --org SLUG.
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from prompts.approvals import ApprovalError, version_approve
from prompts.models import PromptTemplate, TemplateVersion
from prompts.services import (
    TRANSITIONS,
    Arm,
    TemplateError,
    label_rollback,
    label_set,
    version_create,
    version_transition,
)


class Command(BaseCommand):
    help = "Change a template as a platform operator (platform defaults included)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("verb", choices=["version", "approve", "label", "rollback", *TRANSITIONS])
        parser.add_argument("name")
        parser.add_argument("rest", nargs="*", help="VERSION, or LABEL [VERSION[:WEIGHT]...]")
        parser.add_argument("--org", help="an organization's template instead of the platform's")
        parser.add_argument("--system", type=Path)
        parser.add_argument("--user", type=Path)
        parser.add_argument("--metadata", default="{}", help='JSON, e.g. \'{"outputSchema": "name@1.1.0"}\'')
        parser.add_argument("--as", dest="actor", default="", help="who acts (recorded): e.g. ops:ana")
        parser.add_argument("--security", action="store_true", help="the approver is a security reviewer")
        parser.add_argument("--reason", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        template = (
            PromptTemplate.objects.filter(
                name=options["name"], deleted_at__isnull=True, organization__slug=options["org"]
            )
            if options["org"]
            else PromptTemplate.objects.filter(name=options["name"], deleted_at__isnull=True, organization__isnull=True)
        )
        found = template.first()
        if found is None:
            raise CommandError(f"no template {options['name']!r}" + (f" of {options['org']}" if options["org"] else ""))
        verb, rest, actor = options["verb"], options["rest"], f"command:{options['actor'] or 'operator'}"
        try:
            if verb == "version":
                if not options["system"] or not options["user"]:
                    raise CommandError("--system and --user name the two prompt files")
                version = version_create(
                    template=found,
                    system_prompt=options["system"].read_text(),
                    user_prompt=options["user"].read_text(),
                    metadata=json.loads(options["metadata"]),
                    created_by=actor,
                )
                self.stdout.write(f"{found.name}@{version.version} (draft)")
            elif verb in TRANSITIONS:
                version = version_transition(version=self._version(found, rest), action=verb)
                self.stdout.write(f"{found.name}@{version.version}: {version.status}")
            elif verb == "approve":
                version_approve(version=self._version(found, rest), approver=actor, security=options["security"])
                self.stdout.write(f"{found.name}@{rest[0]}: approved by {actor}")
            elif verb == "label":
                if len(rest) < 2:
                    raise CommandError("label NAME LABEL VERSION[:WEIGHT]...")
                arms = [
                    Arm(self._version(found, [number]), int(weight or 100))
                    for number, _, weight in (arm.partition(":") for arm in rest[1:])
                ]
                label_set(template=found, name=rest[0], arms=arms, moved_by=actor, reason=options["reason"])
                self.stdout.write(f"{found.name}:{rest[0]} -> {', '.join(rest[1:])}")
            else:
                if not rest:
                    raise CommandError("rollback NAME LABEL")
                label_rollback(template=found, name=rest[0], moved_by=actor, reason=options["reason"] or "rollback")
                self.stdout.write(f"{found.name}:{rest[0]} rolled back")
        except (TemplateError, ApprovalError) as exc:
            raise CommandError(exc.message) from exc

    def _version(self, template: PromptTemplate, rest: list[str]) -> TemplateVersion:
        if not rest:
            raise CommandError("name the version")
        version = template.versions.filter(version=rest[0]).first()
        if version is None:
            raise CommandError(f"{template.name} has no version {rest[0]}")
        return version
