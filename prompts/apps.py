from django.apps import AppConfig


class PromptsConfig(AppConfig):
    name = "prompts"

    def ready(self) -> None:
        # The PII audit reads prompts' tables through safety's registry.
        from prompts.selectors import audit_rows
        from safety.audit import audit_source_register

        audit_source_register(audit_rows)
