from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from partners.models import PartnerKey
from partners.services import KEY_SCHEME, InvalidPartnerKey, partner_key_authenticate


def request_key(request) -> PartnerKey | None:
    """The live key of the request's ``Authorization: Api-Key`` header, None without one;
    :class:`InvalidPartnerKey` for a bad key. Looked up once per request, whichever layer
    asks first (the REST response cache answers before DRF's authentication runs)."""
    request = getattr(request, "_request", request)  # a DRF request: the Django one
    if not hasattr(request, "partner_key"):
        header = get_authorization_header(request).decode("latin-1")
        scheme, _space, raw_key = header.partition(" ")
        request.partner_key = (
            partner_key_authenticate(raw_key=raw_key.strip())
            if scheme.lower() == KEY_SCHEME.lower()
            else None
        )
    return request.partner_key


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <key>``. No header means an anonymous reader; a bad key is an
    error rather than a silent downgrade, so a partner notices a revoked key at once."""

    def authenticate(self, request):
        try:
            key = request_key(request)
        except InvalidPartnerKey as invalid:
            raise AuthenticationFailed(str(invalid)) from invalid
        return None if key is None else (None, key)

    def authenticate_header(self, request):
        return KEY_SCHEME


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: lifts the request rate to the partner rate.",
        }
