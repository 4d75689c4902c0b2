"""Typed views of the REST API's JSON.

Each dataclass is parsed from the `data` object of an answer with
`from_api`; fields are snake_case, timestamps are `datetime`, money is
`Decimal`. Fields Beacon adds later are not lost: `raw` keeps the dict as
Beacon sent it.
"""

from beacon_client.models.batches import (
    BATCH_TERMINAL_STATUSES,
    Batch,
    BatchLineError,
    BatchRequestCounts,
    BatchResult,
)
from beacon_client.models.generations import TERMINAL_STATUSES, Cost, Generation, JobEvent, Page, WebhookEvent
from beacon_client.models.organization import ApiKey, OutputSchema, Template, TrashItem, Usage, WebhookEndpoint

__all__ = [
    "BATCH_TERMINAL_STATUSES",
    "TERMINAL_STATUSES",
    "ApiKey",
    "Batch",
    "BatchLineError",
    "BatchRequestCounts",
    "BatchResult",
    "Cost",
    "Generation",
    "JobEvent",
    "OutputSchema",
    "Page",
    "Template",
    "TrashItem",
    "Usage",
    "WebhookEndpoint",
    "WebhookEvent",
]
