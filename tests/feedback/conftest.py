import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone


@pytest.fixture(autouse=True)
def fresh_budgets():
    """Each test starts with every client's submission budget unspent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen_clock():
    """Time stands still five seconds into a minute, so a throttling window cannot end midway."""
    with time_machine.travel(timezone.now().replace(second=5), tick=False) as traveller:
        yield traveller
