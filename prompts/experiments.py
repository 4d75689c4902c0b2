"""A/B experiments on a label: whether a job's version was drawn from one,
and the significance test that decides a winner (the report over the arms'
jobs is jobs/experiments.py: it reads jobs, which sit above prompts)."""

import math
from typing import Any

from django.conf import settings

from common.ttl_cache import ttl_cache
from prompts.models import LabelArm

ALPHA = 0.05
MIN_SAMPLE = 30
FINISHED = ["completed", "failed", "rejected"]


def two_proportion_z(successes_a: int, total_a: int, successes_b: int, total_b: int) -> tuple[float, float]:
    """(z, two-sided p) for H0: the two success rates are equal (pooled variance)."""
    if total_a == 0 or total_b == 0:
        return 0.0, 1.0
    pooled = (successes_a + successes_b) / (total_a + total_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / total_a + 1 / total_b))
    if spread == 0:
        return 0.0, 1.0
    z = (successes_a / total_a - successes_b / total_b) / spread
    return z, math.erfc(abs(z) / math.sqrt(2))


def label_in_experiment(job: Any) -> bool:
    """Whether the job's template version was drawn from a label with more
    than one arm (an A/B experiment is running on it). Read through the
    intake's short cache where it is on: the decide stage asks for every job."""
    if not job.prompt_version_id or not job.prompt_label:
        return False
    split = _label_split_cached if settings.BEACON_INTAKE_CACHE_SECONDS else _label_split
    return split(job.prompt_version.template_id, job.prompt_label)


def _label_split(template_id: Any, label: str) -> bool:
    return LabelArm.objects.filter(label__template_id=template_id, label__name=label).count() > 1


@ttl_cache(seconds=5)
def _label_split_cached(template_id: Any, label: str) -> bool:
    return _label_split(template_id, label)
