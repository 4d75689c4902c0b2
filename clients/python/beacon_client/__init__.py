"""Beacon's Python client: `Beacon` (sync), `AsyncBeacon`, typed models, the
errors they raise, and `verify_webhook` for receivers. The `beacon` command
line lives in `beacon_client.cli`."""

from beacon_client._batches import batch_request
from beacon_client._http import RetryPolicy
from beacon_client._version import __version__
from beacon_client.async_client import AsyncBeacon
from beacon_client.client import Beacon
from beacon_client.errors import (
    APIConnectionError,
    AuthenticationError,
    BadRequest,
    BeaconError,
    BudgetExhausted,
    ConfigurationError,
    Conflict,
    IdempotencyConflict,
    InvalidState,
    NotFound,
    Overloaded,
    PermissionDenied,
    RateLimited,
    ServerError,
    UpstreamError,
    ValidationError,
    WaitTimeout,
    WebhookVerificationError,
)
from beacon_client.models import (
    BATCH_TERMINAL_STATUSES,
    TERMINAL_STATUSES,
    ApiKey,
    Batch,
    BatchLineError,
    BatchRequestCounts,
    BatchResult,
    Generation,
    JobEvent,
    OutputSchema,
    Page,
    Template,
    Usage,
    WebhookEndpoint,
    WebhookEvent,
)
from beacon_client.webhooks import verify_webhook

__all__ = [
    "BATCH_TERMINAL_STATUSES",
    "TERMINAL_STATUSES",
    "APIConnectionError",
    "ApiKey",
    "AsyncBeacon",
    "AuthenticationError",
    "BadRequest",
    "Batch",
    "BatchLineError",
    "BatchRequestCounts",
    "BatchResult",
    "Beacon",
    "BeaconError",
    "BudgetExhausted",
    "ConfigurationError",
    "Conflict",
    "Generation",
    "IdempotencyConflict",
    "InvalidState",
    "JobEvent",
    "NotFound",
    "OutputSchema",
    "Overloaded",
    "Page",
    "PermissionDenied",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "Template",
    "UpstreamError",
    "Usage",
    "ValidationError",
    "WaitTimeout",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebhookVerificationError",
    "__version__",
    "batch_request",
    "verify_webhook",
]
