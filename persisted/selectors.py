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
