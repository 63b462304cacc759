import logging

from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Platform"

    def ready(self):
        # gunicorn configures its access log itself (settings.LOGGING naming it would take its
        # handlers away): the filter goes on the logger, which is the same object for both.
        from cms.log_filters import PreviewTokenRedaction

        logging.getLogger("gunicorn.access").addFilter(PreviewTokenRedaction())
        hide_plumbing_from_the_desk()


def hide_plumbing_from_the_desk():
    """The background tasks' result table is the webhooks' machinery, not the desk's work: the
    admin does not list it (the webhooks' deliveries and attempts say what happened)."""
    from django.contrib import admin
    from django_tasks_db.models import DBTaskResult

    if admin.site.is_registered(DBTaskResult):
        admin.site.unregister(DBTaskResult)
