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


def refresh_outdated_documents(sender, using, **kwargs):
    """Documents stored by an earlier release lack what this one serves: re-render every live
    entry from the content it was published from, once."""
    import orjson

    from articles.documents import NEWEST_FIELD
    from articles.models import LiveDocument
    from articles.publishing import live_rebuild

    newest = LiveDocument.objects.using(using).order_by("-pk").values_list("document", flat=True)
    sample = newest.first()
    if sample is not None and NEWEST_FIELD not in orjson.loads(sample):
        live_rebuild()


def restore_search_index(sender, using, **kwargs):
    """A migration that rebuilds the document table on SQLite drops the search triggers:
    put them back (and reindex) whenever any are missing."""
    from django.db import connections

    from articles import search

    search.install(connections[using])


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        from articles.models import PublicationLog
        from articles.publishing import log_appended
        from articles.selectors.log import forget_log_heads_on_commit

        log_appended.connect(
            forget_log_heads_on_commit, sender=PublicationLog, dispatch_uid="articles.log_heads"
        )
        post_migrate.connect(restore_search_index, sender=self)
        post_migrate.connect(backfill_live_versions, sender=self)
        post_migrate.connect(refresh_outdated_documents, sender=self)
        from articles.services.reference import image_refresh
        from images.models import Image
        from images.signals import image_changed

        image_changed.connect(image_refresh, sender=Image, dispatch_uid="articles.image_refresh")
