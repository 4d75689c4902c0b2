"""Previews: render a version with sample parameters, count its tokens and
price it per tier without calling a model; or, with `execute`, also run the
generation and validation synchronously and keep the result as a test.

An executed test is model work like a job's and goes through the same
guards: the month's budget (a spent one refuses it), PII redaction (the
model sees placeholders; the test keeps only the redacted parameters), the
injection layers (a blocked input does not run; a kind that sanitizes gets
the sanitized copy), and the ledger (every attempt, failed ones too)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import jinja2
from django.conf import settings

from common.errors import DomainError
from llm.budget import budget_spent
from llm.errors import ModelError
from llm.gateway import ModelRequest, complete, decision_for
from llm.ledger import calls_record
from llm.pricing import token_prices
from llm.registry import registry
from llm.routing import RouteRequest
from llm.tokens import count_tokens
from prompts.checks import CheckError
from prompts.errors import TemplateError
from prompts.models import PromptTemplate, TemplateTest
from prompts.rendering import fence_token_for, render_version
from prompts.resolution import template_resolve
from safety.classifier import classify
from safety.injection import injection_decision, parameters_text, sanitize_parameters, scan_parameters
from safety.pii import Redactor, declared_terms
from tenants.models import Organization

# Parsing and validating a model's text against a schema is validation's
# (validation.output.output_validate); prompts shares its floor and does not
# import it, so jobs, above both, registers it here (jobs/apps.py).
OUTPUT_VALIDATE: list[Callable[..., Any]] = []


def _output_validate(*, text: str, validator: Any) -> Any:
    if not OUTPUT_VALIDATE:
        raise RuntimeError("no output validation registered: is the jobs app in INSTALLED_APPS?")
    return OUTPUT_VALIDATE[0](text=text, validator=validator)


def _parameters_check(kind: Any, parameters: dict[str, Any]) -> None:
    errors = sorted(kind.input_validator.iter_errors(parameters), key=lambda e: list(e.absolute_path))
    if errors:
        raise TemplateError(
            "the parameters do not match the task kind's input schema",
            code="validation_error",
            errors=[CheckError("parameters" + "".join(f".{p}" for p in e.absolute_path), e.message) for e in errors],
        )


def preview_render(
    *,
    template: PromptTemplate,
    selector: str | None,
    parameters: dict[str, Any],
    execute: bool,
    organization_id: Any,
    created_by: str = "",
    route: str | None = None,
) -> dict[str, Any]:
    """`organization_id` is the caller's: the preview renders with its fence
    token, and an executed test is its own (kept as its data). `route`: a
    tier or a deployment name for the run (the router's `options.model`);
    None: the version's tier."""
    resolved = template_resolve(
        template_id=str(template.id), selector=selector, parameters=parameters, organization_id=organization_id
    )
    kind, version = resolved.kind, resolved.version
    _parameters_check(kind, parameters)
    safety: dict[str, Any] = {}
    if execute:
        _budget_check(organization_id)
        parameters, safety = _input_guard(kind, parameters)
    try:
        messages = render_version(
            version=version,
            kind=kind,
            parameters=parameters,
            fence_token=fence_token_for(parameters, scope=str(organization_id)),
        )
    except jinja2.TemplateError as exc:  # a missing variable, or a limit of the sandbox
        raise TemplateError(f"the template does not render with these parameters: {exc}", code="render_failed") from exc
    max_tokens = int(version.metadata.get("maxTokens") or kind.max_tokens)
    estimates: dict[str, dict[str, Any]] = {}
    for tier in ("small", "large"):
        deployments = registry().tier(tier)
        if not deployments:
            continue
        deployment = deployments[0]
        counts = [count_tokens(deployment, [message]) for message in messages]
        prices = token_prices(deployment)
        cost = (prices[0] * sum(counts) + prices[1] * max_tokens) if prices else None
        estimate = str(cost.quantize(Decimal("0.00000001"))) if cost is not None else None
        estimates[tier] = {
            "deployment": deployment.name,
            "messageTokens": counts,
            "promptTokens": sum(counts),
            "maxCompletionTokens": max_tokens,
            "estimatedCostUsd": estimate,
        }
    result: dict[str, Any] = {
        "template": template.name,
        "version": version.version,
        "label": resolved.label,
        "messages": messages,
        "estimates": estimates,
    }
    if not execute:
        return result
    input_tokens = int(estimates.get(_tier(version, kind), {}).get("promptTokens", 0))

    def ledger(attempts: Any) -> None:
        calls_record(
            organization_id=organization_id,
            project_id=None,
            job_id=None,
            task_kind=kind.name,
            stage="template_test",
            attempts=attempts,
            routing_reason={"template": template.name, "version": version.version},
        )

    try:
        completion, report = version_execute(
            version=version, kind=kind, messages=messages, input_tokens=input_tokens, route=route
        )
    except ModelError as exc:
        ledger(exc.attempts)
        raise
    ledger(completion.attempts)
    test = TemplateTest.objects.create(
        version=version,
        organization_id=organization_id,
        parameters=parameters,  # redacted
        output=report.parsed if report.valid else None,
        validation=report.as_dict(),
        valid=report.valid,
        deployment=completion.deployment,
        cost_usd=completion.total_cost_usd,
        latency_ms=completion.latency_ms,
        created_by=created_by,
    )
    result["execution"] = {
        "testId": str(test.id),
        "deployment": completion.deployment,
        "text": completion.text,
        "valid": report.valid,
        "validation": report.as_dict(),
        "costUsd": str(completion.total_cost_usd),
        "latencyMs": completion.latency_ms,
        "safety": safety,
    }
    return result


def _budget_check(organization_id: Any) -> None:
    budget = Organization.objects.filter(pk=organization_id).values_list("monthly_budget_usd", flat=True).first()
    spent = budget_spent(str(organization_id), budget)
    if spent is not None:
        raise DomainError(
            f"The model budget for this month is spent; tests that call the model are refused until "
            f"{spent.month_end:%Y-%m-%d} or until the budget is raised.",
            code="budget_exhausted",
        )


def _input_guard(kind: Any, parameters: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The prepare stage's input layers for a test: redact PII, then judge
    the raw input for injection as a job's is judged (safety.injection).
    Returns the parameters the model sees (and the test keeps) and a summary."""
    redactor = Redactor(allow=declared_terms(parameters))
    prepared = redactor.redact_value(parameters)
    rules = scan_parameters(parameters)
    classifier = classify(parameters_text(prepared))
    decision = injection_decision(rules.score, classifier.score)
    summary: dict[str, Any] = {
        "piiRedacted": len(redactor.mapping),
        "injection": {"decision": decision, "score": rules.score, "classifier": classifier.score},
    }
    action = kind.safety.injection_action
    if decision != "block" or not settings.BEACON_INJECTION_ENFORCE or action == "review":
        return prepared, summary  # a job would go to review; a test reports the finding
    if action == "sanitize":
        sanitized, removed = sanitize_parameters(prepared, settings.BEACON_INJECTION_CLASSIFIER_FLAG)
        after = injection_decision(scan_parameters(sanitized).score, classify(parameters_text(sanitized)).score)
        if after != "block" and str(sanitized.get("content", "")).strip():
            summary["injection"]["removedPassages"] = removed
            return sanitized, summary
    raise TemplateError(
        f"the parameters look like a prompt-injection attempt (score {max(rules.score, classifier.score)}); "
        "the test was not run",
        code="injection_blocked",
    )


def _tier(version: Any, kind: Any) -> str:
    return str(version.metadata.get("tier") or kind.tier)


def version_execute(
    *, version: Any, kind: Any, messages: list[dict[str, str]], input_tokens: int, route: str | None = None
) -> tuple[Any, Any]:
    """Generate with the version's settings through the gateway, then validate
    (`route`: a tier or deployment that overrides the version's tier)."""
    max_tokens = int(version.metadata.get("maxTokens") or kind.max_tokens)
    decision = decision_for(
        RouteRequest(
            task_kind=kind.name,
            default_tier=_tier(version, kind),
            input_tokens=input_tokens,
            max_tokens=max_tokens,
            routing_key=f"test:{version.id}",
            override=route or None,
        )
    )
    completion = complete(
        ModelRequest(
            messages=messages,
            schema=kind.output_schema,
            max_tokens=max_tokens,
            temperature=float(version.metadata.get("temperature", kind.temperature)),
            cache="bypass",
            cache_scope=f"test:{version.template.organization_id}",
        ),
        decision,
    )
    return completion, _output_validate(text=completion.text, validator=kind.output_validator)
