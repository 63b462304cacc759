from django.db import router
from django.db.models import Count, Max

from kernel.staleness import Reused
from persisted.models import PersistedDocument


def document_text(*, document_id: str, trusted_only: bool) -> str | None:
    """The text of the live (not retired) document ``document_id``; with ``trusted_only``,
    only of one registered from a manifest."""
    documents = PersistedDocument.objects.filter(pk=document_id, retired_at__isnull=True)
    if trusted_only:
        documents = documents.filter(source=PersistedDocument.Source.MANIFEST)
    return documents.values_list("document", flat=True).first()


def document_is_trusted(*, document_id: str) -> bool:
    return PersistedDocument.objects.filter(
        pk=document_id, retired_at__isnull=True, source=PersistedDocument.Source.MANIFEST
    ).exists()


def documents_version() -> str:
    """Changes whenever a document is retired or revived: answers run by id are cached by it,
    so a retired document's stored answers are never served again (by another process, after
    at most ``PUBLIC_HEAD_STALENESS_MS``: each reuses the version it read, as it does the
    publication log's head)."""
    return _versions.get(router.db_for_read(PersistedDocument))


def forget_documents_version() -> None:
    """Read the version afresh on the next request (this process retired or revived one)."""
    _versions.forget()


def _read_version(connection) -> str:
    retired = (
        PersistedDocument.objects.using(connection.alias)
        .filter(retired_at__isnull=False)
        .aggregate(count=Count("pk"), last=Max("retired_at"))
    )
    last = retired["last"].timestamp() if retired["last"] else 0
    return f"{retired['count']}-{last}"


_versions = Reused(_read_version)
