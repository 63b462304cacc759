from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        from django.db.models.signals import pre_delete

        from articles.models import PublicationLog, Vendor
        from articles.publishing import log_appended
        from webhooks.services import outbox_write, subscriptions_lose_vendor
        from webhooks.websub import hub_pings_write

        log_appended.connect(outbox_write, sender=PublicationLog, dispatch_uid="webhooks.outbox")
        log_appended.connect(hub_pings_write, sender=PublicationLog, dispatch_uid="webhooks.websub")
        pre_delete.connect(subscriptions_lose_vendor, sender=Vendor, dispatch_uid="webhooks.vendor")
