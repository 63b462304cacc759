"""The reader site as a reader sees it: the seed entry in English and Dutch, side by side,
feedback, previews, lists; one GraphQL request per page, nothing from another host."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from articles.previews import preview_token_create
from feedback.models import Feedback
from tests.browser.utils import PHONE, skip_without_chromium
from tests.factories import ArticleFactory, ArticleTranslationFactory, VendorFactory
from tests.utils import go_live

skip_without_chromium()
pytestmark = pytest.mark.django_db(transaction=True)

ENTRY = "/read/{lang}/openai-o3-mini-system-card/"

EN = {
    "served": "In English",
    "audience": "Relevant if you build with AI tools, APIs, or coding agents.",
    "signal": "Quick editorial signal",
    "first_signal": "Track this as an OpenAI update, not just a standalone headline.",
    "risk": "Specific areas of risk",
    "scorecard": "Preparedness Scorecard",
    "scale": "Scorecard ratings",
    "deploy": 'May be deployed: yes Only models with a post-mitigation score of "Medium" or below '
    "can be deployed.",
    "develop": "May be developed further: yes Only models with a post-mitigation score of "
    '"High" or below can be developed further.',
    "body": "Introduction",
    "authors": "Authors",
    "feedback": "Help shape what we cover next",
    "feedback_intro": "Anonymous feedback, no frontend account needed.",
    "more": "More from OpenAI",
    "all": "All updates",
}
NL = {
    "served": "In het Nederlands",
    "audience": "Relevant als je bouwt met AI-tools, API's of coding agents.",
    "signal": "Snelle redactionele duiding",
    "first_signal": "Bekijk dit als OpenAI-update, niet alleen als losse headline.",
    "risk": "Specifieke risicogebieden",
    "scorecard": "Preparedness-scorekaart",
    "scale": "Scores op de scorekaart",
    "deploy": 'Mag worden ingezet: ja Alleen modellen met een score na mitigatie van "Medium" of '
    "lager mogen worden ingezet.",
    "develop": "Mag verder worden ontwikkeld: ja Alleen modellen met een score na mitigatie van "
    '"High" of lager mogen verder worden ontwikkeld.',
    "body": "Introductie",
    "authors": "Auteurs",
    "feedback": "Help bepalen wat we hierna volgen",
    "feedback_intro": "Anonieme feedback, zonder front-end account.",
    "more": "Meer van OpenAI",
    "all": "Alle updates",
}


def _assert_seed_page(tab, words, lang):
    column = f'.col[lang="{lang}"]'
    expect(tab.get_by_role("heading", level=1)).to_contain_text("OpenAI o3-mini System Card")
    for key in ("served", "audience", "first_signal", "feedback_intro"):
        expect(tab.get_by_text(words[key], exact=True)).to_be_visible()
    for key in ("signal", "risk", "scorecard", "body", "authors", "feedback", "more"):
        expect(tab.get_by_role("heading", name=words[key], exact=True)).to_be_visible()
    expect(tab.locator(f".signal {column} li")).to_have_count(3)
    # As the editor entered them, as the system card lists them.
    expect(tab.locator(".tags li")).to_have_text(
        ["Disallowed content", "Jailbreaks", "Hallucinations"]
    )
    rows = tab.locator(".scorecard tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_have_text(re.compile(r"CBRN\s*Medium\s*Medium"))
    expect(rows.nth(1)).to_have_text(re.compile(r"Cybersecurity\s*Low\s*Low"))
    expect(tab.locator(".overall dd").first).to_have_text("Medium")
    legend = tab.get_by_role("list", name=words["scale"])
    expect(legend.get_by_role("listitem")).to_have_text(["Low", "Medium", "High", "Critical"])
    expect(tab.locator(".rule")).to_have_text([words["deploy"], words["develop"]])
    expect(tab.locator(".authors li")).to_have_text(["OpenAI"])
    expect(tab.locator(f".more-from {column} li a")).to_have_count(4)
    expect(tab.get_by_role("link", name=words["all"])).to_be_visible()
    expect(tab.get_by_role("banner")).to_be_visible()
    expect(tab.get_by_role("main")).to_be_visible()
    expect(tab.get_by_role("contentinfo")).to_be_visible()


@pytest.mark.parametrize(("lang", "words"), [("en", EN), ("nl", NL)])
def test_the_seed_entry_shows_everything_in_one_language(open_page, seed, lang, words):
    page = open_page()
    page.open(ENTRY.format(lang=lang))
    tab = page.tab
    _assert_seed_page(tab, words, lang)
    assert tab.evaluate("document.documentElement.lang") == lang
    expect(tab).to_have_title("OpenAI o3-mini System Card · AI News")
    expect(tab.locator(".prose").first).to_have_attribute("lang", lang)
    current = tab.get_by_role("navigation").locator("[aria-current=page]")
    expect(current).to_have_text({"en": "English", "nl": "Nederlands"}[lang])
    page.screenshot(f"seed-{lang}")
    assert len(page.graphql) == 1
    # A persisted document by GET, which any cache may keep: its id, not its text.
    assert page.graphql[0].method == "GET"
    assert "documentId=sha256" in page.graphql[0].url and "query=" not in page.graphql[0].url
    expect(tab.get_by_role("heading", level=1)).to_have_text("OpenAI o3-mini System Card")
    assert page.offsite == [] and page.errors == []


def test_the_seed_entry_side_by_side_shows_english_and_dutch_next_to_each_other(open_page, seed):
    page = open_page()
    page.open(ENTRY.format(lang="en") + "?view=both")
    tab = page.tab
    _assert_seed_page(tab, EN, "en")
    for key in ("served", "audience", "first_signal"):
        expect(tab.get_by_text(NL[key], exact=True)).to_be_visible()
    for key in ("signal", "body", "more"):
        expect(tab.get_by_role("heading", name=NL[key], exact=True)).to_be_visible()
    english = tab.get_by_text(EN["audience"]).bounding_box()
    dutch = tab.get_by_text(NL["audience"]).bounding_box()
    assert dutch["x"] > english["x"] + english["width"] and dutch["y"] == english["y"]
    page.screenshot("seed-both")
    # One persisted GET per language, each an answer caches share with the one-language pages.
    assert len(page.graphql) == 2
    assert all("documentId=sha256" in request.url for request in page.graphql)
    assert page.offsite == [] and page.errors == []


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_side_by_side_shows_a_text_the_languages_share_once(open_page, seed, viewport):
    page = open_page(**({"viewport": viewport} if viewport else {}))
    page.open(ENTRY.format(lang="nl") + "?view=both")
    tab = page.tab
    expect(tab.get_by_text(EN["audience"], exact=True)).to_be_visible()
    # The title is the same in English and Dutch, the authors are the source's.
    expect(tab.get_by_text("OpenAI o3-mini System Card", exact=True)).to_have_count(1)
    expect(tab.get_by_role("heading", level=1)).to_have_text("OpenAI o3-mini System Card")
    expect(tab.get_by_role("heading", name="Auteurs", exact=True)).to_have_count(1)
    expect(tab.get_by_role("heading", name=EN["authors"], exact=True)).to_have_count(0)
    expect(tab.locator(".authors li")).to_have_text(["OpenAI"])
    if viewport:
        page.screenshot("seed-both-phone")
    assert page.offsite == [] and page.errors == []


def test_side_by_side_without_a_translation_shows_the_text_once_and_says_what_is_missing(
    open_page, seed
):
    page = open_page()
    page.open("/read/nl/gemini-research-on-long-context/?view=both")
    tab = page.tab
    missing = "Niet beschikbaar in het Nederlands: getoond in het Engels."
    expect(tab.get_by_text(missing)).to_be_visible()
    expect(tab.locator(".prose")).to_have_count(1)
    expect(tab.locator(".prose")).to_have_attribute("lang", "en")
    expect(tab.locator(".col")).to_have_count(tab.locator(".pair").count())
    expect(tab.get_by_role("heading", name="Quick editorial signal")).to_have_count(1)
    assert page.errors == []


def test_the_language_switch_moves_between_the_views(open_page, seed):
    page = open_page()
    page.open(ENTRY.format(lang="en"))
    page.tab.get_by_role("link", name="Nederlands").click()
    expect(page.tab.get_by_text(NL["audience"])).to_be_visible()
    assert page.tab.url.endswith(ENTRY.format(lang="nl"))
    page.tab.get_by_role("link", name="Naast elkaar").click()
    expect(page.tab.get_by_text(EN["audience"])).to_be_visible()
    expect(page.tab.get_by_text(NL["audience"])).to_be_visible()


def test_a_missing_translation_says_which_language_is_shown(open_page, seed):
    page = open_page()
    page.open("/read/nl/gemini-research-on-long-context/")
    notice = page.tab.get_by_text("Niet beschikbaar in het Nederlands: getoond in het Engels.")
    expect(notice).to_be_visible()
    expect(page.tab.locator(".prose")).to_have_attribute("lang", "en")


def test_an_entry_shows_its_notes_and_tells_search_engines_about_its_corrections(open_page, seed):
    page = open_page()
    page.open("/read/nl/openai-available-at-fedramp-moderate/")
    tab = page.tab
    expect(tab.get_by_role("heading", name="Correcties en updates")).to_be_visible()
    expect(tab.locator(".notes li")).to_have_text(
        re.compile(r"^Verduidelijking .*: FedRAMP Moderate geeft een clouddienst")
    )
    data = tab.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
    )
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "OpenAI beschikbaar op FedRAMP Moderate"
    assert data["correction"][0]["text"].startswith("FedRAMP Moderate geeft")
    # The server's JSON-LD is kept, not repeated; its text for readers without JavaScript is
    # replaced by the script's page.
    assert tab.locator('script[type="application/ld+json"]').count() == 1
    assert tab.locator("#entry-text").count() == 0
    assert len(page.graphql) == 1 and page.errors == []


def test_an_unknown_entry_says_so(open_page, seed):
    page = open_page()
    page.open("/read/en/no-such-entry/")
    expect(page.tab.get_by_role("status")).to_have_text(
        "This entry does not exist or is not public."
    )


def test_feedback_errors_are_shown_in_place_and_a_valid_message_is_thanked(open_page, seed):
    page = open_page()
    page.open(ENTRY.format(lang="nl"))
    tab = page.tab
    message = tab.get_by_label("Je bericht")
    tab.get_by_label("Waar gaat het over?").select_option("CORRECTION")
    tab.get_by_role("button", name="Feedback versturen").click()
    error = tab.locator("#feedback-message-error")
    expect(error).to_have_text("Write at least 3 characters.")
    expect(message).to_have_attribute("aria-invalid", "true")
    expect(message).to_have_attribute("aria-describedby", "feedback-message-error")
    expect(message).to_be_focused()

    message.fill("De scorecard mist Model Autonomy.")
    tab.get_by_role("button", name="Feedback versturen").click()
    expect(tab.get_by_text("Dank je: je feedback is ontvangen.")).to_be_visible()
    expect(error).to_be_hidden()
    expect(message).to_have_value("")
    feedback = Feedback.objects.get(message__startswith="De scorecard")
    assert (feedback.kind, feedback.message, feedback.language, feedback.article_slug) == (
        "correction",
        "De scorecard mist Model Autonomy.",
        "nl",
        "openai-o3-mini-system-card",
    )
    mutations = [request for request in page.graphql if request.method == "POST"]
    assert len(mutations) == 2 and len(page.graphql) == 3
    assert page.offsite == []


def test_too_many_feedback_messages_get_a_clear_wait(open_page, seed, settings):
    # A daily window: a minute's window could turn over between the fifth and sixth message.
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "feedback": "5/day"},
    }
    page = open_page()
    page.open(ENTRY.format(lang="en"))
    tab = page.tab
    for n in range(6):
        tab.get_by_label("Your message").fill(f"Please cover topic number {n}.")
        tab.get_by_role("button", name="Send feedback").click()
        expect(tab.get_by_role("button", name="Send feedback")).to_be_enabled()
    expect(tab.locator(".form-error")).to_have_text(
        re.compile(r"Too many messages at once\. Try again in \d+ seconds\.")
    )
    assert Feedback.objects.filter(message__startswith="Please cover topic").count() == 5


def test_a_preview_link_shows_a_draft_privately(open_page, transactional_db):
    draft = ArticleFactory(draft=True, slug="draft-entry", languages=["en", "nl"])
    token = preview_token_create(article=draft)
    page = open_page()
    page.open("/read/en/draft-entry/")
    expect(page.tab.get_by_role("status")).to_have_text(
        "This entry does not exist or is not public."
    )

    page = open_page()
    response = page.open(f"/read/nl/draft-entry/?preview={token}")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "private, no-store"
    expect(page.tab.get_by_role("note")).to_contain_text("Voorbeeld")
    expect(page.tab.get_by_role("heading", level=1)).to_have_text("draft-entry title (nl)")
    (query,) = page.graphql
    assert query.method == "POST" and token not in query.url
    assert query.post_data_json["variables"]["preview"] == token
    assert page.offsite == [] and page.errors == []


def test_the_list_is_one_request_whatever_its_length(open_page, seed):
    vendor = VendorFactory(slug="acme", name="Acme")
    ArticleFactory.create_batch(25, vendor=vendor)
    page = open_page()
    page.open("/read/en/?vendor=acme")
    tab = page.tab
    expect(tab.get_by_role("heading", level=1)).to_have_text("Updates from Acme")
    expect(tab.locator(".entries > li")).to_have_count(20)
    expect(tab.get_by_text("25 entries")).to_be_visible()
    expect(tab.get_by_text("Page 1 of 2")).to_be_visible()
    assert len(page.graphql) == 1
    tab.get_by_role("link", name="Older").click()
    expect(tab.locator(".entries > li")).to_have_count(5)
    assert len(page.graphql) == 2
    assert page.offsite == [] and page.errors == []


def test_before_its_documents_are_registered_the_site_sends_them_as_text(
    open_page, transactional_db
):
    ArticleFactory(slug="only-entry", languages=["en"])
    page = open_page()
    page.open("/read/en/")
    expect(page.tab.locator(".entries > li")).to_have_count(1)
    by_id, as_text = page.graphql
    assert "documentId=sha256" in by_id.url and "query=query+ReaderList" in as_text.url
    assert by_id.method == as_text.method == "GET"
    # The browser reports the first answer, PersistedQueryNotFound (400); nothing else went wrong.
    assert page.offsite == [] and len(page.errors) == 1 and "status of 400" in page.errors[0]


def test_the_list_follows_the_browser_language(open_page, seed):
    page = open_page(locale="nl-NL")
    page.open("/read/")
    expect(page.tab.get_by_role("heading", level=1)).to_have_text("Laatste updates")
    page.tab.get_by_label("Berichten zoeken").fill("o3-mini")
    page.tab.get_by_role("button", name="Zoeken").click()
    expect(page.tab.get_by_role("heading", level=1)).to_have_text("1 resultaat voor “o3-mini”")
    expect(page.tab.locator(".entries > li")).to_have_count(1)
    page.tab.get_by_role("link", name="OpenAI o3-mini System Card").click()
    expect(page.tab.get_by_text(NL["audience"])).to_be_visible()


def test_a_search_says_what_it_found_and_marks_the_words_in_each_passage(open_page, seed):
    entry = ArticleFactory(slug="zebra-entry", languages=[])
    ArticleTranslationFactory(
        article=entry,
        language="nl",
        summary='Een <img src=x onerror="document.title=1"> zebravis in de <b>tekst</b>.',
    )
    go_live(entry)
    draft = ArticleFactory(draft=True, slug="zebra-draft", languages=[])
    ArticleTranslationFactory(article=draft, language="nl", summary="Nog een zebravis.")
    page = open_page()
    page.open("/read/nl/?q=zebravis")
    tab = page.tab
    expect(tab.get_by_role("heading", level=1)).to_have_text("1 resultaat voor “zebravis”")
    expect(tab.get_by_role("searchbox", name="Berichten zoeken")).to_have_value("zebravis")
    snippet = tab.locator(".entries .snippet")
    expect(snippet).to_have_text(
        'Een <img src=x onerror="document.title=1"> zebravis in de <b>tekst</b>.'
    )
    expect(snippet.locator("mark")).to_have_text(["zebravis"])
    expect(snippet.locator("img, b")).to_have_count(0)
    expect(tab.get_by_text("zebra-entry summary (nl)")).to_have_count(0)

    page.open("/read/en/?q=model")
    heading = tab.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^\d+ results for “model”$"))
    count = int(heading.inner_text().split()[0])
    expect(tab.locator(".entries > li")).to_have_count(count)
    expect(tab.locator(".entries .snippet mark").first).to_be_visible()
    page.screenshot("search")
    assert page.offsite == [] and page.errors == []


@pytest.mark.parametrize(
    ("lang", "title", "message"),
    [
        ("nl", "Zoeken", 'Sluit de zin tussen aanhalingstekens af met een tweede ".'),
        ("en", "Search", 'Close the quoted phrase with a second ".'),
    ],
)
def test_an_unreadable_search_is_explained_beside_the_search_box(
    open_page, seed, lang, title, message
):
    page = open_page()
    page.open(f"/read/{lang}/?q=%22unclosed")
    tab = page.tab
    expect(tab.get_by_role("heading", level=1)).to_have_text(title)
    box = tab.get_by_role("searchbox")
    expect(box).to_have_value('"unclosed')
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_be_focused()
    expect(tab.get_by_role("alert")).to_have_text(message)
    expect(tab.locator("#search-error")).to_have_text(message)
    assert "filters.search" not in tab.locator("main").inner_text()
    page.screenshot(f"search-error-{lang}")
    box.fill("o3-mini")
    box.press("Enter")
    expect(tab.get_by_role("heading", level=1)).to_contain_text("o3-mini")
    expect(tab.locator(".entries > li")).to_have_count(1)


def test_the_site_speaks_the_language_of_a_dutch_page(open_page, seed):
    page = open_page()
    page.open(ENTRY.format(lang="nl"))
    tab = page.tab
    expect(tab.get_by_role("link", name="Naar de inhoud")).to_be_attached()
    expect(tab.get_by_role("contentinfo")).to_have_text("Gebouwd op de openbare GraphQL-API.")
    expect(tab.get_by_role("navigation", name="Taal")).to_be_visible()
    for english in ("Skip to content", "Built on the public", "Loading"):
        expect(tab.get_by_text(english)).to_have_count(0)


@pytest.mark.parametrize(
    "path",
    [ENTRY.format(lang="nl"), ENTRY.format(lang="en"), ENTRY.format(lang="en") + "?view=both"],
)
def test_a_phone_shows_the_whole_scorecard_table(open_page, seed, path):
    page = open_page(viewport=PHONE)
    page.open(path)
    table = page.tab.locator(".scorecard table")
    expect(table).to_be_visible()
    widths = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
    assert widths[0] <= widths[1]
    page.screenshot("scorecard-phone")


@pytest.mark.parametrize(
    "path", [ENTRY.format(lang="nl"), ENTRY.format(lang="en") + "?view=both", "/read/en/"]
)
def test_a_phone_never_scrolls_sideways(open_page, seed, path):
    page = open_page(viewport=PHONE)
    page.open(path)
    expect(page.tab.get_by_role("heading", level=1)).to_be_visible()
    assert page.horizontal_overflow() == 0


CONTRAST = (Path(__file__).parent / "contrast.js").read_text()


def test_every_text_on_the_seed_page_meets_the_contrast_minimum(open_page, seed):
    page = open_page()
    page.open(ENTRY.format(lang="en") + "?view=both")
    expect(page.tab.get_by_role("heading", name="Help shape what we cover next")).to_be_visible()
    assert page.tab.evaluate(CONTRAST) == []
