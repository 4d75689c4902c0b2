"""The functions prompt templates may call (the PRD's prompt DSL).

Each is a plain Python function handed to the sandboxed Jinja2 environment;
none reaches files, the network or the database.

    {{ fence(content) }}                      untrusted text between per-job markers
    {{ truncate(content, 300) }}              cut to 300 tokens of the target deployment
    {% for ex in few_shot(examples, 2) %}     the 2 examples most like the input (deterministic)
    {{ format_json(schema) }}                 a schema as compact answer instructions
    {{ if_section(product.brand, "Brand: " ~ product.brand) }}
    {{ extract_entities(content, ["email", "url", "quantity"]) }}
"""

import re
from collections.abc import Callable
from typing import Any

ENTITY_PATTERNS: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "url": re.compile(r"https?://[^\s<>\"']+"),
    # A number with a unit: 28 cm, 1.5 kg, 500ml, 100 %, 3 x 4 in
    "quantity": re.compile(
        r"\b\d+(?:[.,]\d+)?\s?(?:mm|cm|m|km|in|inch|inches|ft|g|kg|mg|lb|lbs|oz|ml|l|L|W|kW|V|mAh|GB|TB|MB|%)(?![\w])"
    ),
}


def if_section(condition: Any, content: Any) -> str:
    """`content` when `condition` is truthy, else nothing."""
    return str(content) if condition else ""


def extract_entities(text: Any, types: list[str] | None = None) -> dict[str, list[str]]:
    """Regular-expression extraction of emails, URLs and numbers with units.

    Deliberately simple and named for what it is: no model, no NER. Unknown
    types are an error so a typo does not silently extract nothing."""
    wanted = types or list(ENTITY_PATTERNS)
    unknown = [t for t in wanted if t not in ENTITY_PATTERNS]
    if unknown:
        raise ValueError(f"extract_entities knows {sorted(ENTITY_PATTERNS)}, not {unknown}")
    source = str(text)
    found: dict[str, list[str]] = {}
    for kind in wanted:
        seen: list[str] = []
        for match in ENTITY_PATTERNS[kind].findall(source):
            if match not in seen:
                seen.append(match)
        found[kind] = seen
    return found


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2}


def few_shot_select(examples: list[Any], n: int, *, query: str = "", by_similarity: bool = False) -> list[Any]:
    """`n` examples: the first `n`, or with `by_similarity` the `n` whose text
    shares the most words with `query` (Jaccard), ties broken by position, so
    the same input always gets the same examples."""
    if n <= 0 or not examples:
        return []
    if not by_similarity or not query:
        return list(examples[:n])
    target = _words(query)

    def score(item: tuple[int, Any]) -> tuple[float, int]:
        index, example = item
        words = _words(str(example.get("input", example) if isinstance(example, dict) else example))
        union = target | words
        return (-(len(target & words) / len(union)) if union else 0.0, index)

    return [example for _, example in sorted(enumerate(examples), key=score)[:n]]


def _describe(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return "one of " + ", ".join(repr(v) for v in schema["enum"][:20])
    kind = schema.get("type", "any")
    kind = "/".join(kind) if isinstance(kind, list) else kind
    if kind == "array":
        return f"list of {_describe(schema.get('items', {}))}"
    if kind == "object" and schema.get("properties"):
        inner = ", ".join(f"{name}: {_describe(sub)}" for name, sub in schema["properties"].items())
        return "{" + inner + "}"
    return str(kind)


def format_json(schema: dict[str, Any]) -> str:
    """A JSON Schema as compact answer instructions, one line per top-level field."""
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    lines = ["Answer with one JSON object with these fields:"]
    for name, sub in properties.items():
        note = "required" if name in required else "optional"
        description = f" ({sub['description']})" if sub.get("description") else ""
        lines.append(f"- {name}: {_describe(sub)}, {note}{description}")
    return "\n".join(lines)


def truncate_to_tokens(text: Any, max_tokens: int, count: Callable[[str], int]) -> str:
    """The longest prefix of `text` within `max_tokens` by `count` (the target
    deployment's tokenizer), cut at a word boundary where one is near."""
    source = str(text)
    if max_tokens <= 0:
        return ""
    if count(source) <= max_tokens:
        return source
    low, high = 0, len(source)
    while low < high:  # binary search on characters: log2(len) tokenizer calls
        middle = (low + high + 1) // 2
        if count(source[:middle]) <= max_tokens:
            low = middle
        else:
            high = middle - 1
    cut = source[:low]
    space = cut.rfind(" ")
    return cut[:space] if space > len(cut) * 0.8 else cut
