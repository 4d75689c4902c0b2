"""How templates, versions and labels look in the API, and the bodies the
templates API takes (prompts/api.py)."""

from typing import Any

from rest_framework import serializers

from prompts.approvals import approval_state
from prompts.models import PromptTemplate, TemplateLabel, TemplateVersion
from prompts.task_kinds import task_kinds


def version_data(version: TemplateVersion, *, full: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(version.id),
        "version": version.version,
        "status": version.status,
        "contentHash": version.content_hash,
        "parentVersion": version.parent.version if version.parent_id and version.parent else None,
        "createdBy": version.created_by,
        "createdAt": version.created_at.isoformat(),
    }
    latest = version.golden_runs.first()
    data["goldenRun"] = {"status": latest.status, "results": latest.results} if latest else None
    if full:  # lists stay a few queries per version; one version says everything
        state = approval_state(version)
        data.update(
            outputSchema=str(version.output_schema_version) if version.output_schema_version_id else None,
            approvals=[
                {
                    "approver": a.approver,
                    "security": a.security,
                    "contentHash": a.content_hash,
                    "at": a.created_at.isoformat(),
                }
                for a in state.approvals
            ],
            approvalsRequired=state.rule.as_dict(),
            approvalBlockers=state.blockers,
        )
        data.update(
            systemPrompt=version.system_prompt,
            userPrompt=version.user_prompt,
            fewShotExamples=version.few_shot_examples,
            metadata=version.metadata,
        )
    return data


def label_data(label: TemplateLabel, *, history: bool = False) -> dict[str, Any]:
    """A platform template's history names no actor: before templates had
    owners, other organizations' keys could appear there."""
    data: dict[str, Any] = {
        "name": label.name,
        "arms": [
            {"version": arm.version.version, "weight": arm.weight} for arm in label.arms.select_related("version")
        ],
        "updatedAt": label.updated_at.isoformat(),
    }
    if history:
        data["history"] = [
            {
                "arms": m.arms,
                "previousArms": m.previous_arms,
                "reason": m.reason,
                "at": m.created_at.isoformat(),
                "movedBy": "platform" if label.template.is_platform else m.moved_by,
            }
            for m in label.moves.all()[:50]
        ]
    return data


def template_data(template: PromptTemplate) -> dict[str, Any]:
    return {
        "id": str(template.id),
        "name": template.name,
        "platform": template.is_platform,
        "sensitive": template.sensitive,
        "forkedFrom": str(template.forked_from_id) if template.forked_from_id else None,
        "taskKind": template.task_kind,
        "description": template.description,
        "owner": template.owner,
        "createdAt": template.created_at.isoformat(),
        "versions": [version_data(v, full=False) for v in template.versions.select_related("parent")],
        "labels": [label_data(label) for label in template.labels.all()],
    }


class TemplateCreateSerializer(serializers.Serializer):
    name = serializers.SlugField(max_length=100)
    # The kinds are read from prompts/task_kinds/ when the serializer is made,
    # so the OpenAPI document lists them (and a client, or a fuzzer, can tell).
    taskKind = serializers.ChoiceField(choices=[])
    description = serializers.CharField(required=False, allow_blank=True, default="")
    owner = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    sensitive = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["taskKind"]
        assert isinstance(kind, serializers.ChoiceField)
        kind.choices = sorted(task_kinds())


class TemplateUpdateSerializer(serializers.Serializer):
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    owner = serializers.CharField(required=False, allow_blank=True, max_length=200)
    # A template can be marked sensitive, never unmarked through the API.
    sensitive = serializers.BooleanField(required=False)

    def validate_sensitive(self, value: bool) -> bool:
        if value is False:
            raise serializers.ValidationError("A sensitive template stays sensitive; ask a platform operator.")
        return value


class ApproveSerializer(serializers.Serializer):
    security = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class VersionCreateSerializer(serializers.Serializer):
    systemPrompt = serializers.CharField(trim_whitespace=False)
    userPrompt = serializers.CharField(trim_whitespace=False)
    fewShotExamples = serializers.ListField(child=serializers.JSONField(), required=False, default=list)
    metadata = serializers.DictField(required=False, default=dict)
    parentVersion = serializers.CharField(required=False, max_length=32)
    version = serializers.CharField(required=False, max_length=32)


class ArmSerializer(serializers.Serializer):
    version = serializers.CharField(max_length=32)
    weight = serializers.IntegerField(min_value=1, max_value=10_000, default=100)


class LabelSetSerializer(serializers.Serializer):
    arms = ArmSerializer(many=True)
    reason = serializers.CharField(max_length=2000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class VersionEditSerializer(serializers.Serializer):
    systemPrompt = serializers.CharField(trim_whitespace=False, required=False)
    userPrompt = serializers.CharField(trim_whitespace=False, required=False)
    fewShotExamples = serializers.ListField(child=serializers.JSONField(), required=False)
    metadata = serializers.DictField(required=False)
    version = serializers.CharField(required=False, max_length=32)


class TemplateReplaceSerializer(serializers.Serializer):
    """`PUT /templates/{id}`: the template's editable fields, all of them, and
    optionally new content, which becomes a new draft version."""

    description = serializers.CharField(allow_blank=True, max_length=2000)
    owner = serializers.CharField(allow_blank=True, max_length=200)
    sensitive = serializers.BooleanField(default=False)
    systemPrompt = serializers.CharField(trim_whitespace=False, required=False)
    userPrompt = serializers.CharField(trim_whitespace=False, required=False)
    fewShotExamples = serializers.ListField(child=serializers.JSONField(), required=False, default=list)
    metadata = serializers.DictField(required=False, default=dict)
    version = serializers.CharField(required=False, max_length=32)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("systemPrompt" in attrs) != ("userPrompt" in attrs):
            raise serializers.ValidationError({"userPrompt": "New content takes both systemPrompt and userPrompt."})
        return attrs
