"""Reads: what the public may see, and how each surface loads it in a fixed number of queries."""

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from articles.choices import ArticleStatus

NEWEST_FIRST = ("-published_at", "-id")
# "More from this vendor": how many entries by default, and at most, on every surface.
MORE_FROM_VENDOR_DEFAULT = 4
MORE_FROM_VENDOR_MAX = 20


def public_q(prefix: str = "", *, at=None) -> Q:
    """The one definition of "visible to the public": published, and not scheduled for later.

    ``prefix`` lets related lookups reuse it (``public_q("articles__")``).
    """
    return Q(
        **{
            f"{prefix}status": ArticleStatus.PUBLISHED,
            f"{prefix}published_at__lte": at or timezone.now(),
        }
    )


def is_public(status: str, published_at, *, at=None) -> bool:
    """:func:`public_q` for one entry already in memory (no query); the two always agree."""
    return (
        status == ArticleStatus.PUBLISHED
        and published_at is not None
        and published_at <= (at or timezone.now())
    )


def is_scheduled(status: str, published_at, *, at=None) -> bool:
    """Published, with a publication time still to come: public from then on, with no job."""
    return (
        status == ArticleStatus.PUBLISHED
        and published_at is not None
        and published_at > (at or timezone.now())
    )


class ArticleQuerySet(models.QuerySet):
    def public(self, *, at=None):
        return self.filter(public_q(at=at))

    def scheduled(self, *, at=None):
        return self.filter(status=ArticleStatus.PUBLISHED, published_at__gt=at or timezone.now())

    # Filters shared by every surface (REST filter sets and GraphQL filters call these).

    def for_vendors(self, slugs):
        return self.filter(vendor__slug__in=slugs)

    def of_kinds(self, kinds):
        return self.filter(kind__in=kinds)

    def with_topics(self, slugs):
        from articles.models import Topic

        return self.filter(Exists(Topic.objects.filter(articles=OuterRef("pk"), slug__in=slugs)))

    def published_between(self, *, after=None, before=None):
        if after is not None:
            self = self.filter(published_at__gte=after)
        if before is not None:
            self = self.filter(published_at__lt=before)
        return self

    def updated_since(self, since):
        return self.filter(updated_at__gte=since)

    def with_scorecard(self, present: bool = True):
        return self.filter(scorecard__isnull=not present)

    def search(self, text: str, *, language: str):
        """Entries whose title or summary, in the language a reader of ``language`` is served
        (the fallback rule), contains ``text`` (case-insensitive)."""
        from articles.models import ArticleTranslation
        from cms.languages import default_language

        translations = ArticleTranslation.objects.filter(article=OuterRef("pk"))
        matches = Q(title__icontains=text) | Q(summary__icontains=text)
        in_requested = Exists(translations.filter(matches, language=language))
        has_requested = Exists(translations.filter(language=language))
        in_default = Exists(translations.filter(matches, language=default_language()))
        return self.filter(in_requested | (~has_requested & in_default))

    def newest_first(self):
        return self.order_by(*NEWEST_FIRST)

    def more_from_vendor(self, article, *, limit: int):
        """The vendor's other public entries, newest first, the entry itself excluded."""
        return (
            self.public()
            .filter(vendor_id=article.vendor_id)
            .exclude(pk=article.pk)
            .newest_first()[:limit]
        )

    def with_page_data(self):
        """Everything an entry page shows, loaded in a constant number of queries."""
        from articles.models import ScorecardRating

        return self.select_related(
            "vendor",
            "scorecard__framework__deploy_threshold",
            "scorecard__framework__develop_threshold",
        ).prefetch_related(
            "translations",
            "signal_bullets",
            "topics",
            "scorecard__risk_areas",
            "scorecard__framework__levels",
            Prefetch(
                "scorecard_ratings",
                queryset=ScorecardRating.objects.select_related(
                    "category", "pre_mitigation", "post_mitigation"
                ),
            ),
        )


class VendorQuerySet(models.QuerySet):
    def with_public_counts(self, *, at=None):
        return self.annotate(
            public_article_count=Count("articles", filter=public_q("articles__", at=at))
        )
