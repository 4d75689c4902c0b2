"""The studio's writes: drafts (optimistic concurrency), versions made from
them, golden marks and golden re-runs. Versions, approvals, labels and
tests themselves are written by prompts' services; these call them."""

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F

from common.errors import DomainError
from prompts.golden import golden_tests
from prompts.models import PromptTemplate, TemplateTest, TemplateVersion
from prompts.services import version_create
from studio.models import Draft
from studio.tasks import golden_rerun_task


class DraftConflict(Exception):
    """Someone saved the draft after the revision this save was edited from."""

    def __init__(self, current: Draft) -> None:
        super().__init__(f"the draft is at revision {current.revision}")
        self.current = current


@dataclass(frozen=True)
class DraftText:
    system_prompt: str
    user_prompt: str
    few_shot_examples: list[Any]
    metadata: dict[str, Any]


def draft_start(*, template: PromptTemplate, version: TemplateVersion | None, started_by: str) -> Draft:
    """The template's draft, started from `version` when it has none yet (a
    second start returns the draft someone already works on, unchanged)."""
    source = version or template.versions.order_by("-created_at").first()
    draft, _ = Draft.objects.get_or_create(
        template=template,
        defaults={
            "base_version": source,
            "system_prompt": source.system_prompt if source else "",
            "user_prompt": source.user_prompt if source else "",
            "few_shot_examples": source.few_shot_examples if source else [],
            "metadata": source.metadata if source else {},
            "updated_by": started_by,
        },
    )
    return draft


def draft_save(*, draft: Draft, revision: int, text: DraftText, saved_by: str) -> Draft:
    """Save `text` over the draft if it is still at `revision`; else raise
    DraftConflict with the current draft, and nothing is written. One
    conditional UPDATE: two saves from the same revision cannot both win."""
    changed = Draft.objects.filter(pk=draft.pk, revision=revision).update(
        system_prompt=text.system_prompt,
        user_prompt=text.user_prompt,
        few_shot_examples=text.few_shot_examples,
        metadata=text.metadata,
        updated_by=saved_by,
        revision=F("revision") + 1,
    )
    current = Draft.objects.select_related("template", "base_version").get(pk=draft.pk)
    if not changed:
        raise DraftConflict(current)
    return current


def draft_discard(*, draft: Draft, revision: int) -> None:
    """Delete the draft, if nobody saved it since `revision`."""
    if not Draft.objects.filter(pk=draft.pk, revision=revision).delete()[0]:
        raise DraftConflict(Draft.objects.get(pk=draft.pk))


def draft_version_create(*, draft: Draft, revision: int, number: str | None, created_by: str) -> TemplateVersion:
    """A new (draft-status) version of the template from the draft as it is
    at `revision`, through prompts' version_create and its save-time checks.
    The draft then continues from the new version; golden tests re-run on
    it in the background (studio.tasks)."""
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        if locked.revision != revision:
            raise DraftConflict(locked)
        version = version_create(
            template=locked.template,
            system_prompt=locked.system_prompt,
            user_prompt=locked.user_prompt,
            few_shot_examples=locked.few_shot_examples,
            metadata=locked.metadata,
            parent=locked.base_version,
            version=number or None,
            created_by=created_by,
        )
        Draft.objects.filter(pk=locked.pk).update(base_version=version)
        if golden_tests(version):
            transaction.on_commit(partial(golden_rerun_task.delay, str(version.id), created_by))
    return version


def test_golden_mark(*, test: TemplateTest, golden: bool) -> TemplateTest:
    """Make a captured run part of (or take it out of) the template's
    regression suite. Only a run whose output validated can be golden, as
    in the API: a golden test is an example of a right answer."""
    if golden and not test.valid:
        raise DomainError("Only a run whose output validated can be golden.", code="invalid_state")
    test.golden = golden
    test.save(update_fields=["golden"])
    return test
