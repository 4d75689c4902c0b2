"""Request and response shapes of the generations API (camelCase, as the PRD)."""

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from rest_framework import serializers

from jobs.models import Priority
from llm.registry import registry
from prompts.models import PromptTemplate
from prompts.resolution import template_find
from prompts.selectors import template_names_visible
from prompts.task_kinds import task_kinds
from safety.ssrf import UnsafeUrl, url_check
from validation.registry import schema_reference_pin


class GenerationOptionsSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=["async", "sync"],
        default="async",
        help_text="sync: answer when the job ends (200), or with 202 after syncTimeoutSeconds.",
    )
    syncTimeoutSeconds = serializers.FloatField(required=False, min_value=1, max_value=120)
    webhookUrl = serializers.URLField(required=False, allow_blank=True, max_length=2000)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    maxTokens = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text="At most the output limit of the deployments `model` can run on (the registry's "
        "max_output_tokens, else its context window); a larger value is a 422 naming the limit.",
    )
    temperature = serializers.FloatField(required=False, min_value=0.0, max_value=2.0)
    model = serializers.CharField(
        required=False, max_length=100, help_text='A tier ("small", "large") or a deployment name to run on.'
    )
    cache = serializers.ChoiceField(
        choices=["auto", "bypass", "force"],
        required=False,
        help_text="auto: reuse cached output of deterministic calls; bypass: always call; "
        "force: cache sampled calls too.",
    )
    deadlineSeconds = serializers.IntegerField(
        required=False, min_value=10, max_value=7 * 24 * 3600, help_text="No model call starts after this."
    )

    def validate_webhookUrl(self, value: str) -> str:
        if value:
            try:
                url_check(value, resolve=False)
            except UnsafeUrl as exc:
                raise serializers.ValidationError(str(exc)) from exc
        return value

    def validate_model(self, value: str) -> str:
        known = {d.name for d in registry().enabled()}
        if value not in ("small", "large") and value not in known:
            raise serializers.ValidationError(f"Unknown model {value!r}: use small, large or one of {sorted(known)}.")
        return value

    def to_internal_value(self, data: Any) -> Any:
        _reject_unknown_keys(data, self.fields)
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        wanted = attrs.get("maxTokens")
        limit = registry().output_limit(attrs.get("model"))
        if wanted is not None and wanted > limit:
            where = f"model {attrs['model']!r}" if attrs.get("model") else "any enabled deployment"
            raise serializers.ValidationError({"maxTokens": [f"At most {limit} tokens on {where}."]})
        return attrs


def _reject_unknown_keys(data: Any, fields: Any) -> None:
    if isinstance(data, dict):
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})


def _json_path(parts: Any) -> str:
    return "".join(f".{p}" for p in parts)


class GenerationRequestSerializer(serializers.Serializer):
    """Needs `context={"organization_id": ...}`: templates resolve among the
    organization's own and the platform's."""

    templateId = serializers.CharField(max_length=100, help_text="A task kind name or a template UUID.")
    templateVersion = serializers.CharField(
        max_length=64, required=False, help_text='A version ("1.2.0") or a label ("staging"); default "production".'
    )
    parameters = serializers.JSONField(help_text="Input of the task kind: content, product, locale, ...")
    outputSchema = serializers.JSONField(
        required=False,
        help_text='A JSON Schema (2020-12) for the output, or a registered schema by name ("product-attrs", '
        'or "product-attrs@1.2.0" for one version; GET /api/v1/schemas lists them).',
    )
    options = GenerationOptionsSerializer(required=False)

    def to_internal_value(self, data: Any) -> Any:
        _reject_unknown_keys(data, self.fields)
        return super().to_internal_value(data)

    def validate_templateId(self, value: str) -> PromptTemplate:
        organization_id = self.context["organization_id"]
        template = template_find(value, organization_id=organization_id)
        if template is None:
            known = ", ".join(template_names_visible(organization_id=organization_id))
            raise serializers.ValidationError(f"Unknown template or task kind {value!r}. Known templates: {known}.")
        return template

    def validate_outputSchema(self, value: Any) -> Any:
        if isinstance(value, str):
            pinned = schema_reference_pin(self.context["organization_id"], value)
            if pinned is None:
                raise serializers.ValidationError(
                    f"No registered schema {value!r} (a name, or name@version; GET /api/v1/schemas lists them)."
                )
            return pinned
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be a JSON Schema object or a registered schema's name.")
        try:
            Draft202012Validator.check_schema(value)
        except SchemaError as exc:
            raise serializers.ValidationError(f"Not a valid JSON Schema: {exc.message}") from exc
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        template: PromptTemplate = attrs["templateId"]
        kind = task_kinds()[template.task_kind]
        parameters = attrs["parameters"]
        if not isinstance(parameters, dict):
            raise serializers.ValidationError({"parameters": ["Must be an object."]})
        errors: dict[str, list[str]] = {}
        for error in sorted(kind.input_validator.iter_errors(parameters), key=lambda e: list(e.absolute_path)):
            field = "parameters" + _json_path(error.absolute_path)
            errors.setdefault(field, []).append(error.message)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class CostSerializer(serializers.Serializer):
    usd = serializers.CharField()
    promptTokens = serializers.IntegerField()
    completionTokens = serializers.IntegerField()


class GenerationSerializer(serializers.Serializer):
    """Documentation of the job representation (built by `job_representation`)."""

    id = serializers.UUIDField()
    status = serializers.CharField()
    stage = serializers.CharField()
    templateId = serializers.CharField()
    templateVersion = serializers.CharField()
    projectId = serializers.UUIDField()
    batchId = serializers.UUIDField(allow_null=True, help_text="The batch the job came from, if any.")
    customId = serializers.CharField(allow_null=True, help_text="The batch line's custom_id, if any.")
    priority = serializers.CharField()
    # Objects or null. (A JSONField documents as oneOf [{}, null], which a null
    # matches twice: invalid in OpenAPI 3.1, as the stateful fuzz run found.)
    result = serializers.DictField(allow_null=True)
    validation = serializers.DictField(allow_null=True)
    error = serializers.DictField(allow_null=True)
    resultPurgedAt = serializers.DateTimeField(allow_null=True, help_text="When retention removed the result")
    resultDeletedAt = serializers.DateTimeField(
        allow_null=True, help_text="When the result was moved to the trash (restorable: /api/v1/trash)"
    )
    cost = CostSerializer()
    region = serializers.CharField(
        allow_null=True, help_text="Where the model answered: the region of the deployment of its last answer."
    )
    latencyMs = serializers.DictField(child=serializers.IntegerField())
    generations = serializers.IntegerField()
    createdAt = serializers.DateTimeField()
    updatedAt = serializers.DateTimeField()
    startedAt = serializers.DateTimeField(allow_null=True)
    finishedAt = serializers.DateTimeField(allow_null=True)


class GenerationEnvelopeSerializer(serializers.Serializer):
    data = GenerationSerializer()  # type: ignore[assignment]


class JobEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    fromStatus = serializers.CharField(source="from_status")
    toStatus = serializers.CharField(source="to_status")
    stage = serializers.CharField()
    data = serializers.JSONField()  # type: ignore[assignment]
    correlationId = serializers.CharField(source="correlation_id")
    createdAt = serializers.DateTimeField(source="created_at")


class JobEventListSerializer(serializers.Serializer):
    data = JobEventSerializer(many=True)  # type: ignore[assignment]
