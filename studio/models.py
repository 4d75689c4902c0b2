"""What the studio keeps of its own: who may use which organization's
workbench, the shared working copy of a template's next version, and the
re-runs of golden tests on later versions (for the diff of their outputs).

Everything else the pages show is the registry's (prompts), the jobs'
(jobs) and the evaluation's (evals): the studio reads and writes those
through their services.
"""

import uuid

from django.conf import settings
from django.db import models

from tenants.models import Role


class StudioMember(models.Model):
    """A person's place in an organization's studio.

    Credentials of the API (keys) belong to an organization; Django users do
    not, so the studio records which organizations a signed-in person works
    for, and as what. Staff users are platform operators and may open every
    organization's studio without a row here."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="studio_memberships")
    organization = models.ForeignKey("tenants.Organization", on_delete=models.CASCADE, related_name="studio_members")
    # Viewers read the pages and the dashboard; editors write drafts, run the
    # playground, approve and move labels (as an editor's API key may).
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    # May give the security approval sensitive templates need (as the API key flag).
    security_reviewer = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="studio_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} ({self.role})"


class Draft(models.Model):
    """The working copy of a template's next version, shared by everyone
    editing it. Versions are immutable; a draft is where text changes until
    someone makes a version of it.

    `revision` is the optimistic lock: a save names the revision it was
    edited from and succeeds only if that is still the current one, so two
    engineers never silently overwrite each other."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    template = models.OneToOneField("prompts.PromptTemplate", on_delete=models.CASCADE, related_name="studio_draft")
    # The version the draft started from; the parent of the version made from it.
    base_version = models.ForeignKey(
        "prompts.TemplateVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    system_prompt = models.TextField(blank=True)
    user_prompt = models.TextField(blank=True)
    few_shot_examples = models.JSONField(default=list, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    revision = models.PositiveIntegerField(default=1)
    updated_by = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"draft of {self.template.name} (revision {self.revision})"


class GoldenRerun(models.Model):
    """A golden test run again on a later version of its template: the new
    run is an ordinary captured test (prompts.TemplateTest), so its output
    can be compared with the golden one field by field."""

    id = models.BigAutoField(primary_key=True)
    version = models.ForeignKey("prompts.TemplateVersion", on_delete=models.CASCADE, related_name="studio_reruns")
    golden_test = models.ForeignKey("prompts.TemplateTest", on_delete=models.CASCADE, related_name="+")
    rerun_test = models.ForeignKey(
        "prompts.TemplateTest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)  # why the re-run produced no test (model down, blocked input)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"golden test {self.golden_test_id} on {self.version}"
