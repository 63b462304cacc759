"""Reads: what the public may see, and how each surface loads it in a fixed number of queries."""

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


class ArticleQuerySet(models.QuerySet):
    def public(self, *, at=None):
        return self.filter(public_q(at=at))

    def scheduled(self, *, at=None):
        return self.filter(
            status=ArticleStatus.PUBLISHED, published_at__gt=at or timezone.now()
        )

    def newest_first(self):
        return self.order_by("-published_at", "-id")

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

        return self.select_related("vendor", "scorecard__framework").prefetch_related(
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
