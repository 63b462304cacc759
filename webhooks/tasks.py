"""Background tasks (Django's tasks framework: the database backend, or RQ with REDIS_URL)."""

from django.tasks import task

from webhooks import services, websub


@task
def fan_out(event_ids: list[int]) -> int:
    services.sweep_ensure()
    return services.deliveries_fan_out(event_ids=event_ids)


@task
def deliver(delivery_id: str) -> bool:
    return services.delivery_attempt(delivery_id=delivery_id) is not None


@task
def sweep() -> int | None:
    return services.sweep_run()


@task
def send_hub_pings(ping_ids: list[int]) -> int:
    services.sweep_ensure()
    return websub.hub_pings_enqueue(ping_ids=ping_ids)


@task
def ping_hub(ping_id: int) -> bool:
    return websub.hub_ping_attempt(ping_id=ping_id) is not None
