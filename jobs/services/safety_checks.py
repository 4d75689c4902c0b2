"""The pipeline's safety decisions: PII redaction, the injection and
content-policy checks on the input (prepare stage) and the output scan
(decide stage).

Each check is split in two. The assessment (`input_assess`, `output_assess`)
computes what the checks found and writes nothing, so that a remote content
policy (an HTTP call with a timeout) can run before the stage takes the
job's row lock. The record (`input_record`, `output_record`), under the
lock, writes an event for each check that fired, with its scores and the
rule or model that fired, and applies the task kind's policy (block,
sanitize, strip, review; safety.policy). Review reasons collect in the
job's state and the decide stage sends the job to a person when there are
any.
"""

from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings

from common.text import strings_of
from jobs.models import EventType, Job
from jobs.services.events import event_record
from jobs.services.preparation import STRUCTURED_PARAMETERS, input_normalize
from jobs.services.slow_io import without_db_connection_if_slow
from jobs.services.stages import StageError, TransientStageError
from jobs.state import JobState
from prompts.rendering import fence_token_for
from prompts.task_kinds import TaskKind
from safety.canary import canary_for
from safety.classifier import classify
from safety.content_policy import PolicyUnavailable, PolicyVerdict, content_policy
from safety.encryption import decrypt_json
from safety.injection import injection_decision, parameters_text, sanitize_parameters, scan_parameters, scan_text
from safety.output_scan import Finding, OutputScan, output_scan
from safety.patterns import active_version
from safety.pii import Redactor, declared_terms


@dataclass
class Checked:
    """What a check found, before anything is written: the events it will
    record (in order), the review reasons it adds, and the error that stops
    the job, if any."""

    events: list[tuple[EventType, dict[str, Any]]] = field(default_factory=list)
    reasons: list[dict[str, Any]] = field(default_factory=list)
    error: StageError | None = None

    def record(self, job: Job) -> None:
        for type_, data in self.events:
            event_record(job=job, type=type_, data=data)
        if self.error is not None:
            raise self.error


@dataclass(frozen=True)
class PolicyAnswer:
    """The content policy's verdict on one text, or why there is none."""

    text: str
    direction: str
    verdict: PolicyVerdict | None
    unavailable: str = ""


def policy_ask(kind: TaskKind, text: str, *, locale: str, direction: str) -> PolicyAnswer:
    """Ask the content policy about redacted text (a network call when the
    policy is a service: never made under a row lock)."""
    policy = content_policy()
    check = partial(policy.check, text, locale=locale, direction=direction, task_kind=kind.name)
    try:
        # A service's answer can take its whole timeout: no connection is pinned meanwhile.
        verdict = without_db_connection_if_slow(check) if policy.remote else check()
    except PolicyUnavailable as exc:
        return PolicyAnswer(text=text, direction=direction, verdict=None, unavailable=str(exc))
    return PolicyAnswer(text=text, direction=direction, verdict=verdict)


def policy_checked(kind: TaskKind, answer: PolicyAnswer, checked: Checked) -> PolicyVerdict | None:
    """The answer's events in `checked`. None when the service did not answer
    and the kind fails open; a fail-closed kind retries, then fails."""
    if answer.verdict is None:
        fail_closed = kind.safety.content_policy_fail_closed
        checked.events.append(
            (
                EventType.CONTENT_POLICY_UNAVAILABLE,
                {"direction": answer.direction, "error": answer.unavailable, "failClosed": fail_closed},
            )
        )
        if fail_closed:
            checked.error = TransientStageError(
                f"no content policy verdict and {kind.name} fails closed: {answer.unavailable}",
                code="policy_unavailable",
            )
        return None
    verdict = answer.verdict
    if verdict.flagged or verdict.categories:
        checked.events.append((EventType.CONTENT_POLICY, {"direction": answer.direction, **verdict.as_dict()}))
    return verdict


def _injection_checked(
    kind: TaskKind, raw: dict[str, Any], prepared: dict[str, Any], checked: Checked
) -> dict[str, Any]:
    """The input layers (rules, then the classifier). Returns the input the
    prompt will carry: `prepared`, or a sanitized copy of it."""
    rules = scan_parameters(raw)
    classifier = classify(parameters_text(prepared))
    decision = injection_decision(rules.score, classifier.score)
    if decision == "allow" and not rules.hits:
        return prepared
    enforced = settings.BEACON_INJECTION_ENFORCE
    action = {"block": kind.safety.injection_action, "flag": "review", "allow": "none"}[decision]
    scan = {
        "layer": "input",
        "score": rules.score,
        "hits": rules.as_dict()["hits"],
        "classifier": classifier.as_dict(),
        "decision": decision,
        "action": action,
        "enforced": enforced,
        "patternsVersion": active_version(),  # the rule set in force (safety/patterns.py)
    }
    checked.events.append((EventType.INJECTION_SCAN, scan))
    if not enforced or decision == "allow":
        return prepared
    score = max(rules.score, classifier.score)
    if action == "block":
        checked.error = StageError(
            f"the input looks like a prompt-injection attempt (score {score})", code="injection_blocked"
        )
        return prepared
    if action == "sanitize":
        sanitized, removed = sanitize_parameters(prepared, settings.BEACON_INJECTION_CLASSIFIER_FLAG)
        after = injection_decision(scan_parameters(sanitized).score, classify(parameters_text(sanitized)).score)
        checked.events.append((EventType.INJECTION_SANITIZED, {"removedPassages": removed, "decisionAfter": after}))
        if after == "block" or not str(sanitized.get("content", "")).strip():
            checked.error = StageError(
                "the input was still an injection attempt after sanitizing", code="injection_blocked"
            )
            return prepared
        checked.reasons.append({"reason": "injection_sanitized", "score": score})
        return sanitized
    checked.reasons.append({"reason": "injection_suspected", "score": score})
    return prepared


@dataclass
class InputChecks:
    """The prepare stage's findings: the input the prompt will carry
    (redacted, maybe sanitized), the redactor's state, and the checks'
    events, reasons and error; `policy_precheck` for moderation."""

    prepared: dict[str, Any]
    pii: dict[str, Any]
    checked: Checked
    policy_precheck: dict[str, Any] | None = None


def input_assess(job: Job, kind: TaskKind) -> InputChecks:
    """Redact, scan for injection and ask the content policy, writing
    nothing (the job need not be locked)."""
    parameters = decrypt_json(job.payload.raw)
    # PII is redacted here, before anything is rendered or stored: prompts,
    # model calls, events and results see only typed placeholders.
    redactor = Redactor(allow=declared_terms(parameters))
    prepared = {
        key: value if key in STRUCTURED_PARAMETERS else redactor.redact_value(value)
        for key, value in input_normalize(parameters).items()
    }
    checked = Checked()
    found = Counter(token.strip("<>").rsplit("_", 1)[0] for token in redactor.mapping)
    if found:
        checked.events.append((EventType.PII_REDACTED, {"entities": dict(found)}))
    prepared = _injection_checked(kind, parameters, prepared, checked)
    checks = InputChecks(prepared=prepared, pii=redactor.state(), checked=checked)
    if checked.error is not None:
        return checks
    answer = policy_ask(kind, parameters_text(prepared), locale=str(prepared.get("locale", "en-US")), direction="input")
    verdict = policy_checked(kind, answer, checked)
    if verdict is None or checked.error is not None:
        return checks
    if kind.safety.content_policy_precheck:
        # Moderation: the pre-check's verdict is compared with the model's.
        checks.policy_precheck = verdict.as_dict()
        return checks
    # Injection is the input layers' decision (they honour monitor mode).
    categories = [name for name in verdict.flagged_categories if name != "prompt_injection"]
    if categories:
        if kind.safety.content_policy_input == "block":
            checked.error = StageError(
                f"the input breaks the content policy ({', '.join(categories)})", code="content_policy_blocked"
            )
            return checks
        checked.reasons.append({"reason": "input_policy", "categories": categories})
    return checks


def input_record(job: Job, checks: InputChecks) -> JobState:
    """Write the input checks' events (raising their error) and return the
    job's first state."""
    checks.checked.record(job)
    scope = str(job.organization_id)
    return JobState(
        input=checks.prepared,
        fence_token=fence_token_for(checks.prepared, scope=scope),
        canary=canary_for(checks.prepared, scope=scope),
        pii=checks.pii,
        review_reasons=checks.checked.reasons,
        policy_precheck=checks.policy_precheck,
    )


@dataclass
class OutputChecks:
    """The decide stage's findings on one output: the scan (with the
    content policy's and the injection rules' findings added) and its events."""

    output: Any  # the output scanned: a changed output means scan again
    scan: OutputScan
    checked: Checked


def output_assess(kind: TaskKind, output: Any, state: JobState, is_valid: Any) -> OutputChecks:
    """The output scan plus the content policy on the output's text, writing
    nothing (the job need not be locked)."""
    source = parameters_text(state.input)
    scan = output_scan(output, source=source, canary=state.canary, policy=kind.safety, is_valid=is_valid)
    text = "\n".join(value for _, value in strings_of(scan.output))
    checked = Checked()
    answer = policy_ask(kind, text, locale=str(state.input.get("locale", "en-US")), direction="output")
    verdict = policy_checked(kind, answer, checked)
    if checked.error is not None:
        return OutputChecks(output=output, scan=scan, checked=checked)
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
        checked.events.append((EventType.OUTPUT_SCAN, {"layer": "output", **scan.as_dict()}))
    return OutputChecks(output=output, scan=scan, checked=checked)


def output_record(job: Job, checks: OutputChecks) -> OutputScan:
    """Write the output checks' events (raising their error)."""
    checks.checked.record(job)
    return checks.scan


def policy_remote() -> bool:
    """Whether the checks make a network call, and so run before the lock."""
    return content_policy().remote


def precheck_disagreement(state: JobState, output: Any, answer: Any = None) -> dict[str, Any] | None:
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
    precheck = state.policy_precheck
    if not precheck or not precheck.get("flagged"):
        return None
    if output.get("verdict") == "allow":
        flagged = sorted(
            name for name, score in precheck["categories"].items() if score >= settings.BEACON_CONTENT_POLICY_FLAG_SCORE
        )
        return {"reason": "precheck_disagreement", "precheck": flagged, "model": output.get("verdict")}
    return None
