"""Dutch stemming measured against a word list: the words of one group (forms of one word)
must be indexed alike, and words of different groups apart. The list is drawn from the demo's
Dutch text and common news vocabulary, with nouns whose stem ends in t as their own groups
so that the present-tense rule (``articles.dutch_stemming``) is seen to leave them whole."""

from io import StringIO
from itertools import combinations

import orjson
import pytest
import snowballstemmer
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles import search as full_text
from articles.models import LiveDocument, SearchStemming
from articles.search_text import STEMMING_VERSIONS, stem, words
from tests.articles.test_search import entry, found

GROUPS = [
    # Verbs: the infinitive, its present-tense -t form, past forms.
    "redeneren redeneert redeneer redeneerde geredeneerd",
    "publiceren publiceert",
    "implementeren implementeert",
    "presteren presteert",
    "automatiseren automatiseert",
    "standaardiseren standaardiseert",
    "integreren integreert",
    "investeren investeert",
    "reageren reageert",
    "leren leert",
    "veranderen verandert veranderde",
    "leveren levert",
    "verbeteren verbetert",
    "sturen stuurt",
    "aansturen aanstuurt",
    "beoordelen beoordeelt",
    "betalen betaalt betaalde",
    "vertalen vertaalt",
    "delen deelt",
    "spelen speelt",
    "voelen voelt",
    "stellen stelt",
    "vertellen vertelt",
    "bestellen bestelt bestelling bestellingen",
    "ontwikkelen ontwikkelt ontwikkelde",
    "regelen regelt",
    "handelen handelt",
    "verzamelen verzamelt",
    "willen wilt",
    "verschillen verschilt",
    "tonen toont",
    "wonen woont",
    "menen meent",
    "nemen neemt",
    "overnemen overneemt",
    "noemen noemt",
    "bouwen bouwt",
    "vertrouwen vertrouwt",
    "draaien draait",
    "groeien groeit",
    "verschijnen verschijnt",
    "worden wordt",
    "houden houdt",
    "vinden vindt",
    "melden meldt",
    "gelden geldt",
    "hangen hangt",
    "brengen brengt",
    "volgen volgt",
    "zorgen zorgt",
    "krijgen krijgt",
    "vragen vraagt",
    "zeggen zegt",
    "liggen ligt",
    "werken werkt",
    "maken maakt",
    "zoeken zoekt",
    "lopen loopt",
    "doorlopen doorloopt",
    # Nouns whose stem ends in t, and their plurals.
    "staat staten",
    "bericht berichten",
    "recht rechten",
    "feit feiten",
    "resultaat resultaten",
    "kwartaal kwartalen",
    "concert concerten",
    "expert experten",
    "dessert",
    "product producten",
    "agent agenten",
    "student studenten",
    "moment momenten",
    "punt punten",
    "tekst teksten",
    "dienst diensten",
    "kaart kaarten",
    "soort soorten",
    "kwaliteit kwaliteiten",
    "budget budgetten",
    "wet wetten",
    "weten weet",
    "tijd tijden",
    "hert",
    "heer heren",
    "buurt buurten",
    "buur buren",
    # Words the Snowball stemmer joins with an unrelated word.
    "overheid overheden",
    "over",
    "overheidsinstantie overheidsinstanties",
    "eenheid eenheden",
    "een",
    "data",
    "dat",
    # Other forms the stemmer already joins, kept joined.
    "veiligheid veilig",
    "model modellen",
    "bedrijf bedrijven",
    "risico",
    "evaluatie evaluaties",
    "specificatie specificaties",
    "afspraak afspraken",
    "leverancier leveranciers",
    "prijs prijzen",
    "taak taken",
    "instelling instellingen",
    "gebruiker gebruikers",
    "beleid",
    "overal",
]


def test_the_forms_of_one_word_are_indexed_alike():
    apart = {group: {word: stem(word, "nl") for word in group.split()} for group in GROUPS}
    assert {group: stems for group, stems in apart.items() if len(set(stems.values())) > 1} == {}


def test_different_words_are_indexed_apart():
    stems = {group: {stem(word, "nl") for word in group.split()} for group in GROUPS}
    merged = [(a, b) for a, b in combinations(GROUPS, 2) if stems[a] & stems[b]]
    assert merged == []


# --- Through the APIs ----------------------------------------------------------------------


def search(client, text):
    response = client.get("/api/v1/articles/", {"q": text, "lang": "nl"})
    assert response.status_code == 200
    return {result["slug"]: result["snippet"] for result in response.json()["results"]}


@pytest.mark.django_db
def test_a_dutch_search_finds_a_verb_in_its_present_tense_and_back(client):
    entry("reasons", nl={"title": "Het model redeneert langer", "summary": "Stap voor stap."})
    entry("to-reason", nl={"title": "Modellen die leren redeneren", "summary": "Onderzoek."})
    entry("other", nl={"title": "Iets anders", "summary": "Niets hiervan."})
    for text in ("redeneert", "redeneren"):
        assert search(client, text) == {
            "reasons": "Het model <mark>redeneert</mark> langer",
            "to-reason": "Modellen die leren <mark>redeneren</mark>",
        }


@pytest.mark.django_db
def test_a_dutch_search_for_the_government_does_not_find_every_about(client):
    entry("government", nl={"title": "De overheid koopt modellen in", "summary": "Inkoop."})
    entry("about", nl={"title": "Alles over agents", "summary": "Een overzicht."})
    assert search(client, "overheid") == {
        "government": "De <mark>overheid</mark> koopt modellen in"
    }
    assert search(client, "overheden") == search(client, "overheid")
    assert search(client, "over") == {"about": "Alles <mark>over</mark> agents"}


# --- A change of the rules rebuilds the index ---------------------------------------------


def titles_stemmed_by_snowball_alone():
    """The titles' search column as it was before the Dutch corrections."""
    snowball = snowballstemmer.stemmer("dutch")
    for document in LiveDocument.objects.only("pk", "document"):  # columns of any migration
        title = orjson.loads(document.document)["title"]
        document.search_title = " ".join(snowball.stemWord(w.lower()) for w in words(title))
        document.save(update_fields=["search_title"])


@pytest.mark.django_db
def test_reindex_search_rebuilds_an_index_built_with_older_rules():
    entry("government", nl={"title": "De overheid redeneert"})
    titles_stemmed_by_snowball_alone()
    SearchStemming.objects.update_or_create(language="nl", defaults={"version": 1})
    assert found("overheid", "nl") == found("redeneren", "nl") == []
    out = StringIO()
    call_command("reindex_search", stdout=out)
    assert out.getvalue() == (
        "Search index: rebuilt with the current word rules (1 documents changed).\n"
    )
    assert found("overheid", "nl") == found("redeneren", "nl") == ["government"]
    assert dict(SearchStemming.objects.values_list("language", "version")) == STEMMING_VERSIONS


@pytest.mark.django_db
def test_rebuild_live_leaves_the_index_current_and_says_so():
    entry("government", nl={"title": "De overheid redeneert"})
    titles_stemmed_by_snowball_alone()
    SearchStemming.objects.update_or_create(language="nl", defaults={"version": 1})
    call_command("rebuild_live", stdout=StringIO())
    assert found("overheid", "nl") == found("redeneren", "nl") == ["government"]
    out = StringIO()
    call_command("reindex_search", stdout=out)
    assert out.getvalue() == "Search index: already built with the current word rules.\n"


@pytest.mark.django_db
def test_reindex_search_leaves_a_current_index_alone(django_assert_num_queries):
    entry("government", nl={"title": "De overheid redeneert"})
    SearchStemming.objects.all().delete()
    call_command("reindex_search", stdout=StringIO())
    out = StringIO()
    with django_assert_num_queries(1):  # the stored versions, read
        call_command("reindex_search", stdout=out)
    assert out.getvalue() == "Search index: already built with the current word rules.\n"


@pytest.mark.django_db(transaction=True)
def test_the_migration_rebuilds_an_index_built_before_the_dutch_corrections():
    entry("government", nl={"title": "De overheid redeneert"})
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0008_live_counts")])
    try:
        titles_stemmed_by_snowball_alone()
        executor.loader.build_graph()
        executor.migrate([("articles", "0009_search_stemming")])
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        full_text.install(
            connection
        )  # as after ``migrate``: SQLite's rebuilt table lost its triggers
    # Read with today's code, on today's tables; no later migration stems the titles again.
    assert found("overheid", "nl") == found("redeneren", "nl") == ["government"]
