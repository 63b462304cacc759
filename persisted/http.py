"""Persisted documents on strawberry's view: a request that names a document by id runs it.

``PersistedDocuments`` is a mixin for a strawberry sync view. It only turns a request into an
ordinary GraphQL request (the document's text in ``query``) before strawberry executes it, so
a persisted request is parsed, limited, priced, cached and tagged like any other:

- ``documentId=sha256:<hex>`` (GET parameter or JSON body member), the GraphQL-over-HTTP
  persisted documents appendix;
- ``extensions.persistedQuery.sha256Hash``, Apollo's automatic persisted queries (APQ): an
  unknown hash answers ``PersistedQueryNotFound``, the client sends the document with its hash
  by POST, and the document is registered once it has run (valid, within the cost limit),
  within ``GRAPHQL["APQ_MAX_DOCUMENTS"]``, ``["APQ_MAX_BYTES"]`` and, per client,
  ``["APQ_REGISTER_RATE"]`` (past them the document runs, unregistered);
- ``GRAPHQL["TRUSTED_DOCUMENTS_ONLY"]``: only documents registered from a manifest run, by id
  or by their text; APQ registration is off.
"""

import dataclasses
from typing import Any

from cross_web import HTTPException
from django.conf import settings
from strawberry.http import GraphQLRequestData

from kernel.clients import client_fingerprint
from kernel.throttling import Budget, Rate, spend
from persisted.selectors import document_is_trusted, document_text
from persisted.services import (
    SHA256_HEX,
    SHA256_ID,
    document_id_of,
    document_register_automatic,
)

NOT_FOUND = "PersistedQueryNotFound"  # the message Apollo clients look for, besides the code


class DocumentRefused(HTTPException):
    """A persisted request refused before execution, with its error's ``code``."""

    def __init__(self, reason: str, code: str, status: int = 400):
        super().__init__(status, reason)
        self.code = code


class PersistedDocuments:
    registration: tuple[str, str] | None = None
    #: The id the request named its document by (``documentId`` or APQ's hash), if any.
    document_id: str | None = None

    def parse_http_body(self, request_adapter):
        data = super().parse_http_body(request_adapter)
        if isinstance(data, list):  # batches are off
            return data
        request = request_adapter.request
        if request.method == "GET":
            document_id = request.GET.get("documentId")
        elif "application/json" in (request.content_type or ""):
            document_id = self.parse_json(request.body).get("documentId")
        else:
            document_id = None
        return self.with_document(request, data, document_id)

    def with_document(self, request, data: GraphQLRequestData, document_id: Any):
        trusted_only = settings.GRAPHQL["TRUSTED_DOCUMENTS_ONLY"]
        apq = (data.extensions or {}).get("persistedQuery")
        if apq is not None:
            if document_id is not None:
                raise DocumentRefused(
                    "Send either documentId or extensions.persistedQuery, not both.", "BAD_REQUEST"
                )
            document_id = self.apq_id(apq)
        elif document_id is not None and not (
            isinstance(document_id, str) and SHA256_ID.fullmatch(document_id)
        ):
            raise DocumentRefused(
                "documentId must be sha256: and the 64 lower-case hex digits of the SHA-256 "
                "of the document's UTF-8 text.",
                "BAD_REQUEST",
            )
        self.document_id = document_id
        if data.query is not None:
            if document_id is None and not trusted_only:
                return data  # an ordinary request
            text_id = document_id_of(data.query)
            if document_id is not None and text_id != document_id:
                raise DocumentRefused(
                    f"The document's SHA-256 id is {text_id}, not {document_id}: send the "
                    "document it names, or its own id.",
                    "PERSISTED_QUERY_HASH_MISMATCH",
                )
            if trusted_only and not document_is_trusted(document_id=text_id):
                raise DocumentRefused(
                    "This server runs only trusted documents: send documentId=sha256:<hex> of a "
                    "document registered from your frontend's manifest "
                    "(manage.py graphql_documents register).",
                    "TRUSTED_DOCUMENTS_ONLY",
                )
            if apq is not None and request.method == "POST" and not trusted_only:
                self.registration = (text_id, data.query)
            return data
        if document_id is None:
            return data  # strawberry answers that the query is missing
        text = document_text(document_id=document_id, trusted_only=trusted_only)
        if text is None:
            raise DocumentRefused(NOT_FOUND, "PERSISTED_QUERY_NOT_FOUND")
        return dataclasses.replace(data, query=text)

    @staticmethod
    def apq_id(apq: Any) -> str:
        if not isinstance(apq, dict) or apq.get("version") != 1:
            raise DocumentRefused(
                "Only version 1 of extensions.persistedQuery is supported.",
                "PERSISTED_QUERY_NOT_SUPPORTED",
            )
        digest = apq.get("sha256Hash")
        if not isinstance(digest, str) or not SHA256_HEX.fullmatch(digest):
            raise DocumentRefused(
                "extensions.persistedQuery.sha256Hash must be the 64 lower-case hex digits of "
                "the SHA-256 of the document's UTF-8 text.",
                "BAD_REQUEST",
            )
        return f"sha256:{digest}"

    def process_result(self, request, result):
        # Registered only once it ran: parsed, valid, within every limit.
        if self.registration is not None and result.data is not None:
            self.register(request, *self.registration)
        return super().process_result(request, result)

    @staticmethod
    def register(request, document_id: str, document: str) -> bool:
        config = settings.GRAPHQL
        budget = Budget(
            key=f"graphql-register:{client_fingerprint(request, purpose='api')}",
            rate=Rate.parse(config["APQ_REGISTER_RATE"]),
        )
        if spend(budget) is not None:
            return False
        return document_register_automatic(
            document_id=document_id,
            document=document,
            max_documents=config["APQ_MAX_DOCUMENTS"],
            max_bytes=config["APQ_MAX_BYTES"],
        )
