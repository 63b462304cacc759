"""The entry image in Chromium: the browser picks from the <picture> the file the viewport
needs (AVIF, at the narrowest width that fills the column), and loads it from this site."""

from io import StringIO

import pytest
from django.core.management import call_command

from images.services import image_create, image_renditions_render
from tests.browser.utils import DESKTOP, PHONE, skip_without_chromium
from tests.factories import ArticleFactory
from tests.images.conftest import drawn, upload
from tests.utils import go_live

skip_without_chromium()
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def entry(settings, live_server):
    settings.SITE_URL = live_server.url  # the renditions' absolute URLs name the live server
    call_command("graphql_documents", "register", stdout=StringIO())
    image = image_create(
        user=None, upload=upload(drawn(1920, 1080)), credit="Test", texts={"en": {"alt": "Disc"}}
    )
    image_renditions_render(image_id=image.pk)
    go_live(ArticleFactory(slug="pictured", image=image))
    return "/read/en/pictured/"


def chosen(page) -> str:
    img = page.tab.locator(".entry-image img")
    img.scroll_into_view_if_needed()
    page.tab.wait_for_function(
        "() => { const i = document.querySelector('.entry-image img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    return img.evaluate("i => i.currentSrc")


@pytest.mark.parametrize(
    ("viewport", "width"),
    [(PHONE, 480), (DESKTOP, 960)],
    ids=["phone", "desktop"],
)
def test_the_browser_picks_the_avif_rendition_the_viewport_needs(open_page, entry, viewport, width):
    page = open_page(viewport=viewport)
    page.open(entry)
    page.tab.wait_for_selector("article.entry:not(#entry-text)")  # the script's page
    assert chosen(page).endswith(f"-width-{width}.avif")
    assert page.offsite == [] and page.errors == []


def test_without_javascript_the_server_page_gives_the_same_choice(browser, live_server, entry):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(live_server.url + entry)
        img = tab.locator("#entry-text .entry-image img")
        img.scroll_into_view_if_needed()
        tab.wait_for_function(
            "() => document.querySelector('#entry-text .entry-image img').complete"
        )
        assert img.evaluate("i => i.currentSrc").endswith("-width-480.avif")
    finally:
        context.close()
