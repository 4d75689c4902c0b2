"""The OpenAPI document is the contract: the served one must equal the copy
committed at docs/openapi.json, so every change to it is deliberate and shows
in review. After an intended change: `make openapi`, then commit the file."""

import difflib
import json
from pathlib import Path

from django.conf import settings
from django.test import Client

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def test_the_served_openapi_document_equals_the_committed_copy():
    served = Client().get("/api/v1/schema?format=json")
    assert served.status_code == 200
    ours = json.dumps(served.json(), indent=2, sort_keys=True).splitlines()
    theirs = json.dumps(json.loads(COMMITTED.read_text()), indent=2, sort_keys=True).splitlines()
    diff = list(difflib.unified_diff(theirs, ours, "docs/openapi.json", "served", lineterm="", n=2))
    assert not diff, "The API contract changed; if intended, run `make openapi` and commit:\n" + "\n".join(diff[:80])
