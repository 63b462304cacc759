from django.apps import AppConfig
from django.db.models.signals import post_migrate


def backfill_live_versions(sender, using, **kwargs):
    """A database from before live versions existed gets them for its published entries,
    so upgrading needs no extra step (``manage.py rebuild_live`` re-renders everything)."""
    from articles.models import Article
    from articles.publishing import live_publish_bulk

    missing = Article.objects.using(using).filter(
        status=Article.Status.PUBLISHED, live__isnull=True
    )
    while batch := list(missing.order_by("pk")[:1000]):
        live_publish_bulk(batch)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        post_migrate.connect(backfill_live_versions, sender=self)
