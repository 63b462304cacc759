from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "reader"
    verbose_name = "Reader site"

    def ready(self):
        from reader import links  # noqa: F401  (registers the PREVIEW_URL_TEMPLATE check)
