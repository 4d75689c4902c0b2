from celery import shared_task

from review.services import review_escalate_overdue


@shared_task(name="review.escalate_overdue")
def escalate_overdue() -> int:
    return review_escalate_overdue()
