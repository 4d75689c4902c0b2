"""Extraction planned per job: which attributes, their candidates, the
schema delivered to the caller and the smaller one the model answers in.

The model answers one flat object, an attribute per key, each value one of
the attribute's candidates or null (an enum under constrained decoding), or
free text for an attribute no candidate list can cover (a brand without a
cue, a caller's attribute with no known values). Beacon then builds the
delivered field from the answer: the value, the span it was found at (the
evidence), which component proposed it and whether the model confirmed it.
"""

from dataclasses import dataclass, field
from typing import Any

from validation.candidates import AttributeSpec, CandidateSet, candidates_propose
from validation.evidence import InputIndex

DEFAULT_ATTRIBUTES = ("brand", "colour", "material", "size")
MAX_ATTRIBUTES = 12
FREE_MAX_LENGTH = 60

DELIVERED_FIELD: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["value"],
    "properties": {
        "value": {"type": ["string", "null"], "maxLength": 120},
        "evidence": {
            "type": ["string", "null"],
            "maxLength": 300,
            "description": "the input's own text the value was found at",
        },
        "span": {"type": ["object", "null"], "description": "where the evidence is: input field and offsets"},
        "proposedBy": {
            "type": ["string", "null"],
            "description": "product_field, spec, brand_cue, pattern, lexicon, allowed_values or model",
        },
        "confirmed": {"type": ["boolean", "null"], "description": "the model chose this value"},
    },
}


def attribute_specs(
    parameters: dict[str, Any], category_attributes: tuple[str, ...] | None = None
) -> list[AttributeSpec]:
    """The caller's attributes; else brand and size (a pack size or a
    garment's) with the attributes of the product's category (`colour` only
    where the category has colours: not for a chocolate called "White");
    else, with no category known, brand, colour, material and size."""
    requested = parameters.get("attributes")
    if requested:
        specs = []
        for item in requested:
            if isinstance(item, str):
                specs.append(AttributeSpec(item.strip()))
            else:
                specs.append(AttributeSpec(str(item["name"]).strip(), tuple(item.get("values") or ())))
        return specs
    if category_attributes is None:
        return [AttributeSpec(name) for name in DEFAULT_ATTRIBUTES]
    names = [name for name in DEFAULT_ATTRIBUTES if name in ("brand", "size") or name in category_attributes]
    names += [name for name in category_attributes if name not in names]
    return [AttributeSpec(name) for name in names[:MAX_ATTRIBUTES]]


@dataclass
class ExtractionPlan:
    specs: list[AttributeSpec]
    candidates: CandidateSet
    free: list[str] = field(default_factory=list)

    @property
    def asked(self) -> list[str]:
        """The attributes the model is asked about."""
        return [s.name for s in self.specs if self.candidates.values(s.name) or s.name in self.free]

    def model_schema(self) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        for name in self.asked:
            values = self.candidates.values(name)
            if name in self.free:
                properties[name] = {"type": ["string", "null"], "maxLength": FREE_MAX_LENGTH}
            else:
                properties[name] = {"enum": [*values, None]}
        return {"type": "object", "additionalProperties": False, "required": list(properties), "properties": properties}

    def delivered_schema(self) -> dict[str, Any]:
        names = [s.name for s in self.specs]
        attributes = {
            "type": "object",
            "additionalProperties": False,
            "required": names,
            "properties": {name: DELIVERED_FIELD for name in names},
        }
        return {
            "type": "object",
            "additionalProperties": False,
            "required": ["attributes"],
            "properties": {"attributes": attributes},
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "attributes": [{"name": s.name, "values": list(s.allowed)} for s in self.specs],
            "candidates": self.candidates.as_dict(),
            "free": self.free,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ExtractionPlan":
        specs = [AttributeSpec(a["name"], tuple(a.get("values") or ())) for a in data["attributes"]]
        return cls(specs, CandidateSet.from_dict(data["candidates"]), list(data.get("free") or []))


def extraction_plan(parameters: dict[str, Any], category_attributes: tuple[str, ...] | None = None) -> ExtractionPlan:
    specs = attribute_specs(parameters, category_attributes)
    candidates = candidates_propose(parameters, specs)
    requested = bool(parameters.get("attributes"))

    def free(spec: AttributeSpec) -> bool:
        """Asked without a candidate list: a brand, or an attribute the
        caller asked for by name that the input offers no candidate for; the
        answer is grounded afterwards."""
        if spec.allowed or candidates.values(spec.name):
            return False
        return spec.key == "brand" or requested

    return ExtractionPlan(specs, candidates, [s.name for s in specs if free(s)])


def _empty() -> dict[str, Any]:
    return {"value": None, "evidence": None, "span": None, "proposedBy": None, "confirmed": None}


def extraction_output(
    answer: dict[str, Any], plan: ExtractionPlan, parameters: dict[str, Any], accept_score: float = 2.0
) -> dict[str, Any]:
    """The delivered output for the model's answer.

    A candidate whose cue scores at least `accept_score` (a product field, a
    spec line, a size pattern, a strong brand cue) is delivered whether or
    not the model chose it, with `confirmed` saying which; below it, the
    model's choice decides. A free answer the input does not state keeps no
    evidence, so grounding drops it."""
    index = InputIndex(parameters)
    attributes: dict[str, Any] = {}
    for spec in plan.specs:
        value = answer.get(spec.name)
        chosen = plan.candidates.find(spec.name, value) if value not in (None, "") else None
        ranked = plan.candidates.by_attribute.get(spec.name) or []
        strong = ranked[0] if ranked and ranked[0].score >= accept_score else None
        pick = strong or chosen
        if pick is not None:
            attributes[spec.name] = {
                "value": pick.value,
                "evidence": pick.span.text,
                "span": pick.span.as_dict(),
                "proposedBy": pick.proposed_by,
                "confirmed": pick == chosen,
            }
        elif value not in (None, ""):
            span = index.locate(value)
            attributes[spec.name] = {
                "value": str(value),
                "evidence": span.text if span else None,
                "span": span.as_dict() if span else None,
                "proposedBy": "model",
                "confirmed": True,
            }
        else:
            attributes[spec.name] = _empty()
    return {"attributes": attributes}
