"""Reads of the webhooks app."""

from django.db.models import Q, QuerySet

from webhooks.models import Subscription


def failing_subscriptions() -> QuerySet[Subscription]:
    """Subscriptions whose deliveries fail now, and those disabled for failing."""
    return Subscription.objects.filter(
        Q(is_active=True, failing_since__isnull=False) | ~Q(disabled_reason="")
    )


def failing_subscriptions_count() -> int:
    """For the desk home page: how many subscriptions need someone to look at them."""
    return failing_subscriptions().count()
