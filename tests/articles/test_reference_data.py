"""Editing the data entries share (a vendor, a topic, a risk area, a framework) in the admin
reaches the public at once: the live entries that show it are re-rendered in the same save,
and mirrors are told."""

import orjson
import pytest
from django.test import Client
from django.urls import reverse

from articles.models import PublicationLog, RiskFramework, Topic, Vendor
from articles.selectors import entry_detail
from tests.factories import (
    ArticleFactory,
    TopicFactory,
    UserFactory,
    VendorFactory,
    VendorTranslationFactory,
    admin_form_data,
    make_framework,
    make_scorecard,
)
from tests.utils import go_live

pytestmark = pytest.mark.django_db


def public(slug, language="en") -> dict:
    return orjson.loads(entry_detail(slug=slug, language=language).document)


def save(client, model, obj, **changes):
    url = reverse(f"admin:articles_{model}_change", args=[obj.pk])
    response = client.post(url, admin_form_data(client.get(url)) | changes, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    return response


@pytest.fixture
def publisher(client):
    user = UserFactory(role="Publisher")
    client.force_login(user)
    return user


def test_renaming_a_vendor_re_renders_its_live_entries_and_tells_mirrors(client, publisher):
    article = ArticleFactory()
    VendorTranslationFactory(vendor=article.vendor, language="en")
    draft = ArticleFactory(draft=True, vendor=article.vendor)
    save(client, "vendor", article.vendor, name="Renamed Labs", slug="renamed-labs")

    assert public(article.slug)["vendor"] == {
        "slug": "renamed-labs",
        "name": "Renamed Labs",
        "logo": None,
    }
    rest = client.get(f"/api/v1/articles/{article.slug}/").json()
    assert rest["vendor"]["name"] == "Renamed Labs"
    events = list(PublicationLog.objects.order_by("-position")[:2].values_list("event", "slug"))
    assert events == [("vendor.updated", "renamed-labs"), ("entry.updated", article.slug)]
    assert not PublicationLog.objects.filter(article_id=draft.pk).exists()


def test_saving_a_vendor_unchanged_tells_nobody(client, publisher):
    article = ArticleFactory()
    VendorTranslationFactory(vendor=article.vendor, language="en", description="Line\nbreak")
    before = PublicationLog.objects.count()
    save(client, "vendor", article.vendor)
    assert PublicationLog.objects.count() == before


def test_adding_or_deleting_a_vendor_reaches_the_cached_vendor_lists_at_once(client, publisher):
    ArticleFactory(vendor=VendorFactory(slug="openai"))
    reader = Client()

    def vendors(**headers):
        rest = reader.get("/api/v1/vendors/", headers=headers)
        graphql = reader.get("/graphql/", {"query": "{ vendors { slug } }"}, headers=headers)
        return rest, graphql

    def slugs(rest, graphql):
        assert rest.status_code == graphql.status_code == 200
        rest_slugs = [vendor["slug"] for vendor in rest.json()["results"]]
        assert rest_slugs == [vendor["slug"] for vendor in graphql.json()["data"]["vendors"]]
        return rest_slugs

    before = vendors()
    assert slugs(*vendors()) == ["openai"]  # now from the cache
    add = reverse("admin:articles_vendor_add")
    data = admin_form_data(client.get(add)) | {"name": "Mistral AI", "slug": "mistral"}
    assert client.post(add, data).status_code == 302

    added = vendors(if_none_match=before[0]["ETag"])
    assert slugs(*added) == ["mistral", "openai"]
    assert added[0]["ETag"] != before[0]["ETag"] and added[1]["ETag"] != before[1]["ETag"]
    assert reader.get("/api/v1/vendors/mistral/").json()["public_article_count"] == 0

    mistral = Vendor.objects.get(slug="mistral")
    delete = reverse("admin:articles_vendor_delete", args=[mistral.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302

    assert slugs(*vendors(if_none_match=added[0]["ETag"])) == ["openai"]
    assert reader.get("/api/v1/vendors/mistral/").status_code == 404
    events = PublicationLog.objects.order_by("-position")[:2]
    assert [(row.event, row.vendor_id, row.slug) for row in events] == [
        ("vendor.updated", mistral.pk, "mistral")
    ] * 2


def test_renaming_a_topic_re_renders_the_live_entries_it_is_on(client, publisher):
    article = ArticleFactory()
    topic = TopicFactory(name="Agents", slug="agents")
    article.topics.add(topic)
    go_live(article)
    save(client, "topic", topic, name="AI agents", slug="ai-agents")
    assert public(article.slug)["topics"] == [{"slug": "ai-agents", "name": "AI agents"}]


def test_a_topic_shown_on_a_live_entry_cannot_be_deleted(client, publisher):
    article = ArticleFactory()
    topic = TopicFactory(name="Agents", slug="agents")
    article.topics.add(topic)
    go_live(article)
    url = reverse("admin:articles_topic_delete", args=[topic.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert "is shown on 1 live entry" in response.content.decode()
    assert Topic.objects.filter(pk=topic.pk).exists()
    assert public(article.slug)["topics"] == [{"slug": "agents", "name": "Agents"}]


def _rated_entry():
    framework = make_framework(deploy_at_or_below="Medium", develop_at_or_below="High")
    article = ArticleFactory()
    make_scorecard(
        article=article,
        framework=framework,
        ratings={"CBRN": ("High", "High")},
        risk_areas=["Jailbreaks"],
    )
    go_live(article)
    return article, framework


def test_a_framework_threshold_change_moves_the_live_verdicts(client, publisher):
    article, framework = _rated_entry()
    assert public(article.slug)["scorecard"]["may_deploy"] is False
    before = PublicationLog.objects.count()

    high = framework.levels.get(name="High")
    save(client, "riskframework", framework, deploy_threshold=str(high.pk))

    scorecard = public(article.slug)["scorecard"]
    assert scorecard["may_deploy"] is True
    assert scorecard["framework"]["deploy_threshold"] == {"name": "High", "rank": 2}
    rest = client.get(f"/api/v1/articles/{article.slug}/").json()
    assert rest["scorecard"]["may_deploy"] is True
    assert PublicationLog.objects.count() == before + 1  # the entry, updated


def test_renaming_a_level_and_a_category_reaches_the_live_scorecards(client, publisher):
    article, framework = _rated_entry()
    url = reverse("admin:articles_riskframework_change", args=[framework.pk])
    data = admin_form_data(client.get(url))
    level = next(k for k, v in data.items() if k.startswith("levels-") and v == "High")
    category = next(k for k, v in data.items() if k.startswith("categories-") and v == "CBRN")
    data |= {level: "Elevated", category: "Chemical and biological"}
    assert client.post(url, data).status_code == 302
    rating = public(article.slug)["scorecard"]["ratings"][0]
    assert rating["category"] == "Chemical and biological"
    assert rating["pre_mitigation"] == {"name": "Elevated", "rank": 2}


def test_a_level_in_use_cannot_be_deleted(client, publisher):
    _article, framework = _rated_entry()
    url = reverse("admin:articles_riskframework_change", args=[framework.pk])
    data = admin_form_data(client.get(url))
    level = next(k for k, v in data.items() if k.startswith("levels-") and v == "High")
    data[level.replace("-name", "-DELETE")] = "on"
    response = client.post(url, data, follow=True)
    assert "would require deleting the following protected" in response.content.decode()
    assert RiskFramework.objects.get(pk=framework.pk).levels.filter(name="High").exists()


def test_renaming_a_risk_area_re_renders_the_scorecards_that_list_it(client, publisher):
    article, _framework = _rated_entry()
    area = article.scorecard.risk_areas.get()
    save(client, "riskarea", area, name="Jailbreak resistance")
    assert public(article.slug)["scorecard"]["risk_areas"] == [
        {"slug": "jailbreaks", "name": "Jailbreak resistance"}
    ]


def test_a_writer_may_not_change_shared_data(client):
    client.force_login(UserFactory(role="Writer"))
    topic = TopicFactory(name="Agents", slug="agents")
    url = reverse("admin:articles_topic_change", args=[topic.pk])
    assert client.post(url, {"name": "Other", "slug": "other"}).status_code == 403
    assert Topic.objects.get(pk=topic.pk).name == "Agents"
