"""Each task kind's safety policy, as data (`kind.json` "safety").

What happens when a layer fires depends on what the kind's output is for:
a product description goes straight to shoppers, a moderation summary is
itself a safety decision, tags are checked against a closed list anyway. The
defaults below are the strictest reasonable choice; a kind overrides keys.

Actions: "block" fails the job (nothing is delivered, the events say why);
"sanitize" (input) drops the passages that fired and goes on, flagged;
"strip" (output) cuts the offending text out and goes on, flagged;
"review" sends the output to a person before it is delivered.
"""

from dataclasses import dataclass, field
from typing import Any

INPUT_ACTIONS = frozenset({"block", "sanitize", "review"})
OUTPUT_ACTIONS = frozenset({"block", "strip", "review", "allow"})
SPOTLIGHTING_MODES = frozenset({"fence", "datamark"})
OUTPUT_RULES = (
    "canary",
    "system_prompt_leak",
    "instruction_marker",
    "foreign_url",
    "foreign_contact",
    "off_task",
    "foreign_token",
    "tainted_echo",
    "identifier",
    "content_policy",
)

DEFAULT_OUTPUT_ACTIONS = {
    "canary": "block",
    "system_prompt_leak": "block",
    "instruction_marker": "review",
    "foreign_url": "strip",
    "foreign_contact": "strip",
    "off_task": "review",
    "foreign_token": "strip",
    # Cutting the echoed payload keeps the rest of the answer deliverable.
    "tainted_echo": "strip",
    "identifier": "allow",
    "content_policy": "block",
}


@dataclass(frozen=True)
class SafetyPolicy:
    # Above the block score (rules or classifier): what to do with the input.
    injection_action: str = "block"
    output_actions: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_OUTPUT_ACTIONS))
    # A flagged input (content policy): review, or block.
    content_policy_input: str = "review"
    # High-risk kinds do not go on without a verdict from the policy service.
    content_policy_fail_closed: bool = False
    # The kind compares its model's verdict with the policy service's.
    content_policy_precheck: bool = False
    # Output fields of generated prose: each must share vocabulary with the
    # input (the off-task check). Empty: no off-task check.
    prose_fields: tuple[str, ...] = ()
    # How untrusted spans are set apart in the prompt: "fence" (per-job
    # markers around each span) or "datamark" (the markers, and every space
    # inside written as common.text.DATAMARK). BEACON_SPOTLIGHTING overrides.
    spotlighting: str = "fence"

    def output_action(self, rule: str) -> str:
        return self.output_actions.get(rule, "review")


def safety_policy_from(data: dict[str, Any] | None) -> SafetyPolicy:
    """Build a policy from a kind's "safety" object; unknown keys or actions are errors."""
    data = dict(data or {})
    outputs = {**DEFAULT_OUTPUT_ACTIONS, **data.pop("output_actions", {})}
    unknown_rules = set(outputs) - set(OUTPUT_RULES)
    if unknown_rules:
        raise ValueError(f"unknown output rules {sorted(unknown_rules)}; known: {list(OUTPUT_RULES)}")
    bad = {rule: action for rule, action in outputs.items() if action not in OUTPUT_ACTIONS}
    if bad:
        raise ValueError(f"unknown output actions {bad}; known: {sorted(OUTPUT_ACTIONS)}")
    prose = tuple(data.pop("prose_fields", ()))
    policy = SafetyPolicy(output_actions=outputs, prose_fields=prose, **data)
    if policy.injection_action not in INPUT_ACTIONS:
        raise ValueError(f"unknown injection_action {policy.injection_action!r}; known: {sorted(INPUT_ACTIONS)}")
    if policy.content_policy_input not in ("review", "block"):
        raise ValueError(f"content_policy_input must be review or block, not {policy.content_policy_input!r}")
    if policy.spotlighting not in SPOTLIGHTING_MODES:
        raise ValueError(f"unknown spotlighting {policy.spotlighting!r}; known: {sorted(SPOTLIGHTING_MODES)}")
    return policy
