from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        from articles.models import PublicationLog
        from articles.publishing import log_appended
        from webhooks.services import outbox_write

        log_appended.connect(outbox_write, sender=PublicationLog, dispatch_uid="webhooks.outbox")
