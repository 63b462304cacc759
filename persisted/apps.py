from django.apps import AppConfig


class PersistedConfig(AppConfig):
    name = "persisted"
    verbose_name = "Persisted GraphQL documents"
