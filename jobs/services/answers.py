"""From the model's answer to the delivered output, where Beacon builds it.

A job planned in the assemble stage (extraction with candidates, tagging
from a ranked shortlist, moderation with the policy's verdict) asks the model
a smaller question than the output the caller receives: choose a value,
choose a path, write a summary. This module puts the answer together with
what Beacon knows (spans, retrieval scores, the policy's verdict) into the
delivered shape, which is then validated like any output.
"""

from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator

from jobs.state import JobState
from prompts.taxonomy import taxonomy_choice, taxonomy_confidence
from validation.extraction import ExtractionPlan, extraction_output

MODERATION_CATEGORIES = (
    "hate",
    "harassment",
    "violence",
    "sexual",
    "self_harm",
    "illegal_goods",
    "spam",
    "personal_data",
    "misleading_claims",
)
# PII the prepare stage found in a moderated text: personal data published
# in a listing (an address, a phone number, an e-mail).
# The placeholder names of safety/pii.py (LABELS), not Presidio's entity names.
PERSONAL_DATA_ENTITIES = ("EMAIL", "PHONE", "IBAN", "CARD", "ADDRESS", "NATIONAL_ID")


def policy_verdict(state: JobState) -> tuple[str, list[str]]:
    """The content policy's verdict and categories for a moderated input:
    a category at or over the block score blocks, any other flag asks for
    review, nothing flagged allows."""
    precheck = state.policy_precheck or {}
    flag = settings.BEACON_CONTENT_POLICY_FLAG_SCORE
    scores = {
        name: float(score)
        for name, score in (precheck.get("categories") or {}).items()
        if name in MODERATION_CATEGORIES and float(score) >= flag
    }
    placeholders = (state.pii or {}).get("mapping") or {}
    if any(token.strip("<>").rsplit("_", 1)[0] in PERSONAL_DATA_ENTITIES for token in placeholders):
        scores.setdefault("personal_data", flag)
    if not scores:
        return "allow", ["none"]
    verdict = "block" if max(scores.values()) >= settings.BEACON_MODERATION_BLOCK_SCORE else "review"
    return verdict, sorted(scores, key=lambda name: (-scores[name], name))[:5]


def answer_build(answer: Any, state: JobState) -> Any:
    """The delivered output for a planned job's answer; other jobs' answers
    are their output."""
    if not isinstance(answer, dict):
        return answer
    if state.extraction is not None:
        plan = ExtractionPlan.from_dict(state.extraction)
        return extraction_output(answer, plan, state.input, accept_score=settings.BEACON_EXTRACTION_ACCEPT_SCORE)
    if state.taxonomy_ranking is not None:
        ranking = state.taxonomy_ranking
        path = taxonomy_choice(str(answer["path"]), ranking, settings.BEACON_TAXONOMY_MODEL_DECIDES_BELOW)
        # A fallback answer is retrieval's own: no second method agreed.
        model_path = "" if state.last_attempt.fallback else str(answer["path"])
        return {"categories": [{"path": path, "confidence": taxonomy_confidence(path, ranking, model_path)}]}
    if state.moderation:
        verdict, categories = policy_verdict(state)
        return {"verdict": verdict, "categories": categories, "summary": answer["summary"]}
    return answer


# Model errors that mean no deployment can answer now (all circuits open,
# none left to try): a planned job falls back to Beacon's own answer.
NO_MODEL_CODES = frozenset({"breaker_open", "no_deployment_available"})


def fallback_answer(state: JobState) -> dict[str, Any] | None:
    """What a planned job answers when no model does: retrieval's first
    category; for extraction, no choice at all (the strongest cues are still
    delivered, unconfirmed). None for jobs with no answer of their own."""
    if state.taxonomy_ranking:
        return {"path": state.taxonomy_ranking[0][0]}
    if state.extraction is not None:
        asked = (state.model_schema or {}).get("properties") or {}
        return dict.fromkeys(asked)
    return None


def delivered_errors(output: Any, validator: Draft202012Validator) -> list[dict[str, Any]]:
    return [
        {
            "path": ".".join(str(p) for p in error.absolute_path),
            "message": error.message,
            "value": None,
            "rule": "schema",
        }
        for error in validator.iter_errors(output)
    ]


def nothing_delivered(kind_output: str, output: Any) -> bool:
    """An extraction whose every value is null: it says nothing a caller can
    use, so it is not delivered silently."""
    if kind_output != "extraction" or not isinstance(output, dict):
        return False
    attributes = output.get("attributes")
    if not isinstance(attributes, dict) or not attributes:
        return False
    return all(not isinstance(f, dict) or f.get("value") in (None, "") for f in attributes.values())
