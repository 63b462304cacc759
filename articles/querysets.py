"""Reads of the working copy: which entries are published, and an entry's page data in a fixed
number of queries. The public surfaces read the live version through ``articles.selectors``."""

from django.db import models
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from articles.choices import ArticleStatus


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
            "notes",
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
