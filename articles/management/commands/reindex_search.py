"""Rebuild the search index when the word rules it was built with changed."""

from django.core.management.base import BaseCommand

from articles.search import index_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the search columns of every live entry when the word rules (stemming) they "
        "were built with are older than this release's, and record the new version. Runs "
        "from the migration that changes the rules; idempotent: a current index is left alone."
    )

    def handle(self, *args, **options):
        changed = index_refresh()
        if changed is None:
            self.stdout.write("Search index: already built with the current word rules.")
        else:
            self.stdout.write(
                f"Search index: rebuilt with the current word rules ({changed} documents changed)."
            )
