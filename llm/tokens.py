"""Token counting with each deployment's own tokenizer, before any call.

`tokenizer: litellm` uses LiteLLM's counter for the deployment's model (tiktoken
for OpenAI models, the provider's tokenizer where LiteLLM ships one, else an
approximation). `tokenizer: gguf:<path>` reads the vocabulary out of a local
GGUF file through llama.cpp (no weights are loaded), which is the exact
tokenizer of a llama.cpp deployment; `gguf:smollm2` names the bundled model.

Chat formatting adds a few tokens per message (role markers); MESSAGE_OVERHEAD
covers them, so a count is never below what the server will see.
"""

import atexit
import logging
from functools import cache
from pathlib import Path
from typing import Any

from llm.registry import Deployment

logger = logging.getLogger(__name__)

MESSAGE_OVERHEAD = 8


@cache
def _gguf_vocabulary(path: str) -> Any:
    from llama_cpp import Llama

    vocabulary = Llama(model_path=path, vocab_only=True, verbose=False)
    # Free it before interpreter shutdown tears down what its destructor needs.
    atexit.register(vocabulary.close)
    return vocabulary


@cache
def _gguf_path(spec: str) -> str:
    if spec == "smollm2":
        from llm.local_server import model_path

        return str(model_path())
    return str(Path(spec))


def _gguf_count(path: str, messages: list[dict[str, str]]) -> int:
    vocabulary = _gguf_vocabulary(path)
    return sum(
        len(vocabulary.tokenize(str(message.get("content", "")).encode(), add_bos=False, special=False))
        + MESSAGE_OVERHEAD
        for message in messages
    )


def count_tokens(deployment: Deployment, messages: list[dict[str, str]]) -> int:
    """Prompt tokens of `messages` on `deployment`."""
    if deployment.tokenizer.startswith("gguf:"):
        try:
            return _gguf_count(_gguf_path(deployment.tokenizer.removeprefix("gguf:")), messages)
        except (ImportError, FileNotFoundError, ValueError) as exc:
            # Without llama.cpp installed (a worker that only calls hosted
            # models) fall back to LiteLLM's estimate, and say so once.
            logger.warning("tokenizer %s unavailable (%s); using LiteLLM's count", deployment.tokenizer, exc)
    import litellm

    return int(litellm.token_counter(model=deployment.model, messages=messages)) + MESSAGE_OVERHEAD * len(messages)


def exceeds_every_context(*, text: str, max_tokens: int, deployments: list[Deployment]) -> int | None:
    """At intake: the token count of `text` when it cannot fit any deployment
    with room for `max_tokens`, else None. A token is at least one byte, so a
    text shorter than the largest window is let through without counting."""
    if not deployments:
        return None
    widest = max(deployments, key=lambda d: d.context_window)
    if len(text.encode()) + max_tokens <= widest.context_window:
        return None
    tokens = count_tokens(widest, [{"role": "user", "content": text}])
    return tokens if tokens + max_tokens > widest.context_window else None
