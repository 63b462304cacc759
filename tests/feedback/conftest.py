import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_budgets():
    """Each test starts with every client's submission budget unspent."""
    cache.clear()
    yield
    cache.clear()
