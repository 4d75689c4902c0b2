"""A job's working state: what its stages hand each other, typed.

The state is stored encrypted on the job's payload (it holds the redacted
input and the prompts) and is loaded and saved here only. Stored keys keep
their original camelCase names, so the payloads of jobs accepted before the
state had a version (version 0) still load; `STATE_VERSION` moves when the
shape changes, and `from_dict` keeps reading every older version.

Each stage adds its part:
  prepare   input, fence_token, canary, pii, review_reasons, policy_precheck
  assemble  taxonomy plan, extraction plan, moderation plan, messages
  generate  attempts (one per model answer; the repair request consumed)
  validate  repair (a restate-as-JSON request) or feedback (remediation)
"""

from dataclasses import dataclass, field
from typing import Any

from jobs.models import Job
from safety.encryption import decrypt_json, encrypt_json

STATE_VERSION = 1


@dataclass(frozen=True)
class Attempt:
    """One answer the generate stage recorded."""

    text: str
    cache_key: str | None = None
    repair: bool = False  # the answer to a repair call
    fallback: bool = False  # Beacon's own answer, no model answered

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Attempt":
        return cls(
            text=str(data.get("text", "")),
            cache_key=data.get("cacheKey"),
            repair=bool(data.get("repair")),
            fallback=bool(data.get("fallback")),
        )

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "cacheKey": self.cache_key, "repair": self.repair}
        if self.fallback:
            data["fallback"] = True
        return data


@dataclass(frozen=True)
class RepairRequest:
    """Parsing pass 3: ask the small tier to restate `text` as JSON."""

    text: str
    error: str


@dataclass
class JobState:
    version: int = STATE_VERSION
    # prepare
    input: dict[str, Any] = field(default_factory=dict)  # redacted and normalized
    fence_token: str = ""
    canary: str = ""
    pii: dict[str, Any] | None = None  # the Redactor's state: placeholders -> originals
    review_reasons: list[dict[str, Any]] = field(default_factory=list)
    policy_precheck: dict[str, Any] | None = None  # moderation's content-policy verdict
    # assemble
    taxonomy: list[str] | None = None  # the paths the job may answer
    taxonomy_ranking: list[tuple[str, float]] | None = None  # retrieval's shortlist
    extraction: dict[str, Any] | None = None  # validation.extraction.ExtractionPlan, with the category
    moderation: bool = False
    output_schema: dict[str, Any] | None = None  # the job's narrowed delivered schema
    model_schema: dict[str, Any] | None = None  # the smaller schema the model answers in
    prompt_context: dict[str, Any] | None = None
    messages: list[dict[str, str]] = field(default_factory=list)
    # generate and validate
    attempts: list[Attempt] = field(default_factory=list)
    repair: RepairRequest | None = None
    feedback: list[str] | None = None

    @property
    def last_attempt(self) -> Attempt:
        return self.attempts[-1] if self.attempts else Attempt(text="")

    @property
    def planned(self) -> bool:
        """Beacon builds the delivered output from a smaller model answer."""
        return self.model_schema is not None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "JobState":
        """Any stored version (0 has no version key and the same names)."""
        repair = data.get("repair")
        ranking = data.get("taxonomyRanking")
        return cls(
            version=int(data.get("version", 0)),
            input=dict(data.get("input") or {}),
            fence_token=str(data.get("fenceToken", "")),
            canary=str(data.get("canary") or ""),
            pii=data.get("pii"),
            review_reasons=list(data.get("reviewReasons") or []),
            policy_precheck=data.get("policyPrecheck"),
            taxonomy=data.get("taxonomy"),
            taxonomy_ranking=[(str(p), float(s)) for p, s in ranking] if ranking is not None else None,
            extraction=data.get("extraction"),
            moderation=bool(data.get("moderation")),
            output_schema=data.get("outputSchema") or None,
            model_schema=data.get("modelSchema") or None,
            prompt_context=data.get("promptContext"),
            messages=list(data.get("messages") or []),
            attempts=[Attempt.from_dict(a) for a in data.get("attempts") or []],
            repair=RepairRequest(text=repair["text"], error=repair["error"]) if repair else None,
            feedback=data.get("feedback"),
        )

    def as_dict(self) -> dict[str, Any]:
        """The stored form: the current version, unset parts left out."""
        data: dict[str, Any] = {
            "version": STATE_VERSION,
            "input": self.input,
            "fenceToken": self.fence_token,
            "canary": self.canary,
            "pii": self.pii,
            "reviewReasons": self.review_reasons,
            "policyPrecheck": self.policy_precheck,
            "taxonomy": self.taxonomy,
            "taxonomyRanking": [list(pair) for pair in self.taxonomy_ranking]
            if self.taxonomy_ranking is not None
            else None,
            "extraction": self.extraction,
            "moderation": self.moderation or None,
            "outputSchema": self.output_schema,
            "modelSchema": self.model_schema,
            "promptContext": self.prompt_context,
            "messages": self.messages,
            "attempts": [a.as_dict() for a in self.attempts],
            "repair": {"text": self.repair.text, "error": self.repair.error} if self.repair else None,
            "feedback": self.feedback,
        }
        return {key: value for key, value in data.items() if value is not None}


def job_state_load(job: Job) -> JobState:
    """The job's state; an empty one before prepare ran or after retention
    purged it (`job_state_stored` tells the two apart)."""
    payload = job.payload
    return JobState.from_dict(decrypt_json(payload.working)) if payload.working else JobState()


def job_state_stored(job: Job) -> bool:
    return bool(job.payload.working)


def job_state_save(job: Job, state: JobState) -> None:
    payload = job.payload
    payload.working = encrypt_json(state.as_dict())
    payload.save(update_fields=["working"])
