"""Helpers of the webhook tests: a real HTTP receiver on 127.0.0.1, the database worker run in
this process, and publishing an entry the way the desk does."""

import signal
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson
from django.core.management import call_command

from articles.models import Article
from articles.services import article_publish, article_submit_for_review
from tests.factories import ArticleFactory

TIMEOUT = 0.5  # WEBHOOK_TIMEOUT in these tests: a "slow" receiver answers after it


@dataclass
class Request:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self):
        return orjson.loads(self.body)

    @property
    def id(self):
        return self.headers["webhook-id"]


class Receiver:
    """Records every POST; answers with the queued (status, delay) replies, then 200."""

    def __init__(self):
        self.requests: list[Request] = []
        self.replies: deque[tuple[int, float]] = deque()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    Request({k.lower(): v for k, v in self.headers.items()}, body)
                )
                status, delay = receiver.replies.popleft() if receiver.replies else (200, 0)
                time.sleep(delay)
                try:
                    self.send_response(status)
                    self.end_headers()
                    self.wfile.write(b'{"received": true}')
                except OSError:
                    pass  # the sender gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks?source=cms"

    def reply(self, *replies):
        self.replies.extend(replies)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def run_worker():
    """Run every task that is due, as `manage.py db_worker` does, then return."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def publish(slug="fresh-entry", *, at=None, **fields) -> Article:
    """An entry written as a draft, submitted and published (now, or ``at``) by the system."""
    article = ArticleFactory(slug=slug, draft=True, **fields)
    article_submit_for_review(article=article, user=None)
    return article_publish(article=article, user=None, at=at)
