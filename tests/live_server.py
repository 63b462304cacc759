"""The live test server, serving one request at a time on an in-memory SQLite database.

Django shares the test's in-memory SQLite connection with the live server. Its threaded server
then runs a browser's parallel requests (the reader's side-by-side view sends one per language
at once) on that one connection at the same time, which SQLite refuses ("bad parameter or
other API misuse"); Django's documentation asks that simultaneous queries on the shared
connection be prevented. On SQLite the server therefore handles one request at a time (it
closes each connection after its answer, as Django's server does when it is not threaded);
on PostgreSQL each thread has a connection of its own and the server stays threaded.

pytest-django's ``LiveServer`` takes no server class, so the one attribute Django's
``LiveServerThread`` builds its server from, ``server_class``, is set before it starts.
"""

import pytest
from django.core.servers.basehttp import WSGIServer
from pytest_django.live_server_helper import LiveServer


class SerialWSGIServer(WSGIServer):
    """Django's WSGI server without threads, taking the arguments the live server passes."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


def live_server_start(request: pytest.FixtureRequest) -> LiveServer:
    """A live server at the address pytest-django would use, serial on in-memory SQLite."""
    server = LiveServer(request.config.getvalue("liveserver") or "localhost", start=False)
    if server.thread.connections_override:  # only in-memory SQLite connections are shared
        server.thread.server_class = SerialWSGIServer
    server.start()
    return server
