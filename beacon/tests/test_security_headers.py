"""The Content-Security-Policy on every answer, and pages that live by it."""

import re
from pathlib import Path

import pytest

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*[^<\s]")


def _directive(policy: str, name: str) -> str:
    return next((part.strip() for part in policy.split(";") if part.strip().startswith(name + " ")), "")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/health", "/admin/login/", "/api/docs", "/api/v1/nothing-here"])
def test_every_answer_carries_a_policy_that_forbids_inline_scripts_and_framing(client, path):
    policy = client.get(path)["Content-Security-Policy"]
    assert _directive(policy, "script-src") == "script-src 'self'"
    assert _directive(policy, "frame-ancestors") == "frame-ancestors 'none'"
    assert _directive(policy, "object-src") == "object-src 'none'"


@pytest.mark.django_db
def test_the_api_docs_and_the_review_page_load_their_scripts_from_files(client):
    docs = client.get("/api/docs").content.decode()
    assert "<script" in docs and not INLINE_SCRIPT.search(docs)
    review = (Path(__file__).resolve().parents[2] / "review/templates/admin/review/task.html").read_text()
    assert 'src="{% static "review/shortcuts.js" %}"' in review and not INLINE_SCRIPT.search(review)
