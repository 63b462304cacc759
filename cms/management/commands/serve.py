"""Serve the CMS on this machine, the way `make serve` does.

Importing the project takes a few seconds, so everything happens in one process: apply the
migrations only when some are pending, load the demo only into a database without entries, then
run the development server. Without --reload nothing is imported twice; with it, Django's
autoreloader runs the server in a child process that imports the project again.

In debug without SITE_URL set, public links (canonical URLs, feeds) point at the address served;
live entries whose links were built for another address are re-rendered before serving.

Beside the server runs the task worker that delivers webhooks (`manage.py db_worker`, or
`rqworker` when the tasks run on RQ), as a child process stopped when the server stops.
"""

import os
import signal
import subprocess
import sys

import orjson
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from articles.models import Article, LiveDocument
from articles.publishing import live_rebuild
from cms.management.commands.load_demo import demo_logins, migrations_pending

# A server on every interface is reached from this machine at the loopback address.
LOOPBACK = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "[::]": "[::1]"}


class Command(BaseCommand):
    help = (
        "Migrate when migrations are pending, load the demo into a database without entries, "
        "and run the development server."
    )
    # The server runs the system checks itself, once.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Restart the server when a Python file changes (starts a few seconds slower).",
        )

    def handle(self, *args, addrport, reload, **options):
        # Under --reload this command runs again in the reloader's child: prepare only once.
        if os.environ.get(DJANGO_AUTORELOAD_ENV):
            call_command("runserver", addrport, use_reloader=reload, skip_checks=False)
            return
        self.follow_address(addrport)
        self.prepare_database()
        worker = self.start_worker(reload)
        # A SIGTERM ends the server the way Ctrl-C does, so that the worker is stopped too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("runserver", addrport, use_reloader=reload, skip_checks=False)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()

    def follow_address(self, addrport: str):
        """In debug, public links point at the address served unless SITE_URL is set: in this
        process, and through the environment in the worker and the reloader's child. Never the
        request's host, which would spread into cached answers."""
        if not settings.DEBUG or "SITE_URL" in os.environ:
            return
        host, _, port = addrport.rpartition(":")
        os.environ["SITE_URL"] = settings.SITE_URL = f"http://{LOOPBACK.get(host, host)}:{port}"
        if "WEBHOOK_SITE_URL" not in os.environ:
            settings.WEBHOOK_SITE_URL = settings.SITE_URL

    def start_worker(self, reload: bool) -> subprocess.Popen:
        """The task worker that delivers webhooks, and the periodic sweep it runs."""
        from webhooks.services import sweep_ensure

        if settings.TASKS_BACKEND == "rq":
            command = ["rqworker", "--job-class", "django_tasks_rq.Job", "--with-scheduler"]
        else:
            command = ["db_worker", "--reload" if reload else "--no-reload"]
        manage = settings.BASE_DIR / "manage.py"
        worker = subprocess.Popen([sys.executable, manage, *command, "--verbosity", "0"])
        sweep_ensure()
        self.stdout.write(f"Webhook deliveries: {command[0]} started (process {worker.pid}).")
        return worker

    def prepare_database(self):
        if migrations_pending():
            self.stdout.write("Applying migrations...")
            call_command("migrate", interactive=False, verbosity=0)
        if not Article.objects.exists():
            call_command("load_demo", stdout=self.stdout)
        elif settings.DEBUG:
            for line in demo_logins():
                self.stdout.write(self.style.SUCCESS(line))
        self.refresh_links()
        # The reader site's GraphQL documents, so that its queries go out by id (cacheable GETs).
        call_command("graphql_documents", "register", stdout=self.stdout)

    def refresh_links(self):
        """Re-render the live entries, as `manage.py rebuild_live` does, when their links were
        built for another address (the database served on another port before)."""
        newest = LiveDocument.objects.order_by("-pk").values_list("document", flat=True).first()
        if newest is None:
            return
        if orjson.loads(newest)["structured_data"]["publisher"]["url"] != settings.SITE_URL:
            self.stdout.write(f"Pointing the entries' links at {settings.SITE_URL}...")
            live_rebuild()
