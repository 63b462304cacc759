"""No GraphQL path shows what the public may not see.

The test reads the schema by introspection and builds a query for every path from a root
field to an ``Article`` (nested lists included, to a bounded depth), selecting everything an
entry shows there. Each runs against entries in every state that is not public, and a live
entry whose working copy has changes nobody published. A field added later is walked too.
"""

import itertools
import json

import pytest
from django.conf import settings
from graphql import get_introspection_query

from articles.services import article_archive, article_unpublish
from tests.factories import (
    ArticleFactory,
    ArticleTranslationFactory,
    SignalBulletFactory,
    TopicFactory,
    VendorFactory,
    make_framework,
    make_scorecard,
)
from tests.utils import go_live

pytestmark = pytest.mark.django_db

TARGET = "Article"
HIDDEN_TEXT = "hidden-text"
UNPUBLISHED_TEXT = "unpublished-text"
# A path to an entry plus what is selected under it stays within the depth limit.
LEAF_DEPTH = 4
MAX_PATH = settings.GRAPHQL["MAX_DEPTH"] - LEAF_DEPTH - 1


def with_texts(entry, marker: str):
    for language in ("en", "nl"):
        ArticleTranslationFactory(
            article=entry,
            language=language,
            title=f"{marker} title",
            summary=f"{marker} summary",
            audience=f"{marker} audience",
            body=f"{marker} body",
        )
        SignalBulletFactory(article=entry, language=language, text=f"{marker} signal")
    return entry


@pytest.fixture(autouse=True)
def unthrottled(settings):
    """The walk sends hundreds of deep queries from one client: lift the budgets."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "anonymous": "100000/minute"},
    }
    # Deep nests of lists are priced out by the query cost limit; the walk needs them.
    settings.GRAPHQL = {**settings.GRAPHQL, "MAX_COST": 10**9}


@pytest.fixture
def world():
    """Public entries of two vendors; entries of the same vendors in every state that is not
    public (texts marked HIDDEN_TEXT); and a live entry whose working copy has changes nobody
    published (marked UNPUBLISHED_TEXT)."""
    acme, other = VendorFactory(slug="acme"), VendorFactory(slug="other")
    shared, secret = TopicFactory(slug="shared"), TopicFactory(slug="secret-topic")
    framework = make_framework()

    public = [
        ArticleFactory(slug=f"public-{n}", vendor=vendor, languages=["en", "nl"])
        for n, vendor in enumerate([acme, acme, other])
    ]
    for entry in public:
        entry.topics.add(shared)
        make_scorecard(article=entry, framework=framework, ratings={"CBRN": ("Low", None)})
        go_live(entry)

    changed = public[0]
    changed.translations.update(title=f"{UNPUBLISHED_TEXT} title", body=f"{UNPUBLISHED_TEXT} body")
    SignalBulletFactory(article=changed, text=f"{UNPUBLISHED_TEXT} signal")
    changed.topics.add(secret)

    states = {"draft": {"draft": True}, "in-review": {"in_review": True}}
    states |= {"scheduled": {"scheduled": True}, "archived": {}, "unpublished": {}}
    hidden = {
        state: ArticleFactory(slug=f"hidden-{state}", vendor=vendor, languages=[], **traits)
        for (state, traits), vendor in zip(states.items(), itertools.cycle([acme, other]))
    }
    for entry in hidden.values():
        with_texts(entry, HIDDEN_TEXT).topics.add(shared, secret)
    for state in ("scheduled", "archived", "unpublished"):
        go_live(hidden[state])  # live, with the hidden texts, before what follows
    article_archive(article=hidden["archived"], user=None)
    article_unpublish(article=hidden["unpublished"], user=None)

    return {
        "hidden": {entry.slug for entry in hidden.values()},
        "public": {entry.slug for entry in public},
        "slugs": [*(e.slug for e in [*public, *hidden.values()]), "acme", "other", "shared"],
    }


# --- The walk --------------------------------------------------------------------------------


def named(type_ref: dict) -> dict:
    while type_ref.get("ofType"):
        type_ref = type_ref["ofType"]
    return type_ref


def required(argument: dict) -> bool:
    return argument["type"]["kind"] == "NON_NULL" and argument["defaultValue"] is None


class Schema:
    def __init__(self, introspection: dict, candidates: list[str]):
        self.types = {t["name"]: t for t in introspection["__schema"]["types"]}
        self.query = introspection["__schema"]["queryType"]["name"]
        self.candidates = candidates
        self.reaching = self._reaching()

    def fields(self, type_name: str) -> list[dict]:
        return self.types[type_name]["fields"] or []

    def _reaching(self) -> set[str]:
        """The object types from which some path of fields leads to an entry."""
        reaching = {TARGET}
        while True:
            more = {
                name
                for name, kind in self.types.items()
                if kind["kind"] == "OBJECT"
                and not name.startswith("__")
                and any(named(f["type"])["name"] in reaching for f in self.fields(name))
            }
            if more <= reaching:
                return reaching
            reaching |= more

    def paths(self, type_name: str, prefix=()):
        """Every path of fields from ``type_name`` to an entry, up to MAX_PATH fields."""
        for field in self.fields(type_name):
            target = named(field["type"])["name"]
            if target not in self.reaching:
                continue
            path = (*prefix, field)
            if target == TARGET:
                yield path
            if len(path) < MAX_PATH:
                yield from self.paths(target, path)

    def arguments(self, field: dict) -> list[str]:
        """Each way to fill the field's required arguments (every slug we made, hidden ones
        included); optional arguments keep their defaults."""
        names = [argument["name"] for argument in field["args"] if required(argument)]
        if not names:
            return [""]
        return [
            "("
            + ", ".join(f"{n}: {json.dumps(v)}" for n, v in zip(names, values, strict=True))
            + ")"
            for values in itertools.product(self.candidates, repeat=len(names))
        ]

    def everything(self, type_name: str, depth: int = 1) -> str:
        """Every field an object shows, except the paths to further entries (walked apart)."""
        selected = []
        for field in self.fields(type_name):
            target = named(field["type"])
            if target["name"] == TARGET or (depth >= LEAF_DEPTH and target["kind"] == "OBJECT"):
                continue
            call = field["name"] + self.arguments(field)[0]
            if target["kind"] == "OBJECT":
                inner = self.everything(target["name"], depth + 1)
                selected += [f"{call} {{ {inner} }}"] if inner else []
            elif target["kind"] in ("SCALAR", "ENUM"):
                selected.append(call)
        return " ".join(selected)

    def queries(self):
        leaf = self.everything(TARGET)
        for path in self.paths(self.query):
            name = ".".join(field["name"] for field in path)
            for calls in itertools.product(*(self.arguments(field) for field in path)):
                query = leaf
                for field, arguments in reversed(list(zip(path, calls, strict=True))):
                    query = f"{field['name']}{arguments} {{ {query} }}"
                yield name, "{ " + query + " }"


def counts(value):
    """Every number the answer gives under a name ending in Count."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("Count") and isinstance(item, int):
                yield item
            yield from counts(item)
    elif isinstance(value, list):
        for item in value:
            yield from counts(item)


def test_no_path_to_an_entry_shows_anything_that_is_not_public(client, world):
    introspection = client.post(
        "/graphql/", {"query": get_introspection_query()}, content_type="application/json"
    ).json()["data"]
    schema = Schema(introspection, world["slugs"])
    walked, seen = set(), set()

    for name, query in schema.queries():
        walked.add(name)
        for language in ("en", "nl"):
            response = client.post(
                "/graphql/",
                {"query": query},
                content_type="application/json",
                headers={"Accept-Language": language},
            )
            body = response.json()
            assert "errors" not in body, (name, query, body["errors"])
            text = response.content.decode()
            for secret in (*world["hidden"], HIDDEN_TEXT, UNPUBLISHED_TEXT, "secret-topic"):
                assert secret not in text, (name, secret, query)
            assert max(counts(body["data"]), default=0) <= len(world["public"]), (name, query)
            seen |= {slug for slug in world["public"] if f'"{slug}"' in text}

    # The walk reached entries through the root fields and through nested lists.
    assert {"article", "articles.results", "vendors.articles.results"} <= walked
    assert {"article.moreFromVendor", "articles.results.vendor.articles.results"} <= walked
    assert seen == world["public"]
