"""OpenAPI links: which operation's answer feeds which operation's path.

A client (and Schemathesis's stateful phase) follows them: the job a POST
accepted is the job GET, DELETE, events and stream take; the template a POST
created is the one its versions, labels and tests hang under. They live here,
in the composition root, because they join operations of several apps; a
drf-spectacular post-processing hook adds them to the generated document.
"""

from typing import Any

# (operation that creates, its success status) -> (how its answer fills the
# path parameters, the operations that take them). A link is named after the
# operation it leads to.
JOB = {"job_id": "$response.body#/data/id"}
TEMPLATE = {"template_id": "$response.body#/data/id"}
VERSION = {"template_id": "$request.path.template_id", "version": "$response.body#/data/version"}
ENDPOINT = {"endpoint_id": "$response.body#/data/id"}
SCHEMA = {"name": "$response.body#/data/name"}
LINKS: dict[tuple[str, str], tuple[dict[str, str], list[str]]] = {
    ("generations_create", "202"): (
        JOB,
        [
            "generations_retrieve",
            "generations_cancel",
            "generations_events",
            "generations_stream",
            "generations_webhook_deliveries",
        ],
    ),
    ("templates_create", "201"): (
        TEMPLATE,
        [
            "templates_retrieve",
            "templates_update",
            "templates_delete",
            "templates_fork",
            "template_versions_list",
            "template_versions_create",
            "templates_test",
            "template_tests_list",
            "template_experiments",
            "template_versions_diff",
        ],
    ),
    ("template_versions_create", "201"): (
        VERSION,
        [
            "template_versions_retrieve",
            "template_versions_edit",
            "template_versions_approve",
            "template_versions_action",
        ],
    ),
    ("schemas_create", "201"): (SCHEMA, ["schemas_retrieve", "schemas_update", "schemas_fork"]),
    ("webhook_endpoints_create", "201"): (
        ENDPOINT,
        [
            "webhook_endpoints_retrieve",
            "webhook_endpoints_update",
            "webhook_endpoints_delete",
            "webhook_endpoints_rotate_secret",
        ],
    ),
}


def openapi_links(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: add LINKS to the document."""
    operations = {
        operation.get("operationId"): operation
        for methods in result.get("paths", {}).values()
        for operation in methods.values()
        if isinstance(operation, dict)
    }
    for (source, status), (parameters, targets) in LINKS.items():
        response = operations.get(source, {}).get("responses", {}).get(status)
        if response is None:
            continue
        response["links"] = {
            target: {"operationId": target, "parameters": parameters} for target in targets if target in operations
        }
    return result
