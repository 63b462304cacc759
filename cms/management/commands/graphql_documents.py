"""Trusted GraphQL documents: register a frontend's manifest, register the reader site's
documents, retire documents, list them (docs/graphql.md, "Persisted and trusted documents")."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.schema import schema
from persisted.models import PersistedDocument
from persisted.services import InvalidManifest, documents_register, documents_retire
from reader.documents import reader_manifest


class Command(BaseCommand):
    help = "Register, retire and list the persisted GraphQL documents."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        register = actions.add_parser(
            "register",
            help="Register manifests (JSON: SHA-256 hash to document, as graphql-codegen's "
            "client preset writes) as trusted documents; without files, the reader site's.",
        )
        register.add_argument("manifests", nargs="*", type=Path)
        retire = actions.add_parser("retire", help="Retire documents by id (sha256:<hex>).")
        retire.add_argument("ids", nargs="+")
        actions.add_parser("list", help="List the documents: id, source, state, operation.")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def register(self, *, manifests, **_):
        sources = {str(path): self.read(path) for path in manifests} or {
            "the reader site": reader_manifest()
        }
        for name, manifest in sources.items():
            try:
                created, stored = documents_register(manifest=manifest, schema=schema._schema)
            except InvalidManifest as invalid:
                raise CommandError(f"{name}: {invalid}") from invalid
            self.stdout.write(f"{name}: {created} documents registered, {stored} already stored.")

    def retire(self, *, ids, **_):
        retired = documents_retire(ids=ids)
        self.stdout.write(f"{retired} of {len(ids)} documents retired.")

    def list(self, **_):
        for document in PersistedDocument.objects.order_by("created_at"):
            state = "retired" if document.retired_at else "live"
            first_line = document.document.strip().splitlines()[0] if document.document else ""
            self.stdout.write(f"{document.id}  {document.source:9}  {state:7}  {first_line[:60]}")

    @staticmethod
    def read(path: Path) -> object:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}: {error}") from error
