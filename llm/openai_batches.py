"""The OpenAI batch API, spoken over httpx: upload a JSONL file, create a
batch, read its status, download its output and error files, cancel it.

vLLM's offline runner and several other providers accept the same shape.
Every failure becomes a `BatchApiError` whose `transient` says whether asking
again later can help (network, 429, 5xx) or not (the request itself is wrong).
https://platform.openai.com/docs/api-reference/batch
"""

import json
from dataclasses import dataclass
from typing import Any

import httpx

COMPLETION_WINDOW = "24h"  # the only window OpenAI offers
ENDPOINT = "/v1/chat/completions"


class BatchApiError(Exception):
    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class BatchStatus:
    id: str
    status: str  # validating | in_progress | finalizing | completed | failed | expired | cancelling | cancelled
    output_file_id: str | None
    error_file_id: str | None


class OpenAIBatchClient:
    def __init__(self, *, api_base: str, api_key: str | None, timeout: float = 60.0) -> None:
        self._http = httpx.Client(
            base_url=api_base.rstrip("/") + "/",
            headers={"authorization": f"Bearer {api_key}"} if api_key else {},
            timeout=timeout,
        )

    def __enter__(self) -> "OpenAIBatchClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise BatchApiError(f"{method} {path}: {type(exc).__name__}", transient=True) from exc
        if response.status_code >= 400:
            transient = response.status_code == 429 or response.status_code >= 500
            raise BatchApiError(f"{method} {path}: HTTP {response.status_code}", transient=transient)
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self._call(method, path, **kwargs)
        try:
            body = response.json()
        except ValueError as exc:
            raise BatchApiError(f"{method} {path}: the answer is not JSON", transient=True) from exc
        if not isinstance(body, dict):
            raise BatchApiError(f"{method} {path}: the answer is not an object", transient=True)
        return body

    def file_upload(self, *, lines: list[dict[str, Any]], name: str) -> str:
        content = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines).encode()
        body = self._json(
            "POST", "files", data={"purpose": "batch"}, files={"file": (name, content, "application/jsonl")}
        )
        return str(body["id"])

    def batch_create(self, *, input_file_id: str, metadata: dict[str, str]) -> BatchStatus:
        body = self._json(
            "POST",
            "batches",
            json={
                "input_file_id": input_file_id,
                "endpoint": ENDPOINT,
                "completion_window": COMPLETION_WINDOW,
                "metadata": metadata,
            },
        )
        return _status(body)

    def batch_get(self, batch_id: str) -> BatchStatus:
        return _status(self._json("GET", f"batches/{batch_id}"))

    def batch_cancel(self, batch_id: str) -> BatchStatus:
        return _status(self._json("POST", f"batches/{batch_id}/cancel"))

    def file_lines(self, file_id: str) -> list[dict[str, Any]]:
        """A result file's lines; a line that is not a JSON object is skipped
        (its request then counts as unanswered and goes online)."""
        text = self._call("GET", f"files/{file_id}/content").text
        lines = []
        for raw in text.splitlines():
            try:
                line = json.loads(raw)
            except ValueError:
                continue
            if isinstance(line, dict):
                lines.append(line)
        return lines


def _status(body: dict[str, Any]) -> BatchStatus:
    try:
        return BatchStatus(
            id=str(body["id"]),
            status=str(body["status"]),
            output_file_id=body.get("output_file_id") or None,
            error_file_id=body.get("error_file_id") or None,
        )
    except KeyError as exc:
        raise BatchApiError(f"a batch object without {exc}", transient=True) from exc
