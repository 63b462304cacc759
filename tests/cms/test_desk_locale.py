"""The admin in Dutch and in the desk's time zone, the admin only: a Dutch browser or the
editor's choice gets Django's Dutch admin and ours, with Dutch dates; the APIs, feeds and the
reader site answer exactly as before, in UTC, with their own messages and no new Vary."""

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from images.services import image_create
from tests.factories import ArticleFactory, UserFactory, VendorFactory
from tests.images.conftest import drawn, upload

pytestmark = pytest.mark.django_db

DUTCH = {"HTTP_ACCEPT_LANGUAGE": "nl-NL,nl;q=0.9,en;q=0.5"}
PUBLISHED = datetime(2025, 1, 31, 18, 0, tzinfo=UTC)
# The project's code with words of its own (what makemessages reads).
APPS = (
    "articles",
    "cms",
    "edge",
    "feedback",
    "images",
    "kernel",
    "partners",
    "persisted",
    "reader",
    "webhooks",
)


@pytest.fixture
def publisher(client):
    user = UserFactory(role="Publisher")
    client.force_login(user)
    return user


def test_a_dutch_browser_gets_the_admin_in_dutch(client, publisher):
    article = ArticleFactory(draft=True, languages=["en"])
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]), **DUTCH)
    html = response.content.decode()
    assert response["Content-Language"] == "nl"
    assert "Accept-Language" in response["Vary"]
    assert '<html lang="nl"' in html
    assert "Afmelden" in html  # Django's own admin
    assert "Ter beoordeling indienen</button>" in html  # the workflow table's button
    assert "Vanuit deze toestand" not in html or "Toestand:" in html
    assert "Toestand:" in html and "Bron" in html  # our panel and fieldsets
    english = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "Submit for review</button>" in english.content.decode()


@pytest.mark.parametrize(
    ("page", "dutch_words", "english_words"),
    [
        (
            "entry",
            ["Bron-URL:", "Auteurs van de bron:", "Herbekijken na:", "Modelrelease</option>"],
            ["Source URL:", "Source authors:", "Revisit after:", "Model release</option>"],
        ),
        (
            "vendor",
            [
                "Naam:",
                "aanbieder wijzigen",
                "Een beeldmerk dat voor de redactie",
                "Vertalingen van aanbieders",
            ],
            ["Name:", "Change vendor", "A mark made for the desk", "Vendor translations"],
        ),
        (
            "image",
            ["Naamsvermelding:", "Licentie:", "Brandpunt vanaf links", "Gebruikt door:"],
            ["Credit:", "Licence:", "Focal point from the left", "Used by:"],
        ),
    ],
)
def test_the_forms_own_words_are_dutch_for_a_dutch_browser(
    admin_client, page, dutch_words, english_words
):
    """The models' field labels, help texts and choices, not only the admin's frame."""
    urls = {
        "entry": lambda: reverse(
            "admin:articles_article_change", args=[ArticleFactory(draft=True, languages=["en"]).pk]
        ),
        "vendor": lambda: reverse("admin:articles_vendor_change", args=[VendorFactory().pk]),
        "image": lambda: reverse(
            "admin:images_image_change",
            args=[
                image_create(user=None, upload=upload(drawn(80, 45)), credit="Desk", texts={}).pk
            ],
        ),
    }
    url = urls[page]()
    dutch = admin_client.get(url, **DUTCH).content.decode()
    english = admin_client.get(url).content.decode()
    for dutch_word, english_word in zip(dutch_words, english_words, strict=True):
        assert dutch_word in dutch and english_word not in dutch, dutch_word
        assert english_word in english, english_word


def test_the_editors_choice_wins_over_the_browser(client, publisher):
    chosen = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("admin:index")}, **DUTCH
    )
    assert chosen.status_code == 302
    home = client.get(reverse("admin:index"), **DUTCH).content.decode()
    assert "Log out" in home and "What needs attention" in home
    client.post(reverse("set_language"), {"language": "nl", "next": "/admin/"})
    home = client.get(reverse("admin:index")).content.decode()
    assert "Afmelden" in home and "Als eerste ingepland" in home


def test_dates_in_the_list_and_the_pickers_are_dutch_in_the_desks_time_zone(
    client, publisher, settings
):
    settings.DESK_TIME_ZONE = "Europe/Amsterdam"
    article = ArticleFactory(published_at=PUBLISHED, languages=["en"])
    article.revisit_after = datetime(2025, 3, 3).date()
    article.save(update_fields=["revisit_after"])
    listed = client.get(reverse("admin:articles_article_changelist"), **DUTCH).content.decode()
    assert "31 januari 2025 19:00" in listed  # 18:00 UTC is 19:00 in Amsterdam
    assert "Tijden in Europe/Amsterdam" in listed
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]), **DUTCH)
    assert 'name="revisit_after" value="03-03-2025"' in page.content.decode()
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]), **DUTCH)
    assert "Europe/Amsterdam" in history.content.decode()


def test_a_dutch_date_typed_in_the_picker_is_read_as_dutch(client, publisher):
    from tests.factories import admin_form_data

    article = ArticleFactory(draft=True, languages=["en"])
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(client.get(url, **DUTCH)) | {"revisit_after": "04-05-2026"}
    assert client.post(url, data, **DUTCH).status_code == 302
    article.refresh_from_db()
    assert article.revisit_after.isoformat() == "2026-05-04"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/",
        "/api/v1/articles/{slug}/?lang=nl",
        "/feeds/nl/{vendor}.atom",
        "/read/nl/{slug}/",
        "/graphql/?query={{articles{{totalCount}}}}",
        "/api/schema/",
    ],
)
def test_public_answers_do_not_change_for_a_dutch_editor(client, publisher, path):
    article = ArticleFactory(published_at=PUBLISHED, languages=["en", "nl"])
    url = path.format(slug=article.slug, vendor=article.vendor.slug)
    plain = client.get(url)
    # The editor chose Dutch for the admin: the public answers do not know.
    client.post(reverse("set_language"), {"language": "nl", "next": "/admin/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    dutch = client.get(url)
    assert plain.status_code == dutch.status_code == 200
    assert plain.content == dutch.content
    for header in ("ETag", "Vary", "Content-Language", "Cache-Control", "Last-Modified"):
        assert plain.get(header) == dutch.get(header), header
    assert "Cookie" not in plain.get("Vary", "")


def test_the_api_schema_keeps_the_choices_english_words_for_a_dutch_editor(client, publisher):
    """The entry kinds' labels are translated for the admin; the OpenAPI description of the
    ``kind`` enum, built from them, stays English."""
    client.post(reverse("set_language"), {"language": "nl", "next": "/admin/"})
    schema = client.get("/api/schema/", **DUTCH).content.decode()
    assert "`model_release` - Model release" in schema
    assert "Modelrelease" not in schema


def test_an_api_error_keeps_its_own_message_for_a_dutch_editor(client, publisher):
    client.post(reverse("set_language"), {"language": "nl", "next": "/admin/"})
    refused = client.get("/api/v1/articles/", {"published_after": "not a date"}, **DUTCH)
    assert refused.status_code == 400
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    assert (
        refused.content
        == client.get("/api/v1/articles/", {"published_after": "not a date"}).content
    )
    assert "date" in refused.content.decode().lower()


def test_every_admin_string_of_ours_has_a_dutch_translation(tmp_path, monkeypatch, settings):
    """``makemessages`` over a copy of the code, into a copy of the Dutch catalogue, finds
    nothing untranslated or fuzzy: a string marked for translation without its Dutch fails
    here (the catalogue in the repository is left alone). Needs GNU gettext, as
    ``makemessages`` does: skipped without it, except in CI (``CI=true``), where that fails."""
    if not (shutil.which("xgettext") and shutil.which("msgattrib")):
        message = "GNU gettext (xgettext, msgattrib) is not installed; this check needs it."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    root = Path(settings.BASE_DIR)
    for app in APPS:
        shutil.copytree(
            root / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "static")
        )
    catalogue = tmp_path / "locale" / "nl" / "LC_MESSAGES"
    catalogue.mkdir(parents=True)
    shutil.copy(root / "locale" / "nl" / "LC_MESSAGES" / "django.po", catalogue)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["nl"], verbosity=0)
    missing = []
    for flag in ("--untranslated", "--only-fuzzy"):
        found = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", str(catalogue / "django.po")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        missing += [line for line in found.splitlines() if line.startswith(("msgid ", "msgctxt "))]
    assert [line for line in missing if line != 'msgid ""'] == []
    assert "Ter beoordeling indienen" in (catalogue / "django.po").read_text()
