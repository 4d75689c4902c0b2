from django.apps import AppConfig


class ReviewConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "review"
    verbose_name = "Human review"

    def ready(self) -> None:
        # Jobs reaches review only through this port (jobs/ports.py).
        from jobs.ports import ReviewPort, review_port_register
        from review.risk import risk_assess
        from review.services import review_forget, review_task_create, review_withdraw

        review_port_register(
            ReviewPort(
                assess=risk_assess, task_create=review_task_create, withdraw=review_withdraw, forget=review_forget
            )
        )
