"""A reviewer's session in a real headless Chromium (Debian's, driven by
Playwright): log into admin, open the queue, claim a task, edit a field,
approve, and the job completes with the edited value. Screenshots of the
queue and the task page go to test-output/review/."""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from beacon.testing import job_run_inline
from jobs.models import Job

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "review"
EDITED = "A blue cotton shirt by Acme in size M, machine washable at 30 degrees, with a regular fit."

pytestmark = pytest.mark.slow


def test_a_reviewer_claims_edits_and_approves_in_the_browser(api, scripted, live_server, held_job):
    assert os.path.exists(CHROMIUM), "make test installs Debian's chromium; run it through make test"
    from playwright.sync_api import sync_playwright

    job = held_job()
    user = get_user_model().objects.create_user("rita", password="review-pass", is_staff=True)
    user.groups.add(Group.objects.get(name="Reviewers"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Playwright's sync API runs an event loop in this thread; the live
    # server's own thread does the database work for the pages.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{live_server.url}/admin/login/?next=/admin/review/reviewtask/")
            page.fill("#id_username", "rita")
            page.fill("#id_password", "review-pass")
            page.click("input[type=submit]")
            page.wait_for_selector("#result_list")
            assert str(job.id)[:8] in page.inner_text("#result_list")
            page.screenshot(path=str(SHOTS / "queue.png"), full_page=True)

            page.click(f"a.review-open:has-text('{str(job.id)[:8]}')")
            page.wait_for_selector("#review-task")
            # The shortcut's handler is attached by the page's script: under
            # load the element can be there before the script has run.
            page.wait_for_load_state("load")
            page.keyboard.press("c")  # the claim shortcut
            page.wait_for_selector("#approve-button")
            assert page.inner_text("#task-status") == "claimed"
            page.fill("textarea[name='field:description']", EDITED)
            page.screenshot(path=str(SHOTS / "task.png"), full_page=True)
            page.click("#edit-button")
            page.wait_for_selector("#result_list, p.paginator")
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    job_run_inline(str(job.id))  # finalize, as the worker would
    job = Job.objects.get(pk=job.pk)
    assert job.status == "completed"
    assert job.result.output is not None and job.result.output["description"] == EDITED
    assert job.review_task.decision == "edited" and job.review_task.decided_by == user
    assert (SHOTS / "queue.png").stat().st_size > 10_000 and (SHOTS / "task.png").stat().st_size > 10_000
