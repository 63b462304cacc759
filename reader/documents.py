"""The GraphQL documents the reader site sends: one file each in ``reader/documents/``, read
as they are (no build step). The page hands them to its script with their ids; queries go out
as persisted documents by GET (``documentId``), registered with
``manage.py graphql_documents register``. The preview's document, which carries a preview token,
is never registered: it is sent by POST only, and its answers are never cached."""

from functools import cache
from pathlib import Path

from persisted.services import document_id_of

DIRECTORY = Path(__file__).resolve().parent / "documents"
NEVER_PERSISTED = frozenset({"entry_preview"})


@cache
def reader_documents() -> dict[str, dict]:
    """Each document by its file's name: its text and, unless never persisted, its id."""
    documents = {}
    for path in sorted(DIRECTORY.glob("*.graphql")):
        text = path.read_text(encoding="utf-8")
        persisted = path.stem not in NEVER_PERSISTED
        documents[path.stem] = {"query": text, "id": document_id_of(text) if persisted else None}
    return documents


def reader_manifest() -> dict[str, str]:
    """The documents to register, as a manifest: id to text."""
    return {doc["id"]: doc["query"] for doc in reader_documents().values() if doc["id"]}
