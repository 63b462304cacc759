"""Writes to partner API keys: issue, revoke, and authenticate a request's key."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.utils import timezone

from partners.models import PartnerKey

KEY_SCHEME = "Api-Key"
# Recording every request would write on every read; once a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class InvalidPartnerKey(Exception):
    """The key is unknown, malformed or revoked; the message says which, for the partner."""


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def partner_key_create(*, name: str) -> tuple[PartnerKey, str]:
    """A new key for ``name``: the stored record and the raw key, which is never stored."""
    prefix = secrets.token_hex(4)
    raw_key = f"{prefix}.{secrets.token_urlsafe(32)}"
    key = PartnerKey.objects.create(name=name, prefix=prefix, key_hash=hash_key(raw_key))
    return key, raw_key


def partner_key_revoke(*, key: PartnerKey) -> PartnerKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def partner_key_authenticate(*, raw_key: str) -> PartnerKey:
    """The live key matching ``raw_key``; records when it was last used."""
    prefix, dot, _secret = raw_key.partition(".")
    key = PartnerKey.objects.filter(prefix=prefix).first() if dot else None
    if key is None or not hmac.compare_digest(key.key_hash, hash_key(raw_key)):
        raise InvalidPartnerKey("Unknown API key.")
    if key.is_revoked:
        raise InvalidPartnerKey("This API key has been revoked; ask for a new one.")
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        key.last_used_at = now
        PartnerKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
