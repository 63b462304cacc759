"""Entry documents: the content of an entry as every public surface serves it.

``working_copy`` reads an entry's editable content into plain data (the *source*);
``build_documents`` renders a source into one document per language, with the fallback rule
applied and reported, the body rendered, the scorecard verdict derived and the vendor, topics
and framework embedded. Publishing stores the result (``articles.publishing``); a preview
builds it from the working copy with the same code, so it shows exactly what would go live.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from articles.models import (
    Article,
    RiskArea,
    RiskCategory,
    RiskFramework,
    RiskLevel,
    Topic,
    Vendor,
)
from articles.rendering import render_markdown
from articles.scorecards import summarize
from articles.structured_data import news_article, script_text
from images.selectors import image_document, images_for_documents
from kernel.languages import default_language, supported_languages

# The one list of an entry's editable parts: its own fields (as the source keys them) and
# its texts per language. The working copy, edits, restore and history all read these.
ENTRY_FIELDS = (
    "vendor",
    "slug",
    "kind",
    "source_url",
    "source_authors",
    "image",
    "image_caption",
)
TEXT_FIELDS = ("title", "summary", "audience", "body")
# The field documents gained last: a stored document without it was built by an earlier
# release and is re-rendered on migrate (``articles.apps``). Update it with the shape.
NEWEST_FIELD = "image"
# The document starts with the card's identity, then the source, then the card's other keys.
HEAD_KEYS = ("id", "slug", "vendor", "kind")


def working_copy(article: Article) -> dict:
    """The entry's editable content as plain data, ids for what it refers to.

    ``article`` should come with ``Article.objects.with_page_data()`` for a fixed query count.
    """
    scorecard = getattr(article, "scorecard", None)
    signals: dict[str, list[str]] = {}
    for bullet in sorted(article.signal_bullets.all(), key=lambda b: (b.language, b.position)):
        signals.setdefault(bullet.language, []).append(bullet.text)
    return {
        **{name: getattr(article, Article._meta.get_field(name).attname) for name in ENTRY_FIELDS},
        "image_caption": dict(sorted(article.image_caption.items())),
        "topics": sorted(topic.pk for topic in article.topics.all()),
        "translations": {
            t.language: {name: getattr(t, name) for name in TEXT_FIELDS}
            for t in sorted(article.translations.all(), key=lambda t: t.language)
        },
        "signals": signals,
        "notes": [
            {
                "id": note.pk,
                "kind": note.kind,
                "text": dict(sorted(note.text.items())),
                "amends": note.amends_id,
                "published_at": iso(note.published_at) if note.published_at else None,
            }
            for note in sorted(article.notes.all(), key=note_order)
        ],
        "scorecard": None
        if scorecard is None
        else {
            "framework": scorecard.framework_id,
            "risk_areas": sorted(area.pk for area in scorecard.risk_areas.all()),
            "ratings": sorted(
                [r.category_id, r.pre_mitigation_id, r.post_mitigation_id]
                for r in article.scorecard_ratings.all()
            ),
        },
    }


def note_order(note) -> tuple:
    """Notes oldest first; those not live yet last, in the order they were written."""
    return (note.published_at is None, note.published_at or note.created_at, note.pk)


def iso(moment: datetime) -> str:
    """A time as the REST API writes it: ISO 8601 in UTC, ``Z`` for the offset."""
    text = moment.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _level(level: RiskLevel | None) -> dict | None:
    return None if level is None else {"name": level.name, "rank": level.rank}


class SharedData:
    """What sources refer to (vendors, topics, frameworks, risk areas), loaded once for many."""

    def __init__(self, sources: list[dict], *, rendered: dict[str, str] | None = None):
        """``rendered`` maps bodies to their HTML where a bulk load has it already."""
        self.rendered = rendered or {}
        cards = [s["scorecard"] for s in sources if s["scorecard"]]
        self.vendors = Vendor.objects.in_bulk({s["vendor"] for s in sources})
        # .get: a source written before entries had images has no image.
        self.images = images_for_documents(
            [s.get("image") for s in sources] + [v.logo_id for v in self.vendors.values()]
        )
        self.topics = Topic.objects.in_bulk({t for s in sources for t in s["topics"]})
        self.areas = RiskArea.objects.in_bulk({a for c in cards for a in c["risk_areas"]})
        framework_ids = {c["framework"] for c in cards}
        self.frameworks = RiskFramework.objects.in_bulk(framework_ids)
        self.levels = RiskLevel.objects.in_bulk(
            RiskLevel.objects.filter(framework__in=framework_ids).values_list("pk", flat=True)
        )
        self.categories = RiskCategory.objects.in_bulk(
            RiskCategory.objects.filter(framework__in=framework_ids).values_list("pk", flat=True)
        )

    def logo(self, image_id: int | None, requested: str) -> dict | None:
        """A vendor's logo, once it has renditions to show (until then, none): unlike an
        entry's image, a logo is not held back by publishing."""
        image = self.images.get(image_id) if image_id else None
        return self.image(image_id, requested) if image and image.renditions.all() else None

    def image(self, image_id: int | None, requested: str, captions=None) -> dict | None:
        """The image embedded in a document in ``requested``; with ``captions`` (language ->
        text), the caption served in that language, with the same fallback as the texts."""
        image = self.images.get(image_id) if image_id else None
        if image is None:
            return None
        data = image_document(image, requested)
        if captions is not None:
            served = _served({k: v for k, v in captions.items() if v}, requested)
            data["caption"] = {
                "text": captions.get(served, "") if served else "",
                "language": served,
                "fallback": served is not None and served != requested,
            }
        return data

    def html(self, body: str) -> str:
        return self.rendered.get(body) or render_markdown(body)

    def scale(self, framework_id: int) -> list[RiskLevel]:
        levels = [lv for lv in self.levels.values() if lv.framework_id == framework_id]
        return sorted(levels, key=lambda level: level.rank)

    def scorecard(self, card: dict | None) -> dict | None:
        if card is None:
            return None
        framework = self.frameworks[card["framework"]]
        deploy = self.levels.get(framework.deploy_threshold_id)
        develop = self.levels.get(framework.develop_threshold_id)
        ratings = sorted(
            (
                (self.categories[c], self.levels[pre], self.levels.get(post))
                for c, pre, post in card["ratings"]
            ),
            key=lambda rating: (rating[0].position, rating[0].pk),
        )
        summary = summarize(
            [_Rating(pre, post) for _category, pre, post in ratings],
            deploy_threshold=deploy,
            develop_threshold=develop,
        )
        # In the working copy's order, the order the areas were entered in; not by name.
        areas = [self.areas[a] for a in card["risk_areas"]]
        return {
            "framework": {
                "slug": framework.slug,
                "name": framework.name,
                "url": framework.url,
                "deploy_threshold": _level(deploy),
                "develop_threshold": _level(develop),
                "scale": [_level(level) for level in self.scale(framework.pk)],
            },
            "overall": _level(summary.overall),
            "overall_pre_mitigation": _level(summary.overall_pre_mitigation),
            "may_deploy": summary.may_deploy,
            "may_develop": summary.may_develop,
            "ratings": [
                {
                    "category": category.name,
                    "pre_mitigation": _level(pre),
                    "post_mitigation": _level(post),
                }
                for category, pre, post in ratings
            ],
            "risk_areas": [{"slug": area.slug, "name": area.name} for area in areas],
        }


@dataclass(frozen=True)
class _Rating:
    pre_mitigation: RiskLevel
    post_mitigation: RiskLevel | None


@dataclass(frozen=True)
class Document:
    """One entry in one language: the JSON served, and the columns lists filter on."""

    language: str
    fallback: bool
    full: dict
    card: dict


def _served(available, requested: str) -> str | None:
    for language in (requested, default_language()):
        if language in available:
            return language
    return None


def _notes(notes: list[dict], requested: str, *, now: str) -> list[dict]:
    """The notes in ``requested`` (each falls back on its own, as the texts do), oldest first;
    a note not live yet (a preview) is dated ``now``."""
    served_notes = []
    for note in notes:
        served = _served(note["text"], requested)
        served_notes.append(
            {
                "id": note["id"],
                "kind": note["kind"],
                "text": note["text"].get(served, ""),
                "language": served,
                "fallback": served is not None and served != requested,
                "amends": note["amends"],
                "published_at": note["published_at"] or now,
            }
        )
    return served_notes


def build_documents(
    *,
    article_id: int,
    source: dict,
    published_at: datetime,
    updated_at: datetime,
    modified_at: datetime,
    shared,
) -> list[Document]:
    """The entry in every supported language (each falls back on its own, as the texts do)."""
    vendor = shared.vendors[source["vendor"]]
    topics = sorted((shared.topics[t] for t in source["topics"]), key=lambda t: t.name)
    authors = [name.strip() for name in source["source_authors"].split(",") if name.strip()]
    scorecard = shared.scorecard(source["scorecard"])
    rendered: dict[str, str] = {}
    documents = []
    for requested in supported_languages():
        served = _served(source["translations"], requested)
        texts = source["translations"].get(served, dict.fromkeys(TEXT_FIELDS, ""))
        if served not in rendered:
            rendered[served] = shared.html(texts["body"])
        signal_language = _served(source["signals"], requested)
        card = {
            "id": article_id,
            "slug": source["slug"],
            "vendor": {
                "slug": vendor.slug,
                "name": vendor.name,
                "logo": shared.logo(vendor.logo_id, requested),
            },
            "kind": source["kind"],
            "published_at": iso(published_at),
            "updated_at": iso(updated_at),
            "modified_at": iso(modified_at),
            "title": texts["title"],
            "summary": texts["summary"],
            "language": served,
            "requested_language": requested,
            "fallback": served is not None and served != requested,
        }
        full = {
            **{key: card[key] for key in HEAD_KEYS},
            "source_url": source["source_url"],
            "authors": authors,
            "topics": [{"slug": topic.slug, "name": topic.name} for topic in topics],
            **{key: value for key, value in card.items() if key not in HEAD_KEYS},
            "audience": texts["audience"],
            "body": texts["body"],
            "body_html": rendered[served],
            "signals": list(source["signals"].get(signal_language, [])),
            "scorecard": scorecard,
            "available_languages": sorted(source["translations"]),
            "notes": _notes(source["notes"], requested, now=iso(updated_at)),
            "image": shared.image(
                source.get("image"), requested, source.get("image_caption") or {}
            ),
        }
        full["structured_data"] = news_article(full, vendor=vendor)
        full["structured_data_script"] = script_text(full["structured_data"])
        documents.append(Document(requested, card["fallback"], full, card))
    return documents
