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
