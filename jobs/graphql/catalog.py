"""Read-only GraphQL views of templates, output schemas and usage.

Each is built from the very dictionary the REST GET returns (prompts.serializers,
validation.api, llm.api), over the same selectors, so a field means the same
thing in both; `from_rest` only turns camelCase keys, ISO times and nested
objects into the types below.
"""

import dataclasses
import types
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, NewType, TypeVar, Union, get_args, get_origin, get_type_hints

import strawberry
from strawberry.scalars import JSON
from strawberry.utils.str_converters import to_camel_case

from llm.usage import usage_report as ledger_usage
from prompts.selectors import templates_visible
from prompts.serializers import label_data, template_data
from tenants.models import ApiKey
from validation.api import schema_data
from validation.registry import schemas_visible

T = TypeVar("T")
# GraphQL's Int is 32 bits; an organization's tokens over a year are not
# (the schema maps it to a scalar of its own, jobs/graphql/schema.py).
BigInt = NewType("BigInt", int)


def from_rest(cls: type[T], data: Mapping[str, Any]) -> T:
    """An instance of the strawberry type `cls` from a REST representation."""
    hints = get_type_hints(cls)
    values = {
        field.name: _converted(hints[field.name], data[to_camel_case(field.name)])
        for field in dataclasses.fields(cls)  # type: ignore[arg-type]
        if to_camel_case(field.name) in data
    }
    return cls(**values)


def _converted(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    if get_origin(hint) in (Union, types.UnionType):
        hint = next(arg for arg in get_args(hint) if arg is not type(None))
    if get_origin(hint) is list:
        return [_converted(get_args(hint)[0], item) for item in value]
    if hint is datetime:
        return datetime.fromisoformat(value)
    if dataclasses.is_dataclass(hint):
        return from_rest(hint, value)  # type: ignore[arg-type]
    return value


@strawberry.type
class TemplateVersionSummary:
    id: strawberry.ID
    version: str
    status: str
    content_hash: str
    parent_version: str | None
    created_by: str
    created_at: datetime
    golden_run: JSON | None


@strawberry.type
class LabelArm:
    version: str
    weight: int


@strawberry.type
class LabelMove:
    arms: JSON
    previous_arms: JSON
    reason: str
    at: datetime
    moved_by: str


@strawberry.type
class TemplateLabel:
    name: str
    arms: list[LabelArm]
    updated_at: datetime
    history: list[LabelMove] | None = strawberry.field(default=None, description="Only on `template(id)`.")


@strawberry.type(description="A prompt template: the organization's own, or a platform default.")
class Template:
    id: strawberry.ID
    name: str
    platform: bool
    sensitive: bool
    forked_from: strawberry.ID | None
    task_kind: str
    description: str
    owner: str
    created_at: datetime
    versions: list[TemplateVersionSummary]
    labels: list[TemplateLabel]


@strawberry.type
class SchemaVersionSummary:
    version: str
    content_hash: str
    created_by: str
    created_at: datetime


@strawberry.type(name="OutputSchema", description="An output schema: the organization's own, or a platform default.")
class OutputSchemaType:
    name: str
    description: str
    platform: bool
    versions: list[SchemaVersionSummary]


@strawberry.type
class UsageRow:
    key: str
    calls: int
    cached_calls: int
    failed_calls: int
    prompt_tokens: BigInt | None
    completion_tokens: BigInt | None
    cost_usd: str


@strawberry.type(description="Model calls and their cost, as GET /api/v1/usage.")
class Usage:
    rows: list[UsageRow]
    first_day: date = strawberry.field(name="from")
    last_day: date = strawberry.field(name="to")
    group_by: str
    total_calls: int
    total_cost_usd: str


def templates_list(*, api_key: ApiKey) -> list[Template]:
    templates = templates_visible(organization_id=api_key.organization_id).order_by("name", "organization_id")
    return [from_rest(Template, template_data(template)) for template in templates]


def template_one(*, api_key: ApiKey, template_id: Any) -> Template | None:
    template = templates_visible(organization_id=api_key.organization_id).filter(id=template_id).first()
    if template is None:
        return None
    labels = [label_data(label, history=True) for label in template.labels.all()]
    return from_rest(Template, {**template_data(template), "labels": labels})


def schemas_list(*, api_key: ApiKey) -> list[OutputSchemaType]:
    schemas = schemas_visible(organization_id=api_key.organization_id).order_by("name", "organization_id")
    return [from_rest(OutputSchemaType, schema_data(schema)) for schema in schemas.prefetch_related("versions")]


def usage_report(*, api_key: ApiKey, first: date | None, last: date | None, group: str) -> Usage:
    """As GET /api/v1/usage (llm/usage.py): the same ranges, rows and project limit."""
    report = ledger_usage(api_key=api_key, first=first, last=last, group=group)
    return Usage(
        rows=[from_rest(UsageRow, row) for row in report.rows],
        first_day=report.first,
        last_day=report.last,
        group_by=report.group,
        total_calls=report.total_calls,
        total_cost_usd=report.total_cost_usd,
    )
