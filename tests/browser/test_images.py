"""The entry image in Chromium: the browser picks from the <picture> the file the viewport
needs (AVIF, at the narrowest width that fills the column), and loads it from this site."""

from io import StringIO

import pytest
from django.core.management import call_command

from images.services import image_create, image_renditions_render
from tests.browser.utils import DESKTOP, PHONE, skip_without_chromium
from tests.factories import ArticleFactory, VendorFactory
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


def test_more_from_the_vendor_shows_its_mark(open_page, settings, live_server):
    settings.SITE_URL = live_server.url
    call_command("graphql_documents", "register", stdout=StringIO())
    logo = image_create(
        user=None, upload=upload(drawn(120, 120)), credit="Test", texts={"en": {"alt": "Mark"}}
    )
    image_renditions_render(image_id=logo.pk)
    vendor = VendorFactory(name="Drawn Labs", logo=logo)
    go_live(ArticleFactory(slug="older", vendor=vendor))
    go_live(ArticleFactory(slug="newer", vendor=vendor))
    page = open_page(viewport=DESKTOP)
    page.open("/read/en/newer/")
    heading = page.tab.locator(".more-from h2")
    heading.wait_for()
    assert "Drawn Labs" in heading.inner_text()
    mark = heading.locator(".vendor-mark img")
    mark.scroll_into_view_if_needed()
    page.tab.wait_for_function(
        "() => { const i = document.querySelector('.vendor-mark img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    assert mark.evaluate("i => i.currentSrc").endswith("-width-120.avif")
    assert mark.get_attribute("alt") == ""  # the vendor's name follows it
    assert page.offsite == [] and page.errors == []
