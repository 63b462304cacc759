"""Browser tests: real headless Chromium (Debian's package) against the live test server.

Skipped, with the reason in pytest's summary, where no Chromium is installed. Every page may
reach the live server only: any other host is blocked and recorded, and tests assert none was
asked for.
"""

from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.browser.utils import CHROMIUM, CHROMIUM_ARGS, DESKTOP, SCREENSHOTS, SEED


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running on the test's thread while it is open;
    # the tests' own database calls are still plain synchronous code.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Page:
    """A browser tab on the live server that records what it asked for and what went wrong."""

    def __init__(self, context, base_url: str):
        self.base_url = base_url
        self.tab = context.new_page()
        self.offsite: list[str] = []
        self.graphql: list = []
        self.errors: list[str] = []
        self.tab.route("**/*", self._route)
        self.tab.on("request", self._request)
        self.tab.on("pageerror", lambda error: self.errors.append(str(error)))
        self.tab.on(
            "console",
            lambda message: message.type == "error" and self.errors.append(message.text),
        )

    def _route(self, route):
        if urlsplit(route.request.url).netloc == urlsplit(self.base_url).netloc:
            route.continue_()
        else:
            self.offsite.append(route.request.url)
            route.abort()

    def _request(self, request):
        if urlsplit(request.url).path == "/graphql/" and request.resource_type == "fetch":
            self.graphql.append(request)

    def open(self, path: str):
        return self.tab.goto(self.base_url + path)

    def horizontal_overflow(self) -> int:
        return self.tab.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )

    def screenshot(self, name: str):
        SCREENSHOTS.mkdir(exist_ok=True)
        self.tab.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_page(viewport=DESKTOP, locale="en-GB") -> Page:
        context = browser.new_context(viewport=viewport, locale=locale)
        contexts.append(context)
        return Page(context, live_server.url)

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def seed(transactional_db, settings, live_server):
    # The demo's images are named by absolute URLs under SITE_URL: this server's.
    settings.SITE_URL = live_server.url
    call_command("load_demo", verbosity=0)
    # The reader site's documents, as `make serve` registers them: its queries go out by id.
    call_command("graphql_documents", "register", stdout=StringIO())
    return SEED
