"""Fixtures of the webhook tests: a receiver, a subscription to it, settings for a local target."""

import pytest

from tests.webhooks.utils import TIMEOUT, Receiver
from webhooks.services import subscription_create


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_TIMEOUT = TIMEOUT
    return settings


@pytest.fixture
def subscription(receiver):
    """A subscription to every event, and its secret."""
    return subscription_create(name="Partner", url=receiver.url)
