from pathlib import Path

from django.conf import settings
from strawberry.printer import print_schema

from cms.schema import schema

SCHEMA_FILE = Path(settings.BASE_DIR) / "schema.graphql"


def test_schema_graphql_matches_the_code():
    """Regenerate with: python manage.py export_schema cms.schema --path schema.graphql"""
    assert SCHEMA_FILE.read_text(encoding="utf-8").strip() == print_schema(schema).strip()
