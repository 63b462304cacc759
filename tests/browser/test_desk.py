"""The desk in a browser: the live preview beside an entry's form follows the typing without
saving anything, a translator's preview opens in Dutch, the admin speaks Dutch to a Dutch
browser with Dutch dates, a slug fills in from the title. Screenshots of the entry's page with
the live preview, in English and in Dutch, go to tests/browser/screenshots/."""

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, Revision
from tests.browser.utils import skip_without_chromium
from tests.factories import UserFactory

skip_without_chromium()
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def roles(transactional_db):
    """The desk's roles as the migrations make them: a test before this one, on the live
    server's database, was cleared with them."""
    grants = [
        ("articles", import_module("articles.migrations.0003_editorial_groups").ROLES),
        *(
            (app_label, {name: codenames})
            for name, pairs in import_module("feedback.migrations.0005_notes").GRANTS.items()
            for app_label, codenames in pairs
        ),
    ]
    for app_label, table in grants:
        for name, codenames in table.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


def signed_in(open_page, role: str, *, locale="en-GB"):
    """A browser tab signed in to the admin as a new account of ``role``."""
    client = Client()
    client.force_login(UserFactory(role=role))
    page = open_page(locale=locale)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.tab.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": page.base_url}]
    )
    return page


def title_box(page, language: str):
    """The title box of the entry's translation in ``language``."""
    select = page.tab.locator(
        f'select[name^="translations-"][name$="-language"]:has(option[value="{language}"]:checked)'
    ).first
    name = select.get_attribute("name").replace("-language", "-title")
    return page.tab.locator(f'input[name="{name}"]')


def open_with_preview(page, article, button="Preview beside the form") -> None:
    page.open(reverse("admin:articles_article_change", args=[article.pk]))
    page.tab.get_by_role("button", name=button).click()
    # The pane shows the saved working copy first, as the editor sees it before typing.
    expect(
        page.tab.frame_locator("#side-preview-frame").locator("article.entry h1")
    ).to_be_visible()


def stored(article) -> tuple:
    titles = dict(article.translations.values_list("language", "title"))
    return Article.objects.get(pk=article.pk).version, titles, Revision.objects.count()


def test_typing_the_dutch_title_updates_the_preview_within_a_second_without_saving(seed, open_page):
    article = Article.objects.get(slug=seed)
    before = stored(article)
    page = signed_in(open_page, "Translator")
    open_with_preview(page, article)
    frame = page.tab.frame_locator("#side-preview-frame")
    # A translator's preview opens in the language they translate.
    expect(frame.locator("html[lang=nl] h1")).to_contain_text("OpenAI o3-mini")
    title_box(page, "nl").fill("Systeemkaart van o3-mini, nog niet bewaard")
    # Within a second of typing (the pause before asking included).
    expect(frame.locator("h1")).to_have_text(
        "Systeemkaart van o3-mini, nog niet bewaard", timeout=1000
    )
    expect(page.tab.locator("#live-preview-status")).to_contain_text("not saved")
    assert stored(article) == before
    assert not page.errors and not page.offsite


def test_the_entry_page_with_the_live_preview_in_english(seed, open_page):
    article = Article.objects.get(slug=seed)
    page = signed_in(open_page, "Publisher")
    open_with_preview(page, article)
    frame = page.tab.frame_locator("#side-preview-frame")
    title_box(page, "en").fill("OpenAI o3-mini System Card, revised")
    expect(frame.locator("html[lang=en] h1")).to_have_text("OpenAI o3-mini System Card, revised")
    expect(page.tab.locator("#live-preview-status")).to_contain_text("not saved")
    page.screenshot("desk-entry-live-preview-en")
    assert not page.errors and not page.offsite


def test_the_admin_speaks_dutch_to_a_dutch_browser_with_dutch_dates(seed, open_page):
    article = Article.objects.get(slug=seed)
    before = stored(article)
    page = signed_in(open_page, "Publisher", locale="nl-NL")
    page.open(reverse("admin:articles_article_changelist"))
    expect(page.tab.locator("html")).to_have_attribute("lang", "nl")
    expect(page.tab.get_by_role("button", name="Afmelden")).to_be_visible()
    expect(page.tab.locator("#result_list")).to_contain_text("31 januari 2025 18:00")
    expect(page.tab.locator("#desk-time-zone")).to_have_text("/ Tijden in UTC")

    open_with_preview(page, article, button="Voorbeeld naast het formulier")
    expect(page.tab.locator("#id_revisit_after")).to_have_value("03-03-2025")
    expect(page.tab.locator("#workflow")).to_contain_text("Toestand:")
    frame = page.tab.frame_locator("#side-preview-frame")
    title_box(page, "nl").fill("OpenAI o3-mini systeemkaart, herzien")
    expect(frame.locator("html[lang=nl] h1")).to_have_text("OpenAI o3-mini systeemkaart, herzien")
    expect(page.tab.locator("#live-preview-status")).to_contain_text("niet bewaard")
    page.screenshot("desk-entry-live-preview-nl")
    assert stored(article) == before
    assert not page.errors and not page.offsite


def test_the_slug_fills_in_from_the_english_title(seed, open_page):
    page = signed_in(open_page, "Writer")
    page.open(reverse("admin:articles_article_add"))
    title_box(page, "en").fill("Gemini 3: what's new?")
    expect(page.tab.locator("#id_slug")).to_have_value("gemini-3-whats-new")
    page.tab.locator("#id_slug").fill("my-own-slug")
    title_box(page, "en").fill("Something else")
    expect(page.tab.locator("#id_slug")).to_have_value("my-own-slug")
    assert not page.errors and not page.offsite
