from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from beacon.health import HealthApi, HealthDetailedApi
from beacon.metrics import metrics_view
from common.api import json_error_view
from jobs.api import GenerationDetailApi, GenerationEventsApi, GenerationListCreateApi, GenerationStreamApi
from jobs.batch_api import BatchCancelApi, BatchDetailApi, BatchListCreateApi, BatchResultsApi
from jobs.experiments import ExperimentsApi
from jobs.graphql.api import GraphQLApi
from jobs.history_api import GenerationDiffApi, GenerationHistoryApi
from jobs.legal_hold_api import LegalHoldDetailApi, LegalHoldListApi
from jobs.trash_api import TrashListApi, TrashRestoreApi
from jobs.validation_metrics import ValidationMetricsApi
from jobs.webhook_api import (
    GenerationDeliveriesApi,
    ProjectWebhookSecretRotateApi,
    WebhookEndpointDetailApi,
    WebhookEndpointListApi,
    WebhookEndpointRotateApi,
    WebhookRedeliverApi,
)
from llm.api import UsageApi, UsageQuotaApi
from prompts.api import (
    LabelApi,
    LabelRollbackApi,
    TemplateDetailApi,
    TemplateDiffApi,
    TemplateForkApi,
    TemplateListApi,
    VersionActionApi,
    VersionApproveApi,
    VersionDetailApi,
    VersionListApi,
)
from prompts.playground import TemplateTestApi, TemplateTestDetailApi, TemplateTestListApi
from review.api import ReviewMetricsApi
from tenants.api import AuditLogApi
from tenants.keys_api import ApiKeyDetailApi, ApiKeyListApi, ApiKeyRotateApi
from tenants.oauth_api import OAuthClientDetailApi, OAuthClientListApi, OAuthTokenView
from validation.api import SchemaDetailApi, SchemaForkApi, SchemaListApi, SchemaVersionApi

api_v1 = [
    path("api/v1/generations", GenerationListCreateApi.as_view(), name="generations"),
    path("api/v1/generations/<uuid:job_id>", GenerationDetailApi.as_view(), name="generation-detail"),
    path("api/v1/generations/<uuid:job_id>/events", GenerationEventsApi.as_view(), name="generation-events"),
    path("api/v1/generations/<uuid:job_id>/stream", GenerationStreamApi.as_view(), name="generation-stream"),
    path("api/v1/generations/<uuid:job_id>/history", GenerationHistoryApi.as_view(), name="generation-history"),
    path("api/v1/generations/<uuid:job_id>/diff", GenerationDiffApi.as_view(), name="generation-diff"),
    path("api/v1/generations/<uuid:job_id>/webhook-deliveries", GenerationDeliveriesApi.as_view()),
    path("api/v1/webhook-deliveries/<int:delivery_id>/redeliver", WebhookRedeliverApi.as_view()),
    path("api/v1/batches", BatchListCreateApi.as_view(), name="batches"),
    path("api/v1/batches/<uuid:batch_id>", BatchDetailApi.as_view(), name="batch-detail"),
    path("api/v1/batches/<uuid:batch_id>/cancel", BatchCancelApi.as_view(), name="batch-cancel"),
    path("api/v1/batches/<uuid:batch_id>/results", BatchResultsApi.as_view(), name="batch-results"),
    path("api/v1/legal-holds", LegalHoldListApi.as_view(), name="legal-holds"),
    path("api/v1/trash", TrashListApi.as_view(), name="trash"),
    path("api/v1/trash/<str:kind>/<str:object_id>/restore", TrashRestoreApi.as_view(), name="trash-restore"),
    path("api/v1/legal-holds/<uuid:hold_id>", LegalHoldDetailApi.as_view(), name="legal-hold-detail"),
    path("api/v1/webhook-endpoints", WebhookEndpointListApi.as_view(), name="webhook-endpoints"),
    path("api/v1/webhook-endpoints/<uuid:endpoint_id>", WebhookEndpointDetailApi.as_view()),
    path("api/v1/webhook-endpoints/<uuid:endpoint_id>/rotate-secret", WebhookEndpointRotateApi.as_view()),
    path("api/v1/webhook-secret/rotate", ProjectWebhookSecretRotateApi.as_view()),
    path("api/v1/templates", TemplateListApi.as_view(), name="templates"),
    path("api/v1/templates/<uuid:template_id>", TemplateDetailApi.as_view(), name="template-detail"),
    path("api/v1/templates/<uuid:template_id>/versions", VersionListApi.as_view(), name="template-versions"),
    path("api/v1/templates/<uuid:template_id>/versions/<str:version>", VersionDetailApi.as_view()),
    path("api/v1/templates/<uuid:template_id>/fork", TemplateForkApi.as_view(), name="template-fork"),
    path("api/v1/templates/<uuid:template_id>/versions/<str:version>/approve", VersionApproveApi.as_view()),
    path("api/v1/templates/<uuid:template_id>/versions/<str:version>/<str:action>", VersionActionApi.as_view()),
    path("api/v1/templates/<uuid:template_id>/labels/<slug:name>", LabelApi.as_view(), name="template-label"),
    path("api/v1/templates/<uuid:template_id>/labels/<slug:name>/rollback", LabelRollbackApi.as_view()),
    path("api/v1/templates/<uuid:template_id>/diff", TemplateDiffApi.as_view(), name="template-diff"),
    path("api/v1/templates/<uuid:template_id>/experiments", ExperimentsApi.as_view(), name="template-experiments"),
    path("api/v1/templates/<uuid:template_id>/tests", TemplateTestListApi.as_view(), name="template-tests"),
    path("api/v1/templates/<uuid:template_id>/tests/<uuid:test_id>", TemplateTestDetailApi.as_view()),
    path("api/v1/templates/<uuid:template_id>/test", TemplateTestApi.as_view(), name="template-test"),
    path("api/v1/schemas", SchemaListApi.as_view(), name="schemas"),
    path("api/v1/schemas/<slug:name>", SchemaDetailApi.as_view(), name="schema-detail"),
    path("api/v1/schemas/<slug:name>/fork", SchemaForkApi.as_view(), name="schema-fork"),
    path("api/v1/schemas/<slug:name>/versions/<str:version>", SchemaVersionApi.as_view(), name="schema-version"),
    path("api/v1/validation/metrics", ValidationMetricsApi.as_view(), name="validation-metrics"),
    path("api/v1/review/metrics", ReviewMetricsApi.as_view(), name="review-metrics"),
    path("api/v1/usage", UsageApi.as_view(), name="usage"),
    path("api/v1/usage/quota", UsageQuotaApi.as_view(), name="usage-quota"),
    path("api/v1/audit-log", AuditLogApi.as_view(), name="audit-log"),
    path("api/v1/graphql", GraphQLApi.as_view(), name="graphql"),
    path("api/v1/keys", ApiKeyListApi.as_view(), name="api-keys"),
    path("api/v1/keys/<uuid:key_id>", ApiKeyDetailApi.as_view(), name="api-key-detail"),
    path("api/v1/keys/<uuid:key_id>/rotate", ApiKeyRotateApi.as_view(), name="api-key-rotate"),
    path("api/v1/oauth-clients", OAuthClientListApi.as_view(), name="oauth-clients"),
    path("api/v1/oauth-clients/<int:client_id>", OAuthClientDetailApi.as_view(), name="oauth-client-detail"),
    path("api/v1/oauth/token", OAuthTokenView.as_view(), name="oauth-token"),
    path("api/v1/health", HealthApi.as_view(), name="health"),
    path("api/v1/health/detailed", HealthDetailedApi.as_view(), name="health-detailed"),
    path("api/v1/schema", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger"),
]

urlpatterns = [
    *api_v1,
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("studio/", include("studio.urls")),
]

handler404 = json_error_view("not_found", "The resource was not found.", 404)
handler500 = json_error_view("internal_error", "An internal error occurred; it has been logged.", 500)
