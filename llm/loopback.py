"""An OpenAI-compatible HTTP server on loopback whose behaviour a test scripts.

Tests and benchmarks point a deployment's `api_base` at it to exercise the real
HTTP path (LiteLLM, timeouts, status codes, malformed bodies) without a model.
Each request takes the next scripted behaviour; when the script is empty the
server answers `default` (a valid completion).

    with LoopbackModelServer() as server:
        server.script(Behaviour.status(429), Behaviour.ok('{"a": 1}'))
        ... api_base=server.api_base ...
"""

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Behaviour:
    kind: str  # ok | status | delay | malformed | drop
    text: str = "{}"
    status_code: int = 200
    seconds: float = 0.0
    cached_tokens: int = 0  # reported as usage.prompt_tokens_details.cached_tokens

    @classmethod
    def ok(cls, text: str = "{}", *, seconds: float = 0.0, cached_tokens: int = 0) -> "Behaviour":
        return cls("ok", text=text, seconds=seconds, cached_tokens=cached_tokens)

    @classmethod
    def status(cls, status_code: int) -> "Behaviour":
        return cls("status", status_code=status_code)

    @classmethod
    def delay(cls, seconds: float, text: str = "{}") -> "Behaviour":
        return cls("ok", text=text, seconds=seconds)

    @classmethod
    def malformed(cls) -> "Behaviour":
        return cls("malformed")

    @classmethod
    def drop(cls) -> "Behaviour":
        """Close the connection without an answer (a connection reset)."""
        return cls("drop")


@dataclass
class LoopbackModelServer:
    default: Behaviour = field(default_factory=Behaviour.ok)
    requests: list[dict[str, Any]] = field(default_factory=list)
    _script: deque[Behaviour] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def api_base(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def script(self, *behaviours: Behaviour) -> None:
        with self._lock:
            self._script.extend(behaviours)

    def _next(self, body: dict[str, Any]) -> Behaviour:
        with self._lock:
            self.requests.append(body)
            return self._script.popleft() if self._script else self.default

    def __enter__(self) -> "LoopbackModelServer":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, the body
            # waits for the client's delayed ACK (about 40 ms on Linux).
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                behaviour = owner._next(body)
                if behaviour.seconds:
                    time.sleep(behaviour.seconds)
                if behaviour.kind == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if behaviour.kind == "status":
                    self._send(behaviour.status_code, {"error": {"message": "scripted failure", "type": "scripted"}})
                    return
                if behaviour.kind == "malformed":
                    self._send_raw(200, b'{"choices": [{"message": ')
                    return
                if body.get("stream"):
                    self._stream(body, behaviour)
                    return
                self._send(200, _completion(body, behaviour.text, behaviour.cached_tokens))

            def _stream(self, body: dict[str, Any], behaviour: Behaviour) -> None:
                """The answer as OpenAI streams it: Server-Sent Events, a
                piece of content each, then the finish reason and usage."""
                text = behaviour.text
                whole = _completion(body, text, behaviour.cached_tokens)
                pieces = [text[i : i + 4] for i in range(0, len(text), 4)]
                chunks = [{"index": 0, "delta": {"role": "assistant", "content": piece}} for piece in pieces]
                chunks.append({"index": 0, "delta": {}, "finish_reason": "stop"})
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("connection", "close")
                self.end_headers()
                for choice in chunks:
                    event = {"id": whole["id"], "object": "chat.completion.chunk", "created": whole["created"],
                             "model": whole["model"], "choices": [choice]}  # fmt: skip
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                    self.wfile.flush()
                usage = {"id": whole["id"], "object": "chat.completion.chunk", "created": whole["created"],
                         "model": whole["model"], "choices": [], "usage": whole["usage"]}  # fmt: skip
                self.wfile.write(f"data: {json.dumps(usage)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()
                self.close_connection = True

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                self._send_raw(status, json.dumps(payload).encode())

            def _send_raw(self, status: int, raw: bytes) -> None:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _completion(request: dict[str, Any], text: str, cached_tokens: int = 0) -> dict[str, Any]:
    prompt_words = sum(len(str(message.get("content", "")).split()) for message in request.get("messages", []))
    completion_words = len(text.split())
    return {
        "id": "chatcmpl-loopback",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "loopback"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": prompt_words,
            "completion_tokens": completion_words,
            "total_tokens": prompt_words + completion_words,
            **({"prompt_tokens_details": {"cached_tokens": cached_tokens}} if cached_tokens else {}),
        },
    }
