"""A/B results per label: arms, outcomes and whether a winner is real.

An arm is a template version served under the label. Its jobs give counts,
the validation pass rate (jobs whose output validated and completed, among
those that finished), the review rate, mean cost and latency. The two arms
with the best pass rates are compared with a two-proportion z-test; a winner
is declared only when p < ALPHA and both arms have at least MIN_SAMPLE
finished jobs, so early noise does not ship a prompt.
`GET /api/v1/templates/:id/experiments` serves it.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.models import Job
from jobs.selectors import reviewed_annotated
from prompts.experiments import ALPHA, FINISHED, MIN_SAMPLE, two_proportion_z
from prompts.models import PromptTemplate
from prompts.selectors import templates_visible
from tenants.authentication import request_api_key
from tenants.permissions import ReadViewerWriteEditor


@dataclass(frozen=True)
class ArmResult:
    version: str
    jobs: int
    finished: int
    passed: int
    reviewed: int
    mean_cost_usd: Decimal
    mean_latency_ms: float

    @property
    def pass_rate(self) -> float:
        return self.passed / self.finished if self.finished else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "jobs": self.jobs,
            "finished": self.finished,
            "passed": self.passed,
            "passRate": round(self.pass_rate, 4),
            "reviewRate": round(self.reviewed / self.finished, 4) if self.finished else 0.0,
            "meanCostUsd": str(self.mean_cost_usd.quantize(Decimal("0.00000001"))),
            "meanLatencyMs": round(self.mean_latency_ms, 1),
        }


def experiment_report(*, template: PromptTemplate, label: str, organization_id: Any) -> dict[str, Any]:
    """Over `organization_id`'s jobs only (a platform template serves many)."""
    jobs = Job.objects.filter(organization_id=organization_id, prompt_version__template=template, prompt_label=label)
    jobs = reviewed_annotated(jobs)
    rows = (
        jobs.values("prompt_version__version")
        .annotate(
            jobs=Count("id"),
            finished=Count("id", filter=Q(status__in=FINISHED)),
            passed=Count("id", filter=Q(status="completed")),
            reviewed=Count("id", filter=Q(was_reviewed=True)),
            cost=Avg("cost_usd"),
            # In the database: a label can have served millions of jobs.
            latency=Avg(
                ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField()),
                filter=Q(finished_at__isnull=False, started_at__isnull=False),
            ),
        )
        .order_by("prompt_version__version")
    )

    arms = [
        ArmResult(
            version=r["prompt_version__version"],
            jobs=r["jobs"],
            finished=r["finished"],
            passed=r["passed"],
            reviewed=r["reviewed"],
            mean_cost_usd=r["cost"] or Decimal(0),
            mean_latency_ms=r["latency"].total_seconds() * 1000 if r["latency"] is not None else 0.0,
        )
        for r in rows
    ]
    comparison: dict[str, Any] | None = None
    ranked = sorted(arms, key=lambda a: a.pass_rate, reverse=True)
    if len(ranked) >= 2:
        best, runner_up = ranked[0], ranked[1]
        z, p = two_proportion_z(best.passed, best.finished, runner_up.passed, runner_up.finished)
        enough = best.finished >= MIN_SAMPLE and runner_up.finished >= MIN_SAMPLE
        significant = enough and p < ALPHA
        comparison = {
            "test": "two-proportion z-test on pass rate",
            "a": best.version,
            "b": runner_up.version,
            "z": round(z, 3),
            "pValue": round(p, 5),
            "alpha": ALPHA,
            "minSample": MIN_SAMPLE,
            "significant": significant,
            "winner": best.version if significant else None,
        }
    return {"template": template.name, "label": label, "arms": [a.as_dict() for a in arms], "comparison": comparison}


class ExperimentsApi(APIView):
    scope_family = "templates"
    permission_classes = [ReadViewerWriteEditor]

    @extend_schema(
        operation_id="template_experiments",
        parameters=[OpenApiParameter("label", OpenApiTypes.STR, description="One label's experiment; default: all")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, template_id: UUID) -> Response:
        organization_id = request_api_key(request).organization_id
        template = templates_visible(organization_id=organization_id).filter(id=template_id).first()
        if template is None:
            raise NotFound()
        wanted = request.query_params.get("label")
        labels = [wanted] if wanted else sorted(template.labels.values_list("name", flat=True))
        reports = [experiment_report(template=template, label=name, organization_id=organization_id) for name in labels]
        return Response({"data": reports})
