"""The offline runner: every item of a dataset (or a stratified sample)
through the real pipeline, as jobs of an evaluation organization, scored when
each job ends.

Resumable by construction. `run_start` records which items the run covers (a
result row each) and which template version each task kind resolved to.
`run_execute` submits items that have no job yet, with an idempotency key
made of the run and item ids, so a runner killed between submitting and
saving the job id gets the same job back on resume; items with a job are
waited for, never submitted twice. A job that ends in `reviewing` is scored
as held (its candidate output still counts where it says so), then cancelled
and its review task withdrawn, so evaluations never fill the reviewers' queue.
"""

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from evals.datasets import DatasetError
from evals.gates import gates_check, gates_for
from evals.golden import golden_split_groups
from evals.models import DatasetKind, EvalDataset, EvalItem, EvalResult, EvalRun, RunStatus
from evals.run_metrics import rates_from, run_metrics
from evals.sampling import stratified_sample
from evals.scoring import item_grades, job_outcome
from evals.splits import SPLITS, adversarial_split, fresh_split, splits_assign
from jobs.models import TERMINAL_STATUSES, Job, JobResult, Status
from jobs.services.lifecycle import job_cancel
from jobs.services.submission import job_submit
from llm.registry import registry
from prompts.models import SEMVER, PromptTemplate, TemplateLabel
from prompts.resolution import Resolved
from prompts.task_kinds import task_kinds
from tenants.models import ApiKey, CustomerTier
from tenants.services import api_key_create, organization_ensure, project_ensure

ROUTES = ("small", "large", "policy")
EVAL_ORGANIZATION = "beacon-evals"
ENDED = {str(s) for s in TERMINAL_STATUSES} | {Status.REVIEWING.value}


def _versions(selector: str, kinds: list[str]) -> dict[str, dict[str, str]]:
    """The version `selector` names for each kind's template. A label split
    between versions is refused: a run measures one version per kind."""
    versions = {}
    for kind in kinds:
        template = PromptTemplate.objects.filter(name=kind, organization__isnull=True, deleted_at__isnull=True).first()
        if template is None:
            raise DatasetError(f"no template {kind!r}: run `manage.py seed` first")
        if SEMVER.match(selector):
            version = template.versions.filter(version=selector).first()
        else:
            label = TemplateLabel.objects.filter(template=template, name=selector).first()
            arms = list(label.arms.select_related("version")) if label else []
            if len(arms) > 1:
                raise DatasetError(f"{kind}: label {selector!r} is split between versions; evaluate each version")
            version = arms[0].version if arms else None
        if version is None:
            raise DatasetError(f"{kind}: no version or label {selector!r}")
        versions[kind] = {"version": version.version, "versionId": str(version.id)}
    return versions


def _split_parts(dataset: EvalDataset, items: list[EvalItem]) -> dict[str, str]:
    """{item key: "dev" | "test"}: the adversarial sets' frozen splits, else the golden set's."""
    if dataset.kind == DatasetKind.ADVERSARIAL:
        cases = [{"id": i.key, "provenance": i.source.get("builder", ""), **i.tags} for i in items]
        fresh = [case for case in cases if "fresh" in case["provenance"]]
        first = [case for case in cases if "fresh" not in case["provenance"]]
        return {**adversarial_split(first), **fresh_split(fresh)}
    return splits_assign(((i.task_kind, i.key) for i in items), golden_split_groups())


def run_start(
    *,
    dataset: EvalDataset,
    template: str,
    route: str = "policy",
    sample: int | None = None,
    seed: int = 0,
    task_kinds_only: list[str] | None = None,
    created_by: str = "",
    split: str = "",
    exclude_runs: list[EvalRun] | None = None,
) -> EvalRun:
    """A run of `dataset`'s items (a split, some kinds, a stratified sample
    of them), created with its items pending. Items of `exclude_runs` are
    left out before the sample is drawn, so a fresh sample shares no item
    with an earlier one."""
    if route not in ROUTES and route not in {d.name for d in registry().deployments}:
        # A deployment name pins it, the obedient stand-in included (docs/models.md).
        raise DatasetError(f"route must be one of {', '.join(ROUTES)} or a deployment's name")
    if split and split not in SPLITS:
        raise DatasetError(f"split must be one of {', '.join(SPLITS)}")
    items = list(dataset.items.all())
    if split:
        parts = _split_parts(dataset, items)
        items = [i for i in items if parts.get(i.key) == split]
    if task_kinds_only:
        items = [i for i in items if i.task_kind in task_kinds_only]
    if exclude_runs:
        seen = set(EvalResult.objects.filter(run__in=exclude_runs).values_list("item_id", flat=True))
        items = [i for i in items if i.id not in seen]
    if sample and sample < len(items):
        chosen = {i.id for i in stratified_sample(dataset, size=sample, minimum=1, seed=seed, among=items)}
        items = [i for i in items if i.id in chosen]
    if not items:
        raise DatasetError("no items to run")
    versions = _versions(template, sorted({i.task_kind for i in items}))
    with transaction.atomic():
        run = EvalRun.objects.create(
            dataset=dataset,
            template=template,
            route=route,
            sample=sample,
            seed=seed,
            task_kinds=task_kinds_only or [],
            split=split,
            versions=versions,
            created_by=created_by,
        )
        EvalResult.objects.bulk_create([EvalResult(run=run, item=item) for item in items], batch_size=500)
    return run


def eval_api_key() -> ApiKey:
    """The evaluation organization's key: its jobs, costs and budgets stay
    apart from every customer's."""
    organization = organization_ensure(slug=EVAL_ORGANIZATION, name="Beacon evaluations")
    # Evaluation items carry every customer tier (the sampler stratifies by
    # it); a job may run at its organization's tier or below, so the
    # evaluation organization has the highest.
    if organization.customer_tier != CustomerTier.PREMIUM:
        organization.customer_tier = CustomerTier.PREMIUM
        organization.save(update_fields=["customer_tier"])
    project = project_ensure(organization=organization, slug="evals")
    key = ApiKey.objects.filter(organization=organization, revoked_at__isnull=True, name="eval-runner").first()
    return key or api_key_create(organization=organization, project=project, role="admin", name="eval-runner").api_key


def _submit(run: EvalRun, result: EvalResult, key: ApiKey) -> None:
    item = result.item
    kind = task_kinds()[item.task_kind]
    pinned = run.versions[item.task_kind]
    template = PromptTemplate.objects.get(name=item.task_kind, organization__isnull=True, deleted_at__isnull=True)
    prompt = Resolved(
        template=template,
        version=template.versions.get(id=pinned["versionId"]),
        kind=kind,
        label="" if SEMVER.match(run.template) else run.template,
    )
    options: dict[str, Any] = {"cache": "bypass"}  # the model is what is measured, not the cache
    if run.route != "policy":
        options["model"] = run.route
    body = json.dumps([item.input, options], sort_keys=True)
    submission = job_submit(
        api_key=key,
        kind=kind,
        parameters=item.input,
        options=options,
        priority="normal",
        webhook_url="",
        output_schema=None,
        correlation_id=f"eval-{str(run.id)[:8]}",
        idempotency_key=f"eval:{run.id}:{item.id}",
        request_hash=hashlib.sha256(body.encode()).hexdigest(),
        prompt=prompt,
    )
    result.job_id = submission.job.id
    result.save(update_fields=["job_id"])


def _score(result: EvalResult, job: Job) -> None:
    result.outcome = job_outcome(job, result.item)
    result.job_status = job.status
    result.scored_at = timezone.now()
    result.save(update_fields=["outcome", "job_status", "scored_at"])
    if job.status == Status.REVIEWING:
        # Cancelling withdraws its review task: evaluations never fill the reviewers' queue.
        job_cancel(job_id=str(job.id), reason="evaluation item scored while held for review")


def run_execute(
    *,
    run: EvalRun,
    concurrency: int = 2,
    poll_seconds: float = 1.0,
    stall_seconds: float = 900.0,
    progress: Callable[[int, int], None] | None = None,
) -> EvalRun:
    """Drive the run until every item is scored, then compute its metrics
    and gates. Interrupting it loses nothing: call it again to go on."""
    key = eval_api_key()
    EvalRun.objects.filter(id=run.id).update(status=RunStatus.RUNNING)
    total = run.results.count()
    last_done, last_change = -1, time.monotonic()
    while True:
        open_results = list(run.results.filter(scored_at__isnull=True).select_related("item").order_by("id"))
        done = total - len(open_results)
        if progress:
            progress(done, total)
        if not open_results:
            break
        if done != last_done:
            last_done, last_change = done, time.monotonic()
        elif time.monotonic() - last_change > stall_seconds:
            # Nothing ended for a long time: no worker is taking the jobs.
            # The run stays resumable; its jobs wait in the queue meanwhile.
            EvalRun.objects.filter(id=run.id).update(status=RunStatus.FAILED)
            raise DatasetError(
                f"no item ended in {stall_seconds:.0f} s: are the workers running? "
                f"Resume with: manage.py eval run --resume {run.id}"
            )
        in_flight = [r for r in open_results if r.job_id]
        jobs = {
            str(j.id): j for j in Job.objects.select_related("payload").filter(id__in=[r.job_id for r in in_flight])
        }
        waiting = 0
        for result in in_flight:
            job = jobs.get(str(result.job_id))
            if job is not None and job.status in ENDED:
                _score(result, job)
            else:
                waiting += 1
        for result in [r for r in open_results if not r.job_id][: max(0, concurrency - waiting)]:
            _submit(run, result, key)
        time.sleep(poll_seconds)
    return run_finish(run=run)


def run_rescore(*, run: EvalRun) -> EvalRun:
    """Grade a finished run's items again from their jobs' stored outputs
    (after the grader learned to record more, e.g. which component proposed
    each field). What happened to each job (delivered, reviewed, failed) is
    kept as recorded: jobs held for review were cancelled after scoring."""
    for result in run.results.select_related("item").exclude(job_id=None):
        if result.job_id is None or "injectionSucceeded" in result.outcome:
            continue
        output = JobResult.objects.filter(job_id=result.job_id).values_list("output", flat=True).first()
        result.outcome = {**result.outcome, **item_grades(result.item, output)}
        result.save(update_fields=["outcome"])
    return run_finish(run=run)


def run_finish(*, run: EvalRun) -> EvalRun:
    outcomes = [r.outcome for r in run.results.all()]
    run.metrics = run_metrics(outcomes)
    results = gates_check(rates_from(run.metrics), gates_for(run.dataset.kind))
    run.gates = [g.as_dict() for g in results]
    run.passed = all(g.passed for g in results)
    run.status = RunStatus.COMPLETED
    run.finished_at = timezone.now()
    run.save(update_fields=["metrics", "gates", "passed", "status", "finished_at"])
    return run
