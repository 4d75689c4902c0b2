"""Provider prompt caching: the hints a long system prompt carries.

Anthropic caches a prompt prefix only where the request marks it
(`cache_control: {"type": "ephemeral"}` on a content block) and only from
1,024 tokens up; a cache read then costs a tenth of the input price. OpenAI
caches prompts of 1,024 tokens and more on its own and reports the reused
part as `usage.prompt_tokens_details.cached_tokens`; llama.cpp's server
reuses the longest matching prefix it holds in RAM. The gateway records
`cached_tokens` from every answer and the ledger prices them at the
provider's cache rate (llm/pricing.py); this module only adds the marks.
https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
"""

from typing import Any

from django.conf import settings

from llm.registry import Deployment
from llm.tokens import count_tokens

# LiteLLM prefixes whose Claude models take `cache_control` marks.
_MARKED_PROVIDERS = ("anthropic/", "bedrock/", "vertex_ai/")


def takes_cache_marks(deployment: Deployment) -> bool:
    model = deployment.model.lower()
    return model.startswith(_MARKED_PROVIDERS) and "claude" in model


def cache_hints(deployment: Deployment, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`messages` with the system prompt marked cacheable where the provider
    needs the mark and the prompt is long enough to be cached; else as given."""
    if not takes_cache_marks(deployment):
        return messages
    marked: list[dict[str, Any]] = []
    for message in messages:
        content = message.get("content")
        long_enough = (
            message.get("role") == "system"
            and isinstance(content, str)
            and count_tokens(deployment, [message]) >= settings.LLM_PROMPT_CACHE_MIN_TOKENS
        )
        if long_enough:
            block = {"type": "text", "text": content, "cache_control": {"type": "ephemeral"}}
            marked.append({**message, "content": [block]})
        else:
            marked.append(message)
    return marked
