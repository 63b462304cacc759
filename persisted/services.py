"""Registering and retiring persisted GraphQL documents.

An id is ``sha256:`` and the lower-case hex SHA-256 of the document's UTF-8 text (the
GraphQL-over-HTTP persisted documents appendix); Apollo's automatic persisted queries send the
same hash as ``extensions.persistedQuery.sha256Hash``.
"""

import hashlib
import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from graphql import GraphQLError, GraphQLSchema, parse, validate

from edge.services import purge_create
from persisted.models import PersistedDocument
from persisted.selectors import forget_documents_version

SHA256_ID = re.compile(r"sha256:[0-9a-f]{64}")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class InvalidManifest(ValueError):
    pass


def document_id_of(text: str) -> str:
    """The document's id; a text that is not UTF-8 (an unpaired surrogate) gets one too, and
    is refused when it is parsed."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def manifest_documents(manifest: object) -> dict[str, str]:
    """A manifest (graphql-codegen's client preset writes one: a JSON object of hash to
    document) as id to document, every id checked against its document's hash. Keys may be
    the bare hex hash or the ``sha256:`` id."""
    if not isinstance(manifest, dict):
        raise InvalidManifest("A manifest is a JSON object of document hash to document text.")
    documents = {}
    for key, text in manifest.items():
        document_id = f"sha256:{key}" if SHA256_HEX.fullmatch(key) else key
        if not SHA256_ID.fullmatch(document_id):
            raise InvalidManifest(
                f"{key!r} is not a SHA-256 document id (64 lower-case hex digits, with or "
                "without the sha256: prefix)."
            )
        if not isinstance(text, str):
            raise InvalidManifest(f"{key}: the document must be a string.")
        if document_id_of(text) != document_id:
            raise InvalidManifest(
                f"{key}: the id is not the SHA-256 of its document; generate the manifest "
                "with SHA-256 hashes (graphql-codegen: persistedDocuments.hashAlgorithm 'sha256')."
            )
        documents[document_id] = text
    return documents


def documents_register(*, manifest: object, schema: GraphQLSchema) -> tuple[int, int]:
    """Register a manifest's documents as trusted, each validated against ``schema``, all or
    none. A document already stored (by a manifest or by a client) becomes trusted, and a
    retired one live again. Returns how many were new and how many were stored already."""
    documents = manifest_documents(manifest)
    for document_id, text in documents.items():
        try:
            errors = validate(schema, parse(text))
        except GraphQLError as error:
            errors = [error]
        if errors:
            raise InvalidManifest(f"{document_id}: {errors[0].message}")
    with transaction.atomic():
        stored = set(
            PersistedDocument.objects.filter(pk__in=documents).values_list("pk", flat=True)
        )
        PersistedDocument.objects.filter(pk__in=stored).update(
            source=PersistedDocument.Source.MANIFEST, retired_at=None
        )
        transaction.on_commit(forget_documents_version)
        PersistedDocument.objects.bulk_create(
            PersistedDocument(
                id=document_id, document=text, source=PersistedDocument.Source.MANIFEST
            )
            for document_id, text in documents.items()
            if document_id not in stored
        )
    return len(documents) - len(stored), len(stored)


def document_key(document_id: str) -> str:
    """The surrogate key of the answers run by id from the document ``document_id``."""
    return f"document-{document_id.removeprefix('sha256:')}"


@transaction.atomic
def documents_retire(*, ids: Iterable[str]) -> int:
    """Retire the documents ``ids``: they are no longer run by id, and their stored answers
    are never served again, here or by a cache in front (purged). Returns how many were
    live."""
    ids = [f"sha256:{key}" if SHA256_HEX.fullmatch(key) else key for key in ids]
    live = list(
        PersistedDocument.objects.select_for_update()
        .filter(pk__in=ids, retired_at__isnull=True)
        .values_list("pk", flat=True)
    )
    retired = PersistedDocument.objects.filter(pk__in=live).update(retired_at=timezone.now())
    if retired:
        purge_create(keys=[document_key(document_id) for document_id in live])
        transaction.on_commit(forget_documents_version)
    return retired


def document_register_automatic(
    *, document_id: str, document: str, max_documents: int, max_bytes: int
) -> bool:
    """Store a document a client sent the APQ way (its id already checked against it, and the
    document known to be valid): not when it is longer than ``max_bytes``, when
    ``max_documents`` such documents are stored, or when the id is known (a retired document
    stays retired). Returns whether it was stored."""
    if len(document.encode("utf-8")) > max_bytes:
        return False
    automatic = PersistedDocument.objects.filter(source=PersistedDocument.Source.AUTOMATIC)
    if PersistedDocument.objects.filter(pk=document_id).exists():
        return False
    if automatic.count() >= max_documents:
        return False
    try:
        with transaction.atomic():
            PersistedDocument.objects.create(
                id=document_id, document=document, source=PersistedDocument.Source.AUTOMATIC
            )
    except IntegrityError:  # registered meanwhile by another request
        return False
    return True
