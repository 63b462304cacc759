"""The request budget of every public surface (REST, GraphQL, feeds): one policy, one counter.

A valid ``Authorization: Api-Key`` gets the "partner" rate, counted per key; anyone else the
"anonymous" rate, counted per client fingerprint (never the raw address). Rates are read per
request from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (``API_PARTNER_RATE``,
``API_ANONYMOUS_RATE``). A client has one budget across the surfaces: a request to any of
them spends from it.
"""

from django.conf import settings
from django.http import HttpResponse
from rest_framework.throttling import BaseThrottle

from kernel.clients import client_fingerprint
from kernel.throttling import Budget, Rate, Refused, spend, throttle_view
from partners.authentication import request_key
from partners.models import PartnerKey
from partners.services import KEY_SCHEME, InvalidPartnerKey


def client_budget(request, key: PartnerKey | None) -> Budget:
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    if key is not None:
        return Budget(key=f"partner:key-{key.pk}", rate=Rate.parse(rates["partner"]))
    ident = client_fingerprint(request, purpose="api")
    return Budget(key=f"anonymous:{ident}", rate=Rate.parse(rates["anonymous"]))


def spend_once(request, key: PartnerKey | None) -> int | None:
    """Spend one request from the client's budget, once per request whichever layer asks
    first (the REST response cache answers before DRF's throttle runs): None when it fits,
    else the seconds until the budget resets."""
    request = getattr(request, "_request", request)  # a DRF request: the Django one
    if not hasattr(request, "budget_wait"):
        request.budget_wait = spend(client_budget(request, key))
    return request.budget_wait


class PartnerOrClientThrottle(BaseThrottle):
    """The budget for DRF views, whose authentication has already read the API key."""

    def allow_request(self, request, view):
        key = request.auth if isinstance(request.auth, PartnerKey) else None
        self.retry_after = spend_once(request, key)
        return self.retry_after is None

    def wait(self):
        return self.retry_after


def partner_key(request, *, unauthorized) -> PartnerKey | None:
    """The live key of an ``Authorization: Api-Key`` header, else None. A bad key raises
    :class:`Refused` with ``unauthorized(message)`` (answered 401), as REST does: a revoked
    key is never silently served at the anonymous rate."""
    try:
        return request_key(request)
    except InvalidPartnerKey as invalid:
        response = unauthorized(str(invalid), code="UNAUTHENTICATED")
        response.status_code = 401
        response["WWW-Authenticate"] = KEY_SCHEME
        raise Refused(response) from invalid


def throttled(view=None, *, respond=None):
    """Spend the client's budget before a plain Django view (feeds, GraphQL).

    ``respond(message, **extensions)`` builds an error response in the view's shape (text by
    default; ``extensions`` carry a ``code`` and ``retryAfter`` for shapes that have room for
    them); it is sent as 429 with ``Retry-After`` over the budget, as 401 for a bad API key."""
    respond = respond or plain_text

    def decorate(view):
        return throttle_view(
            view,
            budget=lambda request: client_budget(
                request, partner_key(request, unauthorized=respond)
            ),
            refuse=lambda _request, retry_after: respond(
                too_many(retry_after), code="THROTTLED", retryAfter=retry_after
            ),
        )

    return decorate(view) if view is not None else decorate


def too_many(retry_after: int) -> str:
    """The words DRF uses for REST, so every surface says the same."""
    return f"Request was throttled. Expected available in {retry_after} seconds."


def plain_text(message: str, **_extensions) -> HttpResponse:
    return HttpResponse(message, content_type="text/plain; charset=utf-8")
