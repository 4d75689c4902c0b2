"""A loopback server with the shape of OpenAI's files and batch API, for tests.

It implements what Beacon calls: `POST /v1/files` (multipart, purpose
"batch"), `POST /v1/batches`, `GET /v1/batches/{id}`, `POST
/v1/batches/{id}/cancel` and `GET /v1/files/{id}/content`. A batch stays
`in_progress` for `polls_to_end` status reads, then ends as `outcome` says:

* "completed": every line answered with `answer(body)`, except the custom ids
  in `fail_ids`, which go to the error file (a partial failure);
* "expired": the first `answered_before_expiry` lines answered, the rest
  missing, as OpenAI reports a batch its window ran out on;
* "failed": no output at all.

`fail_uploads` makes the next uploads answer HTTP 500. The same base also
answers `POST /v1/chat/completions` (not streamed) with `answer(body)`, as a
provider serves its online and batch APIs side by side; `online_requests`
records those calls.
"""

import email.parser
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class LoopbackBatchServer:
    answer: Callable[[dict[str, Any]], str] = lambda body: "{}"
    outcome: str = "completed"
    polls_to_end: int = 1
    fail_ids: set[str] = field(default_factory=set)
    answered_before_expiry: int = 0
    fail_uploads: int = 0
    online_requests: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    _polls: dict[str, int] = field(default_factory=dict)
    _ids: Any = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def api_base(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def submitted_lines(self, batch_id: str) -> list[dict[str, Any]]:
        content = self.files[self.batches[batch_id]["input_file_id"]]
        return [json.loads(line) for line in content.decode().splitlines() if line]

    # --- the API -------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids)}"

    def upload(self, content: bytes) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if self.fail_uploads:
                self.fail_uploads -= 1
                return 500, {"error": {"message": "scripted upload failure"}}
            file_id = self._new_id("file")
            self.files[file_id] = content
        return 200, {"id": file_id, "object": "file", "purpose": "batch", "bytes": len(content)}

    def create(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if body.get("input_file_id") not in self.files or body.get("endpoint") != "/v1/chat/completions":
            return 400, {"error": {"message": "unknown input file or endpoint"}}
        with self._lock:
            batch_id = self._new_id("batch")
            self.batches[batch_id] = {
                "id": batch_id,
                "object": "batch",
                "status": "validating",
                "input_file_id": body["input_file_id"],
                "completion_window": body.get("completion_window"),
                "output_file_id": None,
                "error_file_id": None,
                "created_at": int(time.time()),
            }
            self._polls[batch_id] = 0
        return 200, self.batches[batch_id]

    def get(self, batch_id: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return 404, {"error": {"message": "no such batch"}}
            if batch["status"] in ("validating", "in_progress"):
                self._polls[batch_id] += 1
                batch["status"] = "in_progress"
                if self._polls[batch_id] >= self.polls_to_end:
                    self._end(batch)
        return 200, batch

    def cancel(self, batch_id: str) -> tuple[int, dict[str, Any]]:
        with self._lock:
            batch = self.batches.get(batch_id)
            if batch is None:
                return 404, {"error": {"message": "no such batch"}}
            batch["status"] = "cancelled"
        return 200, batch

    def _end(self, batch: dict[str, Any]) -> None:
        lines = self.submitted_lines(batch["id"])
        if self.outcome == "failed":
            batch["status"] = "failed"
            return
        if self.outcome == "expired":
            answered, failed = lines[: self.answered_before_expiry], []
        else:
            answered = [line for line in lines if line["custom_id"] not in self.fail_ids]
            failed = [line for line in lines if line["custom_id"] in self.fail_ids]
        output = "".join(json.dumps(_output_line(line, self.answer(line["body"]))) + "\n" for line in answered)
        errors = "".join(json.dumps(_error_line(line)) + "\n" for line in failed)
        if output:
            batch["output_file_id"] = self._new_id("file")
            self.files[batch["output_file_id"]] = output.encode()
        if errors:
            batch["error_file_id"] = self._new_id("file")
            self.files[batch["error_file_id"]] = errors.encode()
        batch["status"] = "expired" if self.outcome == "expired" else "completed"

    # --- the server ----------------------------------------------------------

    def __enter__(self) -> "LoopbackBatchServer":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("content-length") or 0))

            def do_POST(self) -> None:
                raw = self._body()
                if self.path == "/v1/chat/completions":
                    body = json.loads(raw or b"{}")
                    owner.online_requests.append(body)
                    line = _output_line({"custom_id": "online", "body": body}, owner.answer(body))
                    self._send(200, line["response"]["body"])
                elif self.path == "/v1/files":
                    self._send(*owner.upload(_multipart_file(self.headers.get("content-type", ""), raw)))
                elif self.path == "/v1/batches":
                    self._send(*owner.create(json.loads(raw or b"{}")))
                elif self.path.startswith("/v1/batches/") and self.path.endswith("/cancel"):
                    self._send(*owner.cancel(self.path.split("/")[3]))
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_GET(self) -> None:
                parts = self.path.strip("/").split("/")
                if parts[:2] == ["v1", "batches"] and len(parts) == 3:
                    self._send(*owner.get(parts[2]))
                elif parts[:2] == ["v1", "files"] and len(parts) == 4 and parts[3] == "content":
                    content = owner.files.get(parts[2])
                    if content is None:
                        self._send(404, {"error": {"message": "no such file"}})
                    else:
                        self._send_raw(200, content, "application/jsonl")
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                self._send_raw(status, json.dumps(payload).encode(), "application/json")

            def _send_raw(self, status: int, raw: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
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


def _multipart_file(content_type: str, raw: bytes) -> bytes:
    message = email.parser.BytesParser().parsebytes(f"content-type: {content_type}\r\n\r\n".encode() + raw)
    for part in message.walk():
        if part.get_filename():
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    return b""


def _output_line(line: dict[str, Any], text: str) -> dict[str, Any]:
    prompt = sum(len(str(m.get("content", "")).split()) for m in line["body"].get("messages", []))
    completion = len(text.split())
    return {
        "id": f"batch_req_{line['custom_id']}",
        "custom_id": line["custom_id"],
        "response": {
            "status_code": 200,
            "body": {
                "id": f"chatcmpl-{line['custom_id']}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": line["body"].get("model"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
            },
        },
        "error": None,
    }


def _error_line(line: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"batch_req_{line['custom_id']}",
        "custom_id": line["custom_id"],
        "response": {"status_code": 400, "body": {"error": {"code": "invalid_request", "message": "scripted"}}},
        "error": None,
    }
