"""Preview links: let an editor see an entry on a frontend before it is public.

A token is signed with the secret key (salt specific to previews), carries a timestamp and the
entry's pk and slug, and is valid for ``settings.PREVIEW_TOKEN_MAX_AGE`` seconds. It is not bound
to a version: the holder sees the entry as it is now, so a writer can keep editing while a
colleague reviews through the same link. Changing the slug invalidates it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from articles.documents import SharedData, build_documents, working_copy
from articles.models import Article
from kernel.db_routing import on_primary

SALT = "articles.preview"


def preview_token_create(*, article: Article) -> str:
    return signing.dumps({"pk": article.pk, "slug": article.slug}, salt=SALT)


def preview_token_expires_at(*, created_at: datetime | None = None) -> datetime:
    return (created_at or timezone.now()) + timedelta(seconds=settings.PREVIEW_TOKEN_MAX_AGE)


@on_primary()  # an editor previews what they just saved
def article_for_preview(*, slug: str, token: str) -> Article | None:
    """The entry ``token`` previews, in any state, if the token is valid for ``slug``.

    None for an expired, tampered, malformed or other entry's token; never raises for bad input.
    The entry comes with its page data loaded (``with_page_data()``).
    """
    if not isinstance(token, str) or not isinstance(slug, str) or not token:
        return None
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.PREVIEW_TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("slug") != slug:
        return None
    pk = payload.get("pk")
    if not isinstance(pk, int):
        return None
    return Article.objects.with_page_data().filter(pk=pk, slug=slug).first()


@dataclass(frozen=True)
class Preview:
    """What the previewed entry would look like if it went live now: its documents by
    language (the JSON shape the live version stores), and its vendor."""

    vendor_id: int
    documents: dict[str, dict]


@on_primary()
def preview_documents(*, slug: str, token: str) -> Preview | None:
    """The documents of the entry ``token`` previews, built from its working copy by the code
    publishing uses; None when ``article_for_preview`` refuses the token."""
    article = article_for_preview(slug=slug, token=token)
    if article is None:
        return None
    source = working_copy(article)
    now = timezone.now()
    published_at = article.published_at or now
    documents = build_documents(
        article_id=article.pk,
        source=source,
        published_at=published_at,
        updated_at=max(published_at, now),
        modified_at=max(published_at, now),
        # The bodies' HTML as the last save rendered it (the same renderer publishing uses).
        shared=SharedData(
            [source], rendered={t.body: t.body_html for t in article.translations.all()}
        ),
    )
    return Preview(article.vendor_id, {document.language: document.full for document in documents})
