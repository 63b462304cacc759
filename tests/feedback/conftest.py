import pytest
import time_machine
from django.utils import timezone


@pytest.fixture
def frozen_clock():
    """Time stands still five seconds into a minute, so a throttling window cannot end midway."""
    with time_machine.travel(timezone.now().replace(second=5), tick=False) as traveller:
        yield traveller
