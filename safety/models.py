"""The injection pattern database: versions of the rule set, each evaluated
before it may become the one in force (safety/patterns.py)."""

from django.db import models


class PatternSetStatus(models.TextChoices):
    DRAFT = "draft"  # proposed; not yet evaluated, or evaluated and not activated
    ACTIVE = "active"  # the one set the input layer scans with
    RETIRED = "retired"  # was active once


class InjectionPatternSet(models.Model):
    """One version of the injection rules. Platform-wide: every organization's
    input is scanned with the active set. Rows are never edited after they
    are proposed: a change is a new version."""

    version = models.PositiveIntegerField(unique=True)
    patterns = models.JSONField()  # [{"id", "category", "weight", "regex"}], as in data/injection_patterns.json
    content_hash = models.CharField(max_length=64)  # of the canonical patterns: the same rules are one version
    author = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=PatternSetStatus.choices, default=PatternSetStatus.DRAFT)
    # The evaluation that gates activation (evals/pattern_gate.py): figures,
    # the gate's verdict and when it ran.
    evaluation = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="active"), name="one_active_injection_pattern_set"
            )
        ]

    def __str__(self) -> str:
        return f"injection patterns v{self.version} ({self.status})"
