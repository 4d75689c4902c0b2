"""Seed the demo organization, project, admin user and API key for `make run`.

Idempotent: running it again keeps the data. The raw demo key and the admin
password are kept in the runtime folder (`.beacon/`, never committed) so each
start prints the same working credentials; only the key's hash is in the
database. Prints one JSON object.
"""

import json
import secrets
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from tenants.models import Role
from tenants.selectors import api_key_by_raw
from tenants.services import api_key_create, organization_ensure, project_ensure


class Command(BaseCommand):
    help = "Create (or reuse) the demo organization, admin user and API key; print them as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runtime-dir", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        runtime = Path(options["runtime_dir"])
        runtime.mkdir(parents=True, exist_ok=True)
        key_file = runtime / "demo-api-key"
        password_file = runtime / "admin-password"

        from prompts.taxonomy import demo_taxonomy_ensure

        with transaction.atomic():
            demo_taxonomy_ensure()  # the platform default taxonomy tagging chooses from
            org = organization_ensure(slug="demo", name="Demo Organization")
            project = project_ensure(organization=org, slug="default", name="Default project")
            raw_key = key_file.read_text().strip() if key_file.exists() else ""
            if not raw_key or api_key_by_raw(raw_key=raw_key) is None:
                raw_key = api_key_create(organization=org, project=project, role=Role.ADMIN, name="demo").raw_key
                key_file.write_text(raw_key)
                key_file.chmod(0o600)

            password = password_file.read_text().strip() if password_file.exists() else ""
            if not password:
                password = secrets.token_urlsafe(12)
                password_file.write_text(password)
                password_file.chmod(0o600)
            user_model = get_user_model()
            user, _ = user_model.objects.get_or_create(
                username="admin", defaults={"is_staff": True, "is_superuser": True}
            )
            if not user.check_password(password):
                user.set_password(password)
                user.save()

        self.stdout.write(json.dumps({"apiKey": raw_key, "adminUser": "admin", "adminPassword": password}))
