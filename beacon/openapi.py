"""OpenAPI links: which operation's answer feeds which operation's path.

A client (and Schemathesis's stateful phase) follows them: the job a POST
accepted is the job GET, DELETE, events and stream take; the template a POST
created is the one its versions, labels and tests hang under. They live here,
in the composition root, because they join operations of several apps; a
drf-spectacular post-processing hook adds them to the generated document.
"""

from typing import Any

# (operation that creates, its success status) -> {link name: (operation that uses, {parameter: expression})}
Link = tuple[str, dict[str, str]]
JOB = {"job_id": "$response.body#/data/id"}
TEMPLATE = {"template_id": "$response.body#/data/id"}
VERSION = {"template_id": "$request.path.template_id", "version": "$response.body#/data/version"}
ENDPOINT = {"endpoint_id": "$response.body#/data/id"}
SCHEMA = {"name": "$response.body#/data/name"}
LINKS: dict[tuple[str, str], dict[str, Link]] = {
    ("generations_create", "202"): {
        "GetGeneration": ("generations_retrieve", JOB),
        "CancelGeneration": ("generations_cancel", JOB),
        "GenerationEvents": ("generations_events", JOB),
        "GenerationStream": ("generations_stream", JOB),
        "GenerationDeliveries": ("generations_webhook_deliveries", JOB),
    },
    ("templates_create", "201"): {
        "GetTemplate": ("templates_retrieve", TEMPLATE),
        "UpdateTemplate": ("templates_update", TEMPLATE),
        "DeleteTemplate": ("templates_delete", TEMPLATE),
        "ForkTemplate": ("templates_fork", TEMPLATE),
        "TemplateVersions": ("template_versions_list", TEMPLATE),
        "CreateVersion": ("template_versions_create", TEMPLATE),
        "TestTemplate": ("templates_test", TEMPLATE),
        "TemplateTests": ("template_tests_list", TEMPLATE),
        "TemplateExperiments": ("template_experiments", TEMPLATE),
        "TemplateDiff": ("template_versions_diff", TEMPLATE),
    },
    ("template_versions_create", "201"): {
        "GetVersion": ("template_versions_retrieve", VERSION),
        "EditVersion": ("template_versions_edit", VERSION),
        "ApproveVersion": ("template_versions_approve", VERSION),
        "VersionAction": ("template_versions_action", VERSION),
    },
    ("schemas_create", "201"): {
        "GetSchema": ("schemas_retrieve", SCHEMA),
        "UpdateSchema": ("schemas_update", SCHEMA),
        "ForkSchema": ("schemas_fork", SCHEMA),
    },
    ("webhook_endpoints_create", "201"): {
        "GetEndpoint": ("webhook_endpoints_retrieve", ENDPOINT),
        "UpdateEndpoint": ("webhook_endpoints_update", ENDPOINT),
        "DeleteEndpoint": ("webhook_endpoints_delete", ENDPOINT),
        "RotateEndpointSecret": ("webhook_endpoints_rotate_secret", ENDPOINT),
    },
}


def openapi_links(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: add LINKS to the document."""
    operations = {
        operation.get("operationId"): operation
        for methods in result.get("paths", {}).values()
        for operation in methods.values()
        if isinstance(operation, dict)
    }
    for (source, status), links in LINKS.items():
        response = operations.get(source, {}).get("responses", {}).get(status)
        if response is None:
            continue
        response["links"] = {
            name: {"operationId": target, "parameters": parameters}
            for name, (target, parameters) in links.items()
            if target in operations
        }
    return result
