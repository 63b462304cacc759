"""Background tasks (Django's tasks framework: the database backend, or RQ with REDIS_URL)."""

from django.tasks import task

from images import services


@task
def render_renditions(image_id: int) -> int:
    return services.image_renditions_render(image_id=image_id)
