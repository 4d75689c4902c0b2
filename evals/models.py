"""Evaluation datasets: versioned sets of items, each a job input with what
a correct answer looks like, tags and provenance.

A dataset version is immutable once imported: a changed set is a new version,
so an evaluation run always names exactly what it measured.
"""

from django.db import models


class DatasetKind(models.TextChoices):
    GOLDEN = "golden"
    ADVERSARIAL = "adversarial"
    HISTORY = "history"  # reviewed past jobs, the pool the sampler proposes items from


class Provenance(models.TextChoices):
    HAND_LABELLED = "hand_labelled"
    REVIEW_DECISION = "review_decision"
    SYNTHETIC = "synthetic"


class EvalDataset(models.Model):
    name = models.SlugField(max_length=100)
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=DatasetKind.choices)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="eval_dataset_version_unique")]
        ordering = ["name", "-version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class EvalItem(models.Model):
    dataset = models.ForeignKey(EvalDataset, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=200)  # stable id within the set (e.g. "flipkart:<uniq_id>")
    task_kind = models.CharField(max_length=64)
    input = models.JSONField()  # the job's parameters
    # Field values with evidence (enrichment), labels (tagging, moderation),
    # reference facts (generation), or success markers (adversarial).
    expected = models.JSONField(default=dict)
    tags = models.JSONField(default=dict)  # locale, tier, difficulty, technique...
    provenance = models.CharField(max_length=32, choices=Provenance.choices)
    source = models.JSONField(default=dict)  # where the item came from (record ids, files)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "key"], name="eval_item_key_unique")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.dataset}: {self.key}"
