"""The queue and the task page in Django admin, through the test client."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from beacon.testing import job_run_inline
from jobs.models import Job
from review.models import ReviewTask
from review.tests.factories import DESCRIPTION

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(client):
    user = get_user_model().objects.create_user("rita", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewers"))
    client.force_login(user)
    return user


def test_the_queue_lists_open_tasks_by_priority_then_due_time(api, scripted, client, reviewer, held_job):
    standard = held_job().review_task
    premium = held_job(customer_tier="premium").review_task
    page = client.get(reverse("admin:review_reviewtask_changelist"), follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(str(premium.job_id)[:8]) < html.index(str(standard.job_id)[:8])
    assert "instruction marker" in html
    filtered = client.get(reverse("admin:review_reviewtask_changelist") + "?status__exact=open&customer_tier=free")
    assert str(premium.job_id)[:8] not in filtered.content.decode()


def test_a_reviewer_claims_edits_and_approves_from_the_task_page(api, scripted, client, reviewer, held_job):
    job = held_job()
    url = reverse("admin:review_reviewtask_review", args=[job.review_task.id])
    page = client.get(url).content.decode()
    assert "Blue cotton shirt by Acme" in page and "instruction_marker" in page and 'name="field:description"' in page
    client.post(url, {"action": "claim"})
    assert ReviewTask.objects.get(id=job.review_task.id).assignee == reviewer
    fields = {f"field:{path}": value for path, value in [
        ("title", "Acme blue cotton shirt"), ("description", DESCRIPTION), ("bullet_points[0]", "Blue cotton"),
        ("bullet_points[1]", "Size M"), ("bullet_points[2]", "Machine washable"),
        ("seo.meta_title", "Acme blue cotton shirt"),
        ("seo.meta_description", "A blue cotton shirt by Acme.")]}  # fmt: skip
    response = client.post(url, {"action": "edit", **fields})
    assert response.status_code == 302
    job_run_inline(str(job.id))
    job = Job.objects.get(pk=job.pk)
    assert job.status == "completed" and job.result.output is not None
    assert job.result.output["description"] == DESCRIPTION
    assert job.review_task.decision == "edited"
    from django.contrib.admin.models import LogEntry

    assert list(LogEntry.objects.values_list("change_message", flat=True).order_by("id")) == [
        "review: claim", "review: edit"]  # fmt: skip


def test_an_invalid_edit_is_shown_on_the_field_and_nothing_changes(api, scripted, client, reviewer, held_job):
    job = held_job()
    url = reverse("admin:review_reviewtask_review", args=[job.review_task.id])
    client.post(url, {"action": "claim"})
    page = client.post(url, {"action": "edit", "field:title": ""}).content.decode()
    assert "does not match the output schema" in page and "review-field error" in page
    assert Job.objects.get(pk=job.pk).status == "reviewing"


def test_a_reviewer_rejects_with_a_reason(api, scripted, client, reviewer, held_job):
    job = held_job()
    url = reverse("admin:review_reviewtask_review", args=[job.review_task.id])
    client.post(url, {"action": "claim"})
    client.post(url, {"action": "reject", "reason": "injection"})
    assert Job.objects.get(pk=job.pk).status == "rejected"


def test_staff_outside_the_reviewers_group_cannot_decide(api, scripted, client, held_job):
    staff = get_user_model().objects.create_user("sam", password="x", is_staff=True)
    client.force_login(staff)
    job = held_job()
    url = reverse("admin:review_reviewtask_review", args=[job.review_task.id])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "claim"}).status_code == 403
