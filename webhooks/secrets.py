"""Signing secrets: Standard Webhooks ``whsec_`` strings, stored encrypted (Fernet) with a key
from settings, so that a database dump alone does not reveal them."""

import base64
import secrets
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "whsec_"


def secret_generate() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _fernet_key(material: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"webhook-secrets")
    return base64.urlsafe_b64encode(hkdf.derive(material.encode()))


@cache
def _cipher(materials: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(material)) for material in materials])


def cipher() -> MultiFernet:
    """The first WEBHOOK_SECRET_KEY encrypts, every one decrypts (key rotation)."""
    return _cipher(tuple(settings.WEBHOOK_SECRET_KEY or [settings.SECRET_KEY]))


def secret_encrypt(secret: str) -> str:
    return cipher().encrypt(secret.encode()).decode()


def secret_decrypt(token: str) -> str:
    return cipher().decrypt(token.encode()).decode()
