"""The topology (deploy/cluster/topology.py), started once for the topology tests, and the
figures they measured, printed at the end of the run."""

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "cluster"))

from topology import Topology

MAX_LAG = 2.0  # DATABASE_REPLICA_MAX_LAG in these tests
PROBE_SECONDS = 0.5
PASSWORD = "topology-editor-password"
FIGURES: dict[str, object] = {}

NEEDED = ["pg_createcluster", "pg_basebackup", "redis-server", "varnishd"]


def topology_or_skip() -> None:
    """Skip without root or a component, except in CI (``CI=true``), where that fails."""
    missing = [command for command in NEEDED if not shutil.which(command)]
    if not list(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so")):
        missing.append("varnish-modules")
    if os.geteuid() != 0:
        missing.append("root (pg_createcluster)")
    if not missing:
        return
    message = f"The topology tests need {', '.join(missing)}."
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def topology():
    topology_or_skip()
    topology = Topology(
        settings={
            "DATABASE_REPLICA_MAX_LAG": str(MAX_LAG),
            "DATABASE_REPLICA_PROBE_SECONDS": str(PROBE_SECONDS),
            "WEBHOOK_SWEEP_SECONDS": "2",
            "WEBHOOK_SWEEP_GRACE_SECONDS": "3",
            "WEBHOOK_TIMEOUT": "5",
        }
    )
    started = time.monotonic()
    topology.start()
    FIGURES["topology started in (s)"] = round(time.monotonic() - started, 1)
    FIGURES["of which (s)"] = topology.timings
    yield topology
    topology.stop()


@pytest.fixture(scope="session")
def entries(topology):
    """Entries in review, ready to publish, by slug: their ids; and an editor who may."""
    slugs = [f"topology-{n}" for n in range(12)]
    code = (
        "import json; from django.contrib.auth.models import User; "
        "from tests.factories import ArticleFactory; "
        f"User.objects.create_superuser('editor', '', {PASSWORD!r}); "
        f"print(json.dumps({{s: ArticleFactory(in_review=True, slug=s).pk for s in {slugs!r}}}))"
    )
    return json.loads(topology.manage("shell", "-c", code).strip().splitlines()[-1])


class Desk:
    """An editor signed in to one app node's admin."""

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()
        page = self.session.get(f"{base}/admin/login/")
        response = self.session.post(
            f"{base}/admin/login/",
            data={"username": "editor", "password": PASSWORD, "next": "/admin/",
                  "csrfmiddlewaretoken": csrf(page.text)},
            allow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 302, response.text[:500]

    def publish(self, pk: int) -> None:
        changelist = f"{self.base}/admin/articles/article/"
        page = self.session.get(changelist)
        response = self.session.post(
            changelist,
            data={"action": "publish", "_selected_action": [pk], "index": 0,
                  "csrfmiddlewaretoken": csrf(page.text)},
            allow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 302, response.text[:500]


def csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


@pytest.fixture(scope="session")
def desk(topology, entries):
    """An editor on node A."""
    return Desk(topology.node_urls[0])


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("topology figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
