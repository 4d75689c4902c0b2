"""llama-cpp-python's OpenAI-style server, with the usage it does not report.

`python -m llm.llama_server <llama_cpp.server arguments>` runs the same
server `make run` always ran, plus one ASGI middleware. The server resumes
each prompt from the longest prefix it holds evaluated (its state and its
RAM cache), but its answers say nothing of that, and a streamed answer
carries no usage at all. So:

* `Llama.generate` is wrapped to note, per request, the prompt's length,
  how many of its tokens were already evaluated (the reused prefix) and how
  many tokens it generated;
* the middleware adds `usage.prompt_tokens_details.cached_tokens` to a JSON
  answer, and sends a final usage chunk before `[DONE]` on a stream (what
  OpenAI sends for `stream_options.include_usage`).

The gateway then records the reused prefix in the ledger's `cached_tokens`
like a hosted provider's prompt cache, and streamed calls bill exact counts.
The note travels in a context variable: the server runs the model in a
thread pool that copies the request's context, so each request sees its own.
"""

import contextvars
import json
import sys
from collections.abc import Awaitable, Callable, Generator, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]


@dataclass
class UsageNote:
    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    seen: bool = False


_note: contextvars.ContextVar[UsageNote | None] = contextvars.ContextVar("llama_usage_note", default=None)


def generate_noting_usage(original: Callable[..., Generator[int, Any, None]]) -> Callable[..., Any]:
    def generate(self: Any, tokens: Sequence[int], *args: Any, **kwargs: Any) -> Generator[int, Any, None]:
        note = _note.get()
        if note is not None:
            held = list(self._input_ids)
            reused = 0
            for had, wanted in zip(held, tokens, strict=False):
                if had != wanted:
                    break
                reused += 1
            # The last prompt token is evaluated again when the whole prompt
            # was held (llama.cpp needs fresh logits to sample from).
            note.prompt_tokens, note.cached_tokens = len(tokens), min(reused, max(len(tokens) - 1, 0))
            note.completion_tokens, note.seen = 0, True
        for token in original(self, tokens, *args, **kwargs):
            if note is not None:
                note.completion_tokens += 1
            yield token

    return generate


class UsageMiddleware:
    """Completes the usage of chat completion answers (see the module's doc)."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Message, receive: Callable[[], Awaitable[Message]], send: Send) -> None:
        if scope.get("type") != "http" or not str(scope.get("path", "")).endswith("/chat/completions"):
            await self.app(scope, receive, send)
            return
        note = UsageNote()
        token = _note.set(note)
        try:
            await self.app(scope, receive, _Rewriter(send, note).send)
        finally:
            _note.reset(token)


class _Rewriter:
    def __init__(self, send: Send, note: UsageNote) -> None:
        self._send = send
        self.note = note
        self.start: Message | None = None
        self.streaming = False
        self.body = bytearray()

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = {bytes(k).lower(): bytes(v) for k, v in message.get("headers", [])}
            self.streaming = headers.get(b"content-type", b"").startswith(b"text/event-stream")
            if self.streaming or message.get("status") != 200:
                await self._send(message)
            else:
                self.start = message  # held: the body's length changes
            return
        if message["type"] != "http.response.body":
            await self._send(message)
            return
        if self.streaming:
            chunk = bytes(message.get("body", b""))
            if b"[DONE]" in chunk and self.note.seen:
                usage = {"object": "chat.completion.chunk", "choices": [], "usage": self._usage()}
                chunk = chunk.replace(b"data: [DONE]", f"data: {json.dumps(usage)}\r\n\r\ndata: [DONE]".encode(), 1)
            await self._send({**message, "body": chunk})
            return
        if self.start is None:
            await self._send(message)
            return
        self.body += message.get("body", b"")
        if message.get("more_body"):
            return
        body = bytes(self.body)
        try:
            answer = json.loads(body)
            if self.note.seen and isinstance(answer.get("usage"), dict):
                answer["usage"]["prompt_tokens_details"] = {"cached_tokens": self.note.cached_tokens}
                body = json.dumps(answer).encode()
        except ValueError:
            pass
        kept = [(k, v) for k, v in self.start.get("headers", []) if bytes(k).lower() != b"content-length"]
        kept.append((b"content-length", str(len(body)).encode()))
        await self._send({**self.start, "headers": kept})
        await self._send({"type": "http.response.body", "body": body})

    def _usage(self) -> dict[str, Any]:
        note = self.note
        return {
            "prompt_tokens": note.prompt_tokens,
            "completion_tokens": note.completion_tokens,
            "total_tokens": note.prompt_tokens + note.completion_tokens,
            "prompt_tokens_details": {"cached_tokens": note.cached_tokens},
        }


def main() -> None:
    from llama_cpp import Llama
    from llama_cpp.server import app as server_app

    Llama.generate = generate_noting_usage(Llama.generate)  # type: ignore[method-assign]
    create_app = server_app.create_app

    def create_app_with_usage(*args: Any, **kwargs: Any) -> Any:
        app = create_app(*args, **kwargs)
        app.add_middleware(UsageMiddleware)
        return app

    server_app.create_app = create_app_with_usage
    from llama_cpp.server import __main__ as server_main

    server_main.create_app = create_app_with_usage  # imported by name there
    sys.argv[0] = "llm.llama_server"
    server_main.main()


if __name__ == "__main__":
    main()
