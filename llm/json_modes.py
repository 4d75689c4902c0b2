"""Constrained-JSON dialects: one adapter for the difference between servers.

llama.cpp's server takes `{"type": "json_object", "schema": ...}` and compiles
the schema to a grammar; vLLM and OpenAI take the `json_schema` form.
"""

from typing import Any


def response_format_for(mode: str, schema: dict[str, Any] | None) -> dict[str, Any] | None:
    if schema is None or mode == "none":
        return None
    if mode == "llama_cpp":
        return {"type": "json_object", "schema": schema}
    if mode == "openai":
        return {"type": "json_schema", "json_schema": {"name": "beacon_output", "schema": schema, "strict": False}}
    raise ValueError(f"unknown JSON mode {mode!r}; expected llama_cpp, openai or none")
