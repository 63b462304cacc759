"""Rebuild the live version of every entry from what was last published."""

from django.core.management.base import BaseCommand

from articles.publishing import live_rebuild


class Command(BaseCommand):
    help = (
        "Re-render every live entry from the content it was published from (run after a "
        "deploy that changes the document shape), and give published entries that have no "
        "live version one. Idempotent: entries whose documents come out the same are left "
        "alone; changed ones are sent to mirrors as updated."
    )

    def handle(self, *args, **options):
        backfilled, changed = live_rebuild()
        self.stdout.write(
            f"Live versions: {backfilled} created for published entries without one, "
            f"{changed} re-rendered with changes."
        )
