"""A local webhook receiver for the delivery tests."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest


class Receiver(BaseHTTPRequestHandler):
    """Records every POST; answers with the next of `statuses` (the last repeats)."""

    received: list[tuple[dict[str, str], bytes]] = []
    statuses: list[int] = [200]
    reply = b""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        Receiver.received.append((dict(self.headers), body))
        status = Receiver.statuses.pop(0) if len(Receiver.statuses) > 1 else Receiver.statuses[0]
        self.send_response(status)
        self.send_header("content-length", str(len(Receiver.reply)))
        self.end_headers()
        self.wfile.write(Receiver.reply)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[Receiver]]]:
    Receiver.received, Receiver.statuses, Receiver.reply = [], [200], b""
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", Receiver
    server.shutdown()
