"""Reads over reader feedback: what editors triage and count."""

from datetime import timedelta

from django.db import models
from django.db.models import Count, Max, Q
from django.db.models.functions import Lower
from django.utils import timezone


class FeedbackQuerySet(models.QuerySet):
    def not_spam(self):
        return self.exclude(status="spam")

    def since(self, moment):
        return self.filter(created_at__gte=moment)

    def older_than(self, moment):
        return self.filter(created_at__lt=moment)

    def most_requested_topics(self, *, days: int = 30, limit: int = 50):
        """Topic requests of the last ``days`` (spam left out), grouped by message (ignoring
        case) and entry, most requested first: rows of ``topic``, ``article__slug``,
        ``requests`` and ``latest``."""
        return (
            self.not_spam()
            .filter(kind="topic_request")
            .since(timezone.now() - timedelta(days=days))
            .annotate(topic=Lower("message"))
            .values("topic", "article__slug")
            .annotate(requests=Count("id"), latest=Max("created_at"))
            .order_by("-requests", "-latest")[:limit]
        )

    def counts_for_article(self, article) -> dict[str, int]:
        """Corrections and helpful votes on one entry, spam left out, in one query."""
        return (
            self.not_spam()
            .filter(article=article)
            .aggregate(
                corrections=Count("id", filter=Q(kind="correction")),
                helpful_yes=Count("id", filter=Q(kind="helpful_yes")),
                helpful_no=Count("id", filter=Q(kind="helpful_no")),
            )
        )
