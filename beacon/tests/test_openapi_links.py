"""The OpenAPI document links each create to the operations that take what
it created (beacon/openapi.py), and every link names a real operation."""

from beacon.openapi import LINKS


def test_every_create_links_to_the_operations_that_use_its_id(client):
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/json").json()
    operations = {op["operationId"]: op for methods in schema["paths"].values() for op in methods.values()}
    for (source, status), links in LINKS.items():
        served = operations[source]["responses"][status]["links"]
        assert set(served) == set(links), source
        for link in served.values():
            assert link["operationId"] in operations
    job_link = operations["generations_create"]["responses"]["202"]["links"]["GetGeneration"]
    assert job_link == {"operationId": "generations_retrieve", "parameters": {"job_id": "$response.body#/data/id"}}


def test_a_template_names_one_of_the_known_task_kinds(client):
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/json").json()
    task_kind = schema["components"]["schemas"]["TemplateCreate"]["properties"]["taskKind"]
    assert {"metadata_enrichment", "taxonomy_tagging"} <= set(task_kind.get("enum", []) or _enum(schema, task_kind))


def _enum(schema, prop):
    ref = prop.get("$ref") or prop.get("allOf", [{}])[0].get("$ref", "")
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["enum"] if ref else []
