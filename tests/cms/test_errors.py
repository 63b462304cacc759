"""Errors under /api/ and /graphql/ are JSON in each API's shape; the admin keeps HTML."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client

from cms.errors import server_error
from tests.factories import UserFactory


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/not%20a%20slug/",
        "/api/v1/vendors/%C3%A9t%C3%A9/",
        "/api/v1/articles/a.b/more-from-vendor/",
        "/api/v1/nothing-here/",
        "/api/v1/articles/Bad Slug!/",
        "/api/v2/",
        "/api/",
    ],
)
@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_an_unknown_api_path_is_a_json_404(client, settings, path, debug):
    settings.DEBUG = debug
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_graphql_path_is_a_404_in_graphql_shape(client):
    response = client.get("/graphql/schema/")
    assert response.status_code == 404
    assert response.json() == {"data": None, "errors": [{"message": "Not found."}]}


def test_an_unknown_admin_path_keeps_the_html_404(client):
    response = client.get("/feeds/no-such-feed/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_bad_host_under_the_api_is_a_json_400(client):
    response = client.get("/api/v1/articles/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}


def test_a_server_fault_under_the_api_is_a_json_500(rf):
    """``server_error`` is the handler Django calls after an unexpected exception."""
    rest = server_error(rf.get("/api/v1/articles/"))
    graphql = server_error(rf.post("/graphql/"))
    admin = server_error(rf.get("/admin/"))
    assert (rest.status_code, rest["Content-Type"]) == (500, "application/json")
    assert b'"detail"' in rest.content
    assert b'"errors": [{"message"' in graphql.content
    assert admin["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_refused_admin_page_says_why_in_the_admin_look():
    user = UserFactory(username="writer1")
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = Client()
    client.force_login(user)
    response = client.get("/admin/auth/user/")
    assert response.status_code == 403
    page = " ".join(response.content.decode().split())
    assert 'id="header"' in page  # the admin's header, not a bare "403 Forbidden"
    assert "Permission denied" in page
    assert "writer1" in page and "does not have the permission" in page
    assert "/admin/" in page


@pytest.fixture(scope="module")
def server_without_database(tmp_path_factory):
    """A production-like server (gunicorn, debug off) whose database port is closed."""
    port, closed_port = _free_port(), _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SECRET_KEY": "p" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_MANIFEST": "0",
        "DJANGO_STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port}/ainews",
    }
    log = tmp_path_factory.mktemp("log") / "server.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("w") as output:
        server = subprocess.Popen(
            [gunicorn, "cms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=output,
            stderr=output,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/api/schema/")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, log
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_database_outage_is_a_503_in_each_surfaces_shape(server_without_database):
    base, log = server_without_database
    rest = httpx.get(f"{base}/api/v1/articles/")
    query = httpx.post(f"{base}/graphql/", json={"query": "{ articles { totalCount } }"})
    mutation = httpx.post(
        f"{base}/graphql/",
        json={
            "query": 'mutation { submitFeedback(input: {kind: GENERAL, message: "Hello"}) { id } }'
        },
    )
    feedback = httpx.post(f"{base}/api/v1/feedback/", json={"kind": "general", "message": "Hi!"})
    admin = httpx.get(f"{base}/admin/", cookies={"sessionid": "s" * 32})

    for response in (rest, feedback):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        assert response.json() == {
            "detail": "The service is temporarily unavailable; try again shortly."
        }
    for response in (query, mutation):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        body = response.json()
        assert body["data"] is None and "temporarily unavailable" in body["errors"][0]["message"]
        assert "cache-control" not in response.headers  # an outage is never cached
    assert admin.status_code == 503
    assert admin.headers["Content-Type"].startswith("text/html")
    assert "temporarily unavailable" in admin.text

    logged = log.read_text()
    assert "Traceback" not in logged
    assert logged.count("Database unavailable") == 5
    assert "Service Unavailable" not in logged  # one line per request, not two


def test_the_schema_is_still_served_during_a_database_outage(server_without_database):
    base, _log = server_without_database
    response = httpx.get(f"{base}/api/schema/")
    assert response.status_code == 200
    document = yaml.safe_load(response.text)
    assert document["info"]["title"] == settings.SPECTACULAR_SETTINGS["TITLE"]
    assert {"/api/v1/articles/", "/api/v1/changes/", "/api/v1/feedback/"} <= set(document["paths"])
