"""The local server's usage middleware (llm/llama_server.py), on a stand-in
ASGI app; test_real_model.py runs it in front of the real model."""

import json
from typing import Any

from asgiref.sync import async_to_sync

from llm.llama_server import UsageMiddleware, _note, generate_noting_usage

CHAT = {"type": "http", "path": "/v1/chat/completions"}


class FakeLlama:
    """What the wrapped generate reads: the tokens already evaluated."""

    def __init__(self, held: list[int]) -> None:
        self._input_ids = held


def _generate(self: Any, tokens: list[int], **kwargs: Any):
    yield from (7, 8, 9)


def _run(app: Any, scope: dict[str, Any]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        sent.append(message)

    async_to_sync(UsageMiddleware(app))(scope, receive, send)
    return sent


def _app(streaming: bool):
    async def app(scope: Any, receive: Any, send: Any) -> None:
        # The model's thread, as the server runs it: generate over a prompt
        # whose first three tokens the server already holds.
        list(generate_noting_usage(_generate)(FakeLlama([1, 2, 3, 99]), [1, 2, 3, 4, 5]))
        if streaming:
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]}
            )
            await send({"type": "http.response.body", "body": b'data: {"choices": []}\r\n\r\n', "more_body": True})
            await send({"type": "http.response.body", "body": b"data: [DONE]\r\n\r\n"})
            return
        body = json.dumps({"choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 3}}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def test_a_json_answer_gains_the_reused_prefix_and_a_correct_length():
    start, body = _run(_app(streaming=False), CHAT)
    answer = json.loads(body["body"])
    assert answer["usage"] == {
        "prompt_tokens": 5,
        "completion_tokens": 3,
        "prompt_tokens_details": {"cached_tokens": 3},
    }
    assert dict(start["headers"])[b"content-length"] == str(len(body["body"])).encode()
    assert _note.get() is None  # nothing leaks past the request


def test_a_stream_ends_with_a_usage_chunk_before_done():
    sent = _run(_app(streaming=True), CHAT)
    last = sent[-1]["body"].decode()
    usage_line, done = [line for line in last.split("\r\n\r\n") if line]
    assert done == "data: [DONE]"
    usage = json.loads(usage_line.removeprefix("data: "))["usage"]
    assert usage == {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8,
                     "prompt_tokens_details": {"cached_tokens": 3}}  # fmt: skip


def test_a_whole_prompt_already_held_still_evaluates_its_last_token():
    note_app = _app(streaming=False)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        list(generate_noting_usage(_generate)(FakeLlama([1, 2, 3]), [1, 2, 3]))
        note = _note.get()
        assert note is not None and (note.prompt_tokens, note.cached_tokens) == (3, 2)
        await note_app(scope, receive, send)

    _run(app, CHAT)


def test_other_paths_pass_through_untouched():
    sent = _run(_app(streaming=False), {"type": "http", "path": "/v1/models"})
    assert json.loads(sent[-1]["body"])["usage"] == {"prompt_tokens": 5, "completion_tokens": 3}
