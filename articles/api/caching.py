"""HTTP validators computed from cheap aggregates, so a matching conditional GET returns 304
without loading or rendering any entry.

Every write stamps an entry's ``updated_at`` with the current time, so a changed entry raises
the newest ``updated_at`` of each set it belongs to; an entry joining a set without a write
(a scheduled entry whose time passed) raises the newest ``published_at``; an entry leaving a
set lowers its count. The validators cover all three.
"""

import hashlib
from datetime import datetime

from django.db.models import Count, Max
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from articles.api.sync import latest_takedown


def entries_state(queryset) -> tuple[list, list]:
    """(what identifies the set's content, the times it last changed) for a set of entries."""
    state = queryset.aggregate(
        count=Count("id"),
        updated=Max("updated_at"),
        published=Max("published_at"),
        vendor_updated=Max("vendor__updated_at"),
    )
    times = [state["updated"], state["published"], state["vendor_updated"]]
    return list(state.values()), times


def list_state(queryset) -> tuple[list, list]:
    """As :func:`entries_state`, for a list an entry can leave: taking an entry down changes
    the list's modification time."""
    state, times = entries_state(queryset)
    return state, [*times, latest_takedown()]


class Validators:
    def __init__(self, request, *, language: str, state: list, times: list[datetime | None]):
        query = sorted((key, values) for key, values in request.query_params.lists())
        digest = hashlib.sha256(repr((language, query, state)).encode()).hexdigest()[:32]
        self.etag = quote_etag(digest)
        present = [time for time in times if time is not None]
        self.last_modified = int(max(present).timestamp()) if present else None

    def not_modified_response(self, request):
        """The 304 (or 412) response the request's conditions call for, else None."""
        return get_conditional_response(request, etag=self.etag, last_modified=self.last_modified)

    def apply(self, response):
        response.headers["ETag"] = self.etag
        if self.last_modified is not None:
            response.headers["Last-Modified"] = http_date(self.last_modified)
        return response
