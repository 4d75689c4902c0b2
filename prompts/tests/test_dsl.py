"""The prompt DSL functions, alone and inside a rendered template."""

import pytest

from prompts.dsl import extract_entities, few_shot_select, format_json, if_section, truncate_to_tokens
from prompts.rendering import _environment, render_context
from prompts.task_kinds import task_kinds


def words(text):
    return len(text.split())


def test_truncate_keeps_the_longest_prefix_within_the_budget_at_a_word_boundary():
    text = "one two three four five six seven eight"
    assert truncate_to_tokens(text, 3, words) == "one two three"
    assert truncate_to_tokens(text, 100, words) == text
    assert truncate_to_tokens(text, 0, words) == ""


def test_truncate_uses_the_deployments_tokenizer_in_templates():
    from llm.registry import registry
    from llm.tokens import count_tokens

    deployment = registry().get("local-small")
    kind = task_kinds()["metadata_enrichment"]

    def counter(text):
        return count_tokens(deployment, [{"role": "user", "content": text}])

    context = render_context(
        kind=kind, parameters={"content": "word " * 500, "locale": "en-US"}, fence_token="T", count_tokens=counter
    )
    cut = _environment().from_string("{{ truncate(content, 50) }}").render(context)
    assert 0 < count_tokens(deployment, [{"role": "user", "content": cut}]) <= 50


def test_few_shot_is_deterministic_and_can_choose_by_similarity():
    examples = [{"input": "steel frying pan"}, {"input": "cotton shirt blue"}, {"input": "leather boots"}]
    assert few_shot_select(examples, 2) == examples[:2]
    chosen = few_shot_select(examples, 1, query="A blue cotton shirt", by_similarity=True)
    assert chosen == [examples[1]]
    assert few_shot_select(examples, 2, query="boots", by_similarity=True)[0] == examples[2]
    assert few_shot_select(examples, 0) == []


def test_format_json_lists_fields_types_and_requirement():
    schema = {"type": "object", "required": ["title"], "properties": {
        "title": {"type": "string", "description": "short"},
        "tags": {"type": "array", "items": {"enum": ["a", "b"]}},
    }}  # fmt: skip
    text = format_json(schema)
    assert "- title: string, required (short)" in text
    assert "- tags: list of one of 'a', 'b', optional" in text


def test_if_section_and_extract_entities():
    assert if_section("Acme", "Brand: Acme") == "Brand: Acme" and if_section("", "x") == ""
    found = extract_entities("Mail sales@acme.example, see https://acme.example/p. Pan 28 cm, 1.5 kg, 28 cm.")
    assert found == {"email": ["sales@acme.example"], "url": ["https://acme.example/p."],
                     "quantity": ["28 cm", "1.5 kg"]}  # fmt: skip
    with pytest.raises(ValueError):
        extract_entities("x", ["phone"])


def test_the_functions_are_available_to_templates():
    kind = task_kinds()["metadata_enrichment"]
    context = render_context(kind=kind, parameters={"content": "Pan 28 cm by Acme", "locale": "en-US",
                                                    "product": {"brand": "Acme"}}, fence_token="T")  # fmt: skip
    source = ("{{ if_section(product.brand, 'Brand: ' ~ product.brand) }}|"
              "{{ extract_entities(content, ['quantity'])['quantity'][0] }}|"
              "{{ few_shot([{'input': 'pan'}, {'input': 'shirt'}], 1, by_similarity=true)[0]['input'] }}")  # fmt: skip
    assert _environment().from_string(source).render(context) == "Brand: Acme|28 cm|pan"
