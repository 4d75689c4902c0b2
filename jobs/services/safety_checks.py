"""The pipeline's safety decisions: the injection and content-policy checks
on the input (prepare stage) and the output scan (decide stage).

Each check that fires writes an event with its scores and the rule or model
that fired; what it then does (block, sanitize, strip, review) is the task
kind's policy (safety.policy). Review reasons collect in the working state
and the decide stage sends the job to a person when there are any.
"""

from typing import Any

from django.conf import settings

from common.text import strings_of
from jobs.models import EventType, Job
from jobs.services.events import event_record
from jobs.services.stages import StageError, TransientStageError
from prompts.task_kinds import TaskKind
from safety.classifier import classify
from safety.content_policy import PolicyUnavailable, PolicyVerdict, content_policy
from safety.injection import parameters_text, sanitize_parameters, scan_parameters, scan_text
from safety.output_scan import Finding, OutputScan, output_scan


def _injection_decision(rules_score: float, classifier_score: float) -> str:
    if (
        rules_score >= settings.BEACON_INJECTION_BLOCK_SCORE
        or classifier_score >= settings.BEACON_INJECTION_CLASSIFIER_BLOCK
    ):
        return "block"
    if (
        rules_score >= settings.BEACON_INJECTION_FLAG_SCORE
        or classifier_score >= settings.BEACON_INJECTION_CLASSIFIER_FLAG
    ):
        return "flag"
    return "allow"


def injection_check(
    job: Job, kind: TaskKind, raw: dict[str, Any], prepared: dict[str, Any], reasons: list[dict[str, Any]]
) -> dict[str, Any]:
    """The input layers (rules, then the classifier). Returns the input the
    prompt will carry: `prepared`, or a sanitized copy of it."""
    rules = scan_parameters(raw)
    classifier = classify(parameters_text(prepared))
    decision = _injection_decision(rules.score, classifier.score)
    if decision == "allow" and not rules.hits:
        return prepared
    enforced = settings.BEACON_INJECTION_ENFORCE
    action = {"block": kind.safety.injection_action, "flag": "review", "allow": "none"}[decision]
    event_record(
        job=job,
        type=EventType.INJECTION_SCAN,
        data={
            "layer": "input",
            "score": rules.score,
            "hits": rules.as_dict()["hits"],
            "classifier": classifier.as_dict(),
            "decision": decision,
            "action": action,
            "enforced": enforced,
        },
    )
    if not enforced or decision == "allow":
        return prepared
    score = max(rules.score, classifier.score)
    if action == "block":
        raise StageError(f"the input looks like a prompt-injection attempt (score {score})", code="injection_blocked")
    if action == "sanitize":
        sanitized, removed = sanitize_parameters(prepared, settings.BEACON_INJECTION_CLASSIFIER_FLAG)
        after = _injection_decision(scan_parameters(sanitized).score, classify(parameters_text(sanitized)).score)
        event_record(
            job=job, type=EventType.INJECTION_SANITIZED, data={"removedPassages": removed, "decisionAfter": after}
        )
        if after == "block" or not str(sanitized.get("content", "")).strip():
            raise StageError("the input was still an injection attempt after sanitizing", code="injection_blocked")
        reasons.append({"reason": "injection_sanitized", "score": score})
        return sanitized
    reasons.append({"reason": "injection_suspected", "score": score})
    return prepared


def policy_check(job: Job, kind: TaskKind, text: str, *, locale: str, direction: str) -> PolicyVerdict | None:
    """The content policy on redacted text. None when the service did not
    answer and the kind fails open; a fail-closed kind retries, then fails."""
    try:
        verdict = content_policy().check(text, locale=locale, direction=direction, task_kind=kind.name)
    except PolicyUnavailable as exc:
        fail_closed = kind.safety.content_policy_fail_closed
        event_record(
            job=job,
            type=EventType.CONTENT_POLICY_UNAVAILABLE,
            data={"direction": direction, "error": str(exc), "failClosed": fail_closed},
        )
        if fail_closed:
            raise TransientStageError(
                f"no content policy verdict and {kind.name} fails closed: {exc}", code="policy_unavailable"
            ) from exc
        return None
    if verdict.flagged or verdict.categories:
        event_record(job=job, type=EventType.CONTENT_POLICY, data={"direction": direction, **verdict.as_dict()})
    return verdict


def input_policy_check(
    job: Job, kind: TaskKind, prepared: dict[str, Any], working: dict[str, Any], reasons: list[dict[str, Any]]
) -> None:
    verdict = policy_check(
        job, kind, parameters_text(prepared), locale=str(prepared.get("locale", "en-US")), direction="input"
    )
    if verdict is None:
        return
    if kind.safety.content_policy_precheck:
        # Moderation: the pre-check's verdict is compared with the model's.
        working["policyPrecheck"] = verdict.as_dict()
        return
    # Injection is the input layers' decision (they honour monitor mode).
    categories = [name for name in verdict.flagged_categories if name != "prompt_injection"]
    if categories:
        if kind.safety.content_policy_input == "block":
            raise StageError(
                f"the input breaks the content policy ({', '.join(categories)})", code="content_policy_blocked"
            )
        reasons.append({"reason": "input_policy", "categories": categories})


def output_safety(job: Job, kind: TaskKind, output: Any, working: dict[str, Any], is_valid: Any) -> OutputScan:
    """The output scan plus the content policy on the output's text."""
    source = parameters_text(working["input"])
    scan = output_scan(output, source=source, canary=working.get("canary", ""), policy=kind.safety, is_valid=is_valid)
    text = "\n".join(value for _, value in strings_of(scan.output))
    verdict = policy_check(job, kind, text, locale=str(working["input"].get("locale", "en-US")), direction="output")
    if verdict is not None and verdict.flagged:
        action = kind.safety.output_action("content_policy")
        scan.findings.append(Finding("content_policy", action, "$", ", ".join(verdict.flagged_categories)))
    injected = scan_text(text)
    if injected.score >= settings.BEACON_INJECTION_BLOCK_SCORE:
        # Model output that is itself an injection would attack whatever reads it next.
        scan.findings.append(
            Finding("instruction_marker", kind.safety.output_action("instruction_marker"), "$", injected.hits[0].rule)
        )
    if scan.findings:
        event_record(job=job, type=EventType.OUTPUT_SCAN, data={"layer": "output", **scan.as_dict()})
    return scan


def precheck_disagreement(working: dict[str, Any], output: Any, answer: Any = None) -> dict[str, Any] | None:
    """Moderation: the model and the content policy disagree on whether the
    content is allowed. With Beacon's own verdict in the output (`answer`
    holds the model's), either direction counts; otherwise, the model
    allowed what the policy pre-check flagged."""
    if not isinstance(output, dict):
        return None
    if isinstance(answer, dict) and "verdict" in answer:
        model, policy = answer["verdict"], output.get("verdict")
        if (model == "allow") != (policy == "allow"):
            return {
                "reason": "precheck_disagreement",
                "precheck": output.get("categories"),
                "policy": policy,
                "model": model,
            }
        return None
    precheck = working.get("policyPrecheck")
    if not precheck or not precheck.get("flagged"):
        return None
    if output.get("verdict") == "allow":
        flagged = sorted(
            name for name, score in precheck["categories"].items() if score >= settings.BEACON_CONTENT_POLICY_FLAG_SCORE
        )
        return {"reason": "precheck_disagreement", "precheck": flagged, "model": output.get("verdict")}
    return None
