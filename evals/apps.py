from django.apps import AppConfig


class EvalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evals"
    verbose_name = "Evaluation"

    def ready(self) -> None:
        from evals.selectors import launch_blocker
        from prompts.services import LAUNCH_CHECKS

        if launch_blocker not in LAUNCH_CHECKS:
            LAUNCH_CHECKS.append(launch_blocker)

        from evals.pattern_gate import pattern_gate
        from safety.patterns import PATTERN_SET_GATES

        if pattern_gate not in PATTERN_SET_GATES:
            PATTERN_SET_GATES.append(pattern_gate)
