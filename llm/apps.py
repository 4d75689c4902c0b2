from django.apps import AppConfig


class LlmConfig(AppConfig):
    name = "llm"

    def ready(self) -> None:
        from llm import budget  # noqa: F401 - connects the budget cache's signal
