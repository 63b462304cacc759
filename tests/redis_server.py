"""A real redis-server of the test's own, on a spare port, that a test can stop and start."""

import os
import shutil
import socket
import subprocess
import threading
import time

import pytest
import redis


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """``redis-server`` without persistence on a spare port; ``stop`` and ``start`` it to
    play an outage. Its address stays the same across restarts."""

    def __init__(self):
        self.port = spare_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port)


def redis_server_or_skip() -> None:
    """Skip without ``redis-server``, except in CI (``CI=true``), where that is a failure."""
    if shutil.which("redis-server"):
        return
    message = "redis-server is not installed; the Redis outage tests need it."
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


class HangingServer:
    """A server that accepts connections and never answers: a Redis that hangs. Counts the
    connections it was asked for."""

    def __init__(self):
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self._socket.getsockname()[1]}/0"
        self.connections = 0
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self.connections += 1
            self._held.append(connection)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._socket.close()
        for connection in self._held:
            connection.close()
        self._thread.join(timeout=5)
