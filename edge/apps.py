from django.apps import AppConfig


class EdgeConfig(AppConfig):
    name = "edge"
    verbose_name = "The cache in front"

    def ready(self):
        from articles.models import PublicationLog
        from articles.publishing import log_appended
        from edge.services import purge_write

        log_appended.connect(purge_write, sender=PublicationLog, dispatch_uid="edge.purges")
