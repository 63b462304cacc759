"""A real HTTP server on 127.0.0.1 that records every request a cache would be sent."""

import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return orjson.loads(self.body)

    def purged(self, header="xkey-purge") -> set[str]:
        return set(self.headers[header].split())


class PurgeRecorder:
    """Answers every request with the queued statuses, then 200, and records it."""

    def __init__(self):
        self.requests: list[Recorded] = []
        self.replies: deque[int] = deque()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def handle_one_request(self):
                self.raw_requestline = self.rfile.readline(65537)
                if not self.raw_requestline or not self.parse_request():
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                recorder.requests.append(Recorded(self.command, self.path, headers, body))
                status = recorder.replies.popleft() if recorder.replies else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
                self.wfile.flush()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
