"""Reads: the launch gate that label moves ask, and runs for admin and reports."""

from django.conf import settings
from django.db.models import QuerySet

from evals.models import EvalDataset, EvalRun, RunStatus
from prompts.models import TemplateVersion


def golden_dataset() -> EvalDataset | None:
    """The current golden set: the latest version of the configured dataset."""
    return EvalDataset.objects.filter(name=settings.BEACON_EVAL_GOLDEN_DATASET).order_by("-version").first()


def passing_runs(version: TemplateVersion, dataset: EvalDataset) -> QuerySet[EvalRun]:
    kind = version.template.task_kind
    return EvalRun.objects.filter(
        dataset=dataset, status=RunStatus.COMPLETED, passed=True, **{f"versions__{kind}__versionId": str(version.id)}
    )


def launch_blocker(version: TemplateVersion) -> str | None:
    """Why `version` may not go to production yet: it needs a run on the
    current golden set that evaluated this version and passed its gates."""
    if not settings.BEACON_EVAL_LAUNCH_GATE:
        return None
    dataset = golden_dataset()
    if dataset is None:
        return f"no golden dataset {settings.BEACON_EVAL_GOLDEN_DATASET!r} is imported to evaluate it on"
    if not passing_runs(version, dataset).exists():
        return (
            f"no passing evaluation run of {version.template.name} {version.version} on {dataset} "
            f"(manage.py eval run --dataset {dataset.name} --template {version.version} --gate)"
        )
    return None
