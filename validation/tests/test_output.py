import pytest
from jsonschema import Draft202012Validator

from validation.output import output_validate, parse_model_json, parse_model_output

SCHEMA = Draft202012Validator(
    {
        "type": "object",
        "required": ["name", "tags"],
        "additionalProperties": False,
        "properties": {"name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}},
    }
)


def test_direct_json_parses_in_the_first_pass():
    assert parse_model_json('{"a": 1}') == ({"a": 1}, "direct", None)


def test_json_inside_prose_or_a_fence_is_extracted():
    value, pass_name, _ = parse_model_json('Sure!\n```json\n{"a": "}{", "b": [1]}\n```')
    assert (value, pass_name) == ({"a": "}{", "b": [1]}, "extracted")


def test_unparseable_text_reports_where():
    value, pass_name, error = parse_model_json("I cannot help with that, sorry.")
    assert value is None and pass_name is None and error is not None and "line 1" in error


@pytest.mark.parametrize(
    ("text", "value"),
    [('Sure! ```json\n{"a": 1,}\n```', {"a": 1}), ("{'a': 'x', b: 2}", {"a": "x", "b": 2}),
     ('{"a": [1, 2', {"a": [1, 2]}), ('{"a": ', {"a": ""})],
)  # fmt: skip
def test_json_repair_fixes_broken_syntax_and_says_so(text, value):
    result = parse_model_output(text)
    assert (result.value, result.parse_pass) == (value, "extracted")
    assert result.changes == ["json-repair fixed the JSON syntax"] and result.error is not None


def test_schema_errors_carry_path_message_and_value():
    report = output_validate(text='{"name": 3, "tags": ["a", 4], "extra": true}', validator=SCHEMA)
    assert not report.valid
    paths = {error["path"] for error in report.errors}
    assert paths == {"", "name", "tags[1]"}
    assert any(error["value"] == 4 for error in report.errors)
    assert report.feedback() and all(isinstance(line, str) for line in report.feedback())


def test_valid_output_passes():
    report = output_validate(text='{"name": "x", "tags": []}', validator=SCHEMA)
    assert report.valid and report.parsed == {"name": "x", "tags": []}


def test_yaml_and_xml_are_read_when_the_schema_says_so():
    yaml_text = "```yaml\nname: Acme\ntags:\n  - a\n  - b\n```"
    result = parse_model_output(yaml_text, text_format="yaml")
    assert (result.value, result.parse_pass) == ({"name": "Acme", "tags": ["a", "b"]}, "direct")
    xml_text = "<product><name>Acme</name><colour>blue</colour></product>"
    assert parse_model_output(xml_text, text_format="xml").value == {"name": "Acme", "colour": "blue"}
    assert parse_model_output('{"name": "x"}', text_format="yaml").value == {"name": "x"}  # JSON is YAML
    assert parse_model_output("<broken", text_format="xml").parse_pass is None
    report = output_validate(text="name: Acme\ntags: [a]", validator=Draft202012Validator(
        {"x-beacon-format": "yaml", "type": "object", "required": ["name"]}))  # fmt: skip
    assert report.valid and report.parse_changes == ["read as YAML"]


def test_marks_a_model_copied_from_datamarked_data_are_read_as_spaces():
    report = output_validate(text='{"name": "Acme\u02c6navy\u02c6shirt", "tags": ["size\u02c6L"]}', validator=SCHEMA)
    assert report.valid and report.parsed == {"name": "Acme navy shirt", "tags": ["size L"]}
