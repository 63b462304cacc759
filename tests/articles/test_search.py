"""Full-text search over the live version, through the selectors: stemming in each language,
phrases, exclusions, "or", ranking, snippets, fallback, and what is never found."""

import orjson
import pytest
from django.core.management import call_command
from django.db import connection

from articles import search, search_text, selectors
from articles.models import LiveDocument
from tests.factories import ArticleFactory, ArticleTranslationFactory, SignalBulletFactory
from tests.utils import go_live

pytestmark = pytest.mark.django_db

BLANK = {"title": "Untitled", "summary": "", "audience": "", "body": ""}


def entry(slug, *, signals=(), status_traits=None, **texts):
    """A public entry whose texts per language are given as ``en={...}``, ``nl={...}``."""
    article = ArticleFactory(slug=slug, languages=[], **(status_traits or {}))
    for language, fields in texts.items():
        ArticleTranslationFactory(article=article, language=language, **{**BLANK, **fields})
    for position, (language, text) in enumerate(signals):
        SignalBulletFactory(article=article, language=language, position=position, text=text)
    if article.status == article.Status.PUBLISHED:
        go_live(article)
    return article


def found(text, language="en", **filters):
    documents = selectors.entry_list(
        selectors.EntryFilter(search=text, **filters), language=language
    )
    return [document.slug for document in documents]


def hits(text, language="en"):
    entry_filter = selectors.EntryFilter(search=text)
    rows = selectors.entry_list(entry_filter, language=language)
    ids, scores = zip(*rows.values_list("pk", "search_score"), strict=True)
    stored = selectors.stored_matches(list(ids))
    matches = [stored[pk] for pk in ids]
    found = selectors.search_hits(entry_filter, language=language, matches=matches, scores=scores)
    return {
        orjson.loads(match.document)["slug"]: hit for match, hit in zip(matches, found, strict=True)
    }


def test_a_dutch_search_finds_other_forms_of_the_word():
    entry("model", nl={"title": "Een nieuw model", "summary": "Sneller dan ooit."})
    entry("veilig", nl={"title": "Werkt dit veilig?", "summary": "Een vraag."})
    entry("other", nl={"title": "Iets anders", "summary": "Niets hiervan."})
    assert found("modellen", "nl") == ["model"]
    assert found("veiligheid", "nl") == ["veilig"]


def test_an_english_search_finds_other_forms_of_the_word():
    entry("launch", en={"title": "Acme launches agents", "summary": "Today."})
    entry("other", en={"title": "A quiet week", "summary": "Nothing happened."})
    assert found("launched agent") == ["launch"]
    assert found("LAUNCHING") == ["launch"]


def test_accents_and_case_do_not_matter():
    entry("cafe", nl={"title": "Het Café van de toekomst"})
    assert found("cafe", "nl") == ["cafe"]
    assert found("CAFÉ", "nl") == ["cafe"]


def test_every_indexed_text_is_searched_and_markup_is_not():
    entry("summary", en={"summary": "About tokenizers."})
    entry("audience", en={"audience": "For compliance officers."})
    entry("signal", en={}, signals=[("en", "Pricing drops by half")])
    entry("body", en={"body": "## Heading\n\nThe **quarterly** figures."})
    entry("link", en={"body": '<a href="https://strong.example">a link</a>'})
    assert found("tokenizer") == ["summary"]
    assert found("compliance") == ["audience"]
    assert found("pricing") == ["signal"]
    assert found("quarterly") == ["body"]
    assert found("strong") == []
    assert found("href") == []


def test_a_quoted_phrase_needs_its_words_together_and_in_order():
    entry("together", en={"title": "Open weights model"})
    entry("apart", en={"title": "Model weights, open to all"})
    assert found('"open weights"') == ["together"]
    assert sorted(found("open weights")) == ["apart", "together"]
    assert found("o3-mini") == []  # a hyphenated word is a phrase of its parts
    entry("o3", en={"title": "The o3 mini model"})
    assert found("o3-mini") == ["o3"]


def test_a_minus_excludes_a_word_or_phrase():
    entry("agents", en={"title": "Agents for coding"})
    entry("agents-safety", en={"title": "Agents and safety"})
    assert found("agents -safety") == ["agents"]
    assert found('agents -"for coding"') == ["agents-safety"]


def test_or_between_terms_finds_either():
    entry("alpha", en={"title": "Alpha release"})
    entry("beta", en={"title": "Beta release"})
    entry("gamma", en={"title": "Gamma release"})
    assert sorted(found("alpha or beta")) == ["alpha", "beta"]
    assert sorted(found("release alpha OR gamma")) == ["alpha", "gamma"]


def test_a_title_match_ranks_above_a_body_match():
    entry("in-body", en={"title": "Weekly notes", "body": "We also looked at distillation."})
    entry("in-title", en={"title": "Distillation explained", "body": "Notes."})
    entry("in-summary", en={"title": "Other notes", "summary": "On distillation."})
    assert found("distillation") == ["in-title", "in-summary", "in-body"]
    scores = {slug: hit.score for slug, hit in hits("distillation").items()}
    assert scores["in-title"] > scores["in-summary"] > scores["in-body"] > 0


def test_an_explicit_ordering_wins_over_relevance():
    newer = entry("in-title", en={"title": "Distillation explained"})
    older = entry("in-body", en={"title": "Notes", "body": "Distillation."})
    assert older.published_at < newer.published_at
    assert found("distillation") == ["in-title", "in-body"]
    documents = selectors.entry_list(
        selectors.EntryFilter(search="distillation"), language="en", ordering="published"
    )
    assert [d.slug for d in documents] == ["in-body", "in-title"]


def test_a_search_lists_its_newest_matches_in_any_order(monkeypatch):
    monkeypatch.setattr(selectors.entries, "SEARCH_RANKED", 2)
    for n in range(3):
        entry(f"e{n}", en={"title": "Agents " * (3 - n)})  # the oldest matches best
    assert sorted(found("agents")) == ["e1", "e2"]
    documents = selectors.entry_list(
        selectors.EntryFilter(search="agents"), language="en", ordering="published"
    )
    assert sorted(d.slug for d in documents) == ["e1", "e2"]
    times = [d.published_at for d in documents]
    assert times == sorted(times)
    assert all(d.search_score > 0 for d in documents)
    assert documents.count() == 2


def test_the_snippet_marks_the_readers_words_and_escapes_the_text():
    entry(
        "snippet",
        en={
            "title": "Release",
            "summary": "Nothing here.",
            "body": "Intro. The <b>new</b> & improved models ship today for everyone.",
        },
    )
    snippet = hits("model", "en")["snippet"].snippet
    assert "<mark>models</mark> ship today" in snippet
    assert "&lt;b&gt;new&lt;/b&gt; &amp; improved" not in snippet  # tags are not body text
    assert "new &amp; improved" in snippet
    entry("title-only", en={"title": "Tokens & <costs>", "summary": "A summary."})
    assert hits("costs")["title-only"].snippet == "Tokens &amp; &lt;<mark>costs</mark>&gt;"


def test_a_long_text_is_cut_around_the_match():
    words = " ".join(f"word{n}" for n in range(100))
    entry("long", en={"summary": f"{words} needle {words}"})
    snippet = hits("needle")["long"].snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>needle</mark>" in snippet
    assert len(snippet.split()) == search_text.SNIPPET_WORDS


def test_a_phrase_snippet_comes_from_the_text_holding_the_phrase():
    entry(
        "capella",
        en={
            "title": "Capella-3 is out",
            "summary": "Capella now comes in 3 tiers.",
            "body": "Version 3 of the console, with 3 more regions.",
        },
    )
    snippet = hits("capella-3")["capella"].snippet
    assert snippet == "<mark>Capella</mark>-<mark>3</mark> is out"


def test_an_entry_without_dutch_text_is_found_through_its_english_text_and_says_so():
    entry("english-only", en={"title": "Agents for spreadsheets"})
    entry("dutch", en={"title": "Unrelated"}, nl={"title": "Agenten voor spreadsheets"})
    [document] = selectors.entry_list(
        selectors.EntryFilter(search="agents"), language="nl"
    ).values_list("document", flat=True)
    document = orjson.loads(document)
    assert document["slug"] == "english-only"
    assert document["fallback"] is True and document["language"] == "en"
    # Its English text is indexed with the English rules, as in an English search.
    assert sorted(found("agent", "nl")) == ["dutch", "english-only"]
    assert hits("agent", "nl")["english-only"].snippet == "<mark>Agents</mark> for spreadsheets"
    assert sorted(found("spreadsheets", "nl")) == ["dutch", "english-only"]


def test_drafts_scheduled_entries_and_unpublished_changes_are_never_found():
    entry("draft", en={"title": "Secret draft launch"}, status_traits={"draft": True})
    entry("later", en={"title": "Secret scheduled launch"}, status_traits={"scheduled": True})
    live = entry("live", en={"title": "Public launch"})
    translation = live.translations.get()
    translation.title = "Public launch with a secret"
    translation.save()
    assert found("secret") == []
    assert found("launch") == ["live"]
    go_live(live)
    assert found("secret") == ["live"]


def test_an_unpublished_entry_leaves_the_index():
    from articles.services import article_unpublish

    article = entry("gone", en={"title": "Vanishing act"})
    assert found("vanishing") == ["gone"]
    article_unpublish(article=article, user=None)
    assert found("vanishing") == []


def test_a_page_read_as_ids_leaves_out_an_entry_unpublished_meanwhile():
    from articles.services import article_unpublish

    gone = entry("gone", en={"title": "Vanishing act"})
    entry("kept", en={"title": "Vanishing trick"})
    rows = selectors.entry_list(selectors.EntryFilter(search="vanishing"), language="en")
    ids = list(rows.values_list("pk", flat=True))
    article_unpublish(article=gone, user=None)
    stored = selectors.stored_matches(ids)
    assert [orjson.loads(match.document)["slug"] for match in stored.values()] == ["kept"]


def test_search_combines_with_the_other_filters():
    entry("acme", en={"title": "Agents"})
    other = entry("other", en={"title": "Agents too"})
    assert found("agents", vendors=[other.vendor.slug]) == ["other"]


@pytest.mark.parametrize(
    "text, message",
    [
        ('"open weights', "quoted phrase"),
        ("or agents", '"or"'),
        ("agents or", '"or"'),
        ("agents or or safety", '"or"'),
        ("agents or -safety", "excluded"),
        ("agents -safety or risk", "excluded"),
        ("-safety or risk", "excluded"),
        ("-safety", "at least one word"),
        ("!!! ???", "at least one word"),
        (" ".join(f"w{n}" for n in range(search_text.MAX_TERMS + 1)), "at most"),
        ("x" * (selectors.MAX_SEARCH_LENGTH + 1), "characters"),
    ],
)
def test_a_search_that_cannot_be_read_is_refused_with_the_reason(text, message):
    with pytest.raises(selectors.InvalidRequest) as refusal:
        selectors.EntryFilter(search=text)
    [reason] = refusal.value.errors["search"]
    assert message in reason


@pytest.mark.parametrize("text", ['"', "'", "a*", "NEAR(a b)", "title:x", "a AND", "^a", "(a"])
def test_search_operators_of_the_databases_are_just_text(text):
    entry("plain", en={"title": "a title x b"})
    try:
        selectors.EntryFilter(search=text)
    except selectors.InvalidRequest:
        return  # refused with a reason is fine; a database error is not
    list(selectors.entry_list(selectors.EntryFilter(search=text), language="en"))


def test_rebuild_live_restores_a_missing_index():
    entry("indexed", en={"title": "Rebuilt index"})
    LiveDocument.objects.update(search_title="", search_summary="")
    assert found("rebuilt") == []
    call_command("rebuild_live")
    assert found("rebuilt") == ["indexed"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps an FTS5 table")
def test_the_sqlite_index_comes_back_after_its_triggers_are_lost():
    entry("kept", en={"title": "Triggers"})
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {search.FTS_TABLE}_insert")
    search.install(connection)
    entry("added", en={"title": "Triggers again"})
    assert sorted(found("triggers")) == ["added", "kept"]


# --- Through the APIs ----------------------------------------------------------------------


def test_rest_search_results_carry_score_and_snippet_most_relevant_first(client):
    entry("in-body", nl={"title": "Weekoverzicht", "body": "Ook over nieuwe modellen."})
    entry("in-title", nl={"title": "Een model voor iedereen", "summary": "Kort."})
    entry("other", nl={"title": "Iets anders"})
    response = client.get("/api/v1/articles/", {"q": "modellen", "lang": "nl"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["slug"] for r in results] == ["in-title", "in-body"]
    assert results[0]["score"] > results[1]["score"] > 0
    assert results[0]["snippet"] == "Een <mark>model</mark> voor iedereen"
    assert "<mark>modellen</mark>" in results[1]["snippet"]
    assert results[0]["title"] == "Een model voor iedereen"  # the stored document, unchanged
    newest_first = client.get(
        "/api/v1/articles/", {"q": "modellen", "lang": "nl", "ordering": "-published"}
    )
    assert [r["slug"] for r in newest_first.json()["results"]] == ["in-body", "in-title"]
    assert "snippet" in newest_first.json()["results"][0]
    plain = client.get("/api/v1/articles/").json()["results"][0]
    assert "score" not in plain and "snippet" not in plain


def test_rest_relevance_pages_follow_on_without_repeats(client):
    for n in range(5):
        entry(f"e{n}", en={"title": "Agents " * (n + 1), "body": "agents"})
    seen, url = [], "/api/v1/articles/?q=agents&page_size=2"
    while url:
        page = client.get(url).json()
        seen += [r["slug"] for r in page["results"]]
        url = page["next"]
    assert seen == found("agents")
    assert sorted(seen) == [f"e{n}" for n in range(5)]


def test_rest_refuses_a_search_it_cannot_read(client):
    response = client.get("/api/v1/articles/", {"q": '"open weights'})
    assert response.status_code == 400
    assert response.json() == {"q": ['Close the quoted phrase with a second ".']}


def test_rest_refuses_or_next_to_an_excluded_word(client):
    response = client.get("/api/v1/articles/", {"q": "agents -safety or risk"})
    assert response.status_code == 400
    assert response.json() == {
        "q": ['Use "or" between words or phrases to search for, not next to an excluded one.']
    }


SEARCH = """
query ($search: String!) { articles(filters: {search: $search}, language: NL) {
  totalCount results { slug translation { fallback } search { score snippet } } } }
"""


def graphql(client, search):
    return client.post(
        "/graphql/", {"query": SEARCH, "variables": {"search": search}}, "application/json"
    ).json()


def test_graphql_search_gives_each_result_its_score_and_snippet(client):
    entry("english-only", en={"title": "Agents for spreadsheets"})
    entry("dutch", nl={"title": "Agenten voor rekenbladen", "summary": "Samenvatting."})
    page = graphql(client, "agent")["data"]["articles"]
    assert page["totalCount"] == 2
    by_slug = {r["slug"]: r for r in page["results"]}
    assert by_slug["english-only"]["translation"]["fallback"] is True
    assert by_slug["english-only"]["search"]["snippet"] == "<mark>Agents</mark> for spreadsheets"
    assert by_slug["dutch"]["search"]["snippet"] == "<mark>Agenten</mark> voor rekenbladen"
    assert all(r["search"]["score"] > 0 for r in page["results"])


def test_graphql_refuses_a_search_it_cannot_read(client):
    body = graphql(client, "agents or")
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "filters.search" in error["extensions"]["fields"]


def test_graphql_refuses_or_next_to_an_excluded_word(client):
    body = graphql(client, "-safety or risk")
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["fields"] == {
        "filters.search": [
            'Use "or" between words or phrases to search for, not next to an excluded one.'
        ]
    }


def test_a_graphql_search_page_takes_a_query_for_its_ids_one_for_documents_one_to_count(
    client, django_assert_num_queries
):
    for n in range(3):
        entry(f"e{n}", en={"title": f"Agents {n}"}, nl={"title": f"Agenten {n}"})
    # On SQLite, first whether there are more matches than are ranked (SEARCH_RANKED); on
    # PostgreSQL the ranked matches are a subquery of the page's query and of its count.
    with django_assert_num_queries(4 if connection.vendor == "sqlite" else 3):
        page = graphql(client, "agent")["data"]["articles"]
    assert page["totalCount"] == 3
    assert all(r["search"]["score"] > 0 for r in page["results"])
