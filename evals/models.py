"""Evaluation datasets: versioned sets of items, each a job input with what
a correct answer looks like, tags and provenance.

A dataset version is immutable once imported: a changed set is a new version,
so an evaluation run always names exactly what it measured.
"""

import uuid

from django.db import models


class DatasetKind(models.TextChoices):
    GOLDEN = "golden"
    ADVERSARIAL = "adversarial"
    HISTORY = "history"  # reviewed past jobs, the pool the sampler proposes items from


class Provenance(models.TextChoices):
    HAND_LABELLED = "hand_labelled"
    REVIEW_DECISION = "review_decision"
    SYNTHETIC = "synthetic"
    # Taken from a public record's own curated fields (seller specifications,
    # category trees) by written rules, with an audit's corrections.
    CURATED_FIELDS = "curated_fields"


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


class RunStatus(models.TextChoices):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"  # could not go on (no template, no worker answered); resumable


class EvalRun(models.Model):
    """One evaluation of a template selector and model route on a dataset
    version. Its results are per item; its metrics and gate verdicts are
    computed from them when the last item is scored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(EvalDataset, on_delete=models.PROTECT, related_name="runs")
    template = models.CharField(max_length=64)  # a label ("staging") or a version ("1.2.0")
    route = models.CharField(max_length=16, default="policy")  # small | large | policy | a deployment name
    sample = models.PositiveIntegerField(null=True, blank=True)
    seed = models.IntegerField(default=0)
    task_kinds = models.JSONField(default=list, blank=True)  # empty: every kind in the dataset
    split = models.CharField(max_length=8, blank=True, default="")  # "dev" or "test" (evals/splits.py); empty: all
    # The versions the selector resolved to, per task kind, when the run began:
    # {"metadata_enrichment": {"version": "1.0.0", "versionId": "..."}}.
    versions = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    metrics = models.JSONField(default=dict, blank=True)
    gates = models.JSONField(default=list, blank=True)
    passed = models.BooleanField(null=True)  # None until the run completes
    created_by = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.dataset} @ {self.template}/{self.route} ({str(self.id)[:8]})"


class EvalResult(models.Model):
    """One item of a run: the job it became and how it scored. A row with a
    job but no `scored_at` is in flight; a resumed run waits for that job
    instead of submitting the item again."""

    run = models.ForeignKey(EvalRun, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(EvalItem, on_delete=models.PROTECT, related_name="results")
    job_id = models.UUIDField(null=True, blank=True)
    job_status = models.CharField(max_length=16, blank=True)
    outcome = models.JSONField(default=dict, blank=True)  # evals/scoring.py's per-item record
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "item"], name="eval_result_item_unique")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.run_id}: item {self.item_id} ({self.job_status or 'open'})"


class MonitorAlert(models.Model):
    """A live metric of one template version (and deployment, or
    organization) past its threshold in a monitoring window, and what was
    done about it."""

    class Action(models.TextChoices):
        ALERTED = "alerted"
        ROLLED_BACK = "rolled_back"
        ROLLBACK_FAILED = "rollback_failed"

    id = models.BigAutoField(primary_key=True)
    template_version = models.ForeignKey("prompts.TemplateVersion", on_delete=models.PROTECT, related_name="alerts")
    deployment = models.CharField(max_length=100, blank=True)  # blank: all the version's deployments
    # Set for monitors that watch one customer's jobs (the injection monitor).
    organization = models.ForeignKey(
        "tenants.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="monitor_alerts"
    )
    metric = models.CharField(max_length=40)
    value = models.FloatField()
    bound = models.FloatField(null=True, blank=True)  # the interval end judged (rates)
    threshold = models.FloatField()
    direction = models.CharField(max_length=3)  # max | min
    jobs = models.PositiveIntegerField()
    window_minutes = models.PositiveIntegerField()
    action = models.CharField(max_length=16, choices=Action.choices, default=Action.ALERTED)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.metric} {self.value:.4g} ({self.action})"


class JudgeScore(models.Model):
    """A sampled live output graded by the large tier. Recorded to watch
    generation quality over time; never a gate by itself."""

    id = models.BigAutoField(primary_key=True)
    job_id = models.UUIDField(unique=True)
    template_version = models.ForeignKey(
        "prompts.TemplateVersion", on_delete=models.SET_NULL, null=True, related_name="judge_scores"
    )
    task_kind = models.CharField(max_length=64)
    score = models.PositiveSmallIntegerField()  # 1 (unusable) .. 5 (publishable as is)
    faithful = models.BooleanField()
    reason = models.TextField(blank=True)
    deployment = models.CharField(max_length=100)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.job_id}: {self.score}/5"
