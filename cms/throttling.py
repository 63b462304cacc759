from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from cms.clients import client_fingerprint
from cms.models import PartnerKey


class PartnerOrClientThrottle(SimpleRateThrottle):
    """The "partner" rate per API key, else the "anonymous" rate per client fingerprint (never
    the raw address). Rates are read per request from ``REST_FRAMEWORK``."""

    def __init__(self):
        """The scope, and so the rate, depends on the request: see :meth:`allow_request`."""

    def allow_request(self, request, view):
        self.scope = "partner" if isinstance(request.auth, PartnerKey) else "anonymous"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self):
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]

    def get_cache_key(self, request, view):
        if isinstance(request.auth, PartnerKey):
            ident = f"key-{request.auth.pk}"
        else:
            ident = client_fingerprint(request, purpose="api")
        return self.cache_format % {"scope": self.scope, "ident": ident}
