"""Background tasks (Django's tasks framework: the database backend, or RQ with REDIS_URL)."""

from django.tasks import task

from edge import services


@task
def send_purges() -> int:
    return services.purges_send()
