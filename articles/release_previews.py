"""Release preview links: let the desk see the public surfaces as they will be once a release
is live. A token is signed with the secret key (salt specific to release previews), carries
the release's pk and is valid for ``settings.PREVIEW_TOKEN_MAX_AGE`` seconds. Like an entry's
preview it is not bound to a version: the holder sees the release as it is now."""

from django.conf import settings
from django.core import signing

from articles.models import Release

SALT = "articles.release-preview"


def release_preview_token_create(*, release: Release) -> str:
    return signing.dumps({"release": release.pk}, salt=SALT)


def release_for_preview(*, token: str) -> Release | None:
    """The release ``token`` previews, if the token is valid and the release is not live yet
    (open or scheduled). None for an expired, tampered or malformed token; never raises for
    bad input."""
    if not isinstance(token, str) or not token:
        return None
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.PREVIEW_TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    pk = payload.get("release") if isinstance(payload, dict) else None
    if not isinstance(pk, int):
        return None
    release = Release.objects.filter(pk=pk).first()
    if release is None or release.is_live:
        return None
    return release
