"""A prompt engineer's session in a real headless Chromium (Debian's, driven
by Playwright), as review's browser test does: write a template with an
error and see it flagged inline, fix it, preview tokens and cost, run it,
mark the run golden, make a new version and see the golden diff, get
approvals from two colleagues, move production, and read the dashboard.
Every page is checked with axe-core (WCAG 2.1 A and AA rules) and
screenshotted into docs/images/studio-*.png for docs/studio.md.

The model here is the scripted one (in-process, deterministic): the
playground against the real local model is studio/tests/test_real_model.py."""

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from beacon.testing import generation_body, job_run_inline
from llm.scripted import scripted_responses_push
from prompts.golden import golden_run_execute
from prompts.models import GoldenRun, LabelMove, PromptTemplate, TemplateTest, TemplateVersion
from prompts.services import template_fork
from studio.models import StudioMember
from studio.vendor import VENDOR_DIR
from tenants.models import Organization, Role

CHROMIUM = "/usr/bin/chromium"
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
PASSWORD = "studio-browser-pass"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TYPO = " {{ custmer }}"
# What the scripted model answers to the run on 2.1.0 (which becomes golden)
# and to the golden test's re-run on 2.2.0: the diff shows the change.
ANSWER_2_1 = {"attributes": {k: {"value": v} for k, v in
              {"brand": "Acme", "colour": "Blue", "material": None, "size": "M"}.items()}}  # fmt: skip
ANSWER_2_2 = {"attributes": {k: {"value": v} for k, v in
              {"brand": "Acme", "colour": "Blue", "material": "cotton", "size": "M"}.items()}}  # fmt: skip

pytestmark = pytest.mark.slow


def accessible(page: Any, name: str) -> None:
    """axe-core's WCAG A/AA rules find nothing on the page (axe is served by
    the app from the pinned npm package, as the page's own scripts are)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(url="/static/studio/vendor/axe-core/axe.min.js")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations.map("
        "v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))})))",
        AXE_TAGS,
    )
    assert result == [], f"{name}: {result}"


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(IMAGES / f"studio-{name}.png"), full_page=True)


def sign_in(browser: Any, base: str, username: str) -> Any:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{base}/studio/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Templates of acme')")
    return page


def test_a_prompt_engineer_edits_runs_and_ships_a_template_in_the_browser(api, scripted, live_server):
    assert os.path.exists(CHROMIUM), "make test installs Debian's chromium; run it through make test"
    assert (VENDOR_DIR / "codemirror" / "lib" / "codemirror.js").exists(), "make assets fetches the studio's libraries"
    from playwright.sync_api import sync_playwright

    acme = Organization.objects.get(slug="acme")
    platform = PromptTemplate.objects.get(name="metadata_enrichment", organization__isnull=True)
    template = template_fork(template=platform, organization=acme, forked_by="admin:setup")
    for name in ("erin", "finn", "gail"):
        user = get_user_model().objects.create_user(name, password=PASSWORD)
        StudioMember.objects.create(user=user, organization=acme, role=Role.EDITOR)
    IMAGES.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            page = sign_in(browser, base, "erin")
            accessible(page, "home")

            # The editor: an error typed into the user prompt is flagged on its line.
            page.click(f"a[href='/studio/templates/{template.id}/']")
            page.click("text=Start editing")
            page.wait_for_selector(".CodeMirror")
            page.wait_for_selector("#check-status.ok")
            user_editor = page.locator(".CodeMirror").nth(1)
            user_editor.click()
            page.keyboard.press("Control+End")
            page.keyboard.type(TYPO, delay=20)
            page.keyboard.press("Escape")  # close the completion list the typing opened
            error = page.wait_for_selector("#check-errors li:has-text(\"undefined variable 'custmer'\")")
            assert "userPrompt, line" in error.inner_text()
            assert page.locator(".CodeMirror-lint-marker-error").count() >= 1
            accessible(page, "editor with an error")
            shot(page, "editor")
            # Completions: the kind's input variables and the DSL, with their help.
            page.keyboard.type(" {{ cust", delay=20)
            page.wait_for_selector(".CodeMirror-hints li:has-text('customer_tier')")
            page.keyboard.press("Escape")
            for _ in range(len(TYPO) + len(" {{ cust")):
                page.keyboard.press("Backspace")
            page.wait_for_selector("#check-status.ok")
            # Keyboard: Tab leaves the editor for the next control (no trap).
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.closest('.CodeMirror') === null")
            page.click("#save-button")
            page.wait_for_selector(".message.success:has-text('Draft saved')")

            # The playground: the draft's rendered prompt, tokens and cost.
            page.goto(f"{base}/studio/templates/{template.id}/playground/?source=draft")
            page.click("#preview-button")
            page.wait_for_selector("#estimates")
            assert page.locator(".fence-marker").count() >= 2
            accessible(page, "playground preview")

            # A run needs a version: make one from the draft, then run it.
            page.goto(f"{base}/studio/templates/{template.id}/draft/")
            page.wait_for_selector("#check-status.ok")
            page.fill("#version_number", "2.1.0")
            page.click("#version-button")
            page.wait_for_selector("h1:has-text('2.1.0')")
            page.goto(f"{base}/studio/templates/{template.id}/playground/?source=2.1.0")
            scripted_responses_push(json.dumps(ANSWER_2_1))
            page.click("#run-button")
            page.wait_for_selector("#run-summary")
            assert "valid" in page.inner_text("#run-summary")
            shot(page, "playground")
            page.click("#run-summary button:has-text('Mark golden')")
            page.wait_for_selector("#run-summary .tag.ok:has-text('golden')")
            assert TemplateTest.objects.get(version__version="2.1.0", version__template=template).golden
            accessible(page, "playground run")

            # A new version: the golden test runs on it, with the diff of outputs.
            page.goto(f"{base}/studio/templates/{template.id}/draft/")
            page.wait_for_selector(".CodeMirror")
            page.locator(".CodeMirror").nth(1).click()
            page.keyboard.press("Control+End")
            page.keyboard.type("\nName the brand first.", delay=10)
            page.wait_for_selector("#check-status.ok")
            page.fill("#version_number", "2.2.0")
            page.click("#version-button")
            page.wait_for_selector("#golden-rerun")
            scripted_responses_push(json.dumps(ANSWER_2_2))
            page.click("#golden-rerun")
            page.wait_for_selector(".golden-diff")
            changed = page.locator(".golden-diff tr:has-text('attributes.material.value')").inner_text()
            assert "cotton" in changed and "same" not in changed
            accessible(page, "version page")
            page.goto(f"{base}/studio/templates/{template.id}/diff/?from=2.1.0&to=2.2.0")
            page.wait_for_selector("ins:has-text('Name the brand first.')")
            accessible(page, "diff")
            shot(page, "diff")

            # Review: submit; the golden run (a worker's job) passes; two others approve.
            page.goto(f"{base}/studio/templates/{template.id}/versions/2.2.0/")
            page.click("#submit-button")
            page.wait_for_selector("#version-status:has-text('review')")
            assert page.is_disabled("#activate-button")
            golden_run_execute(str(GoldenRun.objects.get(version__template=template, version__version="2.2.0").id))
            for colleague in ("finn", "gail"):
                other = sign_in(browser, base, colleague)
                other.goto(f"{base}/studio/templates/{template.id}/versions/2.2.0/")
                other.click("#approve-button")
                other.wait_for_selector(f"#approval-list li:has-text('admin:{colleague}')")
                other.close()
            page.reload()
            assert not page.is_disabled("#activate-button")
            page.click("#activate-button")
            page.wait_for_selector("#version-status:has-text('active')")
            assert not page.is_disabled("#production-button")
            page.fill("#production-reason", "names the brand first")
            page.click("#production-button")
            page.wait_for_selector(".message.success:has-text('production moved')")
            move = LabelMove.objects.filter(label__template=template, label__name="production").first()
            assert move is not None and move.arms[0]["version"] == "2.2.0" and move.moved_by == "admin:erin"
            page.goto(f"{base}/studio/templates/{template.id}/versions/2.2.0/")
            shot(page, "version")

            # Jobs now run 2.2.0; the dashboard shows them against the thresholds.
            for content in ("Blue cotton shirt by Acme, size M", "Red wool scarf by Nord"):
                body = generation_body("metadata_enrichment", content=content)
                job_run_inline(api.post("/api/v1/generations", body, format="json").json()["data"]["id"])
            page.goto(f"{base}/studio/quality/")
            page.wait_for_selector("h2:has-text('metadata_enrichment · metadata_enrichment 2.2.0')")
            assert page.locator("svg .threshold").count() >= 5
            accessible(page, "quality dashboard")
            shot(page, "quality")
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    assert TemplateVersion.objects.get(template=template, version="2.2.0").status == "active"
    for name in ("editor", "playground", "diff", "version", "quality"):
        assert (IMAGES / f"studio-{name}.png").stat().st_size > 10_000
