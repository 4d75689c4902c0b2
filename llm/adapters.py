"""Provider quirks, normalized: every difference between servers lives here.

* Constrained JSON: llama.cpp's server takes `{"type": "json_object", "schema":
  ...}` and compiles the schema to a grammar; vLLM and OpenAI take the
  `json_schema` form; some providers take neither (`none`), and the parser
  still validates what comes back.
* System prompts: a deployment whose chat template has no system role gets
  the system text folded into the first user turn.
* Errors: whatever LiteLLM raised becomes a Beacon ModelError with a code.
"""

from typing import Any

from llm.errors import ModelError, PermanentModelError, TransientModelError


def response_format_for(mode: str, schema: dict[str, Any] | None) -> dict[str, Any] | None:
    if schema is None or mode == "none":
        return None
    if mode == "llama_cpp":
        return {"type": "json_object", "schema": schema}
    if mode == "openai":
        return {"type": "json_schema", "json_schema": {"name": "beacon_output", "schema": schema, "strict": False}}
    raise ValueError(f"unknown JSON mode {mode!r}; expected llama_cpp, openai or none")


def messages_for(messages: list[dict[str, str]], *, system_prompt: bool) -> list[dict[str, str]]:
    if system_prompt:
        return messages
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    rest = [dict(m) for m in messages if m["role"] != "system"]
    if system and rest and rest[0]["role"] == "user":
        rest[0]["content"] = f"{system}\n\n{rest[0]['content']}"
    elif system:
        rest.insert(0, {"role": "user", "content": system})
    return rest


# Errors that say the deployment itself is misconfigured or refuses us: the
# call may still succeed elsewhere, so the gateway moves to the next candidate.
DEPLOYMENT_FAULTS = frozenset({"auth_error", "model_not_found"})


def _caused_by_transport(exc: BaseException) -> bool:
    import httpx
    import openai

    seen: BaseException | None = exc
    for _ in range(10):  # a bounded walk down __cause__ / __context__
        if seen is None:
            return False
        if isinstance(seen, httpx.TransportError | openai.APIConnectionError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def error_from(exc: Exception, deployment: str) -> ModelError:
    """Classify a LiteLLM exception. Permanent only when retrying cannot help;
    anything unknown is transient (bounded by the retry limits), so a network
    hiccup in a new shape does not fail a job outright."""
    import litellm

    exceptions = litellm.exceptions
    status = getattr(exc, "status_code", None)
    message = f"{type(exc).__name__} from {deployment}"

    def transient(code: str) -> ModelError:
        return TransientModelError(message, deployment=deployment, status_code=status, code=code)

    def permanent(code: str) -> ModelError:
        return PermanentModelError(message, deployment=deployment, status_code=status, code=code)

    if isinstance(exc, exceptions.ContextWindowExceededError):
        return permanent("context_length_exceeded")
    if isinstance(exc, exceptions.ContentPolicyViolationError):
        return permanent("content_policy")
    if isinstance(exc, exceptions.RateLimitError) or status == 429:
        return transient("rate_limited")
    if isinstance(exc, exceptions.Timeout):
        return transient("timeout")
    if isinstance(exc, exceptions.APIConnectionError) or _caused_by_transport(exc):
        # LiteLLM reports some refused or reset connections as a 500; the
        # exception chain still holds the transport error underneath.
        return transient("connection_error")
    if isinstance(status, int) and status >= 500:
        return transient("server_error")
    if isinstance(exc, exceptions.AuthenticationError | exceptions.PermissionDeniedError):
        return permanent("auth_error")
    if isinstance(exc, exceptions.NotFoundError):
        return permanent("model_not_found")
    if isinstance(exc, exceptions.BadRequestError | exceptions.UnprocessableEntityError):
        return permanent("bad_request")
    return transient("provider_error")
