from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed_patterns(**_: Any) -> None:
    from safety.patterns import pattern_set_seed

    pattern_set_seed()


class SafetyConfig(AppConfig):
    name = "safety"

    def ready(self) -> None:
        # The shipped injection rules become a version on every migrate (safety/patterns.py).
        post_migrate.connect(_seed_patterns, sender=self, dispatch_uid="safety-seed-injection-patterns")
