from django.apps import AppConfig


class PartnersConfig(AppConfig):
    """Partner API keys: issued in the admin, they lift a partner's request rate."""

    name = "partners"
    verbose_name = "Partners"
