from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"

    def ready(self) -> None:
        # A new template version pins the output-schema version it is written
        # against. prompts and validation share a floor and do not import
        # each other; jobs, above both, connects prompts' port to validation.
        from prompts.services import SCHEMA_PINS
        from validation.registry import schema_reference_pin

        if schema_reference_pin not in SCHEMA_PINS:
            SCHEMA_PINS.append(schema_reference_pin)
