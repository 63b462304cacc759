"""The API playgrounds load only the project's own files, under a strict CSP."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders

CDN_HOSTS = ("unpkg.com", "jsdelivr", "cdnjs", "googleapis", "redoc.ly")


def _assets(html: bytes) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html.decode())


def _assert_offline(response):
    html = response.content
    for host in CDN_HOSTS:
        assert host.encode() not in html
    for url in _assets(html):
        assert url.startswith("/") or url.startswith("data:"), url
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/").split("?")[0]), url
    policy = response["Content-Security-Policy"]
    assert "default-src 'self';" in policy
    assert "script-src 'self';" in policy
    assert "connect-src 'self';" in policy


def test_swagger_ui_is_served_from_the_sidecar_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    _assert_offline(response)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in _assets(
        response.content
    )
    # The start-up script is a file of its own, so no inline script needs allowing.
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"/api/schema/" in script.content


def test_redoc_is_served_from_the_sidecar_files_without_web_fonts(client):
    response = client.get("/api/redoc/")
    assert response.status_code == 200
    _assert_offline(response)
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in _assets(
        response.content
    )


def test_graphiql_is_served_from_the_projects_own_files(client, settings):
    settings.GRAPHQL = {**settings.GRAPHQL, "GRAPHIQL": True}
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    _assert_offline(response)
    assets = _assets(response.content)
    for name in ("react.production.min.js", "graphiql.min.js", "graphiql.min.css", "init.js"):
        assert f"/static/cms/graphiql/{name}" in assets


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.django_db
def test_a_shared_graphiql_link_opens_graphiql_in_a_browser(client, settings):
    """GraphiQL keeps its query in the address (?query=...): a reload or a shared link opens
    the playground again, which reads the query from there, rather than the query's JSON."""
    settings.GRAPHQL = {**settings.GRAPHQL, "GRAPHIQL": True}
    query = {"query": "{ vendors { slug } }"}

    response = client.get("/graphql/", query, HTTP_ACCEPT=BROWSER_ACCEPT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b'<div id="graphiql"' in response.content
    assert b'"data"' not in response.content
    assert "Accept" in re.split(r",\s*", response["Vary"])
    _assert_offline(response)


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["application/json", "application/graphql-response+json", "*/*"])
def test_a_get_that_is_not_a_browser_still_gets_the_answer(client, settings, accept):
    settings.GRAPHQL = {**settings.GRAPHQL, "GRAPHIQL": True}
    query = {"query": "{ vendors { slug } }"}
    client.get("/graphql/", query, HTTP_ACCEPT=BROWSER_ACCEPT)  # not mistaken for the answer

    response = client.get("/graphql/", query, HTTP_ACCEPT=accept)

    assert response.json()["data"] == {"vendors": []}
    assert "Accept" in re.split(r",\s*", response["Vary"])


@pytest.mark.django_db
def test_without_graphiql_a_browser_gets_the_answer(client, settings):
    settings.GRAPHQL = {**settings.GRAPHQL, "GRAPHIQL": False}
    response = client.get(
        "/graphql/", {"query": "{ vendors { slug } }"}, HTTP_ACCEPT=BROWSER_ACCEPT
    )
    assert response.json()["data"] == {"vendors": []}


def test_the_shipped_graphiql_files_carry_their_licences():
    folder = django_settings.BASE_DIR / "cms" / "static" / "cms" / "graphiql"
    readme = (folder / "README.md").read_text()
    for package in ("graphiql@3.8.3", "react@18.2.0", "react-dom@18.2.0"):
        assert package in readme
    for licence in ("LICENSE.graphiql", "LICENSE.react", "LICENSE.react-dom"):
        assert "MIT License" in (folder / licence).read_text()


CORS_PROBE = """
import django; django.setup()
from django.test import Client
for origin in ("http://localhost:5173", "http://127.0.0.1:3000", "https://evil.example"):
    response = Client().options("/graphql/", HTTP_ORIGIN=origin, SERVER_NAME="localhost",
                                HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    print(origin, response.headers.get("Access-Control-Allow-Origin"))
"""


def _cors(**env) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", CORS_PROBE],
        env={**clean, "DJANGO_SETTINGS_MODULE": "cms.settings", **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


@pytest.mark.parametrize("debug", ["1", "0"])
def test_local_frontends_may_call_the_api_in_debug_only(debug):
    allowed = _cors(
        DJANGO_DEBUG=debug,
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="localhost",
        CORS_ALLOWED_ORIGINS="https://news.example.com",
    )
    local = "http://localhost:5173", "http://127.0.0.1:3000"
    expected = {origin: (origin if debug == "1" else "None") for origin in local}
    assert allowed == {**expected, "https://evil.example": "None"}
