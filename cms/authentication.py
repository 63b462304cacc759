from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from cms.services import KEY_SCHEME, InvalidPartnerKey, partner_key_authenticate


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <key>``. No header means an anonymous reader; a bad key is an
    error rather than a silent downgrade, so a partner notices a revoked key at once."""

    def authenticate(self, request):
        scheme, _space, raw_key = get_authorization_header(request).decode("latin-1").partition(" ")
        if scheme.lower() != KEY_SCHEME.lower():
            return None
        try:
            key = partner_key_authenticate(raw_key=raw_key.strip())
        except InvalidPartnerKey as invalid:
            raise AuthenticationFailed(str(invalid)) from invalid
        return (None, key)

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
