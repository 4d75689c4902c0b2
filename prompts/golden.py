"""Golden tests: the executed tests a prompt engineer marked as the template's
regression suite. Submitting a version for review runs them against it (a
Celery task, as they call the model); `review -> active` waits for a pass.
A golden test passes when the new version's output validates against the
task kind's schema.
"""

from django.utils import timezone

from prompts.models import GoldenRun, TemplateTest, TemplateVersion
from prompts.preview import version_execute
from prompts.rendering import fence_token_for, render_version
from prompts.task_kinds import task_kinds


def golden_tests(version: TemplateVersion) -> list[TemplateTest]:
    """The template's golden tests, written by its own organization (a
    platform template's by platform operators)."""
    tests = TemplateTest.objects.filter(version__template_id=version.template_id, golden=True)
    owner = version.template.organization_id
    return list(tests.filter(organization_id=owner) if owner else tests.filter(organization__isnull=True))


def golden_run_start(version: TemplateVersion) -> GoldenRun | None:
    """A pending run when the template has golden tests (call inside the
    submit's transaction; the caller queues it on commit)."""
    if not golden_tests(version):
        return None
    return GoldenRun.objects.create(version=version)


def golden_run_execute(run_id: str) -> GoldenRun:
    run = GoldenRun.objects.select_related("version__template").get(pk=run_id)
    if run.status != GoldenRun.Status.PENDING:
        return run  # a redelivered message: already done
    version = run.version
    kind = task_kinds()[version.template.task_kind]
    results = []
    for test in golden_tests(version):
        fence_token = fence_token_for(test.parameters, scope=str(version.template.organization_id))
        messages = render_version(version=version, kind=kind, parameters=test.parameters, fence_token=fence_token)
        try:
            completion, report = version_execute(version=version, kind=kind, messages=messages, input_tokens=0)
            results.append(
                {
                    "testId": str(test.id),
                    "valid": report.valid,
                    "errors": report.errors[:5],
                    "deployment": completion.deployment,
                }
            )
        except Exception as exc:  # a model outage fails the run; it can be re-run by submitting again
            results.append({"testId": str(test.id), "valid": False, "errors": [{"message": type(exc).__name__}]})
    run.results = results
    run.status = GoldenRun.Status.PASSED if all(r["valid"] for r in results) else GoldenRun.Status.FAILED
    run.finished_at = timezone.now()
    run.save(update_fields=["results", "status", "finished_at"])
    return run


def golden_gate(version: TemplateVersion) -> str | None:
    """Why `version` may not be activated yet, or None when it may."""
    if not golden_tests(version):
        return None
    latest = version.golden_runs.first()
    if latest is None:
        return "golden tests have not run for this version; submit it for review"
    if latest.status == GoldenRun.Status.PENDING:
        return "golden tests are still running"
    if latest.status == GoldenRun.Status.FAILED:
        failed = sum(1 for r in latest.results if not r["valid"])
        return f"{failed} golden test(s) failed; the version regressed"
    return None
